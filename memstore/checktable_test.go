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

// trickyUserIDs are short user IDs whose packed words (packUser) overlap or
// coincide, told apart by their lengths only, and IDs about the inline
// length.
var trickyUserIDs = []string{"", "\x00", "\x00\x00", "a", "aa", "aaa", "aaaa", "abcd", "abcdabcd",
	"abcdefgh", "abcdefghabcdefgh", "abcdefgabcdefgh", "0123456789abcdef", "0123456789abcdefg",
	"0123456789abcde", "x\x00\x00\x00\x00\x00\x00\x00", "x"}

// TestShortUserIDsAreToldApart puts an entry for each tricky ID and finds
// each by its own ID only.
func TestShortUserIDsAreToldApart(t *testing.T) {
	mt := newMemberTable()
	org := uuid.Must(uuid.NewV7())
	for _, u := range trickyUserIDs {
		e := &checkEntry{org: org}
		e.setUser(u)
		mt.put(e)
	}
	for _, u := range trickyUserIDs {
		if e := mt.get(org, u); e == nil || e.userID != u {
			t.Fatalf("get(%q) = %v", u, e)
		}
		if e := mt.get(uuid.Must(uuid.NewV7()), u); e != nil {
			t.Fatalf("get(%q) in another organization = %q", u, e.userID)
		}
	}
	for _, u := range []string{"b", "abcdefgi", "aaaaa", "abcdefghabcdefgi", "\x00\x00\x00"} {
		if e := mt.get(org, u); e != nil {
			t.Fatalf("get(%q), never put, = %q", u, e.userID)
		}
	}
}

// FuzzPackUser checks that two different user IDs of the inline length
// or less never pack to the same words and length.
func FuzzPackUser(f *testing.F) {
	for i, u := range trickyUserIDs {
		f.Add(u, trickyUserIDs[(i+1)%len(trickyUserIDs)])
	}
	f.Fuzz(func(t *testing.T, x, y string) {
		xa, xb, xok := packUser(x)
		ya, yb, yok := packUser(y)
		if xok != (len(x) <= inlineUser) || yok != (len(y) <= inlineUser) {
			t.Fatalf("packUser ok of %d and %d bytes = %v, %v", len(x), len(y), xok, yok)
		}
		if xok && yok && x != y && len(x) == len(y) && xa == ya && xb == yb {
			t.Fatalf("%q and %q pack alike", x, y)
		}
	})
}
