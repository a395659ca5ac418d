package membership_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

func Example() {
	ctx := context.Background()
	m, err := membership.New(memstore.New(), membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}

	org, _ := m.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme", Slug: "acme"})
	ws, _ := m.CreateWorkspace(ctx, "ann", org.ID, "Marketing")
	_, _ = m.AddMember(ctx, "ann", org.ID, membership.NewMember{
		UserID: "bob", Email: "bob@acme.com", Role: roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceViewer},
	})

	view, _ := m.Can(ctx, org.ID, "bob", ws.ID, roles.PermView)
	upload, _ := m.Can(ctx, org.ID, "bob", ws.ID, roles.PermUploadVideo)
	fmt.Println("bob views:", view, "uploads:", upload)

	_ = m.RemoveMember(ctx, "ann", org.ID, "bob")
	view, _ = m.Can(ctx, org.ID, "bob", ws.ID, roles.PermView)
	fmt.Println("after removal, bob views:", view)

	err = m.Leave(ctx, "ann", org.ID)
	fmt.Println("the last owner leaves:", err != nil)
	// Output:
	// bob views: true uploads: false
	// after removal, bob views: false
	// the last owner leaves: true
}

// Run is the outbox worker: with DeferDelivery, requests only write their
// events, and Run delivers them after commit until its context ends.
func ExampleService_Run() {
	delivered := make(chan membership.Event, 1)
	m, err := membership.New(memstore.New(), membership.Options{
		DeferDelivery: true,
		Dispatcher: membership.DispatcherFunc(func(_ context.Context, e membership.Event) error {
			delivered <- e
			return nil
		}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()

	_, _ = m.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme", Slug: "acme"})
	fmt.Println("delivered:", (<-delivered).Type)
	stop()
	fmt.Println("stopped:", <-done)
	// Output:
	// delivered: organization.created
	// stopped: <nil>
}
