package rosterhttp

import (
	"net/http"
	"time"

	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
)

type newLinkBody struct {
	Role           roles.Role            `json:"role"`
	Workspaces     map[string]roles.Role `json:"workspaces"`
	MaxUses        int                   `json:"max_uses"`
	ExpiresAt      *time.Time            `json:"expires_at"`
	AllowedDomains []string              `json:"allowed_domains"`
}

func (h *Handler) routeLinks() {
	h.api("GET /orgs/{org}/links", func(c *call) (int, any, error) {
		org := c.org
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		ls, next, err := h.iv.Links(c.r.Context(), c.user.ID, org, p)
		if err != nil {
			return 0, nil, err
		}
		now := h.ms.Clock().Now()
		out := List[LinkJSON]{Items: []LinkJSON{}, Next: next}
		for _, l := range ls {
			out.Items = append(out.Items, linkJSON(l, now))
		}
		return http.StatusOK, out, nil
	})
	h.api("POST /orgs/{org}/links", func(c *call) (int, any, error) {
		org := c.org
		var b newLinkBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		nl := invite.NewLink{Role: b.Role, MaxUses: b.MaxUses, AllowedDomains: b.AllowedDomains}
		var err error
		if nl.Workspaces, err = workspaceRoles(b.Workspaces); err != nil {
			return 0, nil, err
		}
		if b.ExpiresAt != nil {
			nl.ExpiresAt = *b.ExpiresAt
		}
		if err := h.keyGives(c, apikey.Grant{Role: h.orDefault(nl.Role), Workspaces: nl.Workspaces}); err != nil {
			return 0, nil, err
		}
		l, token, err := h.iv.CreateLink(c.r.Context(), c.user.ID, org, nl)
		if err != nil {
			return 0, nil, err
		}
		j := linkJSON(l, h.ms.Clock().Now())
		j.URL = h.iv.URL(token)
		return http.StatusCreated, j, nil
	})
	h.api("GET /orgs/{org}/links/{id}", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		l, err := h.iv.Link(c.r.Context(), c.user.ID, org, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, linkJSON(l, h.ms.Clock().Now()), nil
	})
	h.api("DELETE /orgs/{org}/links/{id}", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		return http.StatusNoContent, nil, h.iv.RevokeLink(c.r.Context(), c.user.ID, org, id)
	})
	h.api("POST /orgs/{org}/links/{id}/regenerate", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		if err := h.keyGivesLink(c, id); err != nil {
			return 0, nil, err
		}
		l, token, err := h.iv.RegenerateLink(c.r.Context(), c.user.ID, org, id)
		if err != nil {
			return 0, nil, err
		}
		j := linkJSON(l, h.ms.Clock().Now())
		j.URL = h.iv.URL(token)
		return http.StatusOK, j, nil
	})
	h.api("POST /orgs/{org}/links/{id}/url", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		if err := h.keyGivesLink(c, id); err != nil {
			return 0, nil, err
		}
		u, err := h.iv.LinkURL(c.r.Context(), c.user.ID, org, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, URLJSON{URL: u}, nil
	})
}
