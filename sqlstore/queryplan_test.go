package sqlstore

import (
	"context"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// plan returns SQLite's query plan of q, one line per step.
func plan(t *testing.T, st *Store, q string, args ...any) []string {
	t.Helper()
	rows, err := st.db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		out = append(out, detail)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestQueriesUseTheirIndexes reads SQLite's plans of the hot queries: each
// step is an index search, none a scan of a table.
func TestQueriesUseTheirIndexes(t *testing.T) {
	st := openSQLiteMemory(t)
	id := uuid.Must(uuid.NewV7())
	for name, c := range map[string]struct {
		q    string
		args []any
		want []string
	}{
		"check access": {st.q.checkAccess, []any{id, id, id, "u"}, []string{
			"SEARCH m USING PRIMARY KEY (org_id=? AND user_id=?)",
			"SEARCH a USING PRIMARY KEY (workspace_id=? AND user_id=?)",
			"SEARCH w USING",
		}},
		"members page": {st.sql(`SELECT ` + prefixed("m.", memberCols) + ` FROM roster_members m WHERE m.org_id = ? AND m.user_id > ? ORDER BY m.user_id LIMIT ?`),
			[]any{id, "", 50}, []string{"SEARCH m USING PRIMARY KEY (org_id=? AND user_id>?)"}},
		"audit page": {st.sql(`SELECT id FROM roster_audit_events WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`),
			[]any{id, id, 50}, []string{"SEARCH roster_audit_events USING COVERING INDEX roster_audit_events_org (org_id=? AND id>?)"}},
		"workspace access page": {st.q.workspaceAccess, []any{id, id, "", 50},
			[]string{"SEARCH roster_workspace_access USING PRIMARY KEY (workspace_id=? AND user_id>?)"}},
		"member's access": {st.q.memberAccess, []any{id, "u"},
			[]string{"SEARCH roster_workspace_access USING INDEX roster_workspace_access_member (org_id=? AND user_id=?)"}},
		"delete member's access": {st.q.deleteMemberAccess, []any{id, "u"},
			[]string{"SEARCH roster_workspace_access USING INDEX roster_workspace_access_member (org_id=? AND user_id=?)"}},
		"user's organizations": {st.q.userOrgs, []any{"u", id, 50},
			[]string{"SEARCH m USING COVERING INDEX roster_members_user (user_id=? AND org_id>?)", "SEARCH o USING INDEX"}},
		"invitations page": {st.sql(`SELECT id FROM roster_invitations WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`),
			[]any{id, id, 50}, []string{"SEARCH roster_invitations USING COVERING INDEX roster_invitations_org (org_id=? AND id>?)"}},
		"a user's pending invitations": {st.sql(pendingByEmailSQL), []any{"u@example.com", "pending", "2031", id, 50},
			[]string{"SEARCH roster_invitations USING INDEX roster_invitations_invitee (email_key=? AND status=? AND id>?)"}},
		"invitation by token": {st.iq.invitationByToken, []any{[]byte("x")},
			[]string{"SEARCH roster_invitations USING INDEX roster_invitations_token (token_hash=?)"}},
		// Bounded to the organization's invitations; which of its indexes
		// SQLite picks depends on its statistics.
		"pending invitations (seats)": {st.iq.countPending, []any{id, "2031"},
			[]string{"SEARCH roster_invitations USING "}},
		"invitations a member sent": {st.iq.sentInvitations, []any{id, "u"},
			[]string{"SEARCH roster_invitations USING "}},
		"links a member created": {st.iq.createdLinks, []any{id, "u", false},
			[]string{"SEARCH roster_invite_links USING INDEX roster_invite_links_org (org_id=?)"}},
	} {
		t.Run(name, func(t *testing.T) {
			got := plan(t, st, c.q, c.args...)
			for _, line := range got {
				require.NotRegexp(t, `^SCAN `, line, "a table scan in %q", got)
				require.NotContains(t, line, "TEMP B-TREE", "a sort in %q", got)
			}
			for _, w := range c.want {
				found := false
				for _, line := range got {
					found = found || strings.HasPrefix(line, w)
				}
				require.True(t, found, "plan %q lacks %q", got, w)
			}
		})
	}
}

// TestListsUseKeysetPagination checks every statement the store runs for
// OFFSET and row-value comparisons, which would page by position or run on
// into the next organization.
func TestListsUseKeysetPagination(t *testing.T) {
	st := openSQLiteMemory(t)
	bad := regexp.MustCompile(`(?i)\bOFFSET\b|\(\s*org_id\s*,[^)]*\)\s*[<>]`)
	for _, qs := range []any{st.q, st.iq} {
		v := reflect.ValueOf(qs)
		for i := range v.NumField() {
			if q := v.Field(i).String(); bad.MatchString(q) {
				t.Errorf("%s: %s", v.Type().Field(i).Name, q)
			}
		}
	}
}

// TestOneStatementPerCheck counts the statements SQLite runs: a permission
// check is one query, and removing a member is one transaction of two
// deletes and the update that revokes the member's API keys.
func TestOneStatementPerCheck(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "count.db")
	var n counts
	db := openCounting(path, &n)
	t.Cleanup(func() { _ = db.Close() })
	st, err := New(db, SQLite)
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	t.Cleanup(func() { _ = st.Close() })

	svc, err := membership.New(st, membership.Options{DeferDelivery: true})
	if err != nil {
		t.Fatal(err)
	}
	org, err := svc.CreateOrganization(ctx, "owner", membership.NewOrganization{Name: "Acme", Slug: "acme", OwnerEmail: "owner@acme.test"})
	require.NoError(t, err)
	ws, err := svc.CreateWorkspace(ctx, "owner", org.ID, "W")
	require.NoError(t, err)
	_, err = svc.AddMember(ctx, "owner", org.ID, membership.NewMember{UserID: "ann", Email: "ann@acme.test",
		Role: roles.OrgMember, Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceViewer}})
	require.NoError(t, err)

	for _, c := range []struct {
		user string
		ws   uuid.UUID
		want bool
	}{{"ann", ws.ID, true}, {"owner", ws.ID, true}, {"ann", uuid.Must(uuid.NewV7()), false}, {"stranger", ws.ID, false}} {
		_, _ = svc.Can(ctx, org.ID, c.user, c.ws, roles.PermView) // prepares the statement
		n.reset()
		ok, err := svc.Can(ctx, org.ID, c.user, c.ws, roles.PermView)
		require.NoError(t, err)
		require.Equal(t, c.want, ok, c.user)
		require.Equal(t, int64(1), n.stmts.Load(), "statements per check of %s", c.user)
		require.Zero(t, n.txs.Load(), "a check begins no transaction")
	}

	n.reset()
	require.NoError(t, st.DeleteMember(ctx, org.ID, "ann"))
	require.Equal(t, int64(5), n.stmts.Load(), "BEGIN IMMEDIATE, two deletes, the keys' revocation, COMMIT")
	require.Equal(t, int64(1), n.txs.Load())
	_, err = st.Member(ctx, org.ID, "ann")
	require.ErrorIs(t, err, storage.ErrNotFound)
}
