package benchmarks

import (
	"math/rand/v2"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Request is one permission check of a benchmark, with the answer the
// workload's definition gives (Perms), so that a benchmark that gets another
// answer fails instead of timing it.
type Request struct {
	UserID    string
	Workspace uuid.UUID
	Perm      roles.Permission
	Want      bool
}

// Kinds of request sequence: a member's view permission in one of its
// workspaces, in a workspace it has no access to, an owner or admin in any
// workspace (the implicit admin), and a random mix of members (owners and
// admins included), workspaces and workspace permissions.
var Kinds = []string{"allow", "deny", "org-admin", "mix"}

// RequestCount is the length of the request sequences on n members: about
// one request per member, up to 65 536; a power of two, so that a loop may
// index it with a mask. At 100k and 1M members a run then touches far more
// entries than the caches hold, as a busy host does, while at 1k the
// sequence stays as small as the members' table and does not push it out of
// the caches itself.
func RequestCount(n int) int {
	c := 1024
	for c < n && c < 1<<16 {
		c <<= 1
	}
	return c
}

// Perms is what member i of the organization "acme" may do in workspace ws
// by the workload's definition: owners and admins hold the top workspace
// role everywhere, others their role in their 3 workspaces and nothing
// elsewhere.
func (f *Fixture) Perms(i int, ws uuid.UUID) roles.PermSet {
	cat := roles.Default()
	if i < 12 {
		return cat.WorkspacePerms(OrgRole(i), 0, "")
	}
	for k := range PerMember {
		if f.Space(i, k) == ws {
			return cat.WorkspacePerms(OrgRole(i), 0, WorkspaceRole(i, k))
		}
	}
	return 0
}

// WorkspacePermissions are the workspace-scope permissions of the default
// catalog, the ones a random mix asks for.
func WorkspacePermissions() []roles.Permission {
	cat := roles.Default()
	var ps []roles.Permission
	for p := roles.Permission(0); p <= roles.MaxPermission; p++ {
		if s, err := cat.PermissionScope(p); err == nil && s == roles.ScopeWorkspace {
			ps = append(ps, p)
		}
	}
	return ps
}

// Requests returns the request sequence of one kind on f, RequestCount(f.N)
// long, drawn with a fixed seed: the same sequence on every call and in
// every process. Every user ID is a string of its own, as a caller's request
// carries it. Callers that time several engines on one fixture should
// share one slice, so that they read the very same requests.
func (f *Fixture) Requests(kind string) []Request {
	rnd := rand.New(rand.NewPCG(uint64(f.N), uint64(len(kind))))
	perms := WorkspacePermissions()
	qs := make([]Request, RequestCount(f.N))
	for j := range qs {
		var i int
		var ws uuid.UUID
		perm := roles.PermView
		switch kind {
		case "allow":
			i = 12 + rnd.IntN(f.N-12)
			ws = f.Space(i, rnd.IntN(PerMember))
		case "deny":
			i = 12 + rnd.IntN(f.N-12)
			ws = f.Spaces[(i+1)%Workspaces] // not one of (i, i+7, i+14)
		case "org-admin":
			i = rnd.IntN(12)
			ws = f.Spaces[rnd.IntN(Workspaces)]
		case "mix":
			i = rnd.IntN(f.N)
			if rnd.IntN(2) == 0 {
				ws = f.Space(i, rnd.IntN(PerMember))
			} else {
				ws = f.Spaces[rnd.IntN(Workspaces)]
			}
			perm = perms[rnd.IntN(len(perms))]
		default:
			panic("benchmarks: unknown request kind " + kind)
		}
		qs[j] = Request{UserID: UserID(i), Workspace: ws, Perm: perm, Want: f.Perms(i, ws).Has(perm)}
		if want := kind == "allow" || kind == "org-admin"; kind != "mix" && qs[j].Want != want {
			panic("benchmarks: request set " + kind + " holds a request with the other answer")
		}
	}
	return qs
}
