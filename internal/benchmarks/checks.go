package benchmarks

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/rosterkit/roster/membership"
)

// Can is the permission check through the Service on every target, per
// size and request kind: Can/<target>/<size>/<kind>.
func (w *Workload) Can(b *testing.B, targets []Target) {
	for _, t := range targets {
		b.Run(t.Name, func(b *testing.B) {
			for _, n := range CheckSizes() {
				if n > t.Large {
					continue
				}
				bl := w.Fixture(b, t, n)
				for _, kind := range Kinds {
					qs := w.Requests(bl.F, kind)
					b.Run(Label(n)+"/"+kind, func(b *testing.B) { BenchCan(b, bl.Svc, bl.F, qs) })
				}
			}
		})
	}
}

// BenchCan is the timed loop of a check. It is a function of its own, like
// the floor's loop, so that both compile alike.
func BenchCan(b *testing.B, svc *membership.Service, f *Fixture, qs []Request) {
	ctx := context.Background()
	org := f.Org.ID
	mask := len(qs) - 1
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := &qs[i&mask]
		if ok, err := svc.Can(ctx, org, q.UserID, q.Workspace, q.Perm); ok != q.Want || err != nil {
			b.Fatalf("Can(%s, %s, %d) = %v, %v; want %v", q.UserID, q.Workspace, q.Perm, ok, err, q.Want)
		}
	}
}

// CanParallel runs the allowed check on every core, on the targets that
// ask for it: CanParallel/<target>.
func (w *Workload) CanParallel(b *testing.B, targets []Target) {
	for _, t := range targets {
		if !t.Parallel {
			continue
		}
		b.Run(t.Name, func(b *testing.B) {
			bl := w.Fixture(b, t, 1000)
			qs := w.Requests(bl.F, "allow")
			var seed atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				i := int(seed.Add(1)) * 131
				for pb.Next() {
					i++
					q := &qs[i&(len(qs)-1)]
					if ok, err := bl.Svc.Can(ctx, bl.F.Org.ID, q.UserID, q.Workspace, q.Perm); err != nil || !ok {
						b.Errorf("Can = %v, %v", ok, err)
						return
					}
				}
			})
		})
	}
}
