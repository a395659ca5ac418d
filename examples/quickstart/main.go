// Command quickstart tells Roster's main story on the in-memory store: an
// organization, two workspaces, members in several roles, permission checks
// allowed and denied, a removal, and the audit trail. It links no database
// driver; examples/sqlite keeps the data in a SQLite file.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

func main() {
	if err := run(context.Background(), memstore.New()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, st membership.Store) error {
	events := membership.DispatcherFunc(func(_ context.Context, e membership.Event) error {
		subject := e.UserID
		if subject == "" {
			subject = e.Data["name"]
		}
		fmt.Printf("  event %-20s %s\n", e.Type, subject)
		return nil
	})
	m, err := membership.New(st, membership.Options{Dispatcher: events})
	if err != nil {
		return err
	}

	fmt.Println("Ann creates Acme; she is its owner.")
	org, err := m.CreateOrganization(ctx, "ann", membership.NewOrganization{
		Name: "Acme", Slug: "acme",
		OwnerEmail: "ann@acme.com",
		Settings:   membership.Settings{Domains: []string{"acme.com"}},
	})
	if err != nil {
		return err
	}
	marketing, err := m.CreateWorkspace(ctx, "ann", org.ID, "Marketing")
	if err != nil {
		return err
	}
	sales, err := m.CreateWorkspace(ctx, "ann", org.ID, "Sales")
	if err != nil {
		return err
	}

	fmt.Println("Ann adds an admin, a contributor in Marketing, and an outside reviewer.")
	people := []membership.NewMember{
		{UserID: "carl", Email: "carl@acme.com", Role: roles.OrgAdmin},
		{UserID: "dana", Email: "dana@acme.com", Role: roles.OrgMember,
			Workspaces: map[uuid.UUID]roles.Role{marketing.ID: roles.WorkspaceContributor}},
		{UserID: "erin", Email: "erin@agency.io",
			Workspaces: map[uuid.UUID]roles.Role{marketing.ID: roles.WorkspaceViewer}},
	}
	for _, p := range people {
		mem, err := m.AddMember(ctx, "ann", org.ID, p)
		if err != nil {
			return err
		}
		fmt.Printf("  %s joined as %s (%s)\n", mem.UserID, mem.Role, mem.Kind)
	}

	fmt.Println("Checks, as a host runs them on every request:")
	checks := []struct {
		user string
		ws   membership.Workspace
		perm roles.Permission
	}{
		{"dana", marketing, roles.PermUploadVideo},
		{"dana", sales, roles.PermView},
		{"erin", marketing, roles.PermView},
		{"erin", marketing, roles.PermUploadVideo},
		{"carl", sales, roles.PermManagePeople},
	}
	for _, c := range checks {
		ok, err := m.Can(ctx, org.ID, c.user, c.ws.ID, c.perm)
		if err != nil {
			return err
		}
		fmt.Printf("  %-4s %-15s in %-9s -> %v\n", c.user, c.perm, c.ws.Name, ok)
	}

	fmt.Println("Carl (admin) tries to make himself owner:")
	_, err = m.ChangeRole(ctx, "carl", org.ID, "carl", roles.OrgOwner)
	fmt.Println("  refused:", errors.Is(err, membership.ErrForbidden))

	fmt.Println("Carl removes Dana; her access goes with her.")
	if err := m.RemoveMember(ctx, "carl", org.ID, "dana"); err != nil {
		return err
	}
	ok, err := m.Can(ctx, org.ID, "dana", marketing.ID, roles.PermView)
	if err != nil {
		return err
	}
	fmt.Println("  dana views Marketing ->", ok)

	fmt.Println("Ann, the only owner, tries to leave:")
	err = m.Leave(ctx, "ann", org.ID)
	fmt.Println("  refused:", errors.Is(err, membership.ErrLastOwner))

	fmt.Println("The audit trail:")
	trail, _, err := m.Audit(ctx, "ann", org.ID, membership.AuditFilter{}, storage.Page{})
	if err != nil {
		return err
	}
	for _, e := range trail {
		outcome := ""
		if e.Denied {
			outcome = " (denied)"
		}
		fmt.Printf("  %-5s %-22s %s%s\n", e.Actor, e.Action, e.Target, outcome)
	}
	return nil
}
