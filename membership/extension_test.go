package membership_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/storage"
)

// extensionFixture is a Service over a memstore with one organization,
// owned by "owner".
func extensionFixture(t *testing.T) (context.Context, *memstore.Store, *membership.Service, membership.Organization) {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		t.Fatal(err)
	}
	org, err := m.CreateOrganization(ctx, "owner", membership.NewOrganization{Name: "Acme", Slug: "acme", OwnerEmail: "owner@acme.test"})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, st, m, org
}

// deniedEvents counts the denied audit events of action in org.
func deniedEvents(t *testing.T, ctx context.Context, m *membership.Service, org uuid.UUID, action string) int {
	t.Helper()
	es, _, err := m.Audit(ctx, "owner", org, membership.AuditFilter{Action: action}, storage.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Denied {
			n++
		}
	}
	return n
}

func TestExtensionAuditsEachRefusalOnce(t *testing.T) {
	ctx, _, m, org := extensionFixture(t)
	errMine := errors.New("refused by the extension")
	x := membership.Extend(m, membership.ExtensionOptions{Refusals: []error{errMine}})
	fail := func(x *membership.Extension, action string, err error) {
		t.Helper()
		got := x.Mutate(ctx, "owner", org.ID, action, func(ctx context.Context, op *membership.Op) error {
			op.Target("thing")
			return err
		})
		if !errors.Is(got, err) {
			t.Fatalf("%s: Mutate = %v, want %v", action, got, err)
		}
	}
	for action, c := range map[string]struct {
		x    *membership.Extension
		err  error
		want int
	}{
		"own.refusal":          {x, fmt.Errorf("%w: no", errMine), 1},
		"shared.refusal":       {x, fmt.Errorf("%w: no", membership.ErrForbidden), 1},
		"both.refusals":        {x, fmt.Errorf("%w and %w", membership.ErrForbidden, errMine), 1},
		"not.a.refusal":        {x, fmt.Errorf("%w: bad", membership.ErrInvalidInput), 0},
		"refusal.of.another":   {membership.Extend(m, membership.ExtensionOptions{}), errMine, 0},
		"shared.without.yours": {membership.Extend(m, membership.ExtensionOptions{}), membership.ErrLastOwner, 1},
	} {
		fail(c.x, action, c.err)
		if n := deniedEvents(t, ctx, m, org.ID, action); n != c.want {
			t.Errorf("%s: %d denied events, want %d", action, n, c.want)
		}
	}
}

func TestExtensionAfterCommitRunsOnlyAfterItsOwnCommit(t *testing.T) {
	ctx, st, m, org := extensionFixture(t)
	errMine := errors.New("refused by the extension")
	runs := 0
	x := membership.Extend(m, membership.ExtensionOptions{AfterCommit: func(context.Context) { runs++ }})
	mutate := func(ctx context.Context, err error) error {
		return x.Mutate(ctx, "owner", org.ID, "thing.done", func(context.Context, *membership.Op) error { return err })
	}
	if err := mutate(ctx, nil); err != nil || runs != 1 {
		t.Fatalf("a commit: err %v, %d runs; want nil, 1", err, runs)
	}
	if err := mutate(ctx, errMine); !errors.Is(err, errMine) || runs != 1 {
		t.Fatalf("a rollback: err %v, %d runs; want errMine, still 1", err, runs)
	}
	err := st.Transact(ctx, func(ctx context.Context) error {
		if err := mutate(ctx, nil); err != nil {
			return err
		}
		if runs != 1 {
			t.Errorf("AfterCommit ran inside the caller's transaction")
		}
		return nil
	})
	if err != nil || runs != 1 {
		t.Fatalf("a mutation in the caller's transaction: err %v, %d runs; want nil, still 1", err, runs)
	}
}

func TestExtensionMachineryRefusesWhatMutateDidNotMake(t *testing.T) {
	ctx, _, m, org := extensionFixture(t)
	stray := &membership.Op{Org: org}
	if _, err := stray.Admit(ctx, "owner", membership.NewMember{UserID: "ann", Email: "ann@acme.test"}); !errors.Is(err, membership.ErrInvalidInput) {
		t.Errorf("Admit on an Op not from Mutate: %v, want ErrInvalidInput", err)
	}
	if _, _, err := stray.Resolve(ctx, membership.Member{}, membership.Assignment{}); !errors.Is(err, membership.ErrInvalidInput) {
		t.Errorf("Resolve on an Op not from Mutate: %v, want ErrInvalidInput", err)
	}
	var none *membership.Extension
	for name, x := range map[string]*membership.Extension{"nil": none, "of no Service": membership.Extend(nil, membership.ExtensionOptions{})} {
		err := x.Mutate(ctx, "owner", org.ID, "thing.done", func(context.Context, *membership.Op) error { return nil })
		if !errors.Is(err, membership.ErrInvalidOptions) {
			t.Errorf("Mutate of a %s Extension: %v, want ErrInvalidOptions", name, err)
		}
		if err := x.MayInvite(org, membership.Member{}); !errors.Is(err, membership.ErrInvalidOptions) {
			t.Errorf("MayInvite of a %s Extension: %v, want ErrInvalidOptions", name, err)
		}
		x.RecordDenied(ctx, "owner", org.ID, "thing.done", "", membership.ErrForbidden) // no panic
		if x.Store() != nil || x.Logger() == nil {
			t.Errorf("a %s Extension has a store, or no logger", name)
		}
	}
	if n := deniedEvents(t, ctx, m, org.ID, "thing.done"); n != 0 {
		t.Errorf("an Extension of no Service recorded %d denied events", n)
	}
}
