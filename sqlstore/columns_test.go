package sqlstore

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// parseStamp gives what time.Parse gives for every text: the store's own
// timestamps, and text around them that time.Parse accepts or refuses for
// reasons of its own (signs, a comma, days past the month's end).
func TestParseStampMatchesTimeParse(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var texts []string
	for range 2000 {
		ts := time.Date(r.IntN(10000), time.Month(1+r.IntN(12)), 1+r.IntN(31), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
		texts = append(texts, encTime(ts))
	}
	texts = append(texts, encTime(time.Time{}), encTime(time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)),
		"2024-02-29T00:00:00.000000000Z", "2023-02-29T00:00:00.000000000Z", "2000-02-29T12:00:00.000000000Z",
		"1900-02-29T12:00:00.000000000Z", "2026-04-31T00:00:00.000000000Z", "2026-13-01T00:00:00.000000000Z",
		"2026-00-01T00:00:00.000000000Z", "2026-01-00T00:00:00.000000000Z", "2026-01-01T24:00:00.000000000Z",
		"2026-01-01T23:60:00.000000000Z", "2026-01-01T23:59:60.000000000Z", "+026-01-01T00:00:00.000000000Z",
		"-001-01-01T00:00:00.000000000Z", "2026-01-01T00:00:00,123456789Z", "2026-01-01T00:00:00.+12345678Z",
		"2026-01-01T00:00:00.-12345678Z", "2026-01-01T00:00:00.12345678Z", "2026-01-01T00:00:00.1234567890Z",
		"2026-01-01 00:00:00.000000000Z", "2026-01-01T00:00:00.000000000+", "", "null", "2026-01-01")
	base := encTime(time.Date(2026, 11, 22, 9, 30, 0, 123456789, time.UTC))
	for i := range len(base) {
		for _, c := range []byte("0159+-,.:TZ a") {
			b := []byte(base)
			b[i] = c
			texts = append(texts, string(b))
		}
	}
	for _, s := range texts {
		want, err := time.Parse(timeLayout, s)
		fromString, okString := parseStamp(s)
		fromBytes, okBytes := parseStamp([]byte(s))
		for _, got := range []struct {
			from string
			t    time.Time
			ok   bool
		}{{"string", fromString, okString}, {"bytes", fromBytes, okBytes}} {
			if got.ok != (err == nil) || got.ok && got.t != want {
				t.Errorf("parseStamp(%s %q) = %v, %v; time.Parse gives %v, %v", got.from, s, got.t, got.ok, want, err)
			}
		}
	}
}

// The store's timestamps parse without an allocation, from a string and
// from bytes.
func TestParseStampAllocatesNothing(t *testing.T) {
	s := encTime(time.Now())
	b := []byte(s)
	if n := testing.AllocsPerRun(100, func() {
		if _, ok := parseStamp(s); !ok {
			t.Fatal("does not parse")
		}
		if _, ok := parseStamp(b); !ok {
			t.Fatal("does not parse")
		}
	}); n != 0 {
		t.Errorf("parseStamp allocates %v times", n)
	}
}

// decStringMap and decWorkspaceRoles give what encoding/json gives for the
// text encJSON writes (escapes, invalid UTF-8, empty and nil maps) and for
// text it never writes.
func TestFlatJSONMatchesEncodingJSON(t *testing.T) {
	ws1, ws2 := uuid.MustParse("0192f5a0-0000-7000-8000-000000000001"), uuid.MustParse("0192f5a0-0000-7000-8000-000000000002")
	var texts []string
	for _, m := range []map[string]string{nil, {}, {"role": "member"}, {"role": "member", "kind": "guest", "": ""},
		{"a<b>&c": "\"quoted\"\\", "line": "one\ntwo\ttab", "é": "ü → 🙂", "bad": "\xff\xfe", "\u2028": "x"}} {
		s, err := encJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, s)
	}
	for _, m := range []map[uuid.UUID]roles.Role{nil, {}, {ws1: roles.WorkspaceViewer}, {ws1: roles.WorkspaceViewer, ws2: "custom \"role\""}} {
		s, err := encJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, s)
	}
	texts = append(texts, `null`, `{}`, ` {"a":"b"}`, `{"a":"b"} `, `{ "a":"b"}`, `{"a" :"b"}`, `{"a":"b",}`, `{"a":1}`,
		`{"a":"b","a":"c"}`, `{"a":"b"`, `{"a":"b""c":"d"}`, `{"a"}`, `{"a":}`, `{,}`, `[]`, `""`, ``, `{"a":"\u00e9"}`,
		`{"a":"b\"c"}`, "{\"a\":\"b\x01\"}", `{"a":null}`, `nul`,
		`{"`+ws1.String()+`":"viewer"}`, `{"{`+ws1.String()+`}":"viewer"}`, `{"urn:uuid:`+ws1.String()+`":"viewer"}`,
		`{"0192f5a0000070008000000000000001":"viewer"}`, `{"not-a-uuid":"viewer"}`, `{"`+ws1.String()+`":"viewer","`+ws1.String()+`":"admin"}`)
	for _, s := range texts {
		var want map[string]string
		wantErr := json.Unmarshal([]byte(s), &want)
		got, err := decStringMap(s)
		if (err != nil) != (wantErr != nil) || err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("decStringMap(%q) = %#v, %v; encoding/json gives %#v, %v", s, got, err, want, wantErr)
		}
		var wantWS map[uuid.UUID]roles.Role
		wantErr = json.Unmarshal([]byte(s), &wantWS)
		gotWS, err := decWorkspaceRoles(s)
		if (err != nil) != (wantErr != nil) || err == nil && !reflect.DeepEqual(gotWS, wantWS) {
			t.Errorf("decWorkspaceRoles(%q) = %#v, %v; encoding/json gives %#v, %v", s, gotWS, err, wantWS, wantErr)
		}
	}
}

// The column destinations decode what each driver hands over (a string,
// bytes, an integer, NULL) as database/sql would into the field's own
// type, keep nothing of the bytes they were given, and leave nothing of
// one row in the next.
func TestColumnDestinations(t *testing.T) {
	id := uuid.MustParse("0192f5a0-1234-7000-8000-00000000abcd")
	t.Run("uuid", func(t *testing.T) {
		for _, src := range []any{id.String(), []byte(id.String()), id[:], "{" + id.String() + "}"} {
			var d uuidCol
			if err := d.Scan(src); err != nil || uuid.UUID(d) != id {
				t.Errorf("Scan(%#v) = %v, %v", src, uuid.UUID(d), err)
			}
			for _, empty := range []any{nil, "", []byte{}} {
				if err := d.Scan(empty); err != nil || uuid.UUID(d) != uuid.Nil {
					t.Errorf("Scan(%#v) after a UUID = %v, %v; want the nil UUID", empty, uuid.UUID(d), err)
				}
				d = uuidCol(id)
			}
		}
		for _, src := range []any{"nope", []byte("0192f5a0-1234-7000-8000-00000000abcX"), int64(1)} {
			var d uuidCol
			if err := d.Scan(src); err == nil {
				t.Errorf("Scan(%#v) = nil error", src)
			}
		}
	})
	t.Run("name", func(t *testing.T) {
		for _, name := range []string{"owner", "admin", "member", "guest", "viewer", "contributor", "contributor_plus",
			"coworker", "pending", "accepted", "rejected", "revoked", "expired", "", "custom-role", "émoji 🙂"} {
			src := []byte(name)
			var d nameCol
			if err := d.Scan(src); err != nil || string(d) != name {
				t.Errorf("Scan(%q) = %q, %v", name, string(d), err)
			}
			for i := range src {
				src[i] = 'x'
			}
			if string(d) != name {
				t.Errorf("Scan(%q) keeps the driver's bytes: now %q", name, string(d))
			}
			if err := d.Scan(name); err != nil || string(d) != name {
				t.Errorf("Scan(string %q) = %q, %v", name, string(d), err)
			}
		}
		var (
			src any = []byte("contributor_plus")
			d   nameCol
		)
		if n := testing.AllocsPerRun(100, func() { _ = d.Scan(src) }); n != 0 {
			t.Errorf("Scan of a role's bytes allocates %v times", n)
		}
		if err := d.Scan(nil); err == nil {
			t.Error("Scan(NULL) = nil error")
		}
	})
	t.Run("int", func(t *testing.T) {
		for _, c := range []struct {
			src  any
			want int64
		}{{int64(-1), -1}, {[]byte("9223372036854775807"), 1<<63 - 1}, {"-9223372036854775808", -1 << 63}, {[]byte("0"), 0}} {
			var d intCol
			if err := d.Scan(c.src); err != nil || int64(d) != c.want {
				t.Errorf("Scan(%#v) = %d, %v; want %d", c.src, int64(d), err, c.want)
			}
		}
		for _, src := range []any{nil, []byte("1x"), "9223372036854775808", 1.5} {
			var d intCol
			if err := d.Scan(src); err == nil {
				t.Errorf("Scan(%#v) = nil error", src)
			}
		}
	})
	t.Run("stamp", func(t *testing.T) {
		at := time.Date(2026, 11, 22, 9, 30, 0, 5, time.UTC)
		for _, src := range []any{encTime(at), []byte(encTime(at))} {
			var d stamp
			if err := d.Scan(src); err != nil || !d.ok || d.t != at {
				t.Errorf("Scan(%#v) = %v, %v, %v", src, d.t, d.ok, err)
			}
			if err := d.Scan("2026-11-22"); err != nil || d.ok {
				t.Errorf("Scan of text that does not parse after a timestamp: ok = %v, err = %v", d.ok, err)
			}
		}
		var d stamp
		if err := d.Scan(nil); err == nil {
			t.Error("Scan(NULL) = nil error")
		}
	})
}

// A row's text and bytes columns read from the driver's buffer are copied
// once for the whole row: the values are right, share nothing with the
// driver's bytes, and a bytes value cannot grow into its neighbour.
func TestRowArena(t *testing.T) {
	var (
		a              rowArena
		user, email    string
		empty, fromStr string
		hash, sealed   []byte
		none, blank    []byte
	)
	cols := []interface{ Scan(any) error }{a.text(&user), a.text(&email), a.text(&empty), a.text(&fromStr),
		a.blob(&hash), a.blob(&sealed), a.blob(&none), a.blob(&blank)}
	for round, want := range []string{"user-1", "user-22"} {
		driver := [][]byte{[]byte(want), []byte(want + "@example.com"), {}, nil, {1, 2, 3}, []byte("sealed"), nil, {}}
		srcs := []any{driver[0], driver[1], driver[2], "as a string", driver[4], driver[5], nil, driver[7]}
		for i, c := range cols {
			if err := c.Scan(srcs[i]); err != nil {
				t.Fatalf("round %d column %d: %v", round, i, err)
			}
		}
		a.finish()
		for _, b := range driver {
			for i := range b {
				b[i] = 'x'
			}
		}
		if user != want || email != want+"@example.com" || empty != "" || fromStr != "as a string" {
			t.Errorf("round %d: texts %q %q %q %q", round, user, email, empty, fromStr)
		}
		if string(hash) != "\x01\x02\x03" || string(sealed) != "sealed" || none != nil || blank == nil || len(blank) != 0 {
			t.Errorf("round %d: bytes %q %q %#v %#v", round, hash, sealed, none, blank)
		}
		hash = append(hash, 'z')
		if string(sealed) != "sealed" {
			t.Errorf("round %d: appending to one bytes value changed the next: %q", round, sealed)
		}
	}
	var srcs [3]any
	for i := range srcs {
		srcs[i] = []byte("some text")
	}
	if n := testing.AllocsPerRun(100, func() {
		for i, c := range cols[:3] {
			_ = c.Scan(srcs[i])
		}
		a.finish()
	}); n != 1 {
		t.Errorf("three text columns from bytes allocate %v times, want 1", n)
	}
	if err := cols[0].Scan(nil); err == nil {
		t.Error("Scan(NULL) into a text column = nil error")
	}
}
