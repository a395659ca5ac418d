package main

import (
	"net/http"

	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/rosterhttp"
)

// mount is all a host writes to serve Roster: the JSON API under
// /roster/api/ (for the host's session and for API keys), the accept page
// at /roster/invite/ and the Members tab at /roster/orgs/{org}/members
// with its API keys view, behind the host's own identity and layout.
func mount(mux *http.ServeMux, m *membership.Service, iv *invite.Service, ks *apikey.Service, signedIn func(*http.Request) (rosterhttp.User, bool)) error {
	h, err := rosterhttp.New(rosterhttp.Options{
		Members:   m,
		Invites:   iv,
		Keys:      ks,
		SignInURL: "/signin",
		Layout:    layout,
		Authenticator: rosterhttp.AuthenticatorFunc(func(r *http.Request) (rosterhttp.User, error) {
			if u, ok := signedIn(r); ok {
				return u, nil
			}
			return rosterhttp.User{}, rosterhttp.ErrUnauthenticated
		}),
	})
	if err != nil {
		return err
	}
	mux.Handle("/roster/", h)
	return nil
}
