package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

const linkCols = `id, org_id, role, workspaces, created_by, token_hash, sealed_token, key_id, max_uses, uses,
expires_at, allowed_domains, revoked, revoked_at, created_at, updated_at, data`

// InsertLink inserts l. It returns ErrNotFound when l.OrgID does not exist,
// and ErrConflict when the ID or the TokenHash is taken.
func (s *Store) InsertLink(ctx context.Context, l invite.Link) error {
	if err := checkTimes(l.ExpiresAt, l.RevokedAt, l.CreatedAt, l.UpdatedAt); err != nil {
		return err
	}
	const op = "insert link"
	ws, err := encJSON(l.Workspaces)
	if err != nil {
		return err
	}
	domains, err := encJSON(l.AllowedDomains)
	if err != nil {
		return err
	}
	data, err := encData(l.Data)
	if err != nil {
		return err
	}
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		if err := s.requireOrg(ctx, c, op, l.OrgID); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, s.iq.insertLink, l.ID, l.OrgID, string(l.Role), ws, l.CreatedBy,
			encBytes(l.TokenHash), encBytes(l.SealedToken), l.KeyID, l.MaxUses, l.Uses, encTime(l.ExpiresAt),
			domains, l.Revoked, encTime(l.RevokedAt), encTime(l.CreatedAt), encTime(l.UpdatedAt), data)
		return s.translate(ctx, op, err)
	})
}

// Link returns the link id of org, or ErrNotFound.
func (s *Store) Link(ctx context.Context, org, id uuid.UUID) (invite.Link, error) {
	return reread(ctx, s, func(c querier) (invite.Link, error) {
		return s.scanLink(ctx, "link", c.QueryRowContext(ctx, s.iq.selectLink, org, id))
	})
}

// LinkByTokenHash returns the link, of any organization, whose TokenHash
// equals hash, or ErrNotFound.
func (s *Store) LinkByTokenHash(ctx context.Context, hash []byte) (invite.Link, error) {
	const op = "link by token"
	if len(hash) == 0 {
		return invite.Link{}, notFound(op)
	}
	return reread(ctx, s, func(c querier) (invite.Link, error) {
		return s.scanLink(ctx, op, c.QueryRowContext(ctx, s.iq.linkByToken, hash))
	})
}

// UpdateLink replaces every field of the link but ID, OrgID, Uses and
// CreatedAt. It returns ErrNotFound when the link is not in l.OrgID and
// ErrConflict when the TokenHash is another link's.
func (s *Store) UpdateLink(ctx context.Context, l invite.Link) error {
	if err := checkTimes(l.ExpiresAt, l.RevokedAt, l.UpdatedAt); err != nil {
		return err
	}
	const op = "update link"
	ws, err := encJSON(l.Workspaces)
	if err != nil {
		return err
	}
	domains, err := encJSON(l.AllowedDomains)
	if err != nil {
		return err
	}
	data, err := encData(l.Data)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.iq.updateLink, string(l.Role), ws, l.CreatedBy,
			encBytes(l.TokenHash), encBytes(l.SealedToken), l.KeyID, l.MaxUses, encTime(l.ExpiresAt), domains,
			l.Revoked, encTime(l.RevokedAt), encTime(l.UpdatedAt), data, l.OrgID, l.ID)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		return s.changed(ctx, c, op, res, s.iq.linkExists, l.OrgID, l.ID)
	})
}

// UseLink adds one to the Uses of link id of org, only if the link is not
// revoked and, when MaxUses > 0, Uses < MaxUses: one conditional UPDATE, so
// that two joins never both take the last use. It returns ErrNotFound when
// the link is not in org and ErrConflict when the link is revoked or used
// up (then nothing changes).
func (s *Store) UseLink(ctx context.Context, org, id uuid.UUID) error {
	const op = "use link"
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.iq.useLink, org, id, false)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.translate(ctx, op, err)
		}
		if n > 0 {
			return nil
		}
		var one int
		if err := c.QueryRowContext(ctx, s.iq.linkExists, org, id).Scan(&one); err != nil {
			return s.translate(ctx, op, err)
		}
		return fmt.Errorf("sqlstore: %s: revoked or used up: %w", op, storage.ErrConflict)
	})
}

// Links lists the links of org, ordered by ID, by keyset.
func (s *Store) Links(ctx context.Context, org uuid.UUID, page storage.Page) ([]invite.Link, string, error) {
	const op = "list links"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	out, err := reread(ctx, s, func(c querier) ([]invite.Link, error) {
		return list(ctx, s, c, op, s.iq.listLinks, []any{org, after, n + 1}, func(r scanner) (invite.Link, error) {
			return s.scanLink(ctx, op, r)
		})
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(l invite.Link) string { return l.ID.String() })
	return out, next, nil
}

func (s *Store) scanLink(ctx context.Context, op string, r scanner) (invite.Link, error) {
	var (
		l                  invite.Link
		role, ws, domains  string
		exp, rev, cat, uat string
		data               sql.NullString
		err                error
	)
	if err := r.Scan(&l.ID, &l.OrgID, &role, &ws, &l.CreatedBy, &l.TokenHash, &l.SealedToken, &l.KeyID,
		&l.MaxUses, &l.Uses, &exp, &domains, &l.Revoked, &rev, &cat, &uat, &data); err != nil {
		return invite.Link{}, s.translate(ctx, op, err)
	}
	l.Role = roles.Role(role)
	if err := decJSON(ws, &l.Workspaces); err != nil {
		return invite.Link{}, err
	}
	if err := decJSON(domains, &l.AllowedDomains); err != nil {
		return invite.Link{}, err
	}
	if l.Data, err = decData(data); err != nil {
		return invite.Link{}, err
	}
	if err := decTimes([]string{exp, rev, cat, uat}, &l.ExpiresAt, &l.RevokedAt, &l.CreatedAt, &l.UpdatedAt); err != nil {
		return invite.Link{}, err
	}
	return l, nil
}
