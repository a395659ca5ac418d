package invite

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseEmails(f *testing.F) {
	for _, s := range []string{
		"ann@acme.com; Bob <bob@partner.io>, carl@acme.com",
		`"Smith, Bob" <bob@x.com>`, "bob@x.com (Bob)", "ann@bücher.de.", "mıke@acme.com",
		"a@[127.0.0.1]", "a@b", "ann@acme.com\r\nBcc: x@y.com", "=?utf-8?q?J=C3=B6rg?= <j@x.com>",
		"ann@аpple.com", "ann@xn--bcher-kva.de", "\"a\\\"b\"@x.com", "<a@b.co>", "a@b.co\u00a0c@d.co",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		addrs, err := ParseBatch(list, nil, 20)
		if err != nil {
			var be *BatchError
			if errors.As(err, &be) {
				if !errors.Is(err, ErrInvalidEmail) || len(be.Entries) == 0 {
					t.Fatalf("BatchError %v does not match ErrInvalidEmail", err)
				}
				if strings.ContainsAny(err.Error(), "\r\n\x00") {
					t.Fatalf("error message carries a raw control character: %q", err.Error())
				}
			} else if !errors.Is(err, ErrEmptyBatch) && !errors.Is(err, ErrBatchTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(addrs) == 0 || len(addrs) > 20 {
			t.Fatalf("%d addresses", len(addrs))
		}
		seen := map[string]bool{}
		for _, a := range addrs {
			checkAddress(t, a)
			if seen[a.Key] {
				t.Fatalf("duplicate key %q", a.Key)
			}
			seen[a.Key] = true
		}
	})
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"ann@acme.com", "Ann <ann@acme.com.>", "a@b", "ann@пример.рф", "x@ａｃｍｅ.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseEmail(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidEmail) {
				t.Fatalf("error %v does not wrap ErrInvalidEmail", err)
			}
			return
		}
		checkAddress(t, a)
	})
}

// checkAddress checks what every parsed address must satisfy.
func checkAddress(t *testing.T, a Address) {
	t.Helper()
	for _, s := range []string{a.Email, a.ASCII, a.Key, a.Domain, a.Name} {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00") {
			t.Fatalf("address %+v carries invalid UTF-8 or CR, LF, NUL", a)
		}
	}
	if strings.Count(a.Key, "@") != 1 || strings.Count(a.Email, "@") != 1 {
		t.Fatalf("address %+v has not exactly one @", a)
	}
	if len(a.Key) > maxEmailLen {
		t.Fatalf("key %q longer than %d", a.Key, maxEmailLen)
	}
	for i := 0; i < len(a.Domain); i++ {
		if c := a.Domain[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			t.Fatalf("domain %q is not lower-case ASCII", a.Domain)
		}
	}
	if !strings.HasSuffix(a.Key, "@"+a.Domain) || !strings.HasSuffix(a.ASCII, "@"+a.Domain) {
		t.Fatalf("key %q or ASCII %q does not end in domain %q", a.Key, a.ASCII, a.Domain)
	}
	// Parsing again is stable: the address as typed, its ASCII form and
	// the key all give the same key.
	for _, s := range []string{a.Email, a.ASCII, a.Key} {
		b, err := ParseEmail(s)
		if err != nil {
			t.Fatalf("re-parsing %q of %+v: %v", s, a, err)
		}
		if b.Key != a.Key {
			t.Fatalf("re-parsing %q gave key %q, want %q", s, b.Key, a.Key)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	good, _ := newToken(zeros{}, KindInvitation)
	link, _ := newToken(zeros{}, KindLink)
	for _, s := range []string{good, link, "", "rsti_", good[:TokenLen-1], strings.ToUpper(good), "rstl_" + good[5:]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v does not wrap ErrInvalidToken", err)
			}
			if len(s) > 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("error echoes the token")
			}
			return
		}
		if len(s) != TokenLen {
			t.Fatalf("accepted a token of length %d", len(s))
		}
		switch {
		case p.Kind == KindInvitation && strings.HasPrefix(s, PrefixInvitation):
		case p.Kind == KindLink && strings.HasPrefix(s, PrefixLink):
		default:
			t.Fatalf("kind %d does not match the prefix of %q", p.Kind, s)
		}
		if !p.Matches(hashToken(s)) {
			t.Fatalf("digest does not match")
		}
	})
}
