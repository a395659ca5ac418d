package memstore

import (
	"context"
	"fmt"
	"maps"

	"github.com/google/btree"
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
	var match func(auditRow) bool
	if f != (membership.AuditFilter{}) {
		match = func(r auditRow) bool {
			return (f.Actor == "" || r.e.Actor == f.Actor) &&
				(f.Action == "" || r.e.Action == f.Action) &&
				(f.Target == "" || r.e.Target == f.Target)
		}
	}
	return idList(s, ctx, "audit", org, page,
		func(o *orgData) *btree.BTreeG[auditRow] { return o.audit },
		func(id uuid.UUID) auditRow { return auditRow{id: id} },
		func(r auditRow) uuid.UUID { return r.id },
		match, func(r auditRow) membership.AuditEvent { return cloneEvent(*r.e) })
}

// cloneEvent returns a copy of e that shares no memory with it.
func cloneEvent(e membership.AuditEvent) membership.AuditEvent {
	e.Before = maps.Clone(e.Before)
	e.After = maps.Clone(e.After)
	return e
}
