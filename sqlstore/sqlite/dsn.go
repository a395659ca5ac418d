package sqlite

import (
	"crypto/rand"
	"net/url"
	"strings"
)

// withDefaults adds the store's defaults to a SQLite DSN and reports
// whether it names an in-memory database. ":memory:" becomes a named
// database of SQLite's memdb VFS, which every connection of the pool shares,
// with the locking of a file.
func withDefaults(dsn string) (string, bool) {
	memory := false
	if dsn == "" || dsn == ":memory:" {
		dsn = "file:/roster-" + rand.Text() + "?vfs=memdb"
		memory = true
	}
	base, query, _ := strings.Cut(dsn, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return dsn, memory
	}
	memory = memory || params.Get("mode") == "memory" || params.Get("vfs") == "memdb" ||
		strings.Contains(base, ":memory:")
	has := func(keys ...string) bool {
		for _, k := range keys {
			if params.Has(k) {
				return true
			}
		}
		for _, p := range params["_pragma"] {
			for _, k := range keys {
				if strings.HasPrefix(strings.ToLower(p), strings.TrimPrefix(k, "_")) {
					return true
				}
			}
		}
		return false
	}
	var add []string
	if !has("_busy_timeout", "_timeout") {
		add = append(add, "_pragma=busy_timeout(5000)")
	}
	if !has("_foreign_keys", "_fk") {
		add = append(add, "_pragma=foreign_keys(1)")
	}
	if !memory && !has("_journal_mode", "_journal") {
		add = append(add, "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)")
	}
	if len(add) == 0 {
		return dsn, memory
	}
	if query != "" {
		query += "&"
	}
	return base + "?" + query + strings.Join(add, "&"), memory
}
