package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/storage"
)

var _ invite.Store = (*Store)(nil)

const invitationCols = `id, org_id, email, email_key, name, role, kind, workspaces, extra_grants, invited_by,
status, token_hash, sealed_token, key_id, expires_at, sent_at, sends, accepted_by, decided_at, created_at, updated_at,
data`

// invitationQueries are the fixed statements of invitations, links and
// sends.
type invitationQueries struct {
	insertInvitation, selectInvitation, invitationByToken, pendingInvitation string
	updateInvitation, invitationExists                                       string
	insertLink, selectLink, linkByToken, updateLink, linkExists, useLink     string
	listLinks                                                                string
	insertSend, countSends, countSendsBy, deleteSends                        string
	deleteOrgInvitations, deleteOrgLinks, deleteOrgSends                     string
	sentInvitations, revokeSentInvitations, createdLinks, revokeCreatedLinks string
	countPending, inviteSenders, invitationTo, revokeInvitationTo            string
}

func buildInvitationQueries(s *Store) invitationQueries {
	q := invitationQueries{
		insertInvitation: `INSERT INTO roster_invitations (` + invitationCols + `)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		selectInvitation:  `SELECT ` + invitationCols + ` FROM roster_invitations WHERE org_id = ? AND id = ?`,
		invitationByToken: `SELECT ` + invitationCols + ` FROM roster_invitations WHERE token_hash = ?`,
		pendingInvitation: `SELECT ` + invitationCols + ` FROM roster_invitations WHERE org_id = ? AND email_key = ? AND status = 'pending'`,
		updateInvitation: `UPDATE roster_invitations SET name = ?, role = ?, kind = ?, workspaces = ?, extra_grants = ?,
invited_by = ?, status = ?, token_hash = ?, sealed_token = ?, key_id = ?, expires_at = ?, sent_at = ?, sends = ?,
accepted_by = ?, decided_at = ?, updated_at = ?, data = ? WHERE org_id = ? AND id = ?`,
		invitationExists: `SELECT 1 FROM roster_invitations WHERE org_id = ? AND id = ?`,

		insertLink: `INSERT INTO roster_invite_links (` + linkCols + `)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		selectLink:  `SELECT ` + linkCols + ` FROM roster_invite_links WHERE org_id = ? AND id = ?`,
		linkByToken: `SELECT ` + linkCols + ` FROM roster_invite_links WHERE token_hash = ?`,
		updateLink: `UPDATE roster_invite_links SET role = ?, workspaces = ?, created_by = ?, token_hash = ?, sealed_token = ?,
key_id = ?, max_uses = ?, expires_at = ?, allowed_domains = ?, revoked = ?, revoked_at = ?, updated_at = ?, data = ?
WHERE org_id = ? AND id = ?`,
		linkExists: `SELECT 1 FROM roster_invite_links WHERE org_id = ? AND id = ?`,
		useLink: `UPDATE roster_invite_links SET uses = uses + 1
WHERE org_id = ? AND id = ? AND revoked = ? AND (max_uses = 0 OR uses < max_uses)`,
		listLinks: `SELECT ` + linkCols + ` FROM roster_invite_links WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,

		insertSend:   `INSERT INTO roster_invite_sends (id, org_id, invited_by, send_count, sent_at) VALUES (?, ?, ?, ?, ?)`,
		countSends:   `SELECT COALESCE(SUM(send_count), 0) FROM roster_invite_sends WHERE org_id = ? AND sent_at >= ?`,
		countSendsBy: `SELECT COALESCE(SUM(send_count), 0) FROM roster_invite_sends WHERE org_id = ? AND sent_at >= ? AND invited_by = ?`,
		deleteSends:  `DELETE FROM roster_invite_sends WHERE org_id = ? AND sent_at < ?`,

		deleteOrgInvitations: `DELETE FROM roster_invitations WHERE org_id = ?`,
		deleteOrgLinks:       `DELETE FROM roster_invite_links WHERE org_id = ?`,
		deleteOrgSends:       `DELETE FROM roster_invite_sends WHERE org_id = ?`,

		// The status is a literal, so that SQLite and PostgreSQL read the
		// partial index of pending invitations.
		countPending: `SELECT COUNT(*) FROM roster_invitations WHERE org_id = ? AND status = 'pending' AND expires_at > ?`,
		sentInvitations: `SELECT id, email_key, role, invited_by FROM roster_invitations
WHERE org_id = ? AND status = 'pending' AND invited_by = ? ORDER BY id`,
		revokeSentInvitations: `UPDATE roster_invitations SET status = ?, sealed_token = NULL, key_id = '', decided_at = ?, updated_at = ?
WHERE org_id = ? AND status = 'pending' AND invited_by = ?`,
		invitationTo: `SELECT id, email_key, role, invited_by FROM roster_invitations
WHERE org_id = ? AND email_key = ? AND status = 'pending'`,
		revokeInvitationTo: `UPDATE roster_invitations SET status = ?, sealed_token = NULL, key_id = '', decided_at = ?, updated_at = ?
WHERE org_id = ? AND id = ? AND status = 'pending'`,
		inviteSenders: `SELECT invited_by FROM roster_invitations WHERE org_id = ? AND status = 'pending'
UNION SELECT created_by FROM roster_invite_links WHERE org_id = ? AND revoked = ?`,
		createdLinks: `SELECT id, role FROM roster_invite_links WHERE org_id = ? AND created_by = ? AND revoked = ? ORDER BY id`,
		revokeCreatedLinks: `UPDATE roster_invite_links SET revoked = ?, sealed_token = NULL, key_id = '', revoked_at = ?, updated_at = ?
WHERE org_id = ? AND created_by = ? AND revoked = ?`,
	}
	for _, p := range []*string{
		&q.insertInvitation, &q.selectInvitation, &q.invitationByToken, &q.pendingInvitation,
		&q.updateInvitation, &q.invitationExists,
		&q.insertLink, &q.selectLink, &q.linkByToken, &q.updateLink, &q.linkExists, &q.useLink, &q.listLinks,
		&q.insertSend, &q.countSends, &q.countSendsBy, &q.deleteSends,
		&q.deleteOrgInvitations, &q.deleteOrgLinks, &q.deleteOrgSends,
		&q.sentInvitations, &q.revokeSentInvitations, &q.createdLinks, &q.revokeCreatedLinks, &q.countPending,
		&q.inviteSenders, &q.invitationTo, &q.revokeInvitationTo,
	} {
		*p = s.sql(*p)
	}
	return q
}

// InsertInvitation inserts inv. It returns ErrNotFound when inv.OrgID does
// not exist, and ErrConflict when the ID or the TokenHash is taken, or when
// inv is pending and the organization already has a pending invitation
// (whatever its expiry) with the same EmailKey: a unique index over
// pending invitations enforces it.
func (s *Store) InsertInvitation(ctx context.Context, inv invite.Invitation) error {
	if err := checkTimes(inv.ExpiresAt, inv.SentAt, inv.DecidedAt, inv.CreatedAt, inv.UpdatedAt); err != nil {
		return err
	}
	const op = "insert invitation"
	ws, err := encJSON(inv.Workspaces)
	if err != nil {
		return err
	}
	data, err := encData(inv.Data)
	if err != nil {
		return err
	}
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if err := s.requireOrg(ctx, c, op, inv.OrgID); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, s.iq.insertInvitation, inv.ID, inv.OrgID, inv.Email, inv.EmailKey, inv.Name,
			string(inv.Role), string(inv.Kind), ws, encPerms(inv.Grants), inv.InvitedBy, string(inv.Status),
			encBytes(inv.TokenHash), encBytes(inv.SealedToken), inv.KeyID, encTime(inv.ExpiresAt), encTime(inv.SentAt),
			inv.Sends, inv.AcceptedBy, encTime(inv.DecidedAt), encTime(inv.CreatedAt), encTime(inv.UpdatedAt), data)
		return s.translate(ctx, op, err)
	})
}

// Invitation returns the invitation id of org, or ErrNotFound.
func (s *Store) Invitation(ctx context.Context, org, id uuid.UUID) (invite.Invitation, error) {
	return reread(ctx, s, func(c querier) (invite.Invitation, error) {
		return s.scanInvitation(ctx, "invitation", c.QueryRowContext(ctx, s.iq.selectInvitation, org, id))
	})
}

// InvitationByTokenHash returns the invitation, of any organization, whose
// TokenHash equals hash, or ErrNotFound.
func (s *Store) InvitationByTokenHash(ctx context.Context, hash []byte) (invite.Invitation, error) {
	const op = "invitation by token"
	if len(hash) == 0 {
		return invite.Invitation{}, notFound(op)
	}
	return reread(ctx, s, func(c querier) (invite.Invitation, error) {
		return s.scanInvitation(ctx, op, c.QueryRowContext(ctx, s.iq.invitationByToken, hash))
	})
}

// PendingInvitation returns the invitation of org with Status StatusPending
// (whatever its expiry) and EmailKey emailKey, or ErrNotFound.
func (s *Store) PendingInvitation(ctx context.Context, org uuid.UUID, emailKey string) (invite.Invitation, error) {
	const op = "pending invitation"
	if !validText(emailKey) {
		return invite.Invitation{}, notFound(op)
	}
	return reread(ctx, s, func(c querier) (invite.Invitation, error) {
		return s.scanInvitation(ctx, op, c.QueryRowContext(ctx, s.iq.pendingInvitation, org, emailKey))
	})
}

// UpdateInvitation replaces every field of the invitation but ID, OrgID,
// Email, EmailKey and CreatedAt. It returns ErrNotFound when the invitation
// is not in inv.OrgID, and ErrConflict when the TokenHash is another
// invitation's, or when it makes the invitation pending while another
// pending invitation of the organization has its EmailKey.
func (s *Store) UpdateInvitation(ctx context.Context, inv invite.Invitation) error {
	if err := checkTimes(inv.ExpiresAt, inv.SentAt, inv.DecidedAt, inv.UpdatedAt); err != nil {
		return err
	}
	const op = "update invitation"
	ws, err := encJSON(inv.Workspaces)
	if err != nil {
		return err
	}
	data, err := encData(inv.Data)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.iq.updateInvitation, inv.Name, string(inv.Role), string(inv.Kind), ws,
			encPerms(inv.Grants), inv.InvitedBy, string(inv.Status), encBytes(inv.TokenHash), encBytes(inv.SealedToken),
			inv.KeyID, encTime(inv.ExpiresAt), encTime(inv.SentAt), inv.Sends, inv.AcceptedBy, encTime(inv.DecidedAt),
			encTime(inv.UpdatedAt), data, inv.OrgID, inv.ID)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		return s.changed(ctx, c, op, res, s.iq.invitationExists, inv.OrgID, inv.ID)
	})
}

// Invitations lists the invitations of org that match f, ordered by ID, by
// keyset (org_id = ? AND id > ?). The status filter is
// InvitationFilter.Match in SQL: a pending invitation whose expiry is not
// after f.Now counts as expired.
func (s *Store) Invitations(ctx context.Context, org uuid.UUID, f invite.InvitationFilter, page storage.Page) ([]invite.Invitation, string, error) {
	const op = "list invitations"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if !validText(f.EmailKey) {
		return nil, "", nil
	}
	where, args := invitationFilter(org, f)
	q := `SELECT ` + invitationCols + ` FROM roster_invitations WHERE ` + where + ` AND id > ? ORDER BY id LIMIT ?`
	args = append(args, after, n+1)
	out, err := reread(ctx, s, func(c querier) ([]invite.Invitation, error) {
		return readRows(ctx, s, c, op, s.sql(q), args, n+1, newInvitationRow())
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(inv invite.Invitation) string { return inv.ID.String() })
	return out, next, nil
}

// pendingByEmailSQL pages a user's pending invitations across
// organizations.
const pendingByEmailSQL = `SELECT ` + invitationCols + ` FROM roster_invitations
WHERE email_key = ? AND status = ? AND expires_at > ? AND id > ? ORDER BY id LIMIT ?`

// PendingInvitationsByEmail lists the invitations of every organization
// with Status StatusPending, ExpiresAt after now and EmailKey emailKey,
// ordered by ID (index roster_invitations_invitee).
func (s *Store) PendingInvitationsByEmail(ctx context.Context, emailKey string, now time.Time, page storage.Page) ([]invite.Invitation, string, error) {
	const op = "list pending invitations by email"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if !validText(emailKey) {
		return nil, "", nil
	}
	q := s.sql(pendingByEmailSQL)
	args := []any{emailKey, string(invite.StatusPending), encTime(now), after, n + 1}
	out, err := reread(ctx, s, func(c querier) ([]invite.Invitation, error) {
		return readRows(ctx, s, c, op, q, args, n+1, newInvitationRow())
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(inv invite.Invitation) string { return inv.ID.String() })
	return out, next, nil
}

// CountInvitations counts the invitations of org that match f.
func (s *Store) CountInvitations(ctx context.Context, org uuid.UUID, f invite.InvitationFilter) (int, error) {
	if !validText(f.EmailKey) {
		return 0, nil
	}
	where, args := invitationFilter(org, f)
	q := s.sql(`SELECT COUNT(*) FROM roster_invitations WHERE ` + where)
	return reread(ctx, s, func(c querier) (int, error) {
		var n int
		if err := c.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return 0, s.translate(ctx, "count invitations", err)
		}
		return n, nil
	})
}

// invitationFilter returns the WHERE conditions for org and f, and their
// arguments. Timestamps compare as fixed-width text, in time order.
func invitationFilter(org uuid.UUID, f invite.InvitationFilter) (string, []any) {
	var b strings.Builder
	args := []any{org}
	b.WriteString(`org_id = ?`)
	if f.EmailKey != "" {
		b.WriteString(` AND email_key = ?`)
		args = append(args, f.EmailKey)
	}
	if len(f.Statuses) > 0 {
		now := encTime(f.Now)
		b.WriteString(` AND (`)
		for i, st := range f.Statuses {
			if i > 0 {
				b.WriteString(` OR `)
			}
			switch st {
			case invite.StatusPending:
				b.WriteString(`(status = ? AND expires_at > ?)`)
				args = append(args, string(invite.StatusPending), now)
			case invite.StatusExpired:
				b.WriteString(`(status = ? OR (status = ? AND expires_at <= ?))`)
				args = append(args, string(invite.StatusExpired), string(invite.StatusPending), now)
			default:
				b.WriteString(`status = ?`)
				args = append(args, string(st))
			}
		}
		b.WriteString(`)`)
	}
	return b.String(), args
}

func (s *Store) scanInvitation(ctx context.Context, op string, r scanner) (invite.Invitation, error) {
	return decodeRow(ctx, s, op, r, newInvitationRow())
}

// invitationRow decodes rows of invitationCols.
type invitationRow struct {
	inv                      invite.Invitation
	ws                       string
	grants, sends            intCol
	exp, sent, dec, cat, uat stamp
	data                     sql.NullString
	arena                    rowArena
	cols                     []any
}

func newInvitationRow() *invitationRow {
	r := new(invitationRow)
	inv := &r.inv
	a := &r.arena
	r.cols = []any{(*uuidCol)(&inv.ID), (*uuidCol)(&inv.OrgID), a.text(&inv.Email), a.text(&inv.EmailKey), a.text(&inv.Name),
		(*nameCol)(&inv.Role), (*nameCol)(&inv.Kind), a.text(&r.ws), &r.grants, a.text(&inv.InvitedBy), (*nameCol)(&inv.Status),
		a.blob(&inv.TokenHash), a.blob(&inv.SealedToken), a.text(&inv.KeyID), &r.exp, &r.sent, &r.sends,
		a.text(&inv.AcceptedBy), &r.dec, &r.cat, &r.uat, &r.data}
	return r
}

func (r *invitationRow) dest() []any { return r.cols }

func (r *invitationRow) value() (invite.Invitation, error) {
	r.arena.finish()
	var err error
	inv := r.inv
	inv.Grants, inv.Sends = decPerms(int64(r.grants)), int(r.sends)
	if inv.Workspaces, err = decWorkspaceRoles(r.ws); err != nil {
		return invite.Invitation{}, err
	}
	if inv.Data, err = decData(r.data); err != nil {
		return invite.Invitation{}, err
	}
	for _, t := range [...]*stamp{&r.exp, &r.sent, &r.dec, &r.cat, &r.uat} {
		if !t.ok {
			return invite.Invitation{}, errStamp
		}
	}
	inv.ExpiresAt, inv.SentAt, inv.DecidedAt, inv.CreatedAt, inv.UpdatedAt = r.exp.t, r.sent.t, r.dec.t, r.cat.t, r.uat.t
	return inv, nil
}
