package rosterhttp

import (
	"net/http"
	"net/url"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// auditPage lists the audit trail, a page at a time.
func (h *Handler) auditPage(t *tabCall) {
	ctx := t.r.Context()
	after := t.r.URL.Query().Get("after")
	es, next, err := h.ms.Audit(ctx, t.user.ID, t.org, membership.AuditFilter{}, storage.Page{After: after, Limit: tabPageSize})
	if err != nil {
		h.errorPage(t.w, t.r, err)
		return
	}
	org, err := h.ms.Organization(ctx, t.org)
	if err != nil {
		h.errorPage(t.w, t.r, err)
		return
	}
	v := struct {
		Base, OrgName, NextURL, FirstURL string
		Keys                             bool
		Events                           []membership.AuditEvent
	}{Base: t.base, OrgName: org.Name, Keys: h.keys != nil, Events: es}
	if next != "" {
		v.NextURL = t.base + "/audit?" + url.Values{"after": {next}}.Encode()
	}
	if after != "" {
		v.FirstURL = t.base + "/audit"
	}
	h.render(t.w, t.r, http.StatusOK, "audit", "Audit of "+org.Name, v)
}
