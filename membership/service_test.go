package membership_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

func TestNewRefusesUnusableOptions(t *testing.T) {
	for name, c := range map[string]struct {
		st   membership.Store
		opts membership.Options
		want error
	}{
		"no store":              {nil, membership.Options{}, membership.ErrInvalidOptions},
		"negative MaxAttempts":  {memstore.New(), membership.Options{MaxAttempts: -1}, membership.ErrInvalidOptions},
		"negative PollInterval": {memstore.New(), membership.Options{PollInterval: -1}, membership.ErrInvalidOptions},
		"zero catalog":          {memstore.New(), membership.Options{Roles: &roles.Catalog{}}, membership.ErrInvalidRole},
	} {
		t.Run(name, func(t *testing.T) {
			svc, err := membership.New(c.st, c.opts)
			if !errors.Is(err, c.want) || svc != nil {
				t.Fatalf("New = %v, %v; want nil and %v", svc, err, c.want)
			}
			// A host that ignores the error gets a Service that refuses
			// every call instead of a panic.
			_, err = svc.CreateOrganization(context.Background(), "ann", membership.NewOrganization{Name: "Acme", Slug: "acme", OwnerEmail: "ann@acme.com"})
			if !errors.Is(err, membership.ErrInvalidOptions) {
				t.Fatalf("CreateOrganization on the nil Service = %v, want ErrInvalidOptions", err)
			}
		})
	}
}

func TestNewAcceptsZeroOptions(t *testing.T) {
	svc, err := membership.New(memstore.New(), membership.Options{})
	if err != nil || svc == nil {
		t.Fatalf("New with zero options = %v, %v", svc, err)
	}
	if _, err := svc.CreateOrganization(context.Background(), "ann", membership.NewOrganization{Name: "Acme", Slug: "acme", OwnerEmail: "ann@acme.com"}); err != nil {
		t.Fatal(err)
	}
}
