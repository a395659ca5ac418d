package rosterhttp

import (
	"errors"
	"net/http"
	"strings"

	"github.com/rosterkit/roster/apikey"
)

// bearerScheme starts an Authorization header that carries a key.
const bearerScheme = "bearer "

// presentedKey returns the API key of r's Authorization header, when the
// Handler takes keys and the header is "Bearer rstk_…" (the scheme in any
// case). Keys are read from there only: never from a cookie, a query
// parameter or a form, which a browser may send on its own or write to a
// log. A bearer credential of another shape (the host's own tokens) is not
// a key and goes to the host's Authenticator.
func (h *Handler) presentedKey(r *http.Request) (string, bool) {
	if h.keys == nil {
		return "", false
	}
	v := r.Header.Get("Authorization")
	if len(v) <= len(bearerScheme) || !strings.EqualFold(v[:len(bearerScheme)], bearerScheme) {
		return "", false
	}
	secret := strings.TrimLeft(v[len(bearerScheme):], " ")
	return secret, strings.HasPrefix(secret, apikey.Prefix)
}

// bearerPasses serves API requests that present a key without the
// cross-origin protection of next: forms and cookies are what another
// site can make a browser send, a key in a header is not, and the API
// never falls back to the host's session for a request that presents one.
func (h *Handler) bearerPasses(next http.Handler) http.Handler {
	api := h.prefix + "/api/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := h.presentedKey(r); ok && strings.HasPrefix(r.URL.Path, api) {
			h.mux.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authenticateKey turns the key of an API request into its member (c.user
// and c.key). A key that authenticates nobody (malformed, unknown,
// revoked, expired) answers 401 with its code and a WWW-Authenticate
// challenge; the problem never repeats the key.
func (h *Handler) authenticateKey(c *call, secret string) bool {
	p, err := h.keys.Authenticate(c.r.Context(), secret)
	if err != nil {
		if errors.Is(err, apikey.ErrInvalidKey) {
			c.w.Header().Set("WWW-Authenticate", `Bearer realm="roster", error="invalid_token"`)
		}
		h.fail(c.w, c.r, err)
		return false
	}
	c.user, c.key = User{ID: p.UserID}, &p
	return true
}
