package memstore

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestLongUserIDsAreCompared checks entries of user IDs longer than the
// inline key: two of them that share the inline part stay apart.
func TestLongUserIDsAreCompared(t *testing.T) {
	mt := newMemberTable()
	org := uuid.Must(uuid.NewV7())
	long := strings.Repeat("x", 40)
	for _, u := range []string{long + "1", long + "2", "short"} {
		e := &checkEntry{org: org}
		e.setUser(u)
		mt.put(e)
	}
	for _, u := range []string{long + "1", long + "2", "short"} {
		if e := mt.get(org, u); e == nil || e.userID != u {
			t.Fatalf("get(%q) = %v", u, e)
		}
	}
	if e := mt.get(org, long+"3"); e != nil {
		t.Fatalf("get of a user never put = %q", e.userID)
	}
}
