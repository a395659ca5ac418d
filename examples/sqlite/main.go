// Command sqlite keeps Roster's data in a SQLite file through the driver
// package sqlstore/sqlite, which links modernc.org/sqlite (no cgo) and no
// other driver. Run it twice: the second run finds the organization the
// first one made.
//
//	go run ./examples/sqlite                 # roster-example.db in the temp directory
//	go run ./examples/sqlite -db roster.db   # a file of your choice
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/sqlstore/sqlite"
	"github.com/rosterkit/roster/storage"
)

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "roster-example.db"), "the SQLite file")
	flag.Parse()
	if err := run(context.Background(), *path); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, path string) error {
	// Open creates the file if need be, turns on WAL, foreign keys and a
	// busy timeout, and migrates the schema.
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		return err
	}

	org, err := m.OrganizationBySlug(ctx, "acme")
	switch {
	case errors.Is(err, storage.ErrNotFound):
		org, err = m.CreateOrganization(ctx, "ann", membership.NewOrganization{
			Name: "Acme", Slug: "acme", OwnerEmail: "ann@acme.com"})
		if err != nil {
			return err
		}
		if _, err := m.AddMember(ctx, "ann", org.ID, membership.NewMember{
			UserID: "bob", Email: "bob@acme.com", Role: roles.OrgMember}); err != nil {
			return err
		}
		fmt.Printf("created Acme in %s\n", path)
	case err != nil:
		return err
	default:
		fmt.Printf("found Acme in %s, made on %s\n", path, org.CreatedAt.Format("2006-01-02 15:04:05"))
	}

	members, _, err := m.Members(ctx, "ann", org.ID, membership.MemberFilter{}, storage.Page{})
	if err != nil {
		return err
	}
	for _, mem := range members {
		fmt.Printf("  %-4s %s\n", mem.UserID, mem.Role)
	}
	return nil
}
