package rosterhttp

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

type roleBody struct {
	Role roles.Role `json:"role"`
}

type grantsBody struct {
	Grants []string `json:"grants"`
}

type onBody struct {
	On bool `json:"on"`
}

type kindBody struct {
	Kind membership.Kind `json:"kind"`
}

type userBody struct {
	UserID string `json:"user_id"`
}

type bulkRoleBody struct {
	Changes []struct {
		UserID string     `json:"user_id"`
		Role   roles.Role `json:"role"`
	} `json:"changes"`
}

type bulkRemoveBody struct {
	UserIDs []string `json:"user_ids"`
}

// AccessJSON is a member's role in one workspace.
type AccessJSON struct {
	WorkspaceID uuid.UUID  `json:"workspace_id"`
	UserID      string     `json:"user_id"`
	Role        roles.Role `json:"role"`
}

// memberFilter reads the list filters: role, kind, workspace, q (a prefix
// of the email or name), licensed, active.
func memberFilter(c *call) (membership.MemberFilter, error) {
	f := membership.MemberFilter{Role: roles.Role(c.param("role")), Kind: membership.Kind(c.param("kind")), Prefix: c.param("q")}
	if s := c.param("workspace"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			return f, errInput("workspace is not an ID")
		}
		f.Workspace = id
	}
	for _, b := range [...]struct {
		name string
		dst  *bool
	}{{"licensed", &f.LicensedOnly}, {"active", &f.ActiveOnly}} {
		if s := c.param(b.name); s != "" {
			v, err := strconv.ParseBool(s)
			if err != nil {
				return f, errInput("%s is not true or false", b.name)
			}
			*b.dst = v
		}
	}
	return f, nil
}

// memberOp registers a route acting on {org} and {user}.
func (h *Handler) memberOp(pattern string, fn func(c *call, org uuid.UUID, user string) (int, any, error)) {
	h.api(pattern, func(c *call) (int, any, error) {
		return fn(c, c.org, c.r.PathValue("user"))
	})
}

// memberResult answers a mutation that returns the member.
func (h *Handler) memberResult(m membership.Member, err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, h.memberJSON(m), nil
}

func (h *Handler) routeMembers() {
	h.memberOp("GET /orgs/{org}/members", func(c *call, org uuid.UUID, _ string) (int, any, error) {
		f, err := memberFilter(c)
		if err != nil {
			return 0, nil, err
		}
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		vs, next, err := h.ms.MemberViews(c.r.Context(), c.user.ID, org, f, p)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, memberList{cat: h.cat, views: vs, next: next}, nil
	})
	h.memberOp("GET /orgs/{org}/members/{user}", func(c *call, org uuid.UUID, user string) (int, any, error) {
		m, err := h.ms.Member(c.r.Context(), c.user.ID, org, user)
		if err != nil {
			return 0, nil, err
		}
		access, err := h.ms.MemberAccess(c.r.Context(), c.user.ID, org, user)
		if err != nil {
			return 0, nil, err
		}
		j := h.memberJSON(m)
		for _, a := range access {
			j.Workspaces = append(j.Workspaces, WorkspaceRoleJSON{ID: a.WorkspaceID, Role: a.Role})
		}
		return http.StatusOK, j, nil
	})
	h.memberOp("PUT /orgs/{org}/members/{user}/role", func(c *call, org uuid.UUID, user string) (int, any, error) {
		var b roleBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		if err := h.keyGives(c, apikey.Grant{Role: b.Role}); err != nil {
			return 0, nil, err
		}
		return h.memberResult(h.ms.ChangeRole(c.r.Context(), c.user.ID, org, user, b.Role))
	})
	h.memberOp("PUT /orgs/{org}/members/{user}/grants", func(c *call, org uuid.UUID, user string) (int, any, error) {
		var b grantsBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		g, err := h.grants(b.Grants)
		if err != nil {
			return 0, nil, err
		}
		// The whole set is given: a key keeps no grant it does not hold.
		if err := h.keyGives(c, apikey.Grant{Grants: g}); err != nil {
			return 0, nil, err
		}
		return h.memberResult(h.ms.SetGrants(c.r.Context(), c.user.ID, org, user, g))
	})
	h.memberOp("PUT /orgs/{org}/members/{user}/sso", func(c *call, org uuid.UUID, user string) (int, any, error) {
		var b onBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		return h.memberResult(h.ms.SetSSO(c.r.Context(), c.user.ID, org, user, b.On))
	})
	h.memberOp("PUT /orgs/{org}/members/{user}/kind", func(c *call, org uuid.UUID, user string) (int, any, error) {
		var b kindBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		return h.memberResult(h.ms.SetKind(c.r.Context(), c.user.ID, org, user, b.Kind))
	})
	h.memberOp("PUT /orgs/{org}/members/{user}/licence", func(c *call, org uuid.UUID, user string) (int, any, error) {
		return h.memberResult(h.ms.AssignLicence(c.r.Context(), c.user.ID, org, user))
	})
	h.memberOp("DELETE /orgs/{org}/members/{user}/licence", func(c *call, org uuid.UUID, user string) (int, any, error) {
		return h.memberResult(h.ms.UnassignLicence(c.r.Context(), c.user.ID, org, user))
	})
	h.memberOp("POST /orgs/{org}/members/{user}/deactivate", func(c *call, org uuid.UUID, user string) (int, any, error) {
		return h.memberResult(h.ms.Deactivate(c.r.Context(), c.user.ID, org, user))
	})
	h.memberOp("POST /orgs/{org}/members/{user}/reactivate", func(c *call, org uuid.UUID, user string) (int, any, error) {
		if err := h.keyGivesMember(c, user); err != nil {
			return 0, nil, err
		}
		return h.memberResult(h.ms.Reactivate(c.r.Context(), c.user.ID, org, user))
	})
	h.memberOp("DELETE /orgs/{org}/members/{user}", func(c *call, org uuid.UUID, user string) (int, any, error) {
		return http.StatusNoContent, nil, h.ms.RemoveMember(c.r.Context(), c.user.ID, org, user)
	})
	h.memberOp("PUT /orgs/{org}/members/{user}/workspaces/{ws}", func(c *call, org uuid.UUID, user string) (int, any, error) {
		ws := c.ws
		var b roleBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		if err := h.keyGives(c, apikey.Grant{Workspaces: map[uuid.UUID]roles.Role{ws: b.Role}}); err != nil {
			return 0, nil, err
		}
		a, err := h.ms.SetWorkspaceAccess(c.r.Context(), c.user.ID, org, ws, user, b.Role)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, AccessJSON{WorkspaceID: a.WorkspaceID, UserID: a.UserID, Role: a.Role}, nil
	})
	h.memberOp("DELETE /orgs/{org}/members/{user}/workspaces/{ws}", func(c *call, org uuid.UUID, user string) (int, any, error) {
		ws := c.ws
		return http.StatusNoContent, nil, h.ms.RemoveWorkspaceAccess(c.r.Context(), c.user.ID, org, ws, user)
	})
	h.memberOp("POST /orgs/{org}/members/bulk-role", func(c *call, org uuid.UUID, _ string) (int, any, error) {
		var b bulkRoleBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		changes := make([]membership.RoleChange, 0, len(b.Changes))
		gives := make([]apikey.Grant, 0, len(b.Changes))
		for _, ch := range b.Changes {
			changes = append(changes, membership.RoleChange{UserID: ch.UserID, Role: ch.Role})
			gives = append(gives, apikey.Grant{Role: ch.Role})
		}
		if err := h.keyGives(c, gives...); err != nil {
			return 0, nil, err
		}
		ms, err := h.ms.ChangeRoles(c.r.Context(), c.user.ID, org, changes)
		if err != nil {
			return 0, nil, err
		}
		out := List[MemberJSON]{Items: []MemberJSON{}}
		for _, m := range ms {
			out.Items = append(out.Items, h.memberJSON(m))
		}
		return http.StatusOK, out, nil
	})
	h.memberOp("POST /orgs/{org}/members/bulk-remove", func(c *call, org uuid.UUID, _ string) (int, any, error) {
		var b bulkRemoveBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, h.ms.RemoveMembers(c.r.Context(), c.user.ID, org, b.UserIDs)
	})
	h.memberOp("POST /orgs/{org}/leave", func(c *call, org uuid.UUID, _ string) (int, any, error) {
		return http.StatusNoContent, nil, h.ms.Leave(c.r.Context(), c.user.ID, org)
	})
	h.memberOp("POST /orgs/{org}/transfer-ownership", func(c *call, org uuid.UUID, _ string) (int, any, error) {
		var b userBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, h.ms.TransferOwnership(c.r.Context(), c.user.ID, org, b.UserID)
	})
}
