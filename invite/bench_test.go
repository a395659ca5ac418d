package invite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
)

// benchSetup makes a memstore, both Services and an organization owned by
// "owner", with no quotas.
func benchSetup(b *testing.B) (context.Context, *membership.Service, *invite.Service, membership.Organization) {
	b.Helper()
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		b.Fatal(err)
	}
	iv, err := invite.New(m, invite.Options{InvitesPerDay: -1, InvitesPerInviterPerDay: -1})
	if err != nil {
		b.Fatal(err)
	}
	org, err := m.CreateOrganization(ctx, "owner", membership.NewOrganization{Name: "Bench", Slug: "bench", OwnerEmail: "owner@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	return ctx, m, iv, org
}

// BenchmarkTokenVerify parses a token and compares its digest: what
// happens before any store look-up.
func BenchmarkTokenVerify(b *testing.B) {
	ctx, _, iv, org := benchSetup(b)
	res, err := iv.Invite(ctx, "owner", org.ID, invite.Request{Emails: "ann@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	tok, digest := res.Addresses[0].Token, res.Addresses[0].Invitation.TokenHash
	b.Run("Valid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t, err := invite.ParseToken(tok)
			if err != nil || !t.Matches(digest) {
				b.Fatal("token does not verify")
			}
		}
	})
	b20 := []byte(tok)
	b20[20] ^= 1
	bad := string(b20)
	b.Run("Mistyped", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := invite.ParseToken(bad); err == nil {
				b.Fatal("a mistyped token verified")
			}
		}
	})
}

// worstCaseLists are typed lists shaped to make a careless parser look at
// the same bytes again and again, built to size bytes.
func worstCaseLists(size int) map[string]string {
	fill := func(unit string) string { return strings.Repeat(unit, size/len(unit)+1)[:size] }
	return map[string]string{
		"SpacesThenParenthesis": "a@b.co" + strings.Repeat(" ", size-7) + "(",
		"NBSPsAfterAngle":       "<a@b.co>" + strings.Repeat("\u00a0", (size-9)/2) + "(",
		"SpaceRunsThenComment":  fill("a@b.co" + strings.Repeat(" ", 100) + "(x) "),
		"UnclosedQuote":         `"` + fill(`a\"`)[1:],
		"NestedParentheses":     fill("((") + fill("))"),
		"Addresses":             fill("ann@acme.com, "),
		"HeavyEntries":          fill("=?utf-8?q?J=C3=B6rg?= <" + strings.Repeat("ü", 20) + "@" + strings.Repeat("bücher", 8) + ".de>, "),
	}
}

// BenchmarkSplitEmailsWorstCase splits worst-case lists of 1 KB, 64 KB and
// 1 MB; ns/byte stays flat across the sizes.
func BenchmarkSplitEmailsWorstCase(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		for name, list := range worstCaseLists(size) {
			b.Run(fmt.Sprintf("%s/%dB", name, size), func(b *testing.B) {
				b.SetBytes(int64(len(list)))
				for b.Loop() {
					invite.SplitEmails(list)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(list)), "ns/byte")
			})
		}
	}
}

// BenchmarkParseBatchWorstCase parses worst-case lists of 1 KB, 64 KB and
// about 1 MB (the largest a batch limit of MaxBatchLimit lets through);
// ns/byte stays flat across the sizes.
func BenchmarkParseBatchWorstCase(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10, 1_000_000} {
		for name, list := range worstCaseLists(size) {
			b.Run(fmt.Sprintf("%s/%dB", name, size), func(b *testing.B) {
				b.SetBytes(int64(len(list)))
				for b.Loop() {
					_, _ = invite.ParseBatch(list, nil, invite.MaxBatchLimit)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(list)), "ns/byte")
			})
		}
	}
}
