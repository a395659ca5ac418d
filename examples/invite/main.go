// Command invite shows the invitation flow on the in-memory store: an
// admin pastes a list of addresses into an "Invite" dialog, the emails go
// out through a Mailer (here one that prints), an invitee previews and
// accepts, and a shareable link admits a colleague.
//
//	go run ./examples/invite
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// printMailer "sends" invitation emails by printing them. A real host
// renders a template and hands it to its mail service; it never logs the
// URL, which is a secret.
type printMailer struct {
	last map[string]string // address -> accept URL, so this demo can click it
}

func (p *printMailer) Send(_ context.Context, m invite.Mail) error {
	fmt.Printf("  ✉ to %s", m.To)
	if m.ToName != "" {
		fmt.Printf(" (%s)", m.ToName)
	}
	fmt.Printf(": %s invites you to join %s as %s", m.InviterName, m.OrgName, m.Role)
	for _, w := range m.Workspaces {
		fmt.Printf(", %s of %q", w.Role, w.Name)
	}
	fmt.Printf("; valid until %s\n", m.ExpiresAt.Format("Jan 2"))
	p.last[m.To] = m.URL
	return nil
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		return err
	}

	// A key lets admins copy an invitation URL later; keep it in a secret
	// store, not in code.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	mailer := &printMailer{last: map[string]string{}}
	iv, err := invite.New(m, invite.Options{
		Mailer:  mailer,
		Key:     key,
		BaseURL: "https://app.example.com/invite/",
	})
	if err != nil {
		return err
	}

	org, err := m.CreateOrganization(ctx, "olivia", membership.NewOrganization{
		Name: "Acme Video", Slug: "acme", OwnerEmail: "olivia@acme.com", OwnerName: "Olivia",
		Settings: membership.Settings{Domains: []string{"acme.com"}, Seats: 10},
	})
	if err != nil {
		return err
	}
	mkt, err := m.CreateWorkspace(ctx, "olivia", org.ID, "Marketing")
	if err != nil {
		return err
	}

	fmt.Println("1. Olivia pastes a list into the Invite dialog with one typo:")
	req := invite.Request{
		Emails:     "ann@acme.com; Bob <bob@partner.io>, carl@acme,com",
		Role:       roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{mkt.ID: roles.WorkspaceContributor},
	}
	_, err = iv.Invite(ctx, "olivia", org.ID, req)
	var be *invite.BatchError
	if errors.As(err, &be) {
		for _, e := range be.Entries {
			fmt.Printf("  ✗ %q: %v\n", e.Entry, e.Err)
		}
		fmt.Println("  nothing was saved or sent")
	}

	fmt.Println("\n2. She fixes it and sends again:")
	req.Emails = "ann@acme.com; Bob <bob@partner.io>, carl@acme.com, ANN@acme.com"
	req.Data = map[string]string{"redirect": "/videos/launch"} // host data, back on accept
	res, err := iv.Invite(ctx, "olivia", org.ID, req)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	for _, r := range res.Addresses {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.Address.Email, r.Outcome, r.Invitation.Kind, r.Invitation.Role)
	}
	tw.Flush()

	fmt.Println("\n3. Ann clicks the link in her email; the accept page previews it:")
	token := strings.TrimPrefix(mailer.last["ann@acme.com"], "https://app.example.com/invite/")
	p, err := iv.Preview(ctx, token)
	if err != nil {
		return err
	}
	fmt.Printf("  %s invites %s to %s as %s\n", p.InviterName, p.Email, p.OrgName, p.Role)

	fmt.Println("\n4. Someone else signed in with the forwarded link is refused:")
	_, err = iv.Accept(ctx, token, invite.Invitee{UserID: "mallory", Email: "mallory@acme.com", EmailVerified: true})
	fmt.Println("  ", err)
	err = iv.Reject(ctx, token, invite.Invitee{UserID: "mallory", Email: "mallory@acme.com", EmailVerified: true})
	fmt.Println("   declining it:", err)

	fmt.Println("\n5. Ann signs in and accepts:")
	acc, err := iv.Redeem(ctx, token, invite.Invitee{UserID: "ann", Email: "ann@acme.com", EmailVerified: true, Name: "Ann"})
	if err != nil {
		return err
	}
	ann := acc.Member
	up, err := m.Can(ctx, org.ID, ann.UserID, mkt.ID, roles.PermUploadVideo)
	if err != nil {
		return err
	}
	fmt.Printf("   ann is a %s %s; may upload to Marketing: %v; the page redirects to %s\n",
		ann.Kind, ann.Role, up, acc.Data["redirect"])
	_, err = iv.Accept(ctx, token, invite.Invitee{UserID: "ann", Email: "ann@acme.com", EmailVerified: true})
	fmt.Println("   accepting again:", err)

	fmt.Println("\n6. Bob's invitation is revoked; Carl's is resent (the old link dies):")
	pending, _, err := iv.Invitations(ctx, "olivia", org.ID, invite.InvitationFilter{Statuses: invite.Pending()}, pageAll)
	if err != nil {
		return err
	}
	for _, inv := range pending {
		switch inv.EmailKey {
		case "bob@partner.io":
			if err := iv.Revoke(ctx, "olivia", org.ID, inv.ID); err != nil {
				return err
			}
		case "carl@acme.com":
			old := mailer.last["carl@acme.com"]
			if _, _, err := iv.Resend(ctx, "olivia", org.ID, inv.ID); err != nil {
				return err
			}
			_, err := iv.Preview(ctx, strings.TrimPrefix(old, "https://app.example.com/invite/"))
			fmt.Println("   Carl's old link:", err)
			url, err := iv.InvitationURL(ctx, "olivia", org.ID, inv.ID)
			if err != nil {
				return err
			}
			fmt.Println("   copy invitation URL works:", url == mailer.last["carl@acme.com"])
		}
	}

	fmt.Println("\n7. A shareable link for acme.com colleagues, 5 uses:")
	_, linkTok, err := iv.CreateLink(ctx, "olivia", org.ID, invite.NewLink{
		Workspaces: map[uuid.UUID]roles.Role{mkt.ID: roles.WorkspaceViewer}, MaxUses: 5,
		AllowedDomains: []string{"acme.com"},
	})
	if err != nil {
		return err
	}
	dan, err := iv.Join(ctx, linkTok, invite.Invitee{UserID: "dan", Email: "dan@acme.com", EmailVerified: true})
	if err != nil {
		return err
	}
	fmt.Printf("   dan joined as %s\n", dan.Role)
	_, err = iv.Join(ctx, linkTok, invite.Invitee{UserID: "eve", Email: "eve@gmail.com", EmailVerified: true})
	fmt.Println("   eve@gmail.com:", err)

	fmt.Println("\n8. The audit trail:")
	events, _, err := m.Audit(ctx, "olivia", org.ID, membership.AuditFilter{}, pageAll)
	if err != nil {
		return err
	}
	for _, e := range events {
		mark := " "
		if e.Denied {
			mark = "✗"
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\n", mark, e.Action, e.Actor, e.Target)
	}
	return tw.Flush()
}

// pageAll asks for a whole (short) list at once.
var pageAll = storage.Page{Limit: storage.MaxPageSize}
