package roster_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

// The main story: an organization, a workspace, an invitation accepted,
// and the permission check a host runs on every request.
func Example() {
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	iv, err := invite.New(m, invite.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}

	org, _ := m.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme", Slug: "acme"})
	ws, _ := m.CreateWorkspace(ctx, "ann", org.ID, "Marketing")
	res, _ := iv.Invite(ctx, "ann", org.ID, invite.Request{
		Emails: "bob@acme.com", Role: roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceContributor},
	})
	_, err = iv.Accept(ctx, res.Addresses[0].Token, invite.Invitee{UserID: "bob", Email: "bob@acme.com", EmailVerified: true})
	fmt.Println("accepted:", err == nil)

	upload, _ := m.Can(ctx, org.ID, "bob", ws.ID, roles.PermUploadVideo)
	del, _ := m.Can(ctx, org.ID, "bob", ws.ID, roles.PermDelete)
	fmt.Println("bob uploads:", upload, "deletes:", del)
	// Output:
	// accepted: true
	// bob uploads: true deletes: false
}
