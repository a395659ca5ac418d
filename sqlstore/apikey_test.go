package sqlstore

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestAPIKeyQueriesUseTheirIndexes reads SQLite's plans of the API key
// statements a request or a removal runs: an index search each, never a
// scan of the table or a sort.
func TestAPIKeyQueriesUseTheirIndexes(t *testing.T) {
	st := openSQLiteMemory(t)
	id := uuid.Must(uuid.NewV7())
	for name, c := range map[string]struct {
		q    string
		args []any
		want string
	}{
		"key by digest": {st.kq.byHash, []any{make([]byte, 32)},
			"SEARCH roster_api_keys USING INDEX roster_api_keys_token (token_hash=?)"},
		"key by ID": {st.kq.selectOne, []any{id, id}, "SEARCH roster_api_keys USING INDEX sqlite_autoindex_roster_api_keys_1 (id=?)"},
		"keys page": {st.kq.list, []any{id, id, false, true, 50},
			"SEARCH roster_api_keys USING INDEX roster_api_keys_org (org_id=? AND id>?)"},
		"a member's keys page": {st.kq.listOf, []any{id, "u", id, false, true, 50}, "SEARCH roster_api_keys USING INDEX "},
		"revoke a member's keys": {st.kq.revokeMember, []any{true, id, "u", false},
			"SEARCH roster_api_keys USING INDEX roster_api_keys_member (org_id=? AND user_id=?)"},
		"delete an organization's keys": {st.kq.deleteOrg, []any{id}, "SEARCH roster_api_keys USING "},
	} {
		t.Run(name, func(t *testing.T) {
			got := plan(t, st, c.q, c.args...)
			found := false
			for _, line := range got {
				require.NotRegexp(t, `^SCAN `, line, "a table scan in %q", got)
				require.NotContains(t, line, "TEMP B-TREE", "a sort in %q", got)
				found = found || strings.HasPrefix(line, c.want)
			}
			require.True(t, found, "plan %q lacks %q", got, c.want)
		})
	}
}

// TestAPIKeyListsUseKeysetPagination checks the API key statements for
// OFFSET and row-value comparisons.
func TestAPIKeyListsUseKeysetPagination(t *testing.T) {
	st := openSQLiteMemory(t)
	bad := regexp.MustCompile(`(?i)\bOFFSET\b|\(\s*org_id\s*,[^)]*\)\s*[<>]`)
	v := reflect.ValueOf(st.kq)
	for i := range v.NumField() {
		q := v.Field(i).String()
		require.NotEmpty(t, q, v.Type().Field(i).Name)
		require.NotRegexp(t, bad, q, v.Type().Field(i).Name)
	}
}
