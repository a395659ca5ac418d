package smtpmail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"net/mail"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/invite/smtpmail"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

func Example() {
	// A local SMTP server stands in for the host's mail server.
	server, err := newSink(sinkConfig{User: "mailer@acme.com", Pass: "secret"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer server.Close()

	mailer, err := smtpmail.New(smtpmail.Options{
		Addr:     server.Addr, // "smtp.example.com:587"
		From:     "Acme <no-reply@acme.com>",
		Username: "mailer@acme.com",
		Password: "secret",                           // from the host's secret store
		TLS:      &tls.Config{RootCAs: server.Roots}, // trusts the local server's certificate
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	iv, err := invite.New(m, invite.Options{Mailer: mailer, BaseURL: "https://app.example.com/invite/"})
	if err != nil {
		fmt.Println(err)
		return
	}
	org, _ := m.CreateOrganization(ctx, "user-1", membership.NewOrganization{
		Name: "Zoë's Café", Slug: "cafe", OwnerEmail: "olivia@cafe.com", OwnerName: "Olivia"})
	if _, err := iv.Invite(ctx, "user-1", org.ID, invite.Request{Emails: "Ann <ann@cafe.com>", Role: roles.OrgMember}); err != nil {
		fmt.Println(err)
		return
	}

	// What the server received.
	for _, r := range server.Messages() {
		msg, _ := mail.ReadMessage(bytes.NewReader(r.Data))
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		to, _ := msg.Header.AddressList("To")
		ct, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		fmt.Println("over TLS:", r.TLS)
		fmt.Println("to:", to[0].Name, to[0].Address)
		fmt.Println("subject:", subject)
		fmt.Println("type:", ct)
	}
	// Output:
	// over TLS: true
	// to: Ann ann@cafe.com
	// subject: Olivia invited you to join Zoë's Café
	// type: multipart/alternative
}
