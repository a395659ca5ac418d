package rosterhttp

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// PermissionsJSON answers "may I": every permission the caller holds in
// the workspace (or at organization scope without one) and, when one was
// asked, whether it is among them.
type PermissionsJSON struct {
	Workspace   *uuid.UUID `json:"workspace,omitempty"`
	Permissions []string   `json:"permissions"`
	Permission  string     `json:"permission,omitempty"`
	Allowed     *bool      `json:"allowed,omitempty"`
}

// permissions serves GET /orgs/{org}/permissions?workspace=W&permission=P.
func (h *Handler) permissions(c *call, org uuid.UUID) (int, any, error) {
	q := c.r.URL.Query()
	ws := uuid.Nil
	if s := q.Get("workspace"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			return 0, nil, errInput("workspace is not an ID")
		}
		ws = id
	}
	// The caller must be a member to ask at all: Member answers 403 for a
	// stranger and 404 for an organization that does not exist.
	if _, err := h.ms.Member(c.r.Context(), c.user.ID, org, c.user.ID); err != nil {
		return 0, nil, err
	}
	var set roles.PermSet
	var err error
	if ws == uuid.Nil {
		set, err = h.ms.OrgPermissions(c.r.Context(), org, c.user.ID)
	} else {
		if _, err := h.ms.Workspace(c.r.Context(), c.user.ID, org, ws); err != nil {
			return 0, nil, err
		}
		set, err = h.ms.Permissions(c.r.Context(), org, c.user.ID, ws)
	}
	if err != nil {
		return 0, nil, err
	}
	out := PermissionsJSON{Permissions: h.grantNames(set)}
	if ws != uuid.Nil {
		out.Workspace = &ws
	}
	if name := q.Get("permission"); name != "" {
		p, err := h.cat.Permission(name)
		if err != nil {
			return 0, nil, err
		}
		var ok bool
		if ws == uuid.Nil {
			ok, err = h.ms.CanOrg(c.r.Context(), org, c.user.ID, p)
		} else {
			ok, err = h.ms.Can(c.r.Context(), org, c.user.ID, ws, p)
		}
		if err != nil {
			return 0, nil, err
		}
		out.Permission, out.Allowed = name, &ok
	}
	return http.StatusOK, out, nil
}
