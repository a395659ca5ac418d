package storagetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testCheckModel applies random changes through the membership Service and,
// after each, compares every answer of Can and CanOrg with one recomputed
// from the store's plain reads (Member, MemberAccess, Workspaces) and the
// catalog's role definitions. A store that keeps permissions ahead of time
// (membership.PermissionIndex) must keep them exact under every change:
// role changes, grants, workspace access given and taken, deactivation,
// removal, workspaces created and deleted, rolled-back transactions, the
// organization's deletion, and Services of another catalog over the same
// store.
func testCheckModel(t *testing.T, newStore func(t *testing.T) Store) {
	for _, c := range []struct {
		name        string
		customFirst bool
		seed        uint64
	}{
		{"CanMatchesRolesAndAccessAfterRandomChanges", false, 1},
		{"CanMatchesRolesAndAccessWhenAnotherCatalogCameFirst", true, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runCheckModel(t, newStore, c.customFirst, c.seed)
		})
	}
}

// modelCatalog uses the default role names with other permissions: its
// admins reach workspaces only through access, and it defines a custom
// permission in each scope.
func modelCatalog(t *testing.T) *roles.Catalog {
	t.Helper()
	const publish, reports = roles.FirstCustom + 8, roles.FirstCustom + 9
	viewer := roles.Grants(roles.PermView)
	contributor := viewer.Union(roles.Grants(roles.PermComment, roles.PermUploadVideo))
	plus := contributor.Union(roles.Grants(roles.PermEdit, roles.PermShare))
	wsAll := plus.Union(roles.Grants(roles.PermDelete, roles.PermViewAnalytics, roles.PermManageFolders,
		roles.PermManagePeople, roles.PermAdvancedTools, roles.PermLiveEvents, publish))
	member := roles.Grants(roles.PermViewMembers)
	admin := member.Union(roles.Grants(roles.PermManageMembers, roles.PermInvite, roles.PermViewAudit, roles.PermViewBilling, reports))
	owner := admin.Union(roles.Grants(roles.PermManageSettings, roles.PermBilling, roles.PermAPIAccess,
		roles.PermManageWorkspaces, roles.PermDeleteOrganization))
	cat, err := roles.NewCatalog(roles.CatalogSpec{
		OrgRoles: []roles.RoleDef{
			{Name: roles.OrgOwner, Rank: 40, Perms: owner, Owner: true, AllWorkspaces: true},
			{Name: roles.OrgAdmin, Rank: 30, Perms: admin},
			{Name: roles.OrgMember, Rank: 20, Perms: member},
			{Name: roles.OrgGuest, Rank: 10, Guest: true},
		},
		WorkspaceRoles: []roles.RoleDef{
			{Name: roles.WorkspaceAdmin, Rank: 40, Perms: wsAll},
			{Name: roles.WorkspaceContributorPlus, Rank: 30, Perms: plus},
			{Name: roles.WorkspaceContributor, Rank: 20, Perms: contributor},
			{Name: roles.WorkspaceViewer, Rank: 10, Perms: viewer},
		},
		Permissions: []roles.PermissionSpec{
			{Name: "publish", Permission: publish, Scope: roles.ScopeWorkspace},
			{Name: "reports", Permission: reports, Scope: roles.ScopeOrg},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// checker is a Service whose answers the model compares, with the
// permissions its catalog defines.
type checker struct {
	name string
	svc  *membership.Service
	perm []roles.Permission
}

func newChecker(t testing.TB, name string, st Store, clk membership.Clock, cat *roles.Catalog) checker {
	c := checker{name: name}
	if st != nil {
		c.svc = newMembership(t, st, membership.Options{Roles: cat, Clock: clk, Dispatcher: discard})
	}
	for p := roles.Permission(0); p <= roles.MaxPermission; p++ {
		if _, err := cat.PermissionScope(p); err == nil {
			c.perm = append(c.perm, p)
		}
	}
	return c
}

func runCheckModel(t *testing.T, newStore func(t *testing.T) Store, customFirst bool, seed uint64) {
	st := newStore(t)
	clk := newClock()
	// The first Service made over a store may decide what it indexes, so
	// each catalog comes first in one of the two runs.
	var custom checker
	if customFirst {
		custom = newChecker(t, "custom catalog", st, clk, modelCatalog(t))
	}
	f := newFixture(t, newStore, onStore(st))
	def := newChecker(t, "default catalog", nil, clk, f.svc.Roles())
	def.svc = f.svc
	again := newChecker(t, "default catalog made again", st, clk, roles.Default())
	if !customFirst {
		custom = newChecker(t, "custom catalog", st, clk, modelCatalog(t))
	}
	checkers := []checker{def, again, custom}
	other := newFixture(t, newStore, onStore(st))
	foreign := other.workspace(t, "Foreign")

	r := rand.New(rand.NewPCG(seed, 0x5eed))
	ctx := f.ctx
	users := []string{f.owner, "u1", "u2", "u3", "u4", "u5"}
	orgRoles := []roles.Role{roles.OrgOwner, roles.OrgAdmin, roles.OrgMember, roles.OrgMember, roles.OrgGuest}
	wsRoles := []roles.Role{roles.WorkspaceAdmin, roles.WorkspaceContributorPlus, roles.WorkspaceContributor, roles.WorkspaceViewer}
	grantable := []roles.Permission{roles.PermBilling, roles.PermAPIAccess, roles.PermViewAudit, roles.PermInvite, roles.PermManageWorkspaces}
	spaces := []uuid.UUID{f.workspace(t, "W0").ID, f.workspace(t, "W1").ID}
	named := 2
	pickUser := func() string { return users[1+r.IntN(len(users)-1)] } // never the creator, who stays owner
	pickWs := func() uuid.UUID {
		if len(spaces) == 0 || r.IntN(8) == 0 {
			return uuid.Must(uuid.NewV7()) // a workspace that does not exist
		}
		return spaces[r.IntN(len(spaces))]
	}

	// change applies one random change with the Service's context ctx; an
	// error refused by the Service's rules (forbidden, not found...) is a
	// valid outcome and changes nothing.
	change := func(ctx context.Context) (string, error) {
		u := pickUser()
		switch k := r.IntN(12); k {
		case 0, 1:
			nm := membership.NewMember{UserID: u, Email: email(u), Role: orgRoles[r.IntN(len(orgRoles))]}
			if len(spaces) > 0 {
				nm.Workspaces = map[uuid.UUID]roles.Role{spaces[r.IntN(len(spaces))]: wsRoles[r.IntN(len(wsRoles))]}
			}
			_, err := f.svc.AddMember(ctx, f.owner, f.org.ID, nm)
			return fmt.Sprintf("add %s as %s", u, nm.Role), err
		case 2:
			role := orgRoles[r.IntN(len(orgRoles))]
			_, err := f.svc.ChangeRole(ctx, f.owner, f.org.ID, u, role)
			return fmt.Sprintf("change %s to %s", u, role), err
		case 3:
			var g roles.PermSet
			for _, p := range grantable {
				if r.IntN(3) == 0 {
					g |= roles.Grants(p)
				}
			}
			_, err := f.svc.SetGrants(ctx, f.owner, f.org.ID, u, g)
			return fmt.Sprintf("grant %s %s", u, g), err
		case 4, 5:
			w, role := pickWs(), wsRoles[r.IntN(len(wsRoles))]
			_, err := f.svc.SetWorkspaceAccess(ctx, f.owner, f.org.ID, w, u, role)
			return fmt.Sprintf("give %s %s in %s", u, role, w), err
		case 6:
			w := pickWs()
			return fmt.Sprintf("take %s's access to %s", u, w), f.svc.RemoveWorkspaceAccess(ctx, f.owner, f.org.ID, w, u)
		case 7:
			if r.IntN(2) == 0 {
				_, err := f.svc.Deactivate(ctx, f.owner, f.org.ID, u)
				return "deactivate " + u, err
			}
			_, err := f.svc.Reactivate(ctx, f.owner, f.org.ID, u)
			return "reactivate " + u, err
		case 8:
			return "remove " + u, f.svc.RemoveMember(ctx, f.owner, f.org.ID, u)
		case 9:
			if len(spaces) >= 4 {
				break
			}
			w, err := f.svc.CreateWorkspace(ctx, f.owner, f.org.ID, fmt.Sprintf("W%d", named))
			named++
			if err == nil {
				spaces = append(spaces, w.ID)
			}
			return "create workspace " + w.Name, err
		case 10:
			if len(spaces) == 0 {
				break
			}
			i := r.IntN(len(spaces))
			w := spaces[i]
			err := f.svc.DeleteWorkspace(ctx, f.owner, f.org.ID, w)
			if err == nil {
				spaces = append(spaces[:i:i], spaces[i+1:]...)
			}
			return fmt.Sprintf("delete workspace %s", w), err
		}
		_, err := f.svc.ChangeRole(ctx, f.owner, f.org.ID, u, roles.OrgMember)
		return fmt.Sprintf("change %s to member", u), err
	}

	const steps = 200
	applied := 0
	for step := range steps {
		if step%10 == 9 {
			// A change rolled back: checks in the transaction see it, and
			// after the rollback nobody does.
			saved := append([]uuid.UUID(nil), spaces...)
			errRollback := errors.New("roll back")
			err := f.st.Transact(ctx, func(ctx context.Context) error {
				what, err := change(ctx)
				if err == nil {
					compareModel(t, ctx, f, r, checkers[:1], users, spaces, foreign.ID, fmt.Sprintf("step %d, in the transaction of %s", step, what))
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("step %d: Transact = %v", step, err)
			}
			spaces = saved
			compareModel(t, ctx, f, r, checkers, users, spaces, foreign.ID, fmt.Sprintf("step %d, after a rollback", step))
			continue
		}
		what, err := change(ctx)
		if err == nil {
			applied++
		}
		// Every permission of every checker now and then; a sample of
		// the first checker's otherwise.
		if step%20 == 0 || step == steps-1 {
			compareModel(t, ctx, f, nil, checkers, users, spaces, foreign.ID, fmt.Sprintf("step %d, after %s (%v)", step, what, err))
		} else {
			compareModel(t, ctx, f, r, checkers[:1], users, spaces, foreign.ID, fmt.Sprintf("step %d, after %s (%v)", step, what, err))
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("%d of %d random changes applied", applied, steps)
	if applied < steps/4 {
		t.Fatalf("only %d of %d random changes were applied: the model tested too little", applied, steps)
	}

	if err := f.svc.DeleteOrganization(ctx, f.owner, f.org.ID); err != nil {
		t.Fatalf("DeleteOrganization: %v", err)
	}
	compareModel(t, ctx, f, nil, checkers, users, spaces, foreign.ID, "after the organization's deletion")
}

// compareModel compares each checker's Can, for every user, workspace
// (plus one of another organization) and permission, and CanOrg, for every
// org-scope permission but invite (CanInvite's own rules), with what the
// store's reads and the checker's catalog say.
//
// With a nil r, it asks about every permission; otherwise, to keep the
// suite fast on SQL stores, about three random ones per user and
// workspace.
func compareModel(t *testing.T, ctx context.Context, f *fixture, r *rand.Rand, checkers []checker, users []string, spaces []uuid.UUID, foreign uuid.UUID, when string) {
	t.Helper()
	exists := map[uuid.UUID]bool{}
	all, _, err := f.st.Workspaces(ctx, f.org.ID, storage.Page{Limit: 500})
	if err != nil {
		t.Fatalf("%s: Workspaces: %v", when, err)
	}
	for _, w := range all {
		exists[w.ID] = true
	}
	for _, u := range users {
		m, err := f.st.Member(ctx, f.org.ID, u)
		member := err == nil
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s: Member(%s): %v", when, u, err)
		}
		access, err := f.st.MemberAccess(ctx, f.org.ID, u)
		if err != nil {
			t.Fatalf("%s: MemberAccess(%s): %v", when, u, err)
		}
		held := map[uuid.UUID]roles.Role{}
		for _, a := range access {
			held[a.WorkspaceID] = a.Role
		}
		for _, c := range checkers {
			cat := c.svc.Roles()
			var orgPerms roles.PermSet
			orgDef, orgErr := cat.OrgRole(m.Role)
			active := member && !m.Deactivated && orgErr == nil
			if active {
				orgPerms = closePerms(orgDef.Perms | m.Grants)
			}
			for _, w := range append(spaces[:len(spaces):len(spaces)], foreign) {
				var want roles.PermSet
				switch {
				case !active, !exists[w]:
				case orgDef.AllWorkspaces:
					want = closePerms(orgPerms | cat.TopWorkspaceRole().Perms)
				default:
					if def, err := cat.WorkspaceRole(held[w]); held[w] != "" && err == nil {
						want = closePerms(orgPerms | def.Perms)
					}
				}
				for _, p := range sample(r, c.perm) {
					got, err := c.svc.Can(ctx, f.org.ID, u, w, p)
					if err != nil || got != want.Has(p) {
						t.Errorf("%s: %s: Can(%s, %s, %s) = %v, %v; want %v (member %v %+v, access %v)",
							when, c.name, u, w, cat.PermissionName(p), got, err, want.Has(p), member, m, held)
					}
				}
			}
			for _, p := range sample(r, c.perm) {
				if scope, _ := cat.PermissionScope(p); scope != roles.ScopeOrg || p == roles.PermInvite {
					continue
				}
				got, err := c.svc.CanOrg(ctx, f.org.ID, u, p)
				if err != nil || got != orgPerms.Has(p) {
					t.Errorf("%s: %s: CanOrg(%s, %s) = %v, %v; want %v (member %v %+v)",
						when, c.name, u, cat.PermissionName(p), got, err, orgPerms.Has(p), member, m)
				}
			}
		}
	}
}

// sample returns three permissions of perms picked by r, or all of them
// when r is nil.
func sample(r *rand.Rand, perms []roles.Permission) []roles.Permission {
	if r == nil {
		return perms
	}
	return []roles.Permission{perms[r.IntN(len(perms))], perms[r.IntN(len(perms))], perms[r.IntN(len(perms))]}
}

// closePerms adds what permissions imply: managing billing includes viewing
// it.
func closePerms(s roles.PermSet) roles.PermSet {
	if s.Has(roles.PermBilling) {
		s |= roles.Grants(roles.PermViewBilling)
	}
	return s
}
