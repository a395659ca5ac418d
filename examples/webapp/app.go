package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"html/template"
	"net/http"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/rosterhttp"
	"github.com/rosterkit/roster/sqlstore"
	"github.com/rosterkit/roster/storage"
)

// app is the host: its own pages (home, sign-in picker, mailbox) beside
// Roster's.
type app struct {
	ms   *membership.Service
	iv   *invite.Service
	ks   *apikey.Service
	mail *mailbox
	mux  *http.ServeMux
	h    http.Handler
}

// newApp builds the services over st, seeds the demo organization once,
// and mounts everything for a site at origin ("http://127.0.0.1:8080").
func newApp(ctx context.Context, st *sqlstore.Store, origin string) (*app, error) {
	a := &app{mail: &mailbox{}, mux: http.NewServeMux()}
	key := make([]byte, 32) // lets admins copy invitation URLs made by this process
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	var err error
	if a.ms, err = membership.New(st, membership.Options{}); err != nil {
		return nil, err
	}
	if a.iv, err = invite.New(a.ms, invite.Options{Mailer: a.mail, Key: key, BaseURL: rosterhttp.AcceptURL(origin, "")}); err != nil {
		return nil, err
	}
	if a.ks, err = apikey.New(a.ms, apikey.Options{}); err != nil {
		return nil, err
	}
	if err := a.seed(ctx); err != nil {
		return nil, err
	}
	if err := mount(a.mux, a.ms, a.iv, a.ks, currentUser); err != nil {
		return nil, err
	}
	a.mux.HandleFunc("GET /{$}", a.home)
	a.mux.HandleFunc("/signin", a.signIn)
	a.mux.HandleFunc("GET /mailbox", a.mailboxPage)
	a.mux.HandleFunc("GET /static/app.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		_, _ = w.Write([]byte(appCSS))
	})
	// Cross-site posts to the app's own forms are refused too.
	a.h = http.NewCrossOriginProtection().Handler(a.mux)
	return a, nil
}

// ServeHTTP serves the app.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.h.ServeHTTP(w, r) }

// seed makes the demo organization on the first run.
func (a *app) seed(ctx context.Context) error {
	if _, err := a.ms.OrganizationBySlug(ctx, "acme"); !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	org, err := a.ms.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme Video", Slug: "acme",
		OwnerEmail: "ann@acme.test", OwnerName: "Ann Owner",
		Settings: membership.Settings{Domains: []string{"acme.test"}, Seats: 25}})
	if err != nil {
		return err
	}
	mk, err := a.ms.CreateWorkspace(ctx, "ann", org.ID, "Marketing")
	if err != nil {
		return err
	}
	if _, err := a.ms.CreateWorkspace(ctx, "ann", org.ID, "Design"); err != nil {
		return err
	}
	if _, err := a.ms.AddMember(ctx, "ann", org.ID, membership.NewMember{UserID: "ada", Email: "ada@acme.test", Name: "Ada Admin", Role: roles.OrgAdmin}); err != nil {
		return err
	}
	_, err = a.ms.AddMember(ctx, "ann", org.ID, membership.NewMember{UserID: "bob", Email: "bob@acme.test", Name: "Bob Member",
		Role: roles.OrgMember, Workspaces: map[uuid.UUID]roles.Role{mk.ID: roles.WorkspaceContributor}})
	return err
}

var homePage = template.Must(template.New("home").Parse(`<main class="roster" id="roster-main">
<h1 class="roster-title">Acme Video</h1>
{{if .User.ID}}<h2>Your organizations</h2><ul class="roster-list">
{{range .Orgs}}<li><strong>{{.Name}}</strong> ({{.Role}}) · <a href="/roster/orgs/{{.ID}}/members" id="members-{{.Slug}}">Members</a></li>
{{else}}<li>None yet: ask for an invitation.</li>{{end}}</ul>
{{else}}<p><a class="roster-button roster-primary" href="/signin">Sign in</a></p>{{end}}
</main>`))

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	u, _ := currentUser(r)
	var orgs []membership.UserMembership
	if u.ID != "" {
		var err error
		if orgs, _, err = a.ms.Memberships(r.Context(), u.ID, storage.Page{}); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	a.page(w, r, "Home", homePage, struct {
		User rosterhttp.User
		Orgs []membership.UserMembership
	}{u, orgs})
}

// page renders one of the app's own pages in its layout.
func (a *app) page(w http.ResponseWriter, r *http.Request, title string, t *template.Template, data any) {
	var body, out bytes.Buffer
	if err := t.Execute(&body, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	head := template.HTML(`<link rel="stylesheet" href="/roster/assets/roster.css">`)
	if err := layout(&out, r, rosterhttp.Page{Title: title, Head: head, Body: template.HTML(body.String())}); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'")
	_, _ = out.WriteTo(w)
}

const appCSS = `body { margin: 0; background: #eef1f5; font-family: system-ui, sans-serif; }
.app-bar { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.5rem; background: #14213d; color: #fff; }
.app-bar a { color: #fff; }
.app-name { font-weight: 700; text-decoration: none; }
.roster { --roster-accent: #0f766e; margin-top: 1.5rem; border-radius: 8px; }
.mail { border-bottom: 1px solid #ddd; padding-bottom: 1rem; }
`
