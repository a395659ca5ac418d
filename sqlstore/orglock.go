package sqlstore

import (
	"context"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
)

// An organization's mutations are serialized by a write, not by a read
// lock: LockOrganization bumps the row's lock_version. A row lock taken by
// SELECT … FOR UPDATE holds only on the server that takes it; a Galera
// cluster certifies a transaction by the rows it writes, so two
// transactions that lock one organization on different nodes but write
// different rows (two members demoting each other, two adds filling the
// last seat) would both commit. With the bump every such pair writes the
// organization's row: on one server the second waits for the first, as it
// did for the read lock; on Galera, CockroachDB or YugabyteDB one of them
// fails with a conflict and Transact runs it again.

// orgLockQuery returns the statement that bumps an organization's
// lock_version: on PostgreSQL it also returns the row, in one round trip.
func (s *Store) orgLockQuery() string {
	q := `UPDATE roster_organizations SET lock_version = lock_version + 1 WHERE id = ?`
	if s.d.id == postgresID {
		q += ` RETURNING ` + orgCols
	}
	return s.sql(q)
}

// lockOrgRow is LockOrganization inside a transaction on PostgreSQL or
// MySQL: it bumps the row's version, which locks the row until the
// transaction ends, and reads it.
func (s *Store) lockOrgRow(ctx context.Context, id uuid.UUID) (membership.Organization, error) {
	const op = "lock organization"
	c := s.conn(ctx)
	var (
		o   membership.Organization
		err error
	)
	if s.d.id == postgresID {
		o, err = s.scanOrg(ctx, op, c.QueryRowContext(ctx, s.bumpOrg, id))
	} else {
		res, xerr := c.ExecContext(ctx, s.bumpOrg, id)
		if xerr != nil {
			return membership.Organization{}, s.translate(ctx, op, xerr)
		}
		// MySQL counts the rows an UPDATE changed; the bump changes the
		// row it finds.
		if n, rerr := res.RowsAffected(); rerr == nil && n == 0 {
			return membership.Organization{}, notFound(op)
		}
		o, err = s.scanOrg(ctx, op, c.QueryRowContext(ctx, s.q.selectOrg, id))
	}
	if err == nil {
		s.sawOrg(ctx, id, true)
	}
	return o, err
}
