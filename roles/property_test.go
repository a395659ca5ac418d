package roles_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/rosterkit/roster/roles"
)

// The pools random catalogs draw from: few enough that roles often share
// permissions, ranks often tie, and billing's implication comes up.
var (
	orgPool = []roles.Permission{roles.PermViewMembers, roles.PermManageMembers, roles.PermInvite,
		roles.PermViewBilling, roles.PermBilling}
	wsPool = []roles.Permission{roles.PermView, roles.PermComment, roles.PermUploadVideo, roles.PermManagePeople}
	wsMask = roles.Grants(roles.PermView, roles.PermComment, roles.PermUploadVideo, roles.PermEdit, roles.PermShare,
		roles.PermDelete, roles.PermViewAnalytics, roles.PermManageFolders, roles.PermManagePeople,
		roles.PermAdvancedTools, roles.PermLiveEvents)
)

func randSet(r *rand.Rand, pool []roles.Permission) roles.PermSet {
	var s roles.PermSet
	for _, p := range pool {
		if r.IntN(2) == 0 {
			s |= roles.Grants(p)
		}
	}
	return s
}

// randRoles makes n roles of one scope. Half the time their powers grow
// with their rank (ties share powers), so NewCatalog accepts many; the
// other half they are drawn independently.
func randRoles(r *rand.Rand, prefix string, n int, pool []roles.Permission, org bool) []roles.RoleDef {
	defs := make([]roles.RoleDef, n)
	for i := range defs {
		defs[i] = roles.RoleDef{Name: roles.Role(fmt.Sprintf("%s%d", prefix, i)), Rank: 1 + r.IntN(5), Perms: randSet(r, pool)}
		if org {
			defs[i].AllWorkspaces = r.IntN(3) == 0
		}
	}
	if r.IntN(2) == 0 {
		for i := range defs {
			for j := range defs {
				if defs[j].Rank < defs[i].Rank {
					defs[i].Perms |= defs[j].Perms
					defs[i].AllWorkspaces = defs[i].AllWorkspaces || defs[j].AllWorkspaces
				}
			}
		}
		for i := range defs { // ties share the powers of the first of their rank
			for j := range i {
				if defs[j].Rank == defs[i].Rank {
					defs[i].Perms, defs[i].AllWorkspaces = defs[j].Perms, defs[j].AllWorkspaces
					break
				}
			}
		}
	}
	return defs
}

// randSpec makes a catalog spec that is well formed in every respect but,
// maybe, the agreement of ranks and powers.
func randSpec(r *rand.Rand) roles.CatalogSpec {
	org := randRoles(r, "org", 1+r.IntN(4), orgPool, true)
	var owner roles.RoleDef
	owner.Name, owner.Rank, owner.Owner = "owner", 6, true
	for _, d := range org {
		owner.Perms |= d.Perms
		owner.AllWorkspaces = owner.AllWorkspaces || d.AllWorkspaces
	}
	if r.IntN(8) == 0 { // an owner short of some power
		owner.Perms, owner.AllWorkspaces = randSet(r, orgPool), r.IntN(2) == 0
	}
	if r.IntN(4) == 0 { // one of the others is the guest role
		g := &org[r.IntN(len(org))]
		g.Guest, g.AllWorkspaces = true, false
	}
	return roles.CatalogSpec{
		OrgRoles:       append([]roles.RoleDef{owner}, org...),
		WorkspaceRoles: randRoles(r, "ws", 1+r.IntN(4), wsPool, false),
	}
}

// closed is a set with what it implies (billing.manage: billing.view).
func closed(s roles.PermSet) roles.PermSet {
	if s.Has(roles.PermBilling) {
		s |= roles.Grants(roles.PermViewBilling)
	}
	return s
}

// consistent is the rule NewCatalog enforces, written out: a role ranked
// at or above another holds every power of it.
func consistent(spec roles.CatalogSpec) bool {
	for _, defs := range [][]roles.RoleDef{spec.OrgRoles, spec.WorkspaceRoles} {
		for _, a := range defs {
			for _, b := range defs {
				if a.Name == b.Name || a.Rank < b.Rank {
					continue
				}
				if !closed(a.Perms).Contains(closed(b.Perms)) || b.AllWorkspaces && !a.AllWorkspaces || b.Owner && !a.Owner {
					return false
				}
			}
		}
	}
	return true
}

// holder is an actor or a target: an org role, grants and a role in each
// of three workspaces ("" for no access).
type holder struct {
	role   roles.Role
	grants roles.PermSet
	ws     [3]roles.Role
}

func pick(r *rand.Rand, defs []roles.RoleDef) roles.Role { return defs[r.IntN(len(defs))].Name }

func randHolder(r *rand.Rand, cat *roles.Catalog) holder {
	h := holder{role: pick(r, cat.OrgRoles()), grants: randSet(r, orgPool)}
	for w := range h.ws {
		if r.IntN(2) == 0 {
			h.ws[w] = pick(r, cat.WorkspaceRoles())
		}
	}
	return h
}

// orgPerms and wsPerms are what h holds organization-wide and, of the
// workspace permissions, in workspace w.
func orgPerms(cat *roles.Catalog, h holder) roles.PermSet { return cat.OrgPerms(h.role, h.grants) }

func wsPerms(cat *roles.Catalog, h holder, w int) roles.PermSet {
	return cat.WorkspacePerms(h.role, h.grants, h.ws[w]) & wsMask
}

// wsStanding is a workspace role's standing, as the membership package
// builds it for the role being given or taken.
func wsStanding(t *testing.T, cat *roles.Catalog, role roles.Role) *roles.Standing {
	if role == "" {
		return nil
	}
	def, err := cat.WorkspaceRole(role)
	if err != nil {
		t.Fatal(err)
	}
	return &roles.Standing{Rank: def.Rank, Perms: def.Perms}
}

func orgStanding(t *testing.T, cat *roles.Catalog, role roles.Role, grants roles.PermSet) roles.Standing {
	s, err := cat.OrgStanding(role, grants)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// attempt applies the ceiling as the membership package does to actor
// doing op to target (nil: someone new), and returns the target after it,
// or false when the ceiling refuses. op is "add", "change" (role and
// grants; the actor itself when self) or "access" (one workspace).
func attempt(t *testing.T, r *rand.Rand, cat *roles.Catalog, actor holder, target *holder) (holder, string, bool) {
	t.Helper()
	actorOrg := orgStanding(t, cat, actor.role, actor.grants)
	actorWS := func(w int) roles.Standing {
		s, err := cat.WorkspaceStanding(actor.role, actor.ws[w])
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if target == nil { // AddMember, Invite then Accept: Resolve
		after := randHolder(r, cat)
		to := orgStanding(t, cat, after.role, after.grants)
		if roles.Ceiling(actorOrg, nil, &to) != nil {
			return after, "add", false
		}
		for w, role := range after.ws {
			if role != "" && roles.Ceiling(actorWS(w), nil, wsStanding(t, cat, role)) != nil {
				return after, "add", false
			}
		}
		return after, "add", true
	}
	after := *target
	if r.IntN(2) == 0 { // ChangeRole, SetGrants: mayChange
		after.role, after.grants = pick(r, cat.OrgRoles()), randSet(r, orgPool)
		from, to := orgStanding(t, cat, target.role, target.grants), orgStanding(t, cat, after.role, after.grants)
		return after, "change", roles.Ceiling(actorOrg, &from, &to) == nil
	}
	// SetWorkspaceAccess: the workspace ceiling (the org one for others).
	w := r.IntN(len(after.ws))
	after.ws[w] = pick(r, cat.WorkspaceRoles())
	from := orgStanding(t, cat, target.role, target.grants)
	if roles.Ceiling(actorOrg, &from, nil) != nil {
		return after, "access", false
	}
	return after, "access", roles.Ceiling(actorWS(w), wsStanding(t, cat, target.ws[w]), wsStanding(t, cat, after.ws[w])) == nil
}

// Over random catalogs: NewCatalog accepts exactly those whose ranks agree
// with their powers, and under those, whatever the ceiling lets an actor
// do, the target never ends up holding a permission, organization-wide or
// in any workspace, that it did not hold before and the actor lacks there.
func TestCeilingNeverGivesWhatTheActorLacks(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 2026))
	var accepted, allowed int
	for i := range 4000 {
		spec := randSpec(r)
		cat, err := roles.NewCatalog(spec)
		if want := consistent(spec); (err == nil) != want {
			t.Fatalf("catalog %d: NewCatalog error %v, but ranks agree with powers: %v\n%+v", i, err, want, spec)
		}
		if err != nil {
			continue
		}
		accepted++
		for range 25 {
			actor := randHolder(r, cat)
			var target *holder
			before := holder{}
			switch r.IntN(3) {
			case 0: // someone new
			case 1:
				before = randHolder(r, cat)
				target = &before
			case 2: // the actor itself
				before = actor
				target = &before
			}
			after, op, ok := attempt(t, r, cat, actor, target)
			if !ok {
				continue
			}
			allowed++
			if gained := orgPerms(cat, after).Without(orgPerms(cat, before)).Without(orgPerms(cat, actor)); gained != 0 {
				t.Fatalf("catalog %+v\n%s by %+v: %+v -> %+v gains %v org-wide, which the actor lacks", spec, op, actor, before, after, gained)
			}
			for w := range actor.ws {
				if gained := wsPerms(cat, after, w).Without(wsPerms(cat, before, w)).Without(wsPerms(cat, actor, w)); gained != 0 {
					t.Fatalf("catalog %+v\n%s by %+v: %+v -> %+v gains %v in workspace %d, which the actor lacks there", spec, op, actor, before, after, gained, w)
				}
			}
		}
	}
	if accepted < 1000 || allowed < 10000 {
		t.Fatalf("too few cases exercised: %d catalogs accepted, %d changes allowed", accepted, allowed)
	}
	t.Logf("%d catalogs accepted, %d changes allowed", accepted, allowed)
}
