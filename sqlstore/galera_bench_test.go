package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
)

// BenchmarkGalera measures, in one run, a single MariaDB server
// (ROSTER_MYSQL_DSN) beside a node of the three-node Galera cluster
// (ROSTER_GALERA_DSNS): the permission check, read from the node alone,
// and a batch of ten invitations, one transaction that every node
// certifies before it commits.
func BenchmarkGalera(b *testing.B) {
	for _, d := range []string{"mysql", "galera"} {
		b.Run("Can/"+d, func(b *testing.B) {
			f := benchFixture(b, d, 1_000)
			ctx := context.Background()
			i := f.n/2 + 1 // a member with access to workspace i%20
			b.ReportAllocs()
			for b.Loop() {
				ok, err := f.svc.Can(ctx, f.org, userID(i), f.workspaces[i%20], roles.PermView)
				if err != nil || !ok {
					b.Fatalf("Can = %v, %v; want true", ok, err)
				}
			}
		})
	}
	for _, d := range []string{"mysql", "galera"} {
		b.Run("InviteBatch10/"+d, func(b *testing.B) {
			_, iv, org, _ := inviteSetup(b, d)
			ctx := context.Background()
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
		})
	}
}
