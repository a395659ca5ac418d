package sqlstore_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/sqlstore/sqlite"
)

// Open a SQLite database with the driver package sqlstore/sqlite (here in
// memory; a file name keeps it), and use it as the store of the membership
// Service. sqlstore/postgres and sqlstore/mysql open the other databases
// the same way.
func Example() {
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
	org, err := m.CreateOrganization(ctx, "user-1", membership.NewOrganization{
		Name: "Acme", Slug: "acme", OwnerEmail: "owner@acme.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ws, _ := m.CreateWorkspace(ctx, "user-1", org.ID, "Marketing")
	_, err = m.AddMember(ctx, "user-1", org.ID, membership.NewMember{
		UserID: "user-2", Email: "ann@acme.com", Role: roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceContributor},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	upload, _ := m.Can(ctx, org.ID, "user-2", ws.ID, roles.PermUploadVideo)
	manage, _ := m.Can(ctx, org.ID, "user-2", ws.ID, roles.PermManagePeople)
	fmt.Println("upload:", upload, "manage people:", manage)
	// Output: upload: true manage people: false
}
