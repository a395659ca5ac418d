package rosterhttp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// memberViewJSON is the MemberJSON of a view: the shape the members page
// documents, which memberList writes without building it.
func (h *Handler) memberViewJSON(v membership.MemberView) MemberJSON {
	j := h.memberJSON(v.Member)
	j.AllWorkspaces = v.AllWorkspaces
	for _, w := range v.Workspaces {
		j.Workspaces = append(j.Workspaces, WorkspaceRoleJSON{ID: w.ID, Name: w.Name, Role: w.Role})
	}
	return j
}

// memberList must write what encoding/json writes for the List[MemberJSON]
// of the same views.
func checkMemberList(t *testing.T, views []membership.MemberView, next string) {
	t.Helper()
	h := &Handler{cat: roles.Default()}
	l := List[MemberJSON]{Items: []MemberJSON{}, Next: next}
	for _, v := range views {
		l.Items = append(l.Items, h.memberViewJSON(v))
	}
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(l); err != nil {
		t.Fatal(err)
	}
	got := memberList{cat: h.cat, views: views, next: next}.appendJSON(nil)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("memberList wrote\n%s\nencoding/json writes\n%s", got, want.Bytes())
	}
}

func TestMemberListWritesWhatEncodingJSONWrites(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))
	full := membership.MemberView{Member: membership.Member{UserID: "u1", Email: "a@b.c",
		Name: `Ann "the" <Owner> & co\`, Role: roles.OrgOwner, Kind: membership.KindCoworker,
		Grants:   roles.Grants(roles.PermViewBilling, roles.PermAPIAccess, roles.PermInvite),
		Licensed: true, SSO: true, Deactivated: true, InvitedBy: "x", JoinedAt: at},
		AllWorkspaces: true,
		Workspaces: []membership.MemberWorkspace{{ID: uuid.New(), Name: "Mär\tketing", Role: "viewer"},
			{ID: uuid.New(), Role: "admin"}}}
	checkMemberList(t, nil, "")
	checkMemberList(t, []membership.MemberView{{}}, "abc")
	checkMemberList(t, []membership.MemberView{full, {Member: membership.Member{UserID: "u2", JoinedAt: at.UTC()}}}, "n<e>x&t")
	for _, at := range []time.Time{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(999, 12, 31, 23, 59, 59, 1, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 120, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 100000000, time.Local)} {
		checkMemberList(t, []membership.MemberView{{Member: membership.Member{JoinedAt: at}}}, "")
	}
}

func FuzzMemberListString(f *testing.F) {
	for _, s := range []string{"", "plain", "\x00\x01\x1f\x7f", "\u2028\u2029", "\xff\xfe", "é€😀", `"\<>&`, "\b\f\n\r\t"} {
		f.Add(s, uint64(0), uint64(0))
	}
	f.Add("x", ^uint64(0), uint64(0xff01ab))
	f.Fuzz(func(t *testing.T, s string, grants, idBits uint64) {
		var id uuid.UUID
		binary.BigEndian.PutUint64(id[3:], idBits)
		// idBits is a time too: UTC, from year 1677 to 2262.
		at := time.Unix(0, int64(idBits)).UTC()
		checkMemberList(t, []membership.MemberView{{Member: membership.Member{UserID: s, Name: s, Email: s,
			Role: roles.Role(s), Grants: roles.PermSet(grants), JoinedAt: at},
			Workspaces: []membership.MemberWorkspace{{ID: id, Name: s, Role: roles.Role(s)}}}}, s)
	})
}

// BenchmarkMemberListJSON writes a page of 50 members like
// BenchmarkMembersPage's (one in ten with a workspace role) into a reused
// buffer.
func BenchmarkMemberListJSON(b *testing.B) {
	at := time.Date(2026, 12, 2, 3, 4, 5, 834076259, time.UTC)
	views := make([]membership.MemberView, 50)
	for i := range views {
		id := fmt.Sprintf("user-%02d", i)
		views[i] = membership.MemberView{Member: membership.Member{UserID: id, Email: id + "@acme.com",
			Name: "User " + id, Role: roles.OrgMember, Kind: membership.KindCoworker, InvitedBy: "ann",
			JoinedAt: at.Add(time.Duration(i) * time.Millisecond)}}
		if i%10 == 0 {
			views[i].Workspaces = []membership.MemberWorkspace{{ID: uuid.New(), Name: "Marketing", Role: "contributor"}}
		}
	}
	l := memberList{cat: roles.Default(), views: views, next: "cursor"}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = l.appendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

// appendTime must write every day of years 0-9999 as the time package
// does, at a time of day and a fraction that change from day to day.
func TestAppendTimeWritesEveryDayAsTheTimePackage(t *testing.T) {
	start := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	var got, want []byte
	for d, at := 0, start; at.Before(end); d, at = d+1, at.AddDate(0, 0, 1) {
		x := at.Add(time.Duration(d*7919%86400)*time.Second + time.Duration(d*104729%1000000000))
		got = appendTime(got[:0], x)
		want = append(x.AppendFormat(append(want[:0], '"'), time.RFC3339Nano), '"')
		if !bytes.Equal(got, want) {
			t.Fatalf("appendTime wrote %s, the time package %s", got, want)
		}
	}
}
