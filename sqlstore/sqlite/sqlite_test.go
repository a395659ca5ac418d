package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/sqlstore"
	"github.com/rosterkit/roster/sqlstore/sqlite"
	"github.com/rosterkit/roster/storage"
)

func newOrg(ctx context.Context, st *sqlstore.Store, slug string) (membership.Organization, error) {
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		return membership.Organization{}, err
	}
	return m.CreateOrganization(ctx, "ann",
		membership.NewOrganization{Name: "Acme", Slug: slug, OwnerEmail: "ann@acme.com"})
}

func TestOpenFileSetsDefaultsAndKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "roster.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	org, err := newOrg(ctx, st, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000"} {
		var got string
		if err := st.DB().QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Organization(ctx, org.ID); err != nil {
		t.Errorf("the organization is not in the file after reopening: %v", err)
	}
}

// TestMemoryLivesUntilClose: an in-memory database outlives every
// connection of the pool, and two of them are distinct.
func TestMemoryLivesUntilClose(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.DB().SetMaxIdleConns(0) // the pool closes each connection after use
	org, err := newOrg(ctx, st, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Organization(ctx, org.ID); err != nil {
		t.Errorf("the in-memory database lost its data with its connections: %v", err)
	}

	other, err := sqlite.Open(ctx, ":memory:", sqlstore.SkipMigrate())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a second :memory: database has %d schema objects, want none", n)
	}
}

// TestDriverErrorsAreTranslated: the driver's own errors reach the host as
// the library's sentinels.
func TestDriverErrorsAreTranslated(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	org, err := newOrg(ctx, st, "acme")
	if err != nil {
		t.Fatal(err)
	}
	dup := org
	dup.ID[0] ^= 0xff
	if err := st.CreateOrganization(ctx, dup); !errors.Is(err, storage.ErrConflict) {
		t.Errorf("a second organization with the slug: %v, want ErrConflict", err)
	}
}

func TestOpenRefusesABadDSN(t *testing.T) {
	_, err := sqlite.Open(t.Context(), "roster.db?vfs=memdb&vfs=other")
	if !errors.Is(err, sqlstore.ErrInvalidOption) {
		t.Errorf("Open with conflicting vfs parameters: %v, want ErrInvalidOption", err)
	}
}

// Open a SQLite database (here in memory; a file name keeps it) and use it
// as the store of the membership Service.
func ExampleOpen() {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	m, err := membership.New(st, membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	org, err := m.CreateOrganization(ctx, "ann", membership.NewOrganization{
		Name: "Acme", Slug: "acme", OwnerEmail: "ann@acme.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(org.Name, "is in", st.Dialect())
	// Output: Acme is in sqlite
}
