package main

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/rosterkit/roster/rosterhttp"
)

// people stand in for the host's user accounts: the "sign in as…" picker
// lists them. A real host has its own sign-in and sessions.
var people = []rosterhttp.User{
	{ID: "ann", Name: "Ann Owner", Email: "ann@acme.test", EmailVerified: true},
	{ID: "ada", Name: "Ada Admin", Email: "ada@acme.test", EmailVerified: true},
	{ID: "bob", Name: "Bob Member", Email: "bob@acme.test", EmailVerified: true},
	{ID: "carl", Name: "Carl Newcomer", Email: "carl@acme.test", EmailVerified: true},
	{ID: "dana", Name: "Dana Newcomer", Email: "dana@acme.test", EmailVerified: true},
	{ID: "gus", Name: "Gus Guest", Email: "gus@partner.test", EmailVerified: true},
}

// userCookie holds the signed-in user's ID. It is a stand-in: a real
// session is signed or opaque.
const userCookie = "webapp_user"

// currentUser is the app's identity provider.
func currentUser(r *http.Request) (rosterhttp.User, bool) {
	c, err := r.Cookie(userCookie)
	if err != nil {
		return rosterhttp.User{}, false
	}
	for _, u := range people {
		if u.ID == c.Value {
			return u, true
		}
	}
	return rosterhttp.User{}, false
}

// localPath keeps a return address on this site.
func localPath(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/"
	}
	return s
}

var signInPage = template.Must(template.New("signin").Parse(`<main class="roster" id="roster-main">
<h1 class="roster-title">Sign in as…</h1>
<p class="roster-muted">This picker stands in for the host's identity provider.</p>
<form method="post" action="/signin" class="roster-actions">
<input type="hidden" name="return_to" value="{{.Return}}">
{{range .People}}<button type="submit" name="user" value="{{.ID}}" class="roster-button" id="signin-{{.ID}}">{{.Name}} <span class="roster-muted">{{.Email}}</span></button>
{{end}}</form></main>`))

func (a *app) signIn(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		for _, u := range people {
			if u.ID == r.PostFormValue("user") {
				http.SetCookie(w, &http.Cookie{Name: userCookie, Value: u.ID, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
				http.Redirect(w, r, localPath(r.PostFormValue("return_to")), http.StatusSeeOther)
				return
			}
		}
		http.Error(w, "no such user", http.StatusBadRequest)
		return
	}
	a.page(w, r, "Sign in", signInPage, struct {
		Return string
		People []rosterhttp.User
	}{localPath(r.URL.Query().Get("return_to")), people})
}
