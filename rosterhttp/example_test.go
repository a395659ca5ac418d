package rosterhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/rosterhttp"
)

// A host mounts the API, the accept page and the Members tab behind its
// own identity: here a header a proxy would set.
func Example() {
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	iv, err := invite.New(m, invite.Options{BaseURL: rosterhttp.AcceptURL("http://localhost:8080", "")})
	if err != nil {
		fmt.Println(err)
		return
	}
	org, _ := m.CreateOrganization(ctx, "ann", membership.NewOrganization{Name: "Acme", Slug: "acme", OwnerEmail: "ann@acme.com"})

	h, err := rosterhttp.New(rosterhttp.Options{
		Members: m, Invites: iv, SignInURL: "/signin",
		Authenticator: rosterhttp.AuthenticatorFunc(func(r *http.Request) (rosterhttp.User, error) {
			id := r.Header.Get("X-User")
			if id == "" {
				return rosterhttp.User{}, rosterhttp.ErrUnauthenticated
			}
			return rosterhttp.User{ID: id, Email: id + "@acme.com", EmailVerified: true}, nil
		}),
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/roster/", h)

	r := httptest.NewRequest("POST", "/roster/api/orgs/"+org.ID.String()+"/invitations",
		strings.NewReader(`{"emails":"bob@acme.com, bob@acme"}`))
	r.Header.Set("X-User", "ann")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Print(w.Body.String())
	// Output:
	// 400 application/problem+json
	// {"type":"about:blank","title":"Bad Request","status":400,"detail":"some entries are not valid email addresses","code":"invalid_email","errors":[{"index":1,"entry":"bob@acme","detail":"roster: invalid email address: domain must have a dot (e.g. acme.com)"}]}
}
