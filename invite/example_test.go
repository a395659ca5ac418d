package invite_test

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

// A Mailer that prints what it would send (never the token or URL: they
// are secrets).
type printMailer struct{}

func (printMailer) Send(_ context.Context, m invite.Mail) error {
	fmt.Printf("mail to %s: %s invites you to %s as %s\n", m.To, m.InviterName, m.OrgName, m.Role)
	return nil
}

func Example() {
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	iv, err := invite.New(m, invite.Options{Mailer: printMailer{}, BaseURL: "https://app.example.com/invite/"})
	if err != nil {
		fmt.Println(err)
		return
	}

	org, _ := m.CreateOrganization(ctx, "user-1", membership.NewOrganization{
		Name: "Acme", Slug: "acme", OwnerEmail: "olivia@acme.com", OwnerName: "Olivia"})
	ws, _ := m.CreateWorkspace(ctx, "user-1", org.ID, "Marketing")

	res, err := iv.Invite(ctx, "user-1", org.ID, invite.Request{
		Emails:     "ann@acme.com; Bob <bob@partner.io>, ANN@acme.com",
		Role:       roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceContributor},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Addresses {
		fmt.Println(r.Address.Key, r.Outcome, r.Invitation.Kind)
	}

	// Ann opens the link from her email, signs in and accepts.
	token := res.Addresses[0].Token
	p, _ := iv.Preview(ctx, token)
	fmt.Printf("preview: join %s as %s, invited by %s\n", p.OrgName, p.Role, p.InviterName)
	ann, err := iv.Accept(ctx, token, invite.Invitee{UserID: "user-2", Email: "ann@acme.com", EmailVerified: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, _ := m.Can(ctx, org.ID, ann.UserID, ws.ID, roles.PermUploadVideo)
	fmt.Println("ann may upload:", ok)

	_, err = iv.Accept(ctx, token, invite.Invitee{UserID: "user-2", Email: "ann@acme.com", EmailVerified: true})
	fmt.Println("again:", err)
	// Output:
	// mail to ann@acme.com: Olivia invites you to Acme as member
	// mail to bob@partner.io: Olivia invites you to Acme as member
	// ann@acme.com invited coworker
	// bob@partner.io invited coworker
	// preview: join Acme as member, invited by Olivia
	// ann may upload: true
	// again: invitation.accepted: roster: invitation already used: the invitation was already accepted
}

func ExampleParseBatch() {
	_, err := invite.ParseBatch("ann@acme.com, bob@, carl@[10.0.0.1]", nil, 10)
	fmt.Println(err)
	// Output:
	// 2 invalid email addresses: "bob@" (not an email address); "carl@[10.0.0.1]" (IP address literals are not accepted)
}
