package benchmarks

import (
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// requestCount is the length of the request sequences on n members: about
// one request per member, up to 65 536; a power of two, as the loops index
// it with a mask. At 100k and 1M members a run then touches far more
// entries than the caches hold, as a busy host does (the 1 024 requests of
// earlier versions met the same 1 024 members all run long, all in cache),
// while at 1k the sequence stays as small as the table and does not push
// it out of the caches itself.
func requestCount(n int) int {
	c := 1024
	for c < n && c < 1<<16 {
		c <<= 1
	}
	return c
}

// query is one permission check, with the answer the workload's definition
// gives (the floor table), so that a benchmark that gets another answer
// fails.
type query struct {
	user string
	ws   uuid.UUID
	want bool
}

// Kinds of request sequence: a member's permission in one of its
// workspaces, a workspace it has no access to, an owner or admin in any
// workspace (implicit admin), and a random mix of members (owners and
// admins included) and workspaces, about half of them allowed.
var kinds = []string{"allow", "deny", "org-admin", "mix"}

// requestSets caches the sequences per fixture and kind, so that the floor
// and Can read the very same requests, user ID strings included.
var requestSets sync.Map // requestSetKey -> []query

type requestSetKey struct {
	f    *Fixture
	kind string
}

// requests returns the request sequence of one kind on f. The members are
// drawn with a fixed seed; every user ID is a string of its own, as a
// caller's request carries it, not the one stored in the floor table.
func requests(f *Fixture, kind string) []query {
	key := requestSetKey{f, kind}
	if v, ok := requestSets.Load(key); ok {
		return v.([]query)
	}
	rnd := rand.New(rand.NewPCG(uint64(f.N), uint64(len(kind))))
	table := floorOf(f)
	qs := make([]query, requestCount(f.N))
	for j := range qs {
		var i int
		var ws uuid.UUID
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
		default:
			panic("unknown request kind " + kind)
		}
		user := UserID(i)
		qs[j] = query{user: user, ws: ws, want: table.m[floorKey{user, ws}].Has(roles.PermView)}
		if want := kind == "allow" || kind == "org-admin"; kind != "mix" && qs[j].want != want {
			panic("request set " + kind + " holds a request with the other answer")
		}
	}
	v, _ := requestSets.LoadOrStore(key, qs)
	return v.([]query)
}
