package sqlstore

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// A page decodes every row into the same scan destinations: each row must
// come back as it was written, whatever the row before it held (NULL after
// bytes, no host data after some, a negative permission word, custom
// names), and as the single-row reads give it.
func TestPageRowsComeBackAsWritten(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			st := tg.open(t)
			ctx := context.Background()
			at := func(i int) time.Time { return time.Date(2026, 1, 2+i, 3, 4, 5, 123456789+i, time.UTC) }
			org := uuid.Must(uuid.NewV7())
			if err := st.CreateOrganization(ctx, membership.Organization{ID: org, Name: "Rows", Slug: "rows", CreatedAt: at(0), UpdatedAt: at(0)}); err != nil {
				t.Fatal(err)
			}
			var wss []membership.Workspace
			for i := range 3 {
				ws := membership.Workspace{ID: uuid.Must(uuid.NewV7()), OrgID: org, Name: fmt.Sprintf("space %d é", i), CreatedAt: at(i)}
				if err := st.CreateWorkspace(ctx, ws); err != nil {
					t.Fatal(err)
				}
				wss = append(wss, ws)
			}
			gotWS, _, err := st.Workspaces(ctx, org, storage.Page{})
			if err != nil || !reflect.DeepEqual(gotWS, wss) {
				t.Errorf("Workspaces = %+v, %v; want %+v", gotWS, err, wss)
			}

			var members []membership.Member
			var access []membership.NamedAccess
			for i, role := range []roles.Role{roles.OrgOwner, "custom-role", roles.OrgGuest, roles.OrgMember} {
				m := membership.Member{OrgID: org, UserID: fmt.Sprintf("user-%d", i), Email: fmt.Sprintf("u%d@example.com", i),
					Name: []string{"Ann", "", "Zoë 🙂", "Bo"}[i], Role: role, Kind: []membership.Kind{membership.KindCoworker, membership.KindGuest}[i%2],
					Grants: []roles.PermSet{0, 1<<63 | 5, 0, 1 << 40}[i], Licensed: i%2 == 0, SSO: i == 1, Deactivated: i == 2,
					InvitedBy: []string{"", "user-0", "", "user-1"}[i], JoinedAt: at(i), UpdatedAt: at(10 + i)}
				if err := st.InsertMember(ctx, m); err != nil {
					t.Fatal(err)
				}
				members = append(members, m)
				for _, ws := range wss[:i] {
					a := membership.WorkspaceAccess{OrgID: org, WorkspaceID: ws.ID, UserID: m.UserID, Role: roles.WorkspaceContributorPlus, GrantedBy: "user-0", GrantedAt: at(20 + i)}
					if err := st.SetAccess(ctx, a); err != nil {
						t.Fatal(err)
					}
					access = append(access, membership.NamedAccess{WorkspaceAccess: a, WorkspaceName: ws.Name})
				}
			}
			gotMembers, _, err := st.Members(ctx, org, membership.MemberFilter{}, storage.Page{})
			if err != nil || !reflect.DeepEqual(gotMembers, members) {
				t.Errorf("Members = %+v, %v;\nwant %+v", gotMembers, err, members)
			}
			for _, m := range members {
				if got, err := st.Member(ctx, org, m.UserID); err != nil || !reflect.DeepEqual(got, m) {
					t.Errorf("Member(%s) = %+v, %v; want %+v", m.UserID, got, err, m)
				}
			}
			ids := []string{"user-3", "user-0", "user-2", "user-1"}
			gotAccess, err := st.AccessOf(ctx, org, ids)
			slices.SortFunc(access, func(a, b membership.NamedAccess) int {
				if a.UserID != b.UserID {
					return map[bool]int{true: -1, false: 1}[a.UserID < b.UserID]
				}
				return slices.Compare(a.WorkspaceID[:], b.WorkspaceID[:])
			})
			if err != nil || !reflect.DeepEqual(gotAccess, access) {
				t.Errorf("AccessOf = %+v, %v;\nwant %+v", gotAccess, err, access)
			}

			var invs []invite.Invitation
			for i := range 5 {
				inv := invite.Invitation{ID: uuid.Must(uuid.NewV7()), OrgID: org, Email: fmt.Sprintf("I%d@Partner.io", i),
					EmailKey: fmt.Sprintf("i%d@partner.io", i), Role: []roles.Role{roles.OrgMember, "custom-role"}[i%2],
					Kind: membership.KindGuest, Grants: roles.PermSet(i) << 62, InvitedBy: "user-0",
					Status:    []invite.Status{invite.StatusPending, invite.StatusAccepted, invite.StatusRevoked}[i%3],
					ExpiresAt: at(30 + i), SentAt: at(31), Sends: 1000 + i, CreatedAt: at(32), UpdatedAt: at(33 + i)}
				if i%2 == 0 {
					inv.Name = "Invitee \"quoted\""
					inv.TokenHash, inv.SealedToken, inv.KeyID = []byte{byte(i), 0, 0xff, 1}, []byte("sealed"), "k1"
					inv.Data = map[string]string{"source": "import", "note": "a\\b \n <c>"}
					inv.Workspaces = map[uuid.UUID]roles.Role{wss[0].ID: roles.WorkspaceViewer, wss[1].ID: "custom"}
				}
				if i == 3 {
					inv.Workspaces = map[uuid.UUID]roles.Role{}
				}
				if inv.Status == invite.StatusAccepted {
					inv.AcceptedBy, inv.DecidedAt = "user-9", at(40)
				}
				if err := st.InsertInvitation(ctx, inv); err != nil {
					t.Fatal(err)
				}
				invs = append(invs, inv)
			}
			gotInvs, _, err := st.Invitations(ctx, org, invite.InvitationFilter{}, storage.Page{})
			if err != nil || !reflect.DeepEqual(gotInvs, invs) {
				t.Errorf("Invitations = %+v, %v;\nwant %+v", gotInvs, err, invs)
			}
			for _, inv := range invs {
				if got, err := st.Invitation(ctx, org, inv.ID); err != nil || !reflect.DeepEqual(got, inv) {
					t.Errorf("Invitation(%s) = %+v, %v; want %+v", inv.ID, got, err, inv)
				}
			}

			var events []membership.AuditEvent
			for i := range 4 {
				e := membership.AuditEvent{ID: uuid.Must(uuid.NewV7()), OrgID: org, Actor: "user-0", Action: "member.role_changed",
					Target: fmt.Sprint("user-", i), Denied: i == 2, At: at(50 + i)}
				if i%2 == 0 {
					e.Before, e.After = map[string]string{"role": "member"}, map[string]string{"role": "admin", "why": "\"promoted\" ✓"}
				} else {
					e.After = map[string]string{}
				}
				if e.Denied {
					e.Reason = membership.CodeForbidden
				}
				if err := st.AppendAudit(ctx, e); err != nil {
					t.Fatal(err)
				}
				events = append(events, e)
			}
			gotEvents, _, err := st.Audit(ctx, org, membership.AuditFilter{}, storage.Page{})
			if err != nil || !reflect.DeepEqual(gotEvents, events) {
				t.Errorf("Audit = %+v, %v;\nwant %+v", gotEvents, err, events)
			}
		})
	}
}
