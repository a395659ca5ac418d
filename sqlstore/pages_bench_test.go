package sqlstore

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// pageSize is the page the list benchmarks read: what a list screen shows.
const pageSize = 50

// pagesFixture is an organization with more than a page of workspaces,
// invitations and audit events, beside the 1k-member fixture of the same
// dialect.
type pagesFixture struct {
	st  *Store
	org uuid.UUID
}

var pagesFixtures = map[string]*pagesFixture{} // by dialect, under fixMu

// benchPages returns the dialect's pages fixture, building it the first
// time: 60 workspaces, 60 invitations (each with two workspace roles, a
// token and, for every other one, host data) and 60 audit events (each with
// a before and an after map), as the library writes them.
func benchPages(b *testing.B, dialect string) *pagesFixture {
	b.Helper()
	st := benchStore(b, dialect)
	fixMu.Lock()
	defer fixMu.Unlock()
	if f := pagesFixtures[dialect]; f != nil {
		return f
	}
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			b.Fatalf("loading the pages fixture: %v", err)
		}
	}
	now := time.Now()
	org := uuid.Must(uuid.NewV7())
	slug := "pages-" + randText(8)
	must(st.CreateOrganization(ctx, membership.Organization{ID: org, Name: slug, Slug: slug, CreatedAt: now, UpdatedAt: now}))
	const n = pageSize + 10
	wss := make([]uuid.UUID, n)
	for i := range wss {
		wss[i] = uuid.Must(uuid.NewV7())
		must(st.CreateWorkspace(ctx, membership.Workspace{ID: wss[i], OrgID: org, Name: fmt.Sprint("workspace ", i), CreatedAt: now}))
	}
	for i := range n {
		email := fmt.Sprintf("invitee%03d@partner.io", i)
		hash := sha256.Sum256([]byte(email))
		inv := invite.Invitation{ID: uuid.Must(uuid.NewV7()), OrgID: org, Email: email, EmailKey: email,
			Name: fmt.Sprint("Invitee ", i), Role: roles.OrgMember, Kind: membership.KindGuest,
			Workspaces: map[uuid.UUID]roles.Role{wss[i]: roles.WorkspaceViewer, wss[(i+1)%n]: roles.WorkspaceContributor},
			InvitedBy:  benchmarks.UserID(0), Status: invite.StatusPending, TokenHash: hash[:], SealedToken: hash[:], KeyID: "k1",
			ExpiresAt: now.Add(7 * 24 * time.Hour), SentAt: now, Sends: 1, CreatedAt: now, UpdatedAt: now}
		if i%2 == 0 {
			inv.Data = map[string]string{"source": "import"}
		}
		must(st.InsertInvitation(ctx, inv))
		must(st.AppendAudit(ctx, membership.AuditEvent{ID: uuid.Must(uuid.NewV7()), OrgID: org, Actor: benchmarks.UserID(0),
			Action: "member.role_changed", Target: benchmarks.UserID(i),
			Before: map[string]string{"role": "member"}, After: map[string]string{"role": "admin"}, At: now}))
	}
	f := &pagesFixture{st: st, org: org}
	pagesFixtures[dialect] = f
	return f
}

// BenchmarkPages reads the first page of 50 of each list through the store
// (members, invitations, audit events, workspaces) and through the Service
// (member views: the members with their workspace roles and names). Its
// allocs/op divided by 50 is what decoding a row costs.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	page := storage.Page{Limit: pageSize}
	for _, t := range benchTargets() {
		b.Run(t.Name, func(b *testing.B) {
			members := benchWorkload.Fixture(b, t, 1_000)
			pages := benchPages(b, t.Name)
			cases := []struct {
				name string
				read func() (int, error)
			}{
				{"members", func() (int, error) {
					l, _, err := members.St.Members(ctx, members.F.Org.ID, membership.MemberFilter{}, page)
					return len(l), err
				}},
				{"member-views", func() (int, error) {
					l, _, err := members.Svc.MemberViews(ctx, benchmarks.UserID(0), members.F.Org.ID, membership.MemberFilter{}, page)
					return len(l), err
				}},
				{"invitations", func() (int, error) {
					l, _, err := pages.st.Invitations(ctx, pages.org, invite.InvitationFilter{}, page)
					return len(l), err
				}},
				{"audit", func() (int, error) {
					l, _, err := pages.st.Audit(ctx, pages.org, membership.AuditFilter{}, page)
					return len(l), err
				}},
				{"workspaces", func() (int, error) {
					l, _, err := pages.st.Workspaces(ctx, pages.org, page)
					return len(l), err
				}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if n, err := c.read(); err != nil || n != pageSize {
							b.Fatalf("read %d rows, %v; want %d", n, err, pageSize)
						}
					}
				})
			}
		})
	}
}
