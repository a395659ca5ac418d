package benchmarks

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// inviteSetup returns the Service of invitations on t's invitation store,
// a new organization owned by "owner" without quotas, and the store's
// statement counts (nil when it has none).
func (w *Workload) inviteSetup(b *testing.B, t Target) (*invite.Service, uuid.UUID, func() (int64, int64)) {
	b.Helper()
	var st Store
	var counts func() (int64, int64)
	if t.Invite != nil {
		st, counts = t.Invite(b)
	} else {
		st = w.Store(b, t)
	}
	m, err := membership.New(st, membership.Options{DeferDelivery: true})
	if err != nil {
		b.Fatal(err)
	}
	iv, err := invite.New(m, invite.Options{InvitesPerDay: -1, InvitesPerInviterPerDay: -1, DeferDelivery: true})
	if err != nil {
		b.Fatal(err)
	}
	slug := "bench-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:10]
	org, err := m.CreateOrganization(context.Background(), "owner", membership.NewOrganization{
		Name: "Bench", Slug: slug, OwnerEmail: "owner@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	return iv, org.ID, counts
}

// reportCounts reports the statements and transactions per operation run
// since before, when the store counts them.
func reportCounts(b *testing.B, counts func() (int64, int64), stmts0, txs0 int64) {
	if counts == nil {
		return
	}
	stmts, txs := counts()
	b.ReportMetric(float64(stmts-stmts0)/float64(b.N), "stmts/op")
	b.ReportMetric(float64(txs-txs0)/float64(b.N), "tx/op")
}

// InviteBatch10 invites ten new addresses in one request, one
// transaction: InviteBatch10/<target>.
func (w *Workload) InviteBatch10(b *testing.B, targets []Target) {
	for _, t := range targets {
		b.Run(t.Name, func(b *testing.B) { w.InviteBatch10On(b, t) })
	}
}

// InviteBatch10On is InviteBatch10 on one target, for a benchmark that
// names its targets itself.
func (w *Workload) InviteBatch10On(b *testing.B, t Target) {
	iv, org, counts := w.inviteSetup(b, t)
	ctx := context.Background()
	var stmts0, txs0 int64
	if counts != nil {
		stmts0, txs0 = counts()
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var emails strings.Builder
		for range 10 {
			fmt.Fprintf(&emails, "user%d@example.com,", i)
			i++
		}
		if _, err := iv.Invite(ctx, "owner", org, invite.Request{Emails: emails.String(), Role: roles.OrgMember}); err != nil {
			b.Fatal(err)
		}
	}
	reportCounts(b, counts, stmts0, txs0)
}

// Accept accepts one pending invitation: token look-up, member insert,
// invitation update, audit and event, in one transaction:
// Accept/<target>.
func (w *Workload) Accept(b *testing.B, targets []Target) {
	for _, t := range targets {
		b.Run(t.Name, func(b *testing.B) {
			iv, org, counts := w.inviteSetup(b, t)
			ctx := context.Background()
			var tokens []string
			for i := 0; len(tokens) < b.N; i += 10 {
				var emails strings.Builder
				for j := range 10 {
					fmt.Fprintf(&emails, "user%d@example.com,", i+j)
				}
				res, err := iv.Invite(ctx, "owner", org, invite.Request{Emails: emails.String()})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res.Addresses {
					tokens = append(tokens, r.Token)
				}
			}
			var stmts0, txs0 int64
			if counts != nil {
				stmts0, txs0 = counts()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				user := fmt.Sprintf("user%d", i)
				if _, err := iv.Accept(ctx, tokens[i], invite.Invitee{UserID: user, Email: user + "@example.com", EmailVerified: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			reportCounts(b, counts, stmts0, txs0)
		})
	}
}
