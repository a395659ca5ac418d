package apikey_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

func Example() {
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ks, err := apikey.New(m, apikey.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}

	org, _ := m.CreateOrganization(ctx, "user-1", membership.NewOrganization{
		Name: "Acme", Slug: "acme", OwnerEmail: "olivia@acme.com"})
	marketing, _ := m.CreateWorkspace(ctx, "user-1", org.ID, "Marketing")
	sales, _ := m.CreateWorkspace(ctx, "user-1", org.ID, "Sales")
	_, _ = m.AddMember(ctx, "user-1", org.ID, membership.NewMember{
		UserID: "user-2", Email: "ann@acme.com", Role: roles.OrgMember,
		Grants:     roles.Grants(roles.PermAPIAccess),
		Workspaces: map[uuid.UUID]roles.Role{marketing.ID: roles.WorkspaceContributor, sales.ID: roles.WorkspaceContributor},
	})

	// Ann makes a key for her CI job: upload to Marketing, nothing else.
	c, err := ks.Create(ctx, "user-2", org.ID, apikey.NewKey{
		Name:  "CI upload",
		Scope: apikey.Scope{Perms: roles.Grants(roles.PermUploadVideo), Workspace: marketing.ID},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("shown once:", len(c.Secret), "characters starting with", c.Secret[:5])

	// The job presents it.
	p, err := ks.AuthenticateHeader(ctx, "Bearer "+c.Secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	up, _ := ks.Can(ctx, p, marketing.ID, roles.PermUploadVideo)
	edit, _ := ks.Can(ctx, p, marketing.ID, roles.PermEdit)
	other, _ := ks.Can(ctx, p, sales.ID, roles.PermUploadVideo)
	fmt.Println("upload to marketing:", up, "edit:", edit, "upload to sales:", other)

	// Ann loses her API access: the key stops at once.
	_, _ = m.SetGrants(ctx, "user-1", org.ID, "user-2", 0)
	up, _ = ks.Can(ctx, p, marketing.ID, roles.PermUploadVideo)
	fmt.Println("after the grant is withdrawn:", up)

	// The owner revokes it; the next use is refused.
	_ = ks.Revoke(ctx, "user-1", org.ID, c.Key.ID)
	_, err = ks.Authenticate(ctx, c.Secret)
	fmt.Println(errors.Is(err, apikey.ErrRevoked), membership.HTTPStatus(membership.CodeOf(err)))

	// Output:
	// shown once: 54 characters starting with rstk_
	// upload to marketing: true edit: false upload to sales: false
	// after the grant is withdrawn: false
	// true 401
}

// A key narrowed to inviting invites no more than it holds, though its
// member, an admin, may invite admins.
func ExampleService_AuthorizeGrant() {
	ctx := context.Background()
	st := memstore.New()
	m, _ := membership.New(st, membership.Options{})
	ks, _ := apikey.New(m, apikey.Options{})
	org, _ := m.CreateOrganization(ctx, "user-1", membership.NewOrganization{
		Name: "Acme", Slug: "acme", OwnerEmail: "olivia@acme.com"})
	_, _ = m.AddMember(ctx, "user-1", org.ID, membership.NewMember{
		UserID: "user-2", Email: "ada@acme.com", Role: roles.OrgAdmin})

	c, err := ks.Create(ctx, "user-2", org.ID, apikey.NewKey{
		Name:  "signup bot",
		Scope: apikey.Scope{Perms: roles.Grants(roles.PermInvite, roles.PermViewMembers)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := ks.Authenticate(ctx, c.Secret)

	fmt.Println("member:", ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgMember}))
	err = ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgAdmin})
	fmt.Println("admin:", errors.Is(err, apikey.ErrOutOfScope), membership.CodeOf(err), membership.HTTPStatus(membership.CodeOf(err)))

	// Output:
	// member: <nil>
	// admin: true api_key_scope 403
}
