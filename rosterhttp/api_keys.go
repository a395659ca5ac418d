package rosterhttp

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
)

// KeyJSON is an API key: never its secret nor its digest.
type KeyJSON struct {
	ID         uuid.UUID  `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	Scope      ScopeJSON  `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	Revoked    bool       `json:"revoked"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// ScopeJSON is apikey.Scope: the only permissions the key may use (empty:
// all of its member's) and the only workspace it may act in (absent: any).
type ScopeJSON struct {
	Permissions []string   `json:"permissions"`
	Workspace   *uuid.UUID `json:"workspace,omitempty"`
}

// CreatedKeyJSON answers the creation of a key: the key and its secret,
// shown this once.
type CreatedKeyJSON struct {
	KeyJSON
	Secret string `json:"secret"`
}

type newKeyBody struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at"`
	Scope     *struct {
		Permissions []string   `json:"permissions"`
		Workspace   *uuid.UUID `json:"workspace"`
	} `json:"scope"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (h *Handler) keyJSON(k apikey.Key) KeyJSON {
	j := KeyJSON{ID: k.ID, UserID: k.UserID, Name: k.Name, CreatedAt: k.CreatedAt,
		ExpiresAt: optTime(k.ExpiresAt), LastUsedAt: optTime(k.LastUsedAt), Revoked: k.Revoked,
		RevokedAt: optTime(k.RevokedAt), Scope: ScopeJSON{Permissions: h.grantNames(k.Scope.Perms)}}
	if k.Scope.Workspace != uuid.Nil {
		ws := k.Scope.Workspace
		j.Scope.Workspace = &ws
	}
	return j
}

// keyFilter reads the list's filters: mine by default, user=<ID> for one
// member's, all=true for every key of the organization (both for a
// manager of members), active=true for keys not revoked.
func keyFilter(c *call) (apikey.Filter, error) {
	f := apikey.Filter{UserID: c.user.ID}
	var all bool
	for name, dst := range map[string]*bool{"active": &f.Active, "all": &all} {
		if s := c.param(name); s != "" {
			v, err := strconv.ParseBool(s)
			if err != nil {
				return f, errInput("%s is not true or false", name)
			}
			*dst = v
		}
	}
	switch u := c.param("user"); {
	case all && u != "":
		return f, errInput("user and all=true exclude each other")
	case all:
		f.UserID = ""
	case u != "":
		f.UserID = u
	}
	return f, nil
}

// routeKeys serves the API keys of an organization, when the Handler has
// a key Service: a member lists, creates and revokes its own; a manager
// of members lists and revokes any. Creating one takes the host's
// session (a key never mints another).
func (h *Handler) routeKeys() {
	if h.keys == nil {
		return
	}
	h.api("GET /orgs/{org}/keys", func(c *call) (int, any, error) {
		f, err := keyFilter(c)
		if err != nil {
			return 0, nil, err
		}
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		ks, next, err := h.keys.List(c.r.Context(), c.user.ID, c.org, f, p)
		if err != nil {
			return 0, nil, err
		}
		out := List[KeyJSON]{Items: []KeyJSON{}, Next: next}
		for _, k := range ks {
			out.Items = append(out.Items, h.keyJSON(k))
		}
		return http.StatusOK, out, nil
	})
	h.api("POST /orgs/{org}/keys", func(c *call) (int, any, error) {
		var b newKeyBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		nk := apikey.NewKey{Name: b.Name}
		if b.ExpiresAt != nil {
			nk.ExpiresAt = *b.ExpiresAt
		}
		if b.Scope != nil {
			g, err := h.grants(b.Scope.Permissions)
			if err != nil {
				return 0, nil, err
			}
			nk.Scope.Perms = g
			if b.Scope.Workspace != nil {
				nk.Scope.Workspace = *b.Scope.Workspace
			}
		}
		cr, err := h.keys.Create(c.r.Context(), c.user.ID, c.org, nk)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, CreatedKeyJSON{KeyJSON: h.keyJSON(cr.Key), Secret: cr.Secret}, nil
	})
	h.api("GET /orgs/{org}/keys/{id}", func(c *call) (int, any, error) {
		k, err := h.keys.Get(c.r.Context(), c.user.ID, c.org, c.item)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, h.keyJSON(k), nil
	})
	h.api("DELETE /orgs/{org}/keys/{id}", func(c *call) (int, any, error) {
		return http.StatusNoContent, nil, h.keys.Revoke(c.r.Context(), c.user.ID, c.org, c.item)
	})
}
