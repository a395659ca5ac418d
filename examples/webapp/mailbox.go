package main

import (
	"context"
	"html/template"
	"net/http"
	"sync"

	"github.com/rosterkit/roster/invite"
)

// mailbox stands in for email: invitation mails are kept per address and
// shown to the signed-in user at /mailbox.
type mailbox struct {
	mu   sync.Mutex
	mail map[string][]invite.Mail
}

// Send keeps m for its addressee.
func (b *mailbox) Send(_ context.Context, m invite.Mail) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.mail == nil {
		b.mail = map[string][]invite.Mail{}
	}
	b.mail[m.ToASCII] = append(b.mail[m.ToASCII], m)
	return nil
}

func (b *mailbox) of(addr string) []invite.Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	ms := b.mail[addr]
	out := make([]invite.Mail, len(ms))
	for i := range ms {
		out[len(ms)-1-i] = ms[i] // newest first
	}
	return out
}

var mailboxPage = template.Must(template.New("mailbox").Parse(`<main class="roster" id="roster-main">
<h1 class="roster-title">Mailbox of {{.Addr}}</h1>
{{range .Mail}}<article class="mail"><h2>{{.InviterName}} invites you to join {{.OrgName}}</h2>
<p>Role: {{.Role}}{{range .Workspaces}}, {{.Name}} ({{.Role}}){{end}}</p>
<p><a class="roster-button roster-primary mail-link" href="{{.URL}}" rel="noreferrer">Open the invitation</a></p></article>
{{else}}<p>No mail.</p>{{end}}</main>`))

func (a *app) mailboxPage(w http.ResponseWriter, r *http.Request) {
	u, ok := currentUser(r)
	if !ok {
		http.Redirect(w, r, "/signin?return_to=/mailbox", http.StatusSeeOther)
		return
	}
	a.page(w, r, "Mailbox", mailboxPage, struct {
		Addr string
		Mail []invite.Mail
	}{u.Email, a.mail.of(u.Email)})
}
