package sqlstore

import (
	"context"
	"database/sql"
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

func TestErrorTranslation(t *testing.T) {
	ctx := context.Background()
	for d, errs := range driverErrors {
		st := &Store{d: d}
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
