package rosterhttp

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// memberList must write what encoding/json writes for the same list.
func checkMemberList(t *testing.T, l memberList) {
	t.Helper()
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(List[MemberJSON](l)); err != nil {
		t.Fatal(err)
	}
	got := l.appendJSON(nil)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("memberList wrote\n%s\nencoding/json writes\n%s", got, want.Bytes())
	}
}

func TestMemberListWritesWhatEncodingJSONWrites(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))
	full := MemberJSON{UserID: "u1", Email: "a@b.c", Name: `Ann "the" <Owner> & co\`, Role: roles.OrgOwner,
		Kind: membership.KindCoworker, Grants: []string{"billing.view", "api.access"}, Licensed: true, SSO: true,
		Deactivated: true, InvitedBy: "x", JoinedAt: at, AllWorkspaces: true,
		Workspaces:    []WorkspaceRoleJSON{{ID: uuid.New(), Name: "Mär\tketing", Role: "viewer", Implicit: true}, {ID: uuid.New(), Role: "admin"}},
		WorkspaceRole: "admin", Implicit: true}
	checkMemberList(t, memberList{Items: []MemberJSON{}})
	checkMemberList(t, memberList{Items: []MemberJSON{{}}, Next: "abc"})
	checkMemberList(t, memberList{Items: []MemberJSON{full, {UserID: "u2", Grants: []string{}, JoinedAt: at.UTC()}}, Next: "n<e>x&t"})
}

func FuzzMemberListString(f *testing.F) {
	for _, s := range []string{"", "plain", "\x00\x01\x1f\x7f", "\u2028\u2029", "\xff\xfe", "é€😀", `"\<>&`, "\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkMemberList(t, memberList{Items: []MemberJSON{{UserID: s, Name: s, Email: s, Grants: []string{s},
			Workspaces: []WorkspaceRoleJSON{{Name: s, Role: roles.Role(s)}}}}, Next: s})
	})
}
