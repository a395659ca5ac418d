package rosterhttp

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// tabCall is one request of the Members tab: the signed-in viewer and the
// organization of the URL.
type tabCall struct {
	w    http.ResponseWriter
	r    *http.Request
	user User
	org  uuid.UUID
	base string // the organization's tab path: prefix/orgs/{org}
}

// tab registers a page or form of the Members tab under
// prefix/orgs/{org}. An anonymous visitor goes to the host's sign-in and
// comes back to the members page.
func (h *Handler) tab(method, path string, fn func(t *tabCall)) {
	h.mux.HandleFunc(method+" "+h.prefix+"/orgs/{org}"+path, func(w http.ResponseWriter, r *http.Request) {
		org, err := uuid.Parse(r.PathValue("org"))
		if err != nil {
			h.errorPage(w, r, membership.ErrNotFound)
			return
		}
		t := &tabCall{w: w, r: r, org: org, base: h.prefix + "/orgs/" + org.String()}
		u, ok, err := h.authenticate(r)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		if !ok {
			back := t.base + "/members"
			if method == http.MethodGet {
				back = r.URL.Path
			}
			h.signInRedirect(w, r, back)
			return
		}
		t.user = u
		fn(t)
	})
}

func (h *Handler) routeTab() {
	h.routeAssets()
	h.tab("GET", "/members", h.membersPage)
	h.tab("POST", "/members/invite", h.invitePost)
	h.tab("POST", "/members/role", h.rolePost)
	h.tab("POST", "/members/access", h.accessPost)
	h.tab("GET", "/members/remove", h.removeConfirm)
	h.tab("POST", "/members/bulk", h.bulkPost)
	h.tab("POST", "/members/remove", h.removePost)
	h.tab("POST", "/invitations/{id}/resend", h.resendPost)
	h.tab("POST", "/invitations/{id}/revoke", h.revokePost)
	h.tab("POST", "/invitations/{id}/url", h.urlPost)
	h.tab("GET", "/audit", h.auditPage)
	h.routeKeysTab()
}

// done ends a form post with a redirect to the members page (POST,
// redirect, GET) carrying what happened: ok=<what>&n=<count> or
// err=<code>. Neither carries a token or an address.
func (t *tabCall) done(ok string, n int, err error) { t.doneAt("/members", ok, n, err) }

// doneAt is done for the tab's page at path ("/keys").
func (t *tabCall) doneAt(path, ok string, n int, err error) {
	q := url.Values{}
	if err != nil {
		q.Set("err", membership.CodeOf(err))
	} else {
		q.Set("ok", ok)
		if n > 0 {
			q.Set("n", strconv.Itoa(n))
		}
	}
	http.Redirect(t.w, t.r, t.base+path+"?"+q.Encode(), http.StatusSeeOther)
}

// flash is the sentence of a done redirect.
func flash(q url.Values) (msg string, isErr bool) {
	if code := q.Get("err"); code != "" {
		return messageOf(code), true
	}
	n, _ := strconv.Atoi(q.Get("n"))
	switch q.Get("ok") {
	case "invited":
		return strconv.Itoa(n) + " " + plural(n, "invitation", "invitations") + " sent.", false
	case "role":
		return "Role changed.", false
	case "roles":
		return strconv.Itoa(n) + " " + plural(n, "role", "roles") + " changed.", false
	case "removed":
		return strconv.Itoa(n) + " " + plural(n, "member", "members") + " removed.", false
	case "access":
		return "Workspace access changed.", false
	case "resent":
		return "Invitation sent again.", false
	case "revoked":
		return "Invitation removed.", false
	case "key_revoked":
		return "API key revoked.", false
	}
	return "", false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// option is one choice of a menu.
type option struct {
	Value, Label string
	Selected     bool
}

// standing is what the viewer may give: its standing at org scope.
func (h *Handler) standing(m membership.Member) (roles.Standing, error) {
	return h.cat.OrgStanding(m.Role, m.Grants)
}

// roleOptions are the org roles viewer may move m to (m nil: someone
// new), current one first selected; empty when it may change nothing.
func (h *Handler) roleOptions(actor roles.Standing, m *membership.Member, current roles.Role) []option {
	var out []option
	guest, hasGuest := h.cat.Guest()
	var from *roles.Standing
	if m != nil {
		s, err := h.cat.OrgStanding(m.Role, m.Grants)
		if err != nil {
			return nil
		}
		from = &s
		if m.Kind == membership.KindGuest {
			return nil // a guest holds the guest role: SetKind first
		}
	}
	var grants roles.PermSet
	if m != nil {
		grants = m.Grants
	}
	for _, def := range h.cat.OrgRoles() {
		if hasGuest && def.Name == guest.Name {
			continue
		}
		to, err := h.cat.OrgStanding(def.Name, grants)
		if err != nil {
			continue
		}
		if def.Name != current && roles.Ceiling(actor, from, &to) != nil {
			continue
		}
		out = append(out, option{Value: string(def.Name), Label: string(def.Name), Selected: def.Name == current})
	}
	if len(out) == 1 && m != nil {
		return nil // only the current role: nothing to choose
	}
	return out
}
