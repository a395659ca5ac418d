package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// CreateOrganization inserts org. It returns ErrConflict when the ID or the
// slug is taken.
func (s *Store) CreateOrganization(ctx context.Context, org membership.Organization) error {
	if err := checkTimes(org.CreatedAt, org.UpdatedAt); err != nil {
		return err
	}
	settings, err := encJSON(org.Settings)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, c querier) error {
		_, err := c.ExecContext(ctx, s.q.insertOrg, org.ID, org.Name, org.Slug, settings,
			encTime(org.CreatedAt), encTime(org.UpdatedAt))
		if err != nil {
			return s.translate(ctx, "create organization", err)
		}
		s.sawOrg(ctx, org.ID, true)
		return nil
	})
}

// Organization returns the organization with id, or ErrNotFound.
func (s *Store) Organization(ctx context.Context, id uuid.UUID) (membership.Organization, error) {
	return reread(ctx, s, func(c querier) (membership.Organization, error) {
		return s.scanOrg(ctx, "organization", c.QueryRowContext(ctx, s.q.selectOrg, id))
	})
}

// OrganizationBySlug returns the organization with slug, or ErrNotFound.
func (s *Store) OrganizationBySlug(ctx context.Context, slug string) (membership.Organization, error) {
	if !validText(slug) {
		return membership.Organization{}, notFound("organization by slug")
	}
	return reread(ctx, s, func(c querier) (membership.Organization, error) {
		return s.scanOrg(ctx, "organization by slug", c.QueryRowContext(ctx, s.q.selectOrgBySlug, slug))
	})
}

// LockOrganization returns the organization with id and, inside a
// transaction, serializes it: it writes the organization's row (see
// orglock.go), so a second transaction locking it waits until the first
// ends on PostgreSQL and MySQL, and fails and runs again on an engine that
// finds conflicts by the rows written (a Galera cluster); on SQLite the
// transaction already holds the database's write lock. It returns
// ErrNotFound when the organization does not exist.
func (s *Store) LockOrganization(ctx context.Context, id uuid.UUID) (membership.Organization, error) {
	if s.InTransaction(ctx) && !s.d.beginImmediate() {
		return s.lockOrgRow(ctx, id)
	}
	o, err := reread(ctx, s, func(c querier) (membership.Organization, error) {
		return s.scanOrg(ctx, "lock organization", c.QueryRowContext(ctx, s.q.lockOrg, id))
	})
	if err == nil {
		s.sawOrg(ctx, id, true)
	}
	return o, err
}

// UpdateOrganization replaces name, slug, settings and UpdatedAt. It
// returns ErrNotFound when the organization does not exist and ErrConflict
// when the new slug is taken.
func (s *Store) UpdateOrganization(ctx context.Context, org membership.Organization) error {
	if err := checkTimes(org.UpdatedAt); err != nil {
		return err
	}
	settings, err := encJSON(org.Settings)
	if err != nil {
		return err
	}
	const op = "update organization"
	return s.write(ctx, func(ctx context.Context, c querier) error {
		res, err := c.ExecContext(ctx, s.q.updateOrg, org.Name, org.Slug, settings, encTime(org.UpdatedAt), org.ID)
		if err != nil {
			return s.translate(ctx, op, err)
		}
		return s.changed(ctx, c, op, res, s.q.orgExists, org.ID)
	})
}

// DeleteOrganization deletes the organization and everything in it:
// workspaces, members, access, invitations, links and audit events. It
// returns ErrNotFound when the organization does not exist. Outbox messages
// stay, so that the event telling of the deletion is still delivered.
func (s *Store) DeleteOrganization(ctx context.Context, id uuid.UUID) error {
	const op = "delete organization"
	return s.Transact(ctx, func(ctx context.Context) error {
		c := s.conn(ctx)
		for _, q := range s.orgChildren() {
			if _, err := c.ExecContext(ctx, q, id); err != nil {
				return s.translate(ctx, op, err)
			}
		}
		if err := s.deleteOne(ctx, c, op, s.q.deleteOrg, id); err != nil {
			return err
		}
		s.sawOrg(ctx, id, false)
		return nil
	})
}

// orgChildren are the statements that delete an organization's rows,
// children before parents, each taking the organization ID. They do not
// rely on ON DELETE CASCADE, which SQLite applies only with foreign keys on.
func (s *Store) orgChildren() []string {
	return []string{s.q.deleteOrgAccess, s.q.deleteOrgMembers, s.q.deleteOrgWorkspaces, s.q.deleteOrgAudit,
		s.iq.deleteOrgInvitations, s.iq.deleteOrgLinks, s.iq.deleteOrgSends, s.kq.deleteOrg}
}

// UserOrganizations lists the organizations userID is a member of, ordered
// by organization ID.
func (s *Store) UserOrganizations(ctx context.Context, userID string, page storage.Page) ([]membership.Organization, string, error) {
	const op = "user organizations"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if !validText(userID) {
		return nil, "", nil
	}
	out, err := reread(ctx, s, func(c querier) ([]membership.Organization, error) {
		return list(ctx, s, c, op, s.q.userOrgs, []any{userID, after, n + 1}, func(r scanner) (membership.Organization, error) {
			return s.scanOrg(ctx, op, r)
		})
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(o membership.Organization) string { return o.ID.String() })
	return out, next, nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func (s *Store) scanOrg(ctx context.Context, op string, r scanner) (membership.Organization, error) {
	var (
		o                  membership.Organization
		settings, cat, uat string
	)
	if err := r.Scan(&o.ID, &o.Name, &o.Slug, &settings, &cat, &uat); err != nil {
		return membership.Organization{}, s.translate(ctx, op, err)
	}
	var err error
	if err = decJSON(settings, &o.Settings); err != nil {
		return membership.Organization{}, err
	}
	if o.CreatedAt, err = decTime(cat); err != nil {
		return membership.Organization{}, err
	}
	if o.UpdatedAt, err = decTime(uat); err != nil {
		return membership.Organization{}, err
	}
	return o, nil
}

// changed checks the result of an UPDATE of one row: when it changed none,
// the row is either missing (ErrNotFound) or already held the new values,
// which MySQL does not count as changed; exists tells them apart.
func (s *Store) changed(ctx context.Context, c querier, op string, res sql.Result, exists string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return s.translate(ctx, op, err)
	}
	if n > 0 {
		return nil
	}
	var one int
	if err := c.QueryRowContext(ctx, exists, args...).Scan(&one); err != nil {
		return s.translate(ctx, op, err)
	}
	return nil
}

// pageOf cuts a list read with one row more than the page size n: when the
// extra row is there, the page is full and the next cursor points at its
// last item.
func pageOf[T any](items []T, n int, key func(T) string) ([]T, string) {
	if len(items) <= n {
		return items, ""
	}
	items = items[:n]
	return items, storage.Cursor(key(items[n-1]))
}

// UserMemberships is UserOrganizations with userID's role in each and
// whether it is deactivated there, in one query.
func (s *Store) UserMemberships(ctx context.Context, userID string, page storage.Page) ([]membership.UserMembership, string, error) {
	const op = "user memberships"
	after, n, err := idKey(page)
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if !validText(userID) {
		return nil, "", nil
	}
	q := s.sql(`SELECT o.id, o.name, o.slug, o.settings, o.created_at, o.updated_at, m.role, m.deactivated
FROM roster_members m JOIN roster_organizations o ON o.id = m.org_id
WHERE m.user_id = ? AND m.org_id > ? ORDER BY m.org_id LIMIT ?`)
	out, err := reread(ctx, s, func(c querier) ([]membership.UserMembership, error) {
		return list(ctx, s, c, op, q, []any{userID, after, n + 1}, func(r scanner) (membership.UserMembership, error) {
			var (
				um   membership.UserMembership
				role string
			)
			o, err := s.scanOrg(ctx, op, withColumns{r, []any{&role, &um.Deactivated}})
			um.Organization, um.Role = o, roles.Role(role)
			return um, err
		})
	})
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, n, func(m membership.UserMembership) string { return m.ID.String() })
	return out, next, nil
}
