package storagetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// party is the actor or the target of a ceiling case: an org role, extra
// grants and workspace roles by workspace name ("w1", "w2").
type party struct {
	role   roles.Role
	grants roles.PermSet
	ws     map[string]roles.Role
}

// ceilingOp is what the actor attempts.
type ceilingOp struct {
	kind   string // add, change, remove, grants, access, unaccess
	role   roles.Role
	grants roles.PermSet
	ws     map[string]roles.Role // add: the newcomer's workspace roles
	in     string                // access, unaccess: the workspace
}

// ceilingCase is one row of who may grant what.
type ceilingCase struct {
	name    string
	actor   party
	target  party // unused by add
	op      ceilingOp
	allowed bool
}

var (
	asOwner  = party{role: roles.OrgOwner}
	asAdmin  = party{role: roles.OrgAdmin}
	asMember = party{role: roles.OrgMember}
	asGuest  = party{role: roles.OrgGuest}
)

func inW1(role roles.Role) map[string]roles.Role { return map[string]roles.Role{"w1": role} }

// ceilingCases is the table of actor role x target role x expected outcome.
var ceilingCases = []ceilingCase{
	// Adding members.
	{"OwnerAddsAnOwner", asOwner, party{}, ceilingOp{kind: "add", role: roles.OrgOwner}, true},
	{"OwnerAddsAnAdminWithBilling", asOwner, party{}, ceilingOp{kind: "add", role: roles.OrgAdmin, grants: roles.Grants(roles.PermBilling)}, true},
	{"AdminAddsAMember", asAdmin, party{}, ceilingOp{kind: "add", role: roles.OrgMember}, true},
	{"AdminAddsAnAdmin", asAdmin, party{}, ceilingOp{kind: "add", role: roles.OrgAdmin}, true},
	{"AdminCannotAddAnOwner", asAdmin, party{}, ceilingOp{kind: "add", role: roles.OrgOwner}, false},
	{"AdminCannotGiveTheBillingGrant", asAdmin, party{}, ceilingOp{kind: "add", role: roles.OrgMember, grants: roles.Grants(roles.PermBilling)}, false},
	{"AdminCannotGiveTheViewBillingGrant", asAdmin, party{}, ceilingOp{kind: "add", role: roles.OrgMember, grants: roles.Grants(roles.PermViewBilling)}, false},
	{"AdminGivesTheInviteGrant", asAdmin, party{}, ceilingOp{kind: "add", role: roles.OrgMember, grants: roles.Grants(roles.PermInvite)}, true},
	{"AdminAddsAWorkspaceAdmin", asAdmin, party{}, ceilingOp{kind: "add", role: roles.OrgMember, ws: inW1(roles.WorkspaceAdmin)}, true},
	{"MemberCannotAddAMember", asMember, party{}, ceilingOp{kind: "add", role: roles.OrgMember}, false},
	{"MemberCannotAddAGuest", asMember, party{}, ceilingOp{kind: "add", role: roles.OrgGuest}, false},
	{"GuestCannotAddAGuest", asGuest, party{}, ceilingOp{kind: "add", role: roles.OrgGuest}, false},
	{"WorkspaceAdminCannotAddMembers", party{role: roles.OrgMember, ws: inW1(roles.WorkspaceAdmin)}, party{}, ceilingOp{kind: "add", role: roles.OrgMember, ws: inW1(roles.WorkspaceViewer)}, false},
	{"MemberWithManageGrantAddsAPeer", party{role: roles.OrgMember, grants: roles.Grants(roles.PermManageMembers)}, party{}, ceilingOp{kind: "add", role: roles.OrgMember}, true},
	{"MemberWithManageGrantCannotAddAnAdmin", party{role: roles.OrgMember, grants: roles.Grants(roles.PermManageMembers)}, party{}, ceilingOp{kind: "add", role: roles.OrgAdmin}, false},
	{"MemberWithManageGrantCannotGiveAWorkspaceItLacks", party{role: roles.OrgMember, grants: roles.Grants(roles.PermManageMembers)}, party{}, ceilingOp{kind: "add", role: roles.OrgMember, ws: inW1(roles.WorkspaceViewer)}, false},
	{"MemberWithManageGrantGivesAWorkspaceRoleBelowItsOwn", party{role: roles.OrgMember, grants: roles.Grants(roles.PermManageMembers), ws: inW1(roles.WorkspaceContributor)}, party{}, ceilingOp{kind: "add", role: roles.OrgMember, ws: inW1(roles.WorkspaceViewer)}, true},
	{"MemberWithManageGrantCannotGiveAWorkspaceRoleAboveItsOwn", party{role: roles.OrgMember, grants: roles.Grants(roles.PermManageMembers), ws: inW1(roles.WorkspaceContributor)}, party{}, ceilingOp{kind: "add", role: roles.OrgMember, ws: inW1(roles.WorkspaceAdmin)}, false},

	// Changing roles.
	{"AdminPromotesAMemberToAdmin", asAdmin, asMember, ceilingOp{kind: "change", role: roles.OrgAdmin}, true},
	{"AdminChangesAnAdmin", asAdmin, asAdmin, ceilingOp{kind: "change", role: roles.OrgMember}, true},
	{"AdminCannotDemoteAnOwner", asAdmin, asOwner, ceilingOp{kind: "change", role: roles.OrgAdmin}, false},
	{"AdminCannotMakeAnOwner", asAdmin, asMember, ceilingOp{kind: "change", role: roles.OrgOwner}, false},
	{"OwnerMakesAnOwner", asOwner, asAdmin, ceilingOp{kind: "change", role: roles.OrgOwner}, true},
	{"OwnerDemotesAnotherOwner", asOwner, asOwner, ceilingOp{kind: "change", role: roles.OrgMember}, true},
	{"MemberCannotPromote", asMember, asMember, ceilingOp{kind: "change", role: roles.OrgAdmin}, false},
	{"MemberCannotDemote", asMember, asMember, ceilingOp{kind: "change", role: roles.OrgGuest}, false},
	{"MemberWithManageGrantCannotChangeAnAdmin", party{role: roles.OrgMember, grants: roles.Grants(roles.PermManageMembers)}, asAdmin, ceilingOp{kind: "change", role: roles.OrgMember}, false},
	{"MemberWithManageGrantCannotPromoteAboveItself", party{role: roles.OrgMember, grants: roles.Grants(roles.PermManageMembers)}, asMember, ceilingOp{kind: "change", role: roles.OrgAdmin}, false},

	// Removing members.
	{"AdminRemovesAMember", asAdmin, asMember, ceilingOp{kind: "remove"}, true},
	{"AdminRemovesAnAdmin", asAdmin, asAdmin, ceilingOp{kind: "remove"}, true},
	{"AdminCannotRemoveAnOwner", asAdmin, asOwner, ceilingOp{kind: "remove"}, false},
	{"OwnerRemovesAnotherOwner", asOwner, asOwner, ceilingOp{kind: "remove"}, true},
	{"MemberCannotRemoveAMember", asMember, asMember, ceilingOp{kind: "remove"}, false},
	{"GuestCannotRemoveAGuest", asGuest, asGuest, ceilingOp{kind: "remove"}, false},

	// Extra grants.
	{"OwnerGivesBilling", asOwner, asAdmin, ceilingOp{kind: "grants", grants: roles.Grants(roles.PermBilling)}, true},
	{"AdminCannotGiveBilling", asAdmin, asMember, ceilingOp{kind: "grants", grants: roles.Grants(roles.PermBilling)}, false},
	{"AdminGivesAPIAccess", asAdmin, asMember, ceilingOp{kind: "grants", grants: roles.Grants(roles.PermAPIAccess)}, true},
	{"AdminCannotChangeAnOwnersGrants", asAdmin, asOwner, ceilingOp{kind: "grants", grants: roles.Grants(roles.PermInvite)}, false},
	{"MemberCannotGiveGrants", asMember, asMember, ceilingOp{kind: "grants", grants: roles.Grants(roles.PermViewMembers)}, false},
	{"MemberWithInviteGrantCannotPassItOn", party{role: roles.OrgMember, grants: roles.Grants(roles.PermInvite)}, asMember, ceilingOp{kind: "grants", grants: roles.Grants(roles.PermInvite)}, false},

	// Workspace access: the workspace ceiling.
	{"AdminGivesWorkspaceAdmin", asAdmin, asMember, ceilingOp{kind: "access", in: "w1", role: roles.WorkspaceAdmin}, true},
	{"WorkspaceAdminGivesContributorInItsWorkspace", party{role: roles.OrgMember, ws: inW1(roles.WorkspaceAdmin)}, party{role: roles.OrgMember, ws: inW1(roles.WorkspaceViewer)}, ceilingOp{kind: "access", in: "w1", role: roles.WorkspaceContributor}, true},
	{"WorkspaceAdminCannotGiveAccessToAnotherWorkspace", party{role: roles.OrgMember, ws: inW1(roles.WorkspaceAdmin)}, asMember, ceilingOp{kind: "access", in: "w2", role: roles.WorkspaceViewer}, false},
	{"ContributorCannotGiveAccess", party{role: roles.OrgMember, ws: inW1(roles.WorkspaceContributor)}, asMember, ceilingOp{kind: "access", in: "w1", role: roles.WorkspaceViewer}, false},
	{"MemberWithoutAccessCannotGiveAccess", asMember, asMember, ceilingOp{kind: "access", in: "w1", role: roles.WorkspaceViewer}, false},
	{"GuestCannotGiveAccess", party{role: roles.OrgGuest, ws: inW1(roles.WorkspaceViewer)}, asMember, ceilingOp{kind: "access", in: "w1", role: roles.WorkspaceViewer}, false},
	{"WorkspaceAdminRemovesAccessInItsWorkspace", party{role: roles.OrgMember, ws: inW1(roles.WorkspaceAdmin)}, party{role: roles.OrgMember, ws: inW1(roles.WorkspaceViewer)}, ceilingOp{kind: "unaccess", in: "w1"}, true},
	{"ContributorCannotRemoveAccess", party{role: roles.OrgMember, ws: inW1(roles.WorkspaceContributor)}, party{role: roles.OrgMember, ws: inW1(roles.WorkspaceViewer)}, ceilingOp{kind: "unaccess", in: "w1"}, false},
}

// testCeiling runs the table of who may grant what: nobody grants more than
// they hold, changes someone ranked above them, or makes an owner without
// being one. Allowed rows take effect; denied rows fail with ErrForbidden,
// change nothing and leave a denied audit event.
func testCeiling(t *testing.T, newStore func(t *testing.T) Store) {
	testCatalogRules(t, newStore)
	testUnusableCatalog(t, newStore)
	testLeadCatalogs(t, newStore)
	for _, c := range ceilingCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			f := newFixture(t, newStore)
			wsIDs := map[string]uuid.UUID{"w1": f.workspace(t, "w1").ID, "w2": f.workspace(t, "w2").ID}
			byName := func(m map[string]roles.Role) map[uuid.UUID]roles.Role {
				if len(m) == 0 {
					return nil
				}
				out := make(map[uuid.UUID]roles.Role, len(m))
				for n, r := range m {
					out[wsIDs[n]] = r
				}
				return out
			}
			for user, p := range map[string]party{"actor": c.actor, "target": c.target} {
				if p.role == "" {
					continue
				}
				_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{
					UserID: user, Email: email(user), Role: p.role, Grants: p.grants, Workspaces: byName(p.ws),
				})
				if err != nil {
					t.Fatalf("setting up %s as %s: %v", user, p.role, err)
				}
			}

			before := f.snap(t)
			auditBefore := f.audit(t)
			var err error
			switch c.op.kind {
			case "add":
				_, err = f.svc.AddMember(f.ctx, "actor", f.org.ID, membership.NewMember{
					UserID: "newbie", Email: email("newbie"), Role: c.op.role, Grants: c.op.grants, Workspaces: byName(c.op.ws),
				})
			case "change":
				_, err = f.svc.ChangeRole(f.ctx, "actor", f.org.ID, "target", c.op.role)
			case "remove":
				err = f.svc.RemoveMember(f.ctx, "actor", f.org.ID, "target")
			case "grants":
				_, err = f.svc.SetGrants(f.ctx, "actor", f.org.ID, "target", c.op.grants)
			case "access":
				_, err = f.svc.SetWorkspaceAccess(f.ctx, "actor", f.org.ID, wsIDs[c.op.in], "target", c.op.role)
			case "unaccess":
				err = f.svc.RemoveWorkspaceAccess(f.ctx, "actor", f.org.ID, wsIDs[c.op.in], "target")
			default:
				t.Fatalf("unknown op %q", c.op.kind)
			}

			if !c.allowed {
				if !errors.Is(err, membership.ErrForbidden) {
					t.Fatalf("%s %+v by %s: got %v, want ErrForbidden", c.op.kind, c.op, c.actor.role, err)
				}
				f.unchanged(t, before)
				var denied bool
				for _, e := range newEvents(auditBefore, f.audit(t)) {
					denied = denied || (e.Denied && e.Actor == "actor")
				}
				is.True(denied) // the refused attempt is audited with Denied set
				return
			}
			if err != nil {
				t.Fatalf("%s %+v by %s: %v", c.op.kind, c.op, c.actor.role, err)
			}
			switch c.op.kind {
			case "add":
				m := f.member(t, "newbie")
				is.Equal(m.Role, c.op.role)
				is.Equal(m.Grants, c.op.grants)
				want := byName(c.op.ws)
				if want == nil {
					want = map[uuid.UUID]roles.Role{}
				}
				is.Equal(f.access(t, "newbie"), want)
			case "change":
				is.Equal(f.member(t, "target").Role, c.op.role)
			case "remove":
				is.True(!f.isMember(t, "target"))
			case "grants":
				is.Equal(f.member(t, "target").Grants, c.op.grants)
			case "access":
				is.Equal(f.access(t, "target")[wsIDs[c.op.in]], c.op.role)
			case "unaccess":
				_, has := f.access(t, "target")[wsIDs[c.op.in]]
				is.True(!has)
			}
		})
	}
}

// testCatalogRules checks what the catalog decides through the Service:
// permissions it does not define, and catalogs with custom roles.
func testCatalogRules(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ChecksOfAPermissionTheCatalogDoesNotDefineAreInvalidRole", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "w1")
		// 73 would read as org.delete if masked to 6 bits; 12 and 31 are
		// free bits of the built-in range; 32 and 63 are free custom bits.
		for _, p := range []roles.Permission{12, 31, roles.FirstCustom, roles.MaxPermission, 64, 73, 255} {
			for _, user := range []string{f.owner, "stranger"} {
				ok, err := f.svc.Can(f.ctx, f.org.ID, user, w.ID, p)
				if ok || !errors.Is(err, membership.ErrInvalidRole) {
					t.Errorf("Can(%s, permission %d) = %v, %v; want false, ErrInvalidRole", user, p, ok, err)
				}
				ok, err = f.svc.CanOrg(f.ctx, f.org.ID, user, p)
				if ok || !errors.Is(err, membership.ErrInvalidRole) {
					t.Errorf("CanOrg(%s, permission %d) = %v, %v; want false, ErrInvalidRole", user, p, ok, err)
				}
			}
		}
		// CanOrg answers for organization permissions; a workspace one
		// needs a workspace.
		ok, err := f.svc.CanOrg(f.ctx, f.org.ID, f.owner, roles.PermView)
		if ok || !errors.Is(err, membership.ErrInvalidRole) {
			t.Errorf("CanOrg(owner, view) = %v, %v; want false, ErrInvalidRole", ok, err)
		}
		if !f.can(t, f.owner, w.ID, roles.PermView) || !f.canOrg(t, f.owner, roles.PermDeleteOrganization) {
			t.Error("the owner's defined permissions must still be answered")
		}
	})

	t.Run("RequiringAPermissionTheCatalogDoesNotDefineIsInvalidRole", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		require := func(p roles.Permission) error {
			return membership.Extend(f.svc, membership.ExtensionOptions{}).Mutate(f.ctx, f.owner, f.org.ID, "host.action", func(ctx context.Context, op *membership.Op) error {
				return op.Require(p)
			})
		}
		for _, p := range []roles.Permission{12, 31, roles.FirstCustom, 73, roles.PermView} {
			if err := require(p); !errors.Is(err, membership.ErrInvalidRole) {
				t.Errorf("Require(permission %d): got %v, want ErrInvalidRole", p, err)
			}
		}
		if err := require(roles.PermDeleteOrganization); err != nil {
			t.Errorf("the owner holds org.delete: %v", err)
		}
	})

	t.Run("AMemberGrantedBillingMayViewBilling", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "w1")
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice"),
			Grants: roles.Grants(roles.PermBilling), Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer}})
		if err != nil {
			t.Fatal(err)
		}
		f.add(t, "bob", roles.OrgMember)
		if !f.canOrg(t, "alice", roles.PermViewBilling) || !f.can(t, "alice", w.ID, roles.PermViewBilling) {
			t.Error("managing billing must include viewing it")
		}
		if f.canOrg(t, "bob", roles.PermViewBilling) {
			t.Error("a plain member views billing")
		}
		// Alice may hand on what she holds: viewing billing. Not to herself:
		// SetGrants needs the manage-members permission, which she gets too.
		_, err = f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", roles.Grants(roles.PermBilling, roles.PermManageMembers))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetGrants(f.ctx, "alice", f.org.ID, "bob", roles.Grants(roles.PermViewBilling)); err != nil {
			t.Errorf("alice lets bob view billing: %v", err)
		}
		if !f.canOrg(t, "bob", roles.PermViewBilling) || f.canOrg(t, "bob", roles.PermBilling) {
			t.Error("bob must view billing, not manage it")
		}
	})

	t.Run("AnOutOfRangePermissionCannotBeGranted", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		f.add(t, "alice", roles.OrgMember)
		before := f.snap(t)
		bad := roles.Grants(73) // 73 & 63 is org.delete
		_, err := f.svc.SetGrants(f.ctx, f.owner, f.org.ID, "alice", bad)
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "bob", Email: email("bob"), Grants: bad})
		wantErr(t, err, membership.ErrInvalidRole)
		f.unchanged(t, before)
		if f.canOrg(t, "alice", roles.PermDeleteOrganization) {
			t.Error("alice may delete the organization")
		}
	})
}

func testUnusableCatalog(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("NewRefusesAZeroCatalogWithInvalidRole", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		before := f.snap(t)
		svc, err := membership.New(f.st, membership.Options{Roles: &roles.Catalog{}, Clock: f.clk, Dispatcher: discard})
		if !errors.Is(err, membership.ErrInvalidRole) || svc != nil {
			t.Fatalf("New with a zero catalog = %v, %v; want nil and ErrInvalidRole", svc, err)
		}
		f.unchanged(t, before)
	})
}

// leadCatalog is a custom catalog with an ordinary "lead" who manages
// members and an all-workspaces "supervisor" (an admin of every workspace),
// ranked as given. The owner role is named as in the default catalog, so
// a fixture's organization serves under either.
func leadCatalog(lead, supervisor int) roles.CatalogSpec {
	manage := roles.Grants(roles.PermViewMembers, roles.PermManageMembers, roles.PermInvite)
	return roles.CatalogSpec{
		OrgRoles: []roles.RoleDef{
			{Name: roles.OrgOwner, Rank: 50, Owner: true, AllWorkspaces: true, Perms: manage | roles.Grants(roles.PermManageWorkspaces)},
			{Name: "lead", Rank: lead, Perms: manage},
			{Name: "supervisor", Rank: supervisor, AllWorkspaces: true, Perms: manage},
			{Name: roles.OrgMember, Rank: 10, Perms: roles.Grants(roles.PermViewMembers)},
		},
		WorkspaceRoles: []roles.RoleDef{
			{Name: roles.WorkspaceAdmin, Rank: 2, Perms: roles.Grants(roles.PermView, roles.PermManagePeople)},
			{Name: roles.WorkspaceViewer, Rank: 1, Perms: roles.Grants(roles.PermView)},
		},
	}
}

// testLeadCatalogs: whatever the ranks of a catalog, a lead without access
// to a workspace never makes anyone, itself included, an admin of every
// workspace. A catalog ranking the lead at or above the supervisor is
// refused by NewCatalog; where one is accepted, the Service refuses.
func testLeadCatalogs(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ALeadCannotMakeAnyoneAdminOfEveryWorkspace", func(t *testing.T) {
		t.Parallel()
		for _, ranks := range [][2]int{{30, 20}, {20, 20}, {20, 30}} {
			lead, supervisor := ranks[0], ranks[1]
			cat, err := roles.NewCatalog(leadCatalog(lead, supervisor))
			if lead >= supervisor {
				// The ranks contradict the powers: the catalog is refused,
				// naming both roles.
				if !errors.Is(err, roles.ErrInvalidRole) {
					t.Errorf("lead %d, supervisor %d: NewCatalog: got %v, want ErrInvalidRole", lead, supervisor, err)
				} else if msg := err.Error(); !strings.Contains(msg, `"lead"`) || !strings.Contains(msg, `"supervisor"`) {
					t.Errorf("lead %d, supervisor %d: the error does not name both roles: %v", lead, supervisor, err)
				}
			}
			if err != nil {
				continue
			}
			t.Run(fmt.Sprintf("Lead%dSupervisor%d", lead, supervisor), func(t *testing.T) {
				f := newFixture(t, newStore)
				f.svc = newMembership(t, f.st, membership.Options{Roles: cat, Clock: f.clk, Dispatcher: discard})
				w := f.workspace(t, "w1")
				f.add(t, "lead", "lead")
				f.add(t, "peer", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
				before := f.snap(t)
				_, err := f.svc.AddMember(f.ctx, "lead", f.org.ID, membership.NewMember{UserID: "newbie", Email: email("newbie"), Role: "supervisor"})
				wantErr(t, err, membership.ErrForbidden)
				_, err = f.svc.ChangeRole(f.ctx, "lead", f.org.ID, "lead", "supervisor")
				wantErr(t, err, membership.ErrForbidden)
				_, err = f.svc.ChangeRole(f.ctx, "lead", f.org.ID, "peer", "supervisor")
				wantErr(t, err, membership.ErrForbidden)
				f.unchanged(t, before)
				if canIn(t, f.ctx, f.svc, f.org.ID, "lead", w.ID, roles.PermManagePeople) {
					t.Error("the lead administers a workspace it was never given")
				}
				// The lead keeps the authority it has: adding a member.
				if _, err := f.svc.AddMember(f.ctx, "lead", f.org.ID, membership.NewMember{UserID: "newbie", Email: email("newbie")}); err != nil {
					t.Errorf("lead adds a member: %v", err)
				}
			})
		}
	})
}
