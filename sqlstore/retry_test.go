package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// sqliteError is an error as modernc.org/sqlite reports it: a result code.
type sqliteError struct{ code int }

func (e *sqliteError) Error() string { return fmt.Sprintf("sqlite: result code %d", e.code) }
func (e *sqliteError) Code() int     { return e.code }

// retryableError returns the error d's driver reports for a serialization
// failure or deadlock, with a message a caller must never see.
func retryableError(d Dialect) error {
	switch d {
	case Postgres:
		return &pgconn.PgError{Code: "40001", Message: "could not serialize access SECRET-DETAIL"}
	case MySQL:
		return &mysql.MySQLError{Number: 1213, Message: "Deadlock found SECRET-DETAIL"}
	}
	return &sqliteError{code: sqliteBusy}
}

// outcome is the state a scenario leaves, without the IDs and times that
// differ between runs.
type outcome struct {
	Members    []string
	Access     []string
	Workspaces []string
	Audit      []string
	Outbox     int
}

// scenario runs a day in an organization's life through the Service and
// returns what it left in the store.
func scenario(t *testing.T, st *Store) outcome {
	t.Helper()
	ctx := t.Context()
	now := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	svc, err := membership.New(st, membership.Options{
		Clock: membership.ClockFunc(func() time.Time { return now }), DeferDelivery: true})
	require.NoError(t, err)
	slug := "acme-" + strings.ToLower(uuid.NewString()[:8])
	org, err := svc.CreateOrganization(ctx, "owner", membership.NewOrganization{
		Name: "Acme", Slug: slug, OwnerEmail: "owner@acme.test", OwnerName: "Owner",
		Settings: membership.Settings{Domains: []string{"acme.test"}}})
	require.NoError(t, err)
	marketing, err := svc.CreateWorkspace(ctx, "owner", org.ID, "Marketing")
	require.NoError(t, err)
	sales, err := svc.CreateWorkspace(ctx, "owner", org.ID, "Sales")
	require.NoError(t, err)
	add := func(user string, role roles.Role, access map[uuid.UUID]roles.Role) {
		t.Helper()
		_, err := svc.AddMember(ctx, "owner", org.ID, membership.NewMember{
			UserID: user, Email: user + "@acme.test", Name: user, Role: role, Workspaces: access})
		require.NoError(t, err)
	}
	add("alice", roles.OrgMember, map[uuid.UUID]roles.Role{marketing.ID: roles.WorkspaceContributor})
	add("bob", roles.OrgAdmin, nil)
	add("carol", roles.OrgMember, map[uuid.UUID]roles.Role{sales.ID: roles.WorkspaceViewer})
	_, err = svc.ChangeRole(ctx, "owner", org.ID, "bob", roles.OrgMember)
	require.NoError(t, err)
	_, err = svc.SetWorkspaceAccess(ctx, "owner", org.ID, sales.ID, "alice", roles.WorkspaceViewer)
	require.NoError(t, err)
	require.NoError(t, svc.RemoveMember(ctx, "owner", org.ID, "carol"))
	_, err = svc.RenameWorkspace(ctx, "owner", org.ID, sales.ID, "Sales EU")
	require.NoError(t, err)
	// A refused change rolls back and writes a denied audit event.
	_, err = svc.ChangeRole(ctx, "alice", org.ID, "bob", roles.OrgOwner)
	require.ErrorIs(t, err, membership.ErrForbidden)

	var out outcome
	ms, _, err := st.Members(ctx, org.ID, membership.MemberFilter{}, storage.Page{Limit: 100})
	require.NoError(t, err)
	names := map[uuid.UUID]string{}
	wss, _, err := st.Workspaces(ctx, org.ID, storage.Page{Limit: 100})
	require.NoError(t, err)
	for _, w := range wss {
		names[w.ID] = w.Name
		out.Workspaces = append(out.Workspaces, w.Name)
	}
	for _, m := range ms {
		out.Members = append(out.Members, fmt.Sprintf("%s %s %s %s", m.UserID, m.Role, m.Kind, m.Email))
		as, err := st.MemberAccess(ctx, org.ID, m.UserID)
		require.NoError(t, err)
		for _, a := range as {
			out.Access = append(out.Access, fmt.Sprintf("%s %s %s", m.UserID, names[a.WorkspaceID], a.Role))
		}
	}
	es, _, err := st.Audit(ctx, org.ID, membership.AuditFilter{}, storage.Page{Limit: 500})
	require.NoError(t, err)
	for _, e := range es {
		out.Audit = append(out.Audit, fmt.Sprintf("%s %s denied=%v", e.Actor, e.Action, e.Denied))
	}
	require.NoError(t, st.db.QueryRowContext(ctx, st.sql(`SELECT COUNT(*) FROM roster_outbox WHERE org_id = ?`), org.ID).Scan(&out.Outbox))
	sort.Strings(out.Workspaces)
	sort.Strings(out.Access)
	return out
}

// TestInjectedConflictsChangeNothing fails the first two attempts of every
// transaction with the dialect's serialization failure, just before
// commit, and shows that the organization ends exactly as in a fault-free
// run: the retries ran whole transactions and left no duplicate.
func TestInjectedConflictsChangeNothing(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			st := tg.open(t)
			want := scenario(t, st)
			require.NotEmpty(t, want.Audit)
			require.NotZero(t, want.Outbox)

			var injected, commits atomic.Int64
			st.beforeCommit = func(_ context.Context, attempt int) error {
				if attempt <= 2 {
					injected.Add(1)
					return retryableError(st.d)
				}
				commits.Add(1)
				return nil
			}
			got := scenario(t, st)
			st.beforeCommit = nil
			require.Equal(t, want, got)
			require.Equal(t, 2*commits.Load(), injected.Load(), "every committed transaction failed twice first")
			require.Greater(t, commits.Load(), int64(8))
		})
	}
}

func TestTransactRetries(t *testing.T) {
	st := openSQLiteMemory(t)
	st.baseDelay, st.maxDelay = time.Microsecond, time.Millisecond
	ctx := t.Context()

	t.Run("OnlyRetryableErrors", func(t *testing.T) {
		for _, d := range []Dialect{SQLite, Postgres, MySQL} {
			st := &Store{db: st.db, d: d, codes: codesOf(t, d), maxAttempts: 5, baseDelay: time.Microsecond, maxDelay: time.Millisecond}
			require.True(t, st.retryable(retryableError(d)), d)
			for _, err := range []error{errors.New("boom"), storage.ErrConflict, storage.ErrNotFound,
				fmt.Errorf("wrapped: %w", context.Canceled)} {
				require.False(t, st.retryable(err), "%s: %v", d, err)
			}
		}
	})

	t.Run("OtherErrorsRunOnce", func(t *testing.T) {
		var runs int
		boom := errors.New("boom")
		err := st.Transact(ctx, func(context.Context) error { runs++; return boom })
		require.ErrorIs(t, err, boom)
		require.Equal(t, 1, runs)

		runs = 0
		err = st.Transact(ctx, func(ctx context.Context) error {
			runs++
			return fmt.Errorf("wrapped: %w", storage.ErrNotFound)
		})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Equal(t, 1, runs)
	})

	t.Run("RetryableErrorsFromFnRunItAgain", func(t *testing.T) {
		var runs int
		err := st.Transact(ctx, func(context.Context) error {
			runs++
			if runs < 3 {
				return fmt.Errorf("store call: %w", st.translate(ctx, "op", retryableError(SQLite)))
			}
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, 3, runs)
	})

	t.Run("GivesUpAfterMaxAttemptsWithConflict", func(t *testing.T) {
		var runs int
		err := st.Transact(ctx, func(context.Context) error { runs++; return retryableError(SQLite) })
		require.ErrorIs(t, err, storage.ErrConflict)
		require.Equal(t, st.maxAttempts, runs)
		require.NotContains(t, err.Error(), "result code")
	})

	t.Run("NestedTransactDoesNotRetryOnItsOwn", func(t *testing.T) {
		var outer, inner int
		err := st.Transact(ctx, func(ctx context.Context) error {
			outer++
			return st.Transact(ctx, func(context.Context) error {
				inner++
				if inner == 1 {
					return retryableError(SQLite)
				}
				return nil
			})
		})
		require.NoError(t, err)
		require.Equal(t, 2, outer, "the outer transaction ran again as a whole")
		require.Equal(t, 2, inner)
	})

	t.Run("SingleWritesOutsideATransactionRetryToo", func(t *testing.T) {
		for _, d := range []Dialect{Postgres, MySQL} {
			st := &Store{db: st.db, d: d, codes: codesOf(t, d), maxAttempts: 5, baseDelay: time.Microsecond, maxDelay: time.Millisecond}
			var runs int
			err := st.write(ctx, func(context.Context, querier) error {
				runs++
				if runs < 3 {
					return st.translate(ctx, "ack", retryableError(d))
				}
				return nil
			})
			require.NoError(t, err, d)
			require.Equal(t, 3, runs, d)

			runs = 0
			err = st.write(ctx, func(context.Context, querier) error { runs++; return storage.ErrNotFound })
			require.ErrorIs(t, err, storage.ErrNotFound)
			require.Equal(t, 1, runs, d)
		}
	})

	t.Run("SQLiteReadsOutsideATransactionWaitOutABusyDatabase", func(t *testing.T) {
		var runs int
		busyOnce := func(querier) (int, error) {
			runs++
			if runs == 1 {
				return 0, st.translate(ctx, "member", retryableError(SQLite))
			}
			return 42, nil
		}
		v, err := reread(ctx, st, busyOnce)
		require.NoError(t, err)
		require.Equal(t, 42, v)
		require.Equal(t, 2, runs)

		// Inside a transaction the whole transaction runs again instead.
		runs = 0
		var inner int
		require.NoError(t, st.Transact(ctx, func(ctx context.Context) error {
			inner++
			_, err := reread(ctx, st, busyOnce)
			return err
		}))
		require.Equal(t, 2, inner)
	})

	t.Run("CancelledContextStopsRetrying", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		var runs int
		err := st.Transact(ctx, func(context.Context) error {
			runs++
			cancel()
			return retryableError(SQLite)
		})
		require.Error(t, err)
		require.Equal(t, 1, runs)
	})
}
