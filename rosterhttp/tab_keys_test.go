package rosterhttp_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
	"github.com/stretchr/testify/require"
)

// secretPattern finds a key in a page.
var secretPattern = regexp.MustCompile(regexp.QuoteMeta(apikey.Prefix) + `[0-9A-Za-z]{49}`)

func TestKeysViewShowsTheSecretOnceAndNeverAgain(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const keys = "/roster/orgs/{acme}/keys"

	// The members page links the view.
	require.Contains(t, f.page(t, "ada", "GET", "/roster/orgs/{acme}/members", nil).Body.String(), `/keys">API keys</a>`)

	w := f.page(t, "ada", "GET", keys, nil)
	require.Equal(t, 200, w.Code)
	requirePageHeaders(t, w)
	body := w.Body.String()
	require.Contains(t, body, "No key yet.")
	require.Contains(t, body, `action="/roster/orgs/`+f.acme.ID.String()+`/keys"`)
	require.Contains(t, body, `<option value="`+f.ws.ID.String()+`">Marketing</option>`)
	require.Contains(t, body, `value="upload"`)

	// Create: the answer to the post itself shows the secret, once, and
	// is neither cached nor a redirect.
	form := url.Values{"name": {"CI upload"}, "expires": {"2099-12-31"}, "workspace": {f.ws.ID.String()}, "perm": {"upload"}}
	w = f.page(t, "ada", "POST", keys, form)
	require.Equal(t, 200, w.Code, w.Body.String())
	requirePageHeaders(t, w)
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	require.Empty(t, w.Header().Get("Location"))
	secrets := secretPattern.FindAllString(w.Body.String(), -1)
	require.Len(t, secrets, 1, "the secret appears once")
	secret := secrets[0]
	require.Contains(t, w.Body.String(), "shown this once")

	// It works, as narrowed.
	r := f.bearer(t, "Bearer "+secret, "GET", "/roster/api/orgs/{acme}/permissions?workspace={ws}", "")
	require.Equal(t, 200, r.Code, r.Body.String())
	require.Contains(t, r.Body.String(), `"permissions":["upload"]`)

	// The list shows it, never its secret.
	w = f.page(t, "ada", "GET", keys, nil)
	body = w.Body.String()
	require.NotContains(t, body, secret)
	require.Empty(t, secretPattern.FindAllString(body, -1))
	require.Regexp(t, `<td>CI upload</td><td>[^<]+</td><td>\d{4}-\d\d-\d\d [^<]+</td>`, body, "named, created, and used once")
	require.Contains(t, body, "<td>31 Dec 2099</td>")
	require.Contains(t, body, "<td>upload in Marketing only</td>")

	// Others do not see it in their view.
	require.NotContains(t, f.page(t, "ann", "GET", keys, nil).Body.String(), "<td>CI upload</td>")

	// Revoke: POST, redirect, GET with a message; the key stops working.
	ks, _, err := f.ks.List(ctx, "ada", f.acme.ID, apikey.Filter{UserID: "ada"}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, ks, 1)
	w = f.page(t, "ada", "POST", keys+"/"+ks[0].ID.String()+"/revoke", url.Values{})
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, "/roster/orgs/"+f.acme.ID.String()+"/keys?ok=key_revoked", w.Header().Get("Location"))
	w = f.page(t, "ada", "GET", keys+"?ok=key_revoked", nil)
	require.Contains(t, w.Body.String(), "API key revoked.")
	require.Contains(t, w.Body.String(), "revoked</td>")
	require.Equal(t, 401, f.bearer(t, "Bearer "+secret, "GET", "/roster/api/orgs/{acme}", "").Code)
}

func TestKeysViewRefusalsGoBackWithTheirCode(t *testing.T) {
	f := newFixture(t)
	const keys = "/roster/orgs/{acme}/keys"
	// bob holds no API access: no form, and a forged post is refused.
	body := f.page(t, "bob", "GET", keys, nil).Body.String()
	require.NotContains(t, body, "Create key")
	require.Contains(t, body, "cannot create keys")
	w := f.page(t, "bob", "POST", keys, url.Values{"name": {"sneaky"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.True(t, strings.HasSuffix(w.Header().Get("Location"), "/keys?err=forbidden"), w.Header().Get("Location"))
	// Bad input.
	for _, form := range []url.Values{{"name": {""}}, {"name": {"x"}, "expires": {"soon"}}, {"name": {"x"}, "perm": {"fly"}},
		{"name": {"x"}, "expires": {"2001-01-01"}}} {
		w = f.page(t, "ada", "POST", keys, form)
		require.Equal(t, http.StatusSeeOther, w.Code, form)
		require.Contains(t, w.Header().Get("Location"), "/keys?err=invalid_")
	}
	// Revoking another member's key needs the permission to manage
	// members; a manager may.
	c, err := f.ks.Create(context.Background(), "ada", f.acme.ID, apikey.NewKey{Name: "k"})
	require.NoError(t, err)
	_, err = f.ms.SetGrants(context.Background(), "ann", f.acme.ID, "bob", roles.Grants(roles.PermAPIAccess))
	require.NoError(t, err)
	w = f.page(t, "bob", "POST", keys+"/"+c.Key.ID.String()+"/revoke", url.Values{})
	require.True(t, strings.HasSuffix(w.Header().Get("Location"), "/keys?err=forbidden"))
	w = f.page(t, "ann", "POST", keys+"/"+c.Key.ID.String()+"/revoke", url.Values{})
	require.True(t, strings.HasSuffix(w.Header().Get("Location"), "/keys?ok=key_revoked"))
	// Anonymous visitors go to sign in; other sites' posts are refused.
	require.Equal(t, http.StatusSeeOther, f.page(t, "", "GET", keys, nil).Code)
	r := f.bearer(t, "", "POST", keys, "", "X-User", "ada", "Sec-Fetch-Site", "cross-site", "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusForbidden, r.Code)
}
