package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// InsertMember inserts m. It returns ErrNotFound when m.OrgID does not exist
// and ErrConflict when the user is already a member.
func (s *Store) InsertMember(ctx context.Context, m membership.Member) error {
	if err := checkTimes(m.JoinedAt, m.UpdatedAt); err != nil {
		return err
	}
	const op = "insert member"
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if err := s.requireOrg(ctx, c, op, m.OrgID); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, s.q.insertMember, m.OrgID, m.UserID, m.Email, lowerASCII(m.Email),
			m.Name, lowerASCII(m.Name), string(m.Role), string(m.Kind), encPerms(m.Grants),
			m.Licensed, m.SSO, m.Deactivated, m.InvitedBy, encTime(m.JoinedAt), encTime(m.UpdatedAt))
		return s.translate(ctx, op, err)
	})
}

// Member returns userID's membership of org, or ErrNotFound.
func (s *Store) Member(ctx context.Context, org uuid.UUID, userID string) (membership.Member, error) {
	if !validText(userID) {
		return membership.Member{}, notFound("member")
	}
	return reread(ctx, s, func(c querier) (membership.Member, error) {
		return s.scanMember(ctx, "member", c.QueryRowContext(ctx, s.q.selectMember, org, userID))
	})
}

// UpdateMember replaces every field of the member but OrgID, UserID and
// JoinedAt. It returns ErrNotFound when the user is not a member.
func (s *Store) UpdateMember(ctx context.Context, m membership.Member) error {
	if err := checkTimes(m.UpdatedAt); err != nil {
		return err
	}
	const op = "update member"
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.q.updateMember, m.Email, lowerASCII(m.Email),
			m.Name, lowerASCII(m.Name), string(m.Role), string(m.Kind), encPerms(m.Grants),
			m.Licensed, m.SSO, m.Deactivated, m.InvitedBy, encTime(m.UpdatedAt), m.OrgID, m.UserID)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		return s.changed(ctx, c, op, res, s.q.memberExists, m.OrgID, m.UserID)
	})
}

// DeleteMember deletes the membership and all its workspace access, and
// touches no other member's rows. It returns ErrNotFound when the user is
// not a member.
func (s *Store) DeleteMember(ctx context.Context, org uuid.UUID, userID string) error {
	const op = "delete member"
	if !validText(userID) {
		return notFound(op)
	}
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if _, err := c.ExecContext(ctx, s.q.deleteMemberAccess, org, userID); err != nil {
			return s.translate(ctx, op, err)
		}
		if _, err := c.ExecContext(ctx, s.kq.revokeMember, true, org, userID, false); err != nil {
			return s.translate(ctx, op, err)
		}
		return s.deleteOne(ctx, c, op, s.q.deleteMember, org, userID)
	})
}

// Members lists the members of org that match f, ordered by user ID. The
// page is read by keyset (org_id = ? AND user_id > ?) on the primary key,
// so a deep page costs what the first does.
func (s *Store) Members(ctx context.Context, org uuid.UUID, f membership.MemberFilter, page storage.Page) ([]membership.Member, string, error) {
	const op = "list members"
	after, n, err := stringKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	where, args := s.memberFilter(org, f)
	q := `SELECT ` + prefixed("m.", memberCols) + ` FROM roster_members m WHERE ` + where +
		` AND m.user_id > ? ORDER BY m.user_id LIMIT ?`
	args = append(args, after, n+1)
	out, err := reread(ctx, s, func(c querier) ([]membership.Member, error) {
		return readRows(ctx, s, c, op, s.sql(q), args, n+1, newMemberRow())
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(m membership.Member) string { return m.UserID })
	return out, next, nil
}

// CountMembers counts the members of org that match f.
func (s *Store) CountMembers(ctx context.Context, org uuid.UUID, f membership.MemberFilter) (int, error) {
	if !validFilter(f) {
		return 0, nil
	}
	where, args := s.memberFilter(org, f)
	q := s.sql(`SELECT COUNT(*) FROM roster_members m WHERE ` + where)
	return reread(ctx, s, func(c querier) (int, error) {
		var n int
		if err := c.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return 0, s.translate(ctx, "count members", err)
		}
		return n, nil
	})
}

// validFilter reports whether f's text is valid UTF-8; no member matches
// a filter whose text is not.
func validFilter(f membership.MemberFilter) bool {
	return validText(string(f.Role)) && validText(string(f.Kind)) && validText(f.Prefix)
}

// memberFilter returns the WHERE conditions on roster_members m for org and
// f, and their arguments.
func (s *Store) memberFilter(org uuid.UUID, f membership.MemberFilter) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 8)
	b.WriteString(`m.org_id = ?`)
	args = append(args, org)
	if f.Role != "" {
		b.WriteString(` AND m.role = ?`)
		args = append(args, string(f.Role))
	}
	if f.Kind != "" {
		b.WriteString(` AND m.kind = ?`)
		args = append(args, string(f.Kind))
	}
	if f.LicensedOnly {
		b.WriteString(` AND m.licensed = ?`)
		args = append(args, true)
	}
	if f.ActiveOnly {
		b.WriteString(` AND m.deactivated = ?`)
		args = append(args, false)
	}
	if f.Prefix != "" {
		// Both keys are lower-cased in ASCII when written; comparing the
		// first characters avoids LIKE and its escapes.
		p := lowerASCII(f.Prefix)
		n := utf8.RuneCountInString(p)
		b.WriteString(` AND (SUBSTR(m.email_key, 1, ?) = ? OR SUBSTR(m.name_key, 1, ?) = ?)`)
		args = append(args, n, p, n, p)
	}
	if f.Workspace != uuid.Nil {
		b.WriteString(` AND EXISTS (SELECT 1 FROM roster_workspace_access a
WHERE a.workspace_id = ? AND a.user_id = m.user_id AND a.org_id = m.org_id)`)
		args = append(args, f.Workspace)
	}
	return b.String(), args
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

func (s *Store) scanMember(ctx context.Context, op string, r scanner) (membership.Member, error) {
	return decodeRow(ctx, s, op, r, newMemberRow())
}

// memberRow decodes rows of memberCols.
type memberRow struct {
	m               membership.Member
	grants          intCol
	joined, updated stamp
	arena           rowArena
	cols            []any
}

func newMemberRow() *memberRow {
	r := new(memberRow)
	m := &r.m
	a := &r.arena
	r.cols = []any{(*uuidCol)(&m.OrgID), a.text(&m.UserID), a.text(&m.Email), a.text(&m.Name), (*nameCol)(&m.Role),
		(*nameCol)(&m.Kind), &r.grants, &m.Licensed, &m.SSO, &m.Deactivated, a.text(&m.InvitedBy), &r.joined, &r.updated}
	return r
}

func (r *memberRow) dest() []any { return r.cols }

func (r *memberRow) value() (membership.Member, error) {
	r.arena.finish()
	if !r.joined.ok || !r.updated.ok {
		return membership.Member{}, errStamp
	}
	m := r.m
	m.Grants, m.JoinedAt, m.UpdatedAt = decPerms(int64(r.grants)), r.joined.t, r.updated.t
	return m, nil
}

// MembersByID returns the members of org among userIDs, ordered by user
// ID, in one query; unknown IDs are left out.
func (s *Store) MembersByID(ctx context.Context, org uuid.UUID, userIDs []string) ([]membership.Member, error) {
	const op = "members by ID"
	args, in := userIDArgs(org, userIDs)
	if in == "" {
		return nil, nil
	}
	q := s.sql(`SELECT ` + memberCols + ` FROM roster_members WHERE org_id = ? AND user_id IN (` + in + `) ORDER BY user_id`)
	return reread(ctx, s, func(c querier) ([]membership.Member, error) {
		return readRows(ctx, s, c, op, q, args, len(args)-1, newMemberRow())
	})
}

// userIDArgs returns the arguments of a query of org's members among
// userIDs (org, then each valid ID once) and the placeholders of its IN
// list; in is "" when no ID could be stored.
func userIDArgs(org uuid.UUID, userIDs []string) (args []any, in string) {
	args = append(make([]any, 0, len(userIDs)+1), org)
	seen := make(map[string]bool, len(userIDs))
	for _, u := range userIDs {
		if validText(u) && !seen[u] {
			seen[u] = true
			args = append(args, u)
		}
	}
	if len(args) == 1 {
		return args, ""
	}
	return args, "?" + strings.Repeat(", ?", len(args)-2)
}
