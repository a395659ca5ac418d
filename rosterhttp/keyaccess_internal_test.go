package rosterhttp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
)

// TestEveryKeyRuleIsARoute keeps keyRules in step with the routes: a rule
// for a route that was renamed would silently refuse keys on the new one,
// and a rule for a route without {org} would be ignored.
func TestEveryKeyRuleIsARoute(t *testing.T) {
	st := memstore.New()
	ms, err := membership.New(st, membership.Options{})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := invite.New(ms, invite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ks, err := apikey.New(ms, apikey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Members: ms, Invites: iv, Keys: ks, SignInURL: "/signin",
		Authenticator: AuthenticatorFunc(func(*http.Request) (User, error) { return User{}, ErrUnauthenticated })})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	for pattern, rule := range keyRules {
		if !rule.allow {
			t.Errorf("%s: a rule that refuses keys is the default; leave it out", pattern)
		}
		if !strings.Contains(pattern, "{org}") {
			t.Errorf("%s: a route open to keys must name its organization", pattern)
		}
		method, path, _ := cut(pattern)
		concrete := strings.NewReplacer("{org}", id, "{ws}", id, "{id}", id, "{user}", "bob").Replace(path)
		r := httptest.NewRequest(method, DefaultPrefix+"/api"+concrete, nil)
		if _, got := h.mux.Handler(r); got != method+" "+DefaultPrefix+"/api"+path {
			t.Errorf("%s: no such route (the request goes to %q)", pattern, got)
		}
	}
}
