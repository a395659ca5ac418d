package benchmarks

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// ListMembers reads a page of 50 members at the start and at about 90 %
// of the organization: ListMembers/<target>/<size>/{first,deep}.
func (w *Workload) ListMembers(b *testing.B, targets []Target) {
	ctx := context.Background()
	for _, t := range targets {
		b.Run(t.Name, func(b *testing.B) {
			for _, n := range Sizes(t.Large) {
				bl := w.Fixture(b, t, n)
				deep := storage.Page{After: storage.Cursor(UserID(n * 9 / 10)), Limit: 50}
				for _, p := range []struct {
					name string
					page storage.Page
				}{{"first", storage.Page{Limit: 50}}, {"deep", deep}} {
					b.Run(Label(n)+"/"+p.name, func(b *testing.B) {
						b.ReportAllocs()
						for b.Loop() {
							ms, _, err := bl.Svc.Members(ctx, UserID(0), bl.F.Org.ID, membership.MemberFilter{}, p.page)
							if err != nil || len(ms) != 50 {
								b.Fatalf("Members = %d, %v", len(ms), err)
							}
						}
					})
				}
			}
		})
	}
}

// RemoveMember removes a member holding 3 workspaces, in organizations of
// 1k and 100k members; adding it back is outside the timer:
// RemoveMember/<target>/<size>.
func (w *Workload) RemoveMember(b *testing.B, targets []Target) {
	ctx := context.Background()
	for _, t := range targets {
		b.Run(t.Name, func(b *testing.B) {
			for _, n := range []int{1000, 100_000} {
				if (testing.Short() && n > 1000) || n > t.Large {
					continue
				}
				bl := w.Fixture(b, t, n)
				b.Run(Label(n), func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						i++
						user := fmt.Sprintf("removable-%d", i)
						b.StopTimer()
						_, err := bl.Svc.AddMember(ctx, UserID(0), bl.F.Org.ID, membership.NewMember{UserID: user, Email: user + "@acme.com",
							Workspaces: map[uuid.UUID]roles.Role{bl.F.Spaces[0]: roles.WorkspaceViewer,
								bl.F.Spaces[1]: roles.WorkspaceContributor, bl.F.Spaces[2]: roles.WorkspaceAdmin}})
						if err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
						if err := bl.Svc.RemoveMember(ctx, UserID(0), bl.F.Org.ID, user); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
