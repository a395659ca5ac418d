package rosterhttp

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// keysView is the data of the API keys page: the viewer's own keys and
// the form that makes one.
type keysView struct {
	Base, OrgName     string
	CanAudit          bool
	CanCreate         bool
	Keys              []keyRow
	Workspaces        []option // the first is "any workspace"
	Permissions       []string
	NextURL, FirstURL string
	Flash             string
	FlashErr          bool
}

// keyRow is one key of the list: never its secret.
type keyRow struct {
	ID                               uuid.UUID
	Name, Scope                      string
	CreatedAt, ExpiresAt, LastUsedAt time.Time
	Expired, Revoked                 bool
}

// routeKeysTab serves the API keys view of the Members tab, when the
// Handler has a key Service.
func (h *Handler) routeKeysTab() {
	if h.keys == nil {
		return
	}
	h.tab("GET", "/keys", h.keysPage)
	h.tab("POST", "/keys", h.keyCreatePost)
	h.tab("POST", "/keys/{id}/revoke", h.keyRevokePost)
}

// keysPage lists the viewer's keys, a page at a time, and the form.
func (h *Handler) keysPage(t *tabCall) {
	ctx := t.r.Context()
	after := t.r.URL.Query().Get("after")
	ks, next, err := h.keys.List(ctx, t.user.ID, t.org, apikey.Filter{UserID: t.user.ID}, storage.Page{After: after, Limit: tabPageSize})
	if err != nil {
		h.errorPage(t.w, t.r, err)
		return
	}
	org, err := h.ms.Organization(ctx, t.org)
	if err != nil {
		h.errorPage(t.w, t.r, err)
		return
	}
	perms, err := h.ms.OrgPermissions(ctx, t.org, t.user.ID)
	if err != nil {
		h.errorPage(t.w, t.r, err)
		return
	}
	v := keysView{Base: t.base, OrgName: org.Name, CanAudit: perms.Has(roles.PermViewAudit),
		CanCreate: perms.Has(roles.PermAPIAccess)}
	now := h.ms.Clock().Now()
	names := map[uuid.UUID]string{}
	if v.CanCreate {
		ws, _, err := h.ms.Workspaces(ctx, t.user.ID, t.org, storage.Page{Limit: storage.MaxPageSize})
		if err != nil {
			h.errorPage(t.w, t.r, err)
			return
		}
		v.Workspaces = []option{{Value: "", Label: "Any workspace", Selected: true}}
		for _, w := range ws {
			names[w.ID] = w.Name
			v.Workspaces = append(v.Workspaces, option{Value: w.ID.String(), Label: w.Name})
		}
		for p := roles.Permission(0); p <= roles.MaxPermission; p++ {
			if _, err := h.cat.PermissionScope(p); err == nil {
				v.Permissions = append(v.Permissions, h.cat.PermissionName(p))
			}
		}
	}
	for _, k := range ks {
		v.Keys = append(v.Keys, keyRow{ID: k.ID, Name: k.Name, Scope: h.scopeText(k.Scope, names),
			CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt,
			Expired: k.Expired(now), Revoked: k.Revoked})
	}
	if next != "" {
		v.NextURL = t.base + "/keys?" + url.Values{"after": {next}}.Encode()
	}
	if after != "" {
		v.FirstURL = t.base + "/keys"
	}
	v.Flash, v.FlashErr = flash(t.r.URL.Query())
	h.render(t.w, t.r, http.StatusOK, "keys", "API keys in "+org.Name, v)
}

// scopeText says what a key may do: "everything you may", or its
// permissions and workspace (by name where the viewer sees it).
func (h *Handler) scopeText(s apikey.Scope, names map[uuid.UUID]string) string {
	var parts []string
	if s.Perms != 0 {
		parts = append(parts, strings.Join(h.grantNames(s.Perms), ", "))
	} else {
		parts = append(parts, "everything you may")
	}
	if s.Workspace != uuid.Nil {
		name, ok := names[s.Workspace]
		if !ok {
			name = s.Workspace.String()
		}
		parts = append(parts, "in "+name+" only")
	}
	return strings.Join(parts, " ")
}

// keyCreatePost makes a key and shows its secret in this answer, the one
// time it is shown: not in a redirect's URL, not stored for a later page,
// not cached (Cache-Control: no-store, as every page). A refusal goes
// back to the keys page with its code (POST, redirect, GET).
func (h *Handler) keyCreatePost(t *tabCall) {
	nk, err := h.newKeyForm(t)
	var c apikey.Created
	if err == nil {
		c, err = h.keys.Create(t.r.Context(), t.user.ID, t.org, nk)
	}
	if err != nil {
		t.doneAt("/keys", "", 0, err)
		return
	}
	h.render(t.w, t.r, http.StatusOK, "key", "API key created", struct {
		Base, Name, Secret, API string
	}{t.base, c.Key.Name, c.Secret, h.prefix + "/api/"})
}

// newKeyForm reads the create form: name, expires (a date, the key
// stopping at its start, UTC), workspace and perm (checked permissions).
func (h *Handler) newKeyForm(t *tabCall) (apikey.NewKey, error) {
	if err := t.r.ParseForm(); err != nil {
		return apikey.NewKey{}, errInput("unreadable form")
	}
	f := t.r.PostForm
	nk := apikey.NewKey{Name: f.Get("name")}
	if s := f.Get("expires"); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nk, errInput("expires is not a date")
		}
		nk.ExpiresAt = d
	}
	if s := f.Get("workspace"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			return nk, membership.ErrNotFound
		}
		nk.Scope.Workspace = id
	}
	g, err := h.grants(f["perm"])
	if err != nil {
		return nk, err
	}
	nk.Scope.Perms = g
	return nk, nil
}

// keyRevokePost revokes a key of the viewer (or, for a manager of
// members, anyone's).
func (h *Handler) keyRevokePost(t *tabCall) {
	id, err := uuid.Parse(t.r.PathValue("id"))
	if err != nil {
		err = membership.ErrNotFound
	} else {
		err = h.keys.Revoke(t.r.Context(), t.user.ID, t.org, id)
	}
	t.doneAt("/keys", "key_revoked", 0, err)
}
