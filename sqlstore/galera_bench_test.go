package sqlstore

import (
	"testing"

	"github.com/rosterkit/roster/internal/benchmarks"
)

// BenchmarkGalera measures, in one run, a single MariaDB server
// (ROSTER_MYSQL_DSN) beside a node of the three-node Galera cluster
// (ROSTER_GALERA_DSNS): the permission check, read from the node alone,
// and a batch of ten invitations, one transaction that every node
// certifies before it commits. Both run the workload's fixture and loops.
func BenchmarkGalera(b *testing.B) {
	for _, d := range []string{"mysql", "galera"} {
		b.Run("Can/"+d, func(b *testing.B) {
			bl := benchWorkload.Fixture(b, benchTarget(d), 1_000)
			benchmarks.BenchCan(b, bl.Svc, bl.F, benchWorkload.Requests(bl.F, "allow"))
		})
	}
	for _, d := range []string{"mysql", "galera"} {
		b.Run("InviteBatch10/"+d, func(b *testing.B) { benchWorkload.InviteBatch10On(b, benchTarget(d)) })
	}
}
