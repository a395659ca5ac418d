package invite_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
)

func TestParseEmailAccepts(t *testing.T) {
	for _, tc := range []struct {
		in                      string
		email, ascii, key, name string
	}{
		{"ann@acme.com", "ann@acme.com", "ann@acme.com", "ann@acme.com", ""},
		{"  Ann@ACME.com ", "Ann@ACME.com", "Ann@acme.com", "ann@acme.com", ""},
		{"Bob <bob@partner.io>", "bob@partner.io", "bob@partner.io", "bob@partner.io", "Bob"},
		{`"Smith, Bob" <Bob.Smith+tag@Partner.IO>`, "Bob.Smith+tag@Partner.IO", "Bob.Smith+tag@partner.io", "bob.smith+tag@partner.io", "Smith, Bob"},
		{"ann@acme.com.", "ann@acme.com", "ann@acme.com", "ann@acme.com", ""},
		{"Ann <ann@acme.com.>", "ann@acme.com", "ann@acme.com", "ann@acme.com", "Ann"},
		{"ann@bücher.de", "ann@bücher.de", "ann@xn--bcher-kva.de", "ann@xn--bcher-kva.de", ""},
		{"ann@BÜCHER.de", "ann@BÜCHER.de", "ann@xn--bcher-kva.de", "ann@xn--bcher-kva.de", ""},
		{"ann@xn--bcher-kva.de", "ann@xn--bcher-kva.de", "ann@xn--bcher-kva.de", "ann@xn--bcher-kva.de", ""},
		// The local part is folded for ASCII letters only.
		{"MIKE@acme.com", "MIKE@acme.com", "MIKE@acme.com", "mike@acme.com", ""},
		{"mıke@acme.com", "mıke@acme.com", "mıke@acme.com", "mıke@acme.com", ""},
		{"Ünal@acme.com", "Ünal@acme.com", "Ünal@acme.com", "Ünal@acme.com", ""},
		{"田中taro@acme.jp", "田中taro@acme.jp", "田中taro@acme.jp", "田中taro@acme.jp", ""},
		{"иван@пример.рф", "иван@пример.рф", "иван@xn--e1afmkfd.xn--p1ai", "иван@xn--e1afmkfd.xn--p1ai", ""},
		{"bob@x.com (Bob)", "bob@x.com", "bob@x.com", "bob@x.com", "Bob"},
		{"=?utf-8?q?J=C3=B6rg?= <j@x.com>", "j@x.com", "j@x.com", "j@x.com", "Jörg"},
		{"a@sub.domain.example.co.uk", "a@sub.domain.example.co.uk", "a@sub.domain.example.co.uk", "a@sub.domain.example.co.uk", ""},
		{"user@例え.jp", "user@例え.jp", "user@xn--r8jz45g.jp", "user@xn--r8jz45g.jp", ""},
		{"user@пример.рф", "user@пример.рф", "user@xn--e1afmkfd.xn--p1ai", "user@xn--e1afmkfd.xn--p1ai", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			a, err := invite.ParseEmail(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.email, a.Email)
			require.Equal(t, tc.ascii, a.ASCII)
			require.Equal(t, tc.key, a.Key)
			require.Equal(t, tc.name, a.Name)
			require.Equal(t, tc.key[strings.LastIndexByte(tc.key, '@')+1:], a.Domain)
		})
	}
}

func TestParseEmailRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"ann",
		"ann@",
		"@acme.com",
		"a@b",                          // single label
		"a@localhost",                  // single label
		"a@[127.0.0.1]",                // IP literal
		"a@[IPv6:::1]",                 // IP literal
		"a@127.0.0.1",                  // numeric top-level label
		"a@b@c.com",                    // two @
		`"a@b"@c.com`,                  // quoted @
		`"a b"@c.com`,                  // quoted local part
		"a..b@c.com",                   // double dot
		".a@c.com",                     // leading dot
		"a.@c.com",                     // trailing dot
		"a b@c.com",                    // space
		"ann@-bad-.com",                // hyphen at label edge
		"ann@bad-.com",                 // hyphen at label edge
		"ann@exa_mple.com",             // underscore
		"ann@acme..com",                // empty label
		"ann@acme.com\r\nBcc: x@y.com", // header injection
		"ann@xn--ls8h.la",              // emoji
		"ann@a☃b.com",                  // snowman
		"Ann\r\n <ann@acme.com>",
		"ann\x00@acme.com",
		"=?utf-8?q?a=0D=0ABcc:_x@y.com?= <ann@acme.com>", // encoded CRLF in the name
		"ann\u200b@acme.com",                             // zero-width space
		"ann@acme\u200b.com",                             // zero-width space in the domain
		"Ann\u202e <ann@acme.com>",                       // right-to-left override in the name
		"ann@аpple.com",                                  // Cyrillic а among Latin letters
		"ann@pаypal.com",                                 // Cyrillic а among Latin letters
		"ann@xn--pypal-4ve.com",                          // the same, typed as punycode
		"ann@xn--.com",                                   // broken punycode
		"ann@xn--zz-zzz.com",                             // broken punycode
		strings.Repeat("a", 65) + "@acme.com",
		"ann@" + strings.Repeat("a", 64) + ".com",
		"ann@" + strings.Repeat("abcdefghi.", 26) + "com",
		"\xff@acme.com", // invalid UTF-8
		"ann@acme.com <bob@acme.com>",
		"Bob bob@acme.com",
		"<ann@acme.com",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := invite.ParseEmail(in)
			require.Error(t, err)
			require.ErrorIs(t, err, invite.ErrInvalidEmail)
		})
	}
}

func TestSplitEmails(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" ,; \n", nil},
		{"ann@acme.com; Bob <bob@partner.io>, carl@acme.com", []string{"ann@acme.com", "Bob <bob@partner.io>", "carl@acme.com"}},
		{"ann@acme.com bob@acme.com\ncarl@acme.com\r\ndan@acme.com\tEve@acme.com", []string{"ann@acme.com", "bob@acme.com", "carl@acme.com", "dan@acme.com", "Eve@acme.com"}},
		{"Bob Smith <bob@x.com> Ann Lee <ann@x.com>", []string{"Bob Smith <bob@x.com>", "Ann Lee <ann@x.com>"}},
		{`"Smith, Bob" <bob@x.com>; "Lee; Ann" <ann@x.com>`, []string{`"Smith, Bob" <bob@x.com>`, `"Lee; Ann" <ann@x.com>`}},
		{"bob@x.com (Bob, the builder), ann@x.com", []string{"bob@x.com (Bob, the builder)", "ann@x.com"}},
		{"ann@x.com\u00a0bob@x.com", []string{"ann@x.com", "bob@x.com"}},
		{"ann@x.com <ann@x.com>", []string{"ann@x.com", "<ann@x.com>"}},
		{"Bob, ann@x.com", []string{"Bob", "ann@x.com"}},
		{`"unterminated, ann@x.com`, []string{`"unterminated, ann@x.com`}},
		// A line break ends an entry even where a name could go on.
		{"dan@acme,com\nok@acme.com", []string{"dan@acme", "com", "ok@acme.com"}},
		{"Bob\nSmith <bob@x.com>", []string{"Bob", "Smith <bob@x.com>"}},
		{"Bob Smith\r\n<bob@x.com>", []string{"Bob Smith", "<bob@x.com>"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			require.Equal(t, tc.want, invite.SplitEmails(tc.in))
		})
	}
}

func TestParseBatch(t *testing.T) {
	t.Run("DeduplicatesOnTheCanonicalKeyKeepingTheFirstSpelling", func(t *testing.T) {
		as, err := invite.ParseBatch("Ann@Acme.com; ann@ACME.COM., Bob <bob@partner.io>", []string{"ann@acme.com", " carl@acme.com "}, 10)
		require.NoError(t, err)
		require.Len(t, as, 3)
		require.Equal(t, "Ann@Acme.com", as[0].Email)
		require.Equal(t, "bob@partner.io", as[1].Email)
		require.Equal(t, "Bob", as[1].Name)
		require.Equal(t, "carl@acme.com", as[2].Email)
	})
	t.Run("DoesNotMergeAddressesThatOnlyLookAlike", func(t *testing.T) {
		as, err := invite.ParseBatch("mike@acme.com mıke@acme.com m.ike@acme.com mike+x@acme.com", nil, 10)
		require.NoError(t, err)
		require.Len(t, as, 4)
	})
	t.Run("EmptyBatchIsRefused", func(t *testing.T) {
		for _, in := range []string{"", "  ", ",;\n"} {
			_, err := invite.ParseBatch(in, []string{"", "  "}, 10)
			require.ErrorIs(t, err, invite.ErrEmptyBatch)
		}
	})
	t.Run("OverTheLimitIsRefused", func(t *testing.T) {
		var list []string
		for i := range 11 {
			list = append(list, strings.Repeat("a", i+1)+"@acme.com")
		}
		_, err := invite.ParseBatch(strings.Join(list, ","), nil, 10)
		require.ErrorIs(t, err, invite.ErrBatchTooLarge)
		as, err := invite.ParseBatch(strings.Join(list[:10], ","), nil, 10)
		require.NoError(t, err)
		require.Len(t, as, 10)
		_, err = invite.ParseBatch(strings.Join(list[:10], ","), list[10:], 10)
		require.ErrorIs(t, err, invite.ErrBatchTooLarge)
		// Twenty of the same address is one address.
		as, err = invite.ParseBatch(strings.Repeat("ann@acme.com;", 20), nil, 10)
		require.NoError(t, err)
		require.Len(t, as, 1)
		// A huge input is refused before it is parsed.
		_, err = invite.ParseBatch(strings.Repeat("ann@acme.com;", 100000), nil, 10)
		require.ErrorIs(t, err, invite.ErrBatchTooLarge)
		_, err = invite.ParseBatch("", make([]string, 1000), 10)
		require.ErrorIs(t, err, invite.ErrBatchTooLarge)
	})
	t.Run("BatchErrorNamesEachBadEntry", func(t *testing.T) {
		_, err := invite.ParseBatch("ann@acme.com, bob@, a@[127.0.0.1]; carl@acme.com", []string{"x@y.com\r\nBcc: z@w.com"}, 10)
		require.ErrorIs(t, err, invite.ErrInvalidEmail)
		var be *invite.BatchError
		require.True(t, errors.As(err, &be))
		require.Len(t, be.Entries, 3)
		require.Equal(t, "bob@", be.Entries[0].Entry)
		require.Equal(t, 1, be.Entries[0].Index)
		require.Equal(t, "a@[127.0.0.1]", be.Entries[1].Entry)
		require.Equal(t, 2, be.Entries[1].Index)
		require.Equal(t, 4, be.Entries[2].Index)
		msg := err.Error()
		require.Contains(t, msg, `"bob@"`)
		require.Contains(t, msg, "IP address literals")
		require.NotContains(t, msg, "\r")
		require.NotContains(t, msg, "\n")
	})
	t.Run("DefaultLimitIsTen", func(t *testing.T) {
		var list []string
		for i := range 11 {
			list = append(list, strings.Repeat("b", i+1)+"@acme.com")
		}
		_, err := invite.ParseBatch("", list, 0)
		require.ErrorIs(t, err, invite.ErrBatchTooLarge)
	})
}
