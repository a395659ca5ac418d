package rosterhttp

import (
	"net/http"

	"github.com/google/uuid"
)

type workspaceBody struct {
	Name string `json:"name"`
}

func (h *Handler) routeWorkspaces() {
	h.api("GET /orgs/{org}/workspaces", func(c *call) (int, any, error) {
		org := c.org
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		if c.key != nil && c.key.Scope.Workspace != uuid.Nil {
			// A key narrowed to a workspace sees that one only.
			w, err := h.ms.Workspace(c.r.Context(), c.user.ID, org, c.key.Scope.Workspace)
			if err != nil {
				return 0, nil, err
			}
			return http.StatusOK, List[WorkspaceJSON]{Items: []WorkspaceJSON{workspaceJSON(w)}}, nil
		}
		ws, next, err := h.ms.Workspaces(c.r.Context(), c.user.ID, org, p)
		if err != nil {
			return 0, nil, err
		}
		out := List[WorkspaceJSON]{Items: []WorkspaceJSON{}, Next: next}
		for _, w := range ws {
			out.Items = append(out.Items, workspaceJSON(w))
		}
		return http.StatusOK, out, nil
	})
	h.api("POST /orgs/{org}/workspaces", func(c *call) (int, any, error) {
		org := c.org
		var b workspaceBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		w, err := h.ms.CreateWorkspace(c.r.Context(), c.user.ID, org, b.Name)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, workspaceJSON(w), nil
	})
	h.api("GET /orgs/{org}/workspaces/{ws}", func(c *call) (int, any, error) {
		org, ws := c.org, c.ws
		w, err := h.ms.Workspace(c.r.Context(), c.user.ID, org, ws)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, workspaceJSON(w), nil
	})
	h.api("PATCH /orgs/{org}/workspaces/{ws}", func(c *call) (int, any, error) {
		org, ws := c.org, c.ws
		var b workspaceBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		w, err := h.ms.RenameWorkspace(c.r.Context(), c.user.ID, org, ws, b.Name)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, workspaceJSON(w), nil
	})
	h.api("DELETE /orgs/{org}/workspaces/{ws}", func(c *call) (int, any, error) {
		org, ws := c.org, c.ws
		return http.StatusNoContent, nil, h.ms.DeleteWorkspace(c.r.Context(), c.user.ID, org, ws)
	})
	h.api("GET /orgs/{org}/workspaces/{ws}/members", func(c *call) (int, any, error) {
		org, ws := c.org, c.ws
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		ms, next, err := h.ms.WorkspaceMembers(c.r.Context(), c.user.ID, org, ws, p)
		if err != nil {
			return 0, nil, err
		}
		out := List[MemberJSON]{Items: []MemberJSON{}, Next: next}
		for _, m := range ms {
			j := h.memberJSON(m.Member)
			j.WorkspaceRole, j.Implicit = m.WorkspaceRole, m.Implicit
			out.Items = append(out.Items, j)
		}
		return http.StatusOK, out, nil
	})
}
