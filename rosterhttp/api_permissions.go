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
	ws := uuid.Nil
	if s := c.param("workspace"); s != "" {
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
	if ws != uuid.Nil {
		if _, err := h.ms.Workspace(c.r.Context(), c.user.ID, org, ws); err != nil {
			return 0, nil, err
		}
	}
	set, err := h.callerPermissions(c, org, ws)
	if err != nil {
		return 0, nil, err
	}
	out := PermissionsJSON{Permissions: h.grantNames(set)}
	if ws != uuid.Nil {
		out.Workspace = &ws
	}
	if name := c.param("permission"); name != "" {
		p, err := h.cat.Permission(name)
		if err != nil {
			return 0, nil, err
		}
		ok, err := h.callerCan(c, org, ws, p)
		if err != nil {
			return 0, nil, err
		}
		out.Permission, out.Allowed = name, &ok
	}
	return http.StatusOK, out, nil
}

// callerPermissions are the permissions of the caller in ws (uuid.Nil: at
// organization scope): its member's, narrowed by the scope of the key it
// presented, if any.
func (h *Handler) callerPermissions(c *call, org, ws uuid.UUID) (roles.PermSet, error) {
	ctx := c.r.Context()
	switch {
	case c.key != nil && ws == uuid.Nil:
		return h.keys.OrgPermissions(ctx, *c.key)
	case c.key != nil:
		return h.keys.Permissions(ctx, *c.key, ws)
	case ws == uuid.Nil:
		return h.ms.OrgPermissions(ctx, org, c.user.ID)
	}
	return h.ms.Permissions(ctx, org, c.user.ID, ws)
}

// callerCan is Can or CanOrg for the caller, as callerPermissions.
func (h *Handler) callerCan(c *call, org, ws uuid.UUID, p roles.Permission) (bool, error) {
	ctx := c.r.Context()
	switch {
	case c.key != nil && ws == uuid.Nil:
		return h.keys.CanOrg(ctx, *c.key, p)
	case c.key != nil:
		return h.keys.Can(ctx, *c.key, ws, p)
	case ws == uuid.Nil:
		return h.ms.CanOrg(ctx, org, c.user.ID, p)
	}
	return h.ms.Can(ctx, org, c.user.ID, ws, p)
}
