package rosterhttp

import (
	"net/http"

	"github.com/rosterkit/roster/membership"
)

func (h *Handler) routeAudit() {
	// ?actor=&action=&target= narrow the list; after and limit page it.
	h.api("GET /orgs/{org}/audit", func(c *call) (int, any, error) {
		org := c.org
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		f := membership.AuditFilter{Actor: c.param("actor"), Action: c.param("action"), Target: c.param("target")}
		es, next, err := h.ms.Audit(c.r.Context(), c.user.ID, org, f, p)
		if err != nil {
			return 0, nil, err
		}
		out := List[AuditJSON]{Items: []AuditJSON{}, Next: next}
		for _, e := range es {
			out.Items = append(out.Items, auditJSON(e))
		}
		return http.StatusOK, out, nil
	})
}
