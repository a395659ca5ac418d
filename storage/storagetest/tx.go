package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// errBoom is the error test transactions fail with.
var errBoom = errors.New("storagetest: boom")

// testTransactions checks storage.Transactor on the raw store: commit,
// rollback, nesting and isolation of uncommitted writes.
func testTransactions(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("RollbackLeavesNoTrace", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		existing := rawOrg(t, ctx, st)
		o := newOrg()
		w := membership.Workspace{ID: newID(), OrgID: o.ID, Name: "W", CreatedAt: start}
		ch := uniq("chan")
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := st.CreateOrganization(ctx, o); err != nil {
				return err
			}
			if err := st.CreateWorkspace(ctx, w); err != nil {
				return err
			}
			if err := st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgOwner)); err != nil {
				return err
			}
			if err := st.SetAccess(ctx, membership.WorkspaceAccess{OrgID: o.ID, WorkspaceID: w.ID, UserID: "alice", Role: roles.WorkspaceAdmin, GrantedBy: "alice", GrantedAt: start}); err != nil {
				return err
			}
			if err := st.AppendAudit(ctx, rawAudit(o.ID, "alice", "organization.created")); err != nil {
				return err
			}
			if err := st.Enqueue(ctx, rawMessage(o.ID, ch, start)); err != nil {
				return err
			}
			// A change to a row that existed before the transaction.
			renamed := existing
			renamed.Name = "Renamed inside"
			if err := st.UpdateOrganization(ctx, renamed); err != nil {
				return err
			}
			// The transaction reads its own writes.
			if _, err := st.Member(ctx, o.ID, "alice"); err != nil {
				return err
			}
			return errBoom
		})
		wantErr(t, err, errBoom) // Transact returns fn's error
		_, err = st.Organization(ctx, o.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.OrganizationBySlug(ctx, o.Slug)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.Workspace(ctx, o.ID, w.ID)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.Member(ctx, o.ID, "alice")
		wantErr(t, err, storage.ErrNotFound)
		got, err := st.Organization(ctx, existing.ID)
		is.NoErr(err)
		is.Equal(got.Name, existing.Name) // the update was rolled back
		msgs, err := st.Claim(ctx, ch, start.Add(time.Hour), time.Minute, 10)
		is.NoErr(err)
		is.Equal(len(msgs), 0) // no outbox message
		// The slug and the IDs are free: nothing half-written remains.
		is.NoErr(st.CreateOrganization(ctx, o))
		is.NoErr(st.CreateWorkspace(ctx, w))
		is.NoErr(st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgOwner)))
		as, err := st.MemberAccess(ctx, o.ID, "alice")
		is.NoErr(err)
		is.Equal(len(as), 0) // no access row survived
		is.Equal(len(auditOf(t, ctx, st, o.ID, membership.AuditFilter{})), 0)
	})

	t.Run("CommitIsVisibleAfterwards", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := newOrg()
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := st.CreateOrganization(ctx, o); err != nil {
				return err
			}
			return st.InsertMember(ctx, rawMember(o.ID, "alice", roles.OrgOwner))
		})
		is.NoErr(err)
		got, err := st.Organization(ctx, o.ID)
		is.NoErr(err)
		is.Equal(got.Slug, o.Slug)
		_, err = st.Member(ctx, o.ID, "alice")
		is.NoErr(err)
	})

	t.Run("NestedTransactJoinsTheOuterOne", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		inner, outer := newOrg(), newOrg()
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := st.CreateOrganization(ctx, outer); err != nil {
				return err
			}
			err := st.Transact(ctx, func(ctx context.Context) error {
				// The inner transaction sees the outer one's write.
				if _, err := st.Organization(ctx, outer.ID); err != nil {
					return err
				}
				return st.CreateOrganization(ctx, inner)
			})
			if err != nil {
				return err
			}
			// The outer transaction sees the inner one's write.
			if _, err := st.Organization(ctx, inner.ID); err != nil {
				return err
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		_, err = st.Organization(ctx, inner.ID)
		wantErr(t, err, storage.ErrNotFound) // the inner write rolled back with the outer transaction
		_, err = st.Organization(ctx, outer.ID)
		wantErr(t, err, storage.ErrNotFound)

		err = st.Transact(ctx, func(ctx context.Context) error {
			return st.Transact(ctx, func(ctx context.Context) error {
				return st.CreateOrganization(ctx, inner)
			})
		})
		is.NoErr(err)
		_, err = st.Organization(ctx, inner.ID)
		is.NoErr(err) // committed by the outer transaction

		// An inner error rolls nothing back by itself: the outer call
		// decides, and commits what the inner one wrote.
		kept := newOrg()
		err = st.Transact(ctx, func(ctx context.Context) error {
			err := st.Transact(ctx, func(ctx context.Context) error {
				if err := st.CreateOrganization(ctx, kept); err != nil {
					return err
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				return fmt.Errorf("inner Transact = %v, want errBoom", err)
			}
			return nil
		})
		is.NoErr(err)
		_, err = st.Organization(ctx, kept.ID)
		is.NoErr(err)
	})

	t.Run("InTransactionReportsTheTransactionInTheContext", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		is.True(!st.InTransaction(ctx)) // outside any transaction
		var inner, outer bool
		err := st.Transact(ctx, func(ctx context.Context) error {
			outer = st.InTransaction(ctx)
			return st.Transact(ctx, func(ctx context.Context) error {
				inner = st.InTransaction(ctx)
				return nil
			})
		})
		is.NoErr(err)
		is.True(outer)                  // inside Transact
		is.True(inner)                  // inside a nested Transact
		is.True(!st.InTransaction(ctx)) // the caller's context never carried one
	})

	t.Run("UncommittedWritesAreInvisibleOutside", func(t *testing.T) {
		t.Parallel()
		st, ctx := newStore(t), t.Context()
		o := newOrg()
		err := st.Transact(ctx, func(txctx context.Context) error {
			if err := st.CreateOrganization(txctx, o); err != nil {
				return err
			}
			// A reader outside the transaction sees committed state only. A
			// store may instead make it wait for the commit; then the read
			// finishes after Transact returns and is not judged.
			done := make(chan error, 1)
			go func() {
				_, err := st.Organization(ctx, o.ID)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("read outside the transaction: got %v, want ErrNotFound", err)
				}
			case <-time.After(500 * time.Millisecond):
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
	})

	t.Run("RollbackSurvivesACancelledContext", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		ctx, cancel := context.WithCancel(t.Context())
		o := newOrg()
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := st.CreateOrganization(ctx, o); err != nil {
				return err
			}
			cancel()
			return errBoom
		})
		wantErr(t, err, errBoom)
		_, err = st.Organization(t.Context(), o.ID)
		wantErr(t, err, storage.ErrNotFound)
	})

	t.Run("LockOrganizationSerializesTransactions", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		// Each transaction reads a counter under the lock and writes it back
		// plus one; lost updates would show as a smaller final count.
		const n = 16
		errs := race(n, func(i int) error {
			st := handle(st, i)
			return st.Transact(ctx, func(ctx context.Context) error {
				cur, err := st.LockOrganization(ctx, o.ID)
				if err != nil {
					return err
				}
				cur.Settings.Seats++
				return st.UpdateOrganization(ctx, cur)
			})
		})
		for _, err := range errs {
			is.NoErr(err)
		}
		got, err := st.Organization(ctx, o.ID)
		is.NoErr(err)
		is.Equal(got.Settings.Seats, n) // no update was lost
	})

	t.Run("ServiceWritesInsideARolledBackTransactionLeaveNoTrace", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		before := f.snap(t)
		err := f.st.Transact(f.ctx, func(ctx context.Context) error {
			if _, err := f.svc.AddMember(ctx, f.owner, f.org.ID, membership.NewMember{
				UserID: "alice", Email: email("alice"), Workspaces: map[uuid.UUID]roles.Role{w.ID: roles.WorkspaceViewer},
			}); err != nil {
				return err
			}
			if _, err := f.svc.CreateWorkspace(ctx, f.owner, f.org.ID, "Other"); err != nil {
				return err
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		f.unchanged(t, before) // no member, no workspace, no audit event
		is.True(!f.isMember(t, "alice"))
	})
}
