package sqlstore

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
)

// Writes cut short by their context at any moment leave no connection
// mid-transaction in the pool: a later write is never blocked by them.
func TestCancelledWritesLeaveNoTransactionOpen(t *testing.T) {
	for _, tg := range targets() {
		if !strings.HasPrefix(tg.name, "sqlite") {
			continue
		}
		t.Run(tg.name, func(t *testing.T) {
			st := tg.open(t)
			newOrg := func() membership.Organization {
				id := uuid.New()
				now := time.Now().UTC()
				return membership.Organization{ID: id, Name: "Org", Slug: "o" + strings.ReplaceAll(id.String(), "-", ""), CreatedAt: now, UpdatedAt: now}
			}
			var wg sync.WaitGroup
			for i := range 300 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%60)*10*time.Microsecond)
				wg.Go(func() {
					defer cancel()
					_ = st.CreateOrganization(ctx, newOrg())
				})
			}
			wg.Wait()
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			if err := st.CreateOrganization(ctx, newOrg()); err != nil {
				t.Fatalf("a write after cancelled writes: %v", err)
			}
		})
	}
}
