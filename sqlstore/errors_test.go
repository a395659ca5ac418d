package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

const secret = "SELECT secret FROM roster_members -- ann@example.com"

// driverErrors are errors each driver reports, by what they mean.
var driverErrors = map[Dialect]map[string]error{
	SQLite: {
		"unique":  &sqliteError{code: sqliteConstraintUnique},
		"pk":      &sqliteError{code: sqliteConstraintPK},
		"fk":      &sqliteError{code: sqliteConstraintFK},
		"busy":    &sqliteError{code: sqliteBusy},
		"locked":  &sqliteError{code: sqliteLocked | 1<<8},
		"other":   &sqliteError{code: 1299}, // NOT NULL
		"badtext": nil,
	},
	Postgres: {
		"unique":  &pgconn.PgError{Code: "23505", Message: secret, Detail: secret},
		"pk":      &pgconn.PgError{Code: "23505", Message: secret},
		"fk":      &pgconn.PgError{Code: "23503", Message: secret},
		"busy":    &pgconn.PgError{Code: "40001", Message: secret},
		"locked":  &pgconn.PgError{Code: "40P01", Message: secret},
		"other":   &pgconn.PgError{Code: "42P01", Message: secret},
		"badtext": &pgconn.PgError{Code: "22021", Message: secret},
	},
	MySQL: {
		"unique":  &mysql.MySQLError{Number: 1062, Message: secret},
		"pk":      &mysql.MySQLError{Number: 1062, Message: secret},
		"fk":      &mysql.MySQLError{Number: 1452, Message: secret},
		"busy":    &mysql.MySQLError{Number: 1205, Message: secret},
		"locked":  &mysql.MySQLError{Number: 1213, Message: secret},
		"other":   &mysql.MySQLError{Number: 1146, Message: secret},
		"badtext": &mysql.MySQLError{Number: 1366, Message: secret},
	},
}

// codesOf returns the error code reader that d's driver package gives its
// stores: nil where the store reads the codes through the driver's methods.
func codesOf(t testing.TB, d Dialect) func(error) (string, bool) {
	t.Helper()
	db := sql.OpenDB(unusedConnector{})
	t.Cleanup(func() { _ = db.Close() })
	st, err := Drivers[d].New(db)
	require.NoError(t, err)
	return st.codes
}

// unusedConnector is the connector of a database no test connects to.
type unusedConnector struct{}

func (unusedConnector) Connect(context.Context) (driver.Conn, error) {
	return nil, errors.New("unused database")
}
func (unusedConnector) Driver() driver.Driver { return nil }

func TestErrorTranslation(t *testing.T) {
	ctx := context.Background()
	for d, errs := range driverErrors {
		st := &Store{d: d, codes: codesOf(t, d)}
		t.Run(d.String(), func(t *testing.T) {
			for kind, raw := range errs {
				if raw == nil {
					continue
				}
				err := st.translate(ctx, "insert member", fmt.Errorf("driver: %w", raw))
				require.Error(t, err, kind)
				msg := err.Error()
				require.True(t, strings.HasPrefix(msg, "sqlstore: insert member: "), msg)
				require.NotContains(t, msg, "secret", "%s: the driver's message never reaches the caller", kind)
				require.NotContains(t, msg, "SELECT", kind)
				switch kind {
				case "unique", "pk":
					require.ErrorIs(t, err, storage.ErrConflict, kind)
					require.False(t, st.retryable(err), kind)
				case "fk":
					require.ErrorIs(t, err, storage.ErrNotFound, kind)
				case "busy", "locked":
					require.ErrorIs(t, err, storage.ErrConflict, "%s: a lost race is a conflict", kind)
					require.True(t, st.retryable(err), kind)
					require.True(t, st.retryable(raw), kind)
				case "badtext":
					require.ErrorIs(t, err, membership.ErrInvalidInput, kind)
				case "other":
					require.False(t, errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrNotFound), kind)
					require.False(t, st.retryable(err), kind)
					require.Contains(t, msg, "database error (code ", "the code helps an operator")
					require.ErrorIs(t, err, raw, "the driver's error stays reachable")
				}
			}
		})
	}
	st := &Store{d: SQLite}
	require.ErrorIs(t, st.translate(ctx, "member", sql.ErrNoRows), storage.ErrNotFound)
	require.NoError(t, st.translate(ctx, "member", nil))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, st.translate(cancelled, "member", errors.New("interrupted")), context.Canceled)
}

// TestMySQLNeedsItsErrorCodes: the MySQL driver's errors carry their number
// in a field of the driver's own type, which this package does not import.
// Without the reader of sqlstore/mysql the store could neither retry a
// deadlock nor see a duplicate, so New refuses; with it, or with any
// ErrorCodes, New accepts.
func TestMySQLNeedsItsErrorCodes(t *testing.T) {
	db := sql.OpenDB(unusedConnector{})
	t.Cleanup(func() { _ = db.Close() })
	_, err := New(db, MySQL)
	require.ErrorIs(t, err, ErrInvalidOption)
	require.Contains(t, err.Error(), "sqlstore/mysql")
	_, err = Drivers[MySQL].New(db)
	require.NoError(t, err)
	_, err = New(db, MySQL, ErrorCodes(func(error) (string, bool) { return "", false }))
	require.NoError(t, err)
	_, err = New(db, MySQL, ErrorCodes(nil))
	require.ErrorIs(t, err, ErrInvalidOption)
	for _, d := range []Dialect{SQLite, Postgres} {
		_, err := New(db, d)
		require.NoError(t, err, "%s: the driver's errors have a method that reads their code", d)
	}
}

// extendedCodeError is an error of a driver that carries its code in a
// field, as github.com/mattn/go-sqlite3 does.
type extendedCodeError struct{ ExtendedCode int }

func (e *extendedCodeError) Error() string { return fmt.Sprintf("sqlite3: code %d", e.ExtendedCode) }

// TestErrorCodesReadAnotherDriver: a host on another driver hands the store
// a reader of its errors, and the dialect translates what it reads.
func TestErrorCodesReadAnotherDriver(t *testing.T) {
	ctx := t.Context()
	read := func(err error) (string, bool) {
		var e *extendedCodeError
		if errors.As(err, &e) {
			return fmt.Sprint(e.ExtendedCode), true
		}
		return "", false
	}
	db := sql.OpenDB(unusedConnector{})
	t.Cleanup(func() { _ = db.Close() })
	st, err := New(db, SQLite, ErrorCodes(read))
	require.NoError(t, err)
	require.ErrorIs(t, st.translate(ctx, "insert member", &extendedCodeError{sqliteConstraintUnique}), storage.ErrConflict)
	require.ErrorIs(t, st.translate(ctx, "insert member", &extendedCodeError{sqliteConstraintFK}), storage.ErrNotFound)
	require.True(t, st.retryable(&extendedCodeError{sqliteBusy}))
	require.False(t, st.retryable(&extendedCodeError{1299}))

	plain, err := New(db, SQLite)
	require.NoError(t, err)
	require.False(t, plain.retryable(&extendedCodeError{sqliteBusy}), "without the reader the code is unknown")
	require.NotErrorIs(t, plain.translate(ctx, "insert member", &extendedCodeError{sqliteConstraintUnique}), storage.ErrConflict)
}

// TestErrorsFromTheDatabaseNameNoSQL provokes real failures on every
// target and checks what reaches the caller.
func TestErrorsFromTheDatabaseNameNoSQL(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			st := tg.open(t)
			ctx := t.Context()
			now := time.Now()
			o := membership.Organization{ID: uuid.Must(uuid.NewV7()), Name: "Acme", Slug: "acme-" + randText(8), CreatedAt: now, UpdatedAt: now}
			require.NoError(t, st.CreateOrganization(ctx, o))
			dup := o
			dup.ID = uuid.Must(uuid.NewV7())
			err := st.CreateOrganization(ctx, dup)
			require.ErrorIs(t, err, storage.ErrConflict)
			require.Equal(t, "sqlstore: create organization: roster: conflict", err.Error())

			m := membership.Member{OrgID: o.ID, UserID: "ann", Email: "ann@example.com", Role: "member", Kind: membership.KindCoworker, JoinedAt: now, UpdatedAt: now}
			require.NoError(t, st.InsertMember(ctx, m))
			err = st.InsertMember(ctx, m)
			require.ErrorIs(t, err, storage.ErrConflict)
			require.NotContains(t, err.Error(), "ann")

			// A statement the database rejects for another reason.
			_, err = st.db.ExecContext(ctx, st.sql(`INSERT INTO roster_members (org_id) VALUES (?)`), o.ID)
			require.Error(t, err)
			err = st.translate(ctx, "insert member", err)
			require.Contains(t, err.Error(), "sqlstore: insert member: database error")
			require.NotContains(t, err.Error(), "roster_")
			require.NotContains(t, strings.ToLower(err.Error()), "null")
		})
	}
}
