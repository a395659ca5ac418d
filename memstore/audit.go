package memstore

import (
	"context"
	"fmt"
	"maps"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// AppendAudit inserts e. It returns ErrNotFound when e.OrgID does not exist
// (the trail lives and dies with its organization) and ErrConflict when the
// ID is taken.
func (s *Store) AppendAudit(ctx context.Context, e membership.AuditEvent) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(e.OrgID)
		switch {
		case o == nil:
			return orgNotFound(e.OrgID)
		case o.audit.Has(auditRow{id: e.ID}):
			return fmt.Errorf("memstore: audit event %s: %w", e.ID, storage.ErrConflict)
		}
		e = cloneEvent(e)
		put(t, o.audit, auditRow{id: e.ID, e: &e})
		return nil
	})
}

// Audit lists the audit events of org that match f, ordered by ID. The
// unfiltered list costs O(log n + page); filters scan until the page is
// full. An organization that does not exist has none.
func (s *Store) Audit(ctx context.Context, org uuid.UUID, f membership.AuditFilter, page storage.Page) ([]membership.AuditEvent, string, error) {
	size, from, end, err := idPage("audit", page)
	if err != nil || end {
		return nil, "", err
	}
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, "", nil
	}
	var match func(auditRow) bool
	if f != (membership.AuditFilter{}) {
		match = func(r auditRow) bool {
			return (f.Actor == "" || r.e.Actor == f.Actor) &&
				(f.Action == "" || r.e.Action == f.Action) &&
				(f.Target == "" || r.e.Target == f.Target)
		}
	}
	rows, more := collect(o.audit, auditRow{id: from}, nil, match, size)
	out := make([]membership.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = cloneEvent(*r.e)
	}
	if len(rows) == 0 {
		return out, "", nil
	}
	return out, idCursor(rows[len(rows)-1].id, more), nil
}

// cloneEvent returns a copy of e that shares no memory with it.
func cloneEvent(e membership.AuditEvent) membership.AuditEvent {
	e.Before = maps.Clone(e.Before)
	e.After = maps.Clone(e.After)
	return e
}
