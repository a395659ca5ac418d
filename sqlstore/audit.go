package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// AppendAudit inserts e. It returns ErrNotFound when e.OrgID does not exist
// (where foreign keys are on) and ErrConflict when the ID is taken.
func (s *Store) AppendAudit(ctx context.Context, e membership.AuditEvent) error {
	if err := checkTimes(e.At); err != nil {
		return err
	}
	before, err := encJSON(e.Before)
	if err != nil {
		return err
	}
	after, err := encJSON(e.After)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, c querier) error {
		_, err := c.ExecContext(ctx, s.q.insertAudit, e.ID, e.OrgID, e.Actor, e.Action, e.Target,
			before, after, e.Denied, e.Reason, encTime(e.At))
		return s.translate(ctx, "append audit event", err)
	})
}

// Audit lists the audit events of org that match f, ordered by ID, by
// keyset (org_id = ? AND id > ?).
func (s *Store) Audit(ctx context.Context, org uuid.UUID, f membership.AuditFilter, page storage.Page) ([]membership.AuditEvent, string, error) {
	const op = "list audit events"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if !validText(f.Actor) || !validText(f.Action) || !validText(f.Target) {
		return nil, "", nil
	}
	var b strings.Builder
	b.WriteString(`SELECT id, org_id, actor, action, target, before_data, after_data, denied, reason, occurred_at
FROM roster_audit_events WHERE org_id = ? AND id > ?`)
	args := []any{org, after}
	if f.Actor != "" {
		b.WriteString(` AND actor = ?`)
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		b.WriteString(` AND action = ?`)
		args = append(args, f.Action)
	}
	if f.Target != "" {
		b.WriteString(` AND target = ?`)
		args = append(args, f.Target)
	}
	b.WriteString(` ORDER BY id LIMIT ?`)
	args = append(args, n+1)
	q := s.sql(b.String())
	out, err := reread(ctx, s, func(c querier) ([]membership.AuditEvent, error) {
		return readRows(ctx, s, c, op, q, args, n+1, newAuditRow())
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(e membership.AuditEvent) string { return e.ID.String() })
	return out, next, nil
}

// auditRow decodes rows of id, org_id, actor, action, target, before_data,
// after_data, denied, reason, occurred_at.
type auditRow struct {
	e             membership.AuditEvent
	before, after string
	at            stamp
	arena         rowArena
	cols          []any
}

func newAuditRow() *auditRow {
	r := new(auditRow)
	e := &r.e
	a := &r.arena
	r.cols = []any{(*uuidCol)(&e.ID), (*uuidCol)(&e.OrgID), a.text(&e.Actor), a.text(&e.Action), a.text(&e.Target),
		a.text(&r.before), a.text(&r.after), &e.Denied, a.text(&e.Reason), &r.at}
	return r
}

func (r *auditRow) dest() []any { return r.cols }

func (r *auditRow) value() (membership.AuditEvent, error) {
	r.arena.finish()
	var err error
	e := r.e
	if e.Before, err = decStringMap(r.before); err != nil {
		return membership.AuditEvent{}, err
	}
	if e.After, err = decStringMap(r.after); err != nil {
		return membership.AuditEvent{}, err
	}
	if !r.at.ok {
		return membership.AuditEvent{}, errStamp
	}
	e.At = r.at.t
	return e, nil
}
