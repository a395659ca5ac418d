-- A counter that every transaction serializing an organization bumps
-- (LockOrganization): transactions of one organization then all write its
-- row, so that engines which detect conflicts by the rows written (Galera's
-- certification, CockroachDB's and YugabyteDB's serializable validation)
-- order them as row locks do on a single server.

ALTER TABLE roster_organizations ADD COLUMN lock_version INTEGER NOT NULL DEFAULT 0;
