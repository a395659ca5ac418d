package sqlite

import (
	"strings"
	"testing"
)

func TestWithDefaults(t *testing.T) {
	for _, tc := range []struct {
		dsn    string
		want   string // "" when only the memory database's random name differs
		memory bool
	}{
		{"roster.db", "roster.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)", false},
		{"file:/var/lib/app/roster.db?_pragma=busy_timeout(10000)",
			"file:/var/lib/app/roster.db?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)", false},
		{"roster.db?_pragma=journal_mode(DELETE)&_pragma=foreign_keys(0)",
			"roster.db?_pragma=journal_mode(DELETE)&_pragma=foreign_keys(0)&_pragma=busy_timeout(5000)", false},
		{"file:x?mode=memory&cache=shared", "file:x?mode=memory&cache=shared&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)", true},
		{":memory:", "", true},
		{"", "", true},
	} {
		got, memory := withDefaults(tc.dsn)
		if memory != tc.memory {
			t.Errorf("withDefaults(%q) memory = %v, want %v", tc.dsn, memory, tc.memory)
		}
		if tc.want == "" {
			if !strings.HasPrefix(got, "file:/roster-") || !strings.HasSuffix(got, "?vfs=memdb&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)") {
				t.Errorf("withDefaults(%q) = %q, want a named memdb database", tc.dsn, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("withDefaults(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
	}
	a, _ := withDefaults(":memory:")
	b, _ := withDefaults(":memory:")
	if a == b {
		t.Errorf("two :memory: databases share the name %q", a)
	}
}
