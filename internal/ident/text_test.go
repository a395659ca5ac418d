package ident

import (
	"errors"
	"strings"
	"testing"
)

func TestCleanNameRefusesInvisibleAndDirectionChangingCharacters(t *testing.T) {
	for _, bad := range []string{
		"", "   ", "a\nb", "a\x00b", "a\tb", "\xff\xfe", strings.Repeat("é", MaxNameLen+1),
		"Acme\u202e", "\u202aAcme", "Ac\u202bme", "Ac\u202cme", "Ac\u202dme",
		"Acme \u2066Evil\u2069", "Ac\u2067me", "Ac\u2068me",
		"Ac\u200bme", "Ac\u200cme", "Ac\u200dme", "Ac\u200eme", "Ac\u200fme",
		"\ufeffAcme", "Ac\u2060me", "Ac\u2061me", "Ac\u00adme", "Ac\u061cme", "Ac\u180eme", "Acme\U000e0041",
		"\u3164", "Ac\u115fme", "Ac\u034fme",
		"Ac\u2028me", "Ac\u2029me", "Ac\u0085me", "Ac\x1bme", "Ac\x7fme",
		"Ac\ue000me", "Ac\U000f0000me", "Ac\ufdd0me", "Ac\uffffme", "Ac\ufffdme",
	} {
		_, err := CleanName("name", bad)
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("CleanName(%+q) = %v, want ErrInvalidInput", bad, err)
		}
		if _, err := OptionalName("name", bad); strings.TrimSpace(bad) != "" && !errors.Is(err, ErrInvalidInput) {
			t.Errorf("OptionalName(%+q) = %v, want ErrInvalidInput", bad, err)
		}
		if _, err := ParseEmail(bad + " <ann@acme.com>"); strings.TrimSpace(bad) != "" && err == nil {
			t.Errorf("ParseEmail accepts the display name %+q", bad)
		}
	}
}

func TestCleanNameAcceptsNamesOfEveryScript(t *testing.T) {
	for in, want := range map[string]string{
		"  Marketing  ":                 "Marketing",
		"Équipe vidéo 🎬":                "Équipe vidéo 🎬",
		"❤️ Fans":                       "❤️ Fans", // emoji variation selector
		"مؤسسة":                         "مؤسسة",
		"שלום עולם":                     "שלום עולם",
		"株式会社 アクメ":                      "株式会社 アクメ",
		"Ünal & Co.":                    "Ünal & Co.",
		"O'Brien-Smith":                 "O'Brien-Smith",
		strings.Repeat("é", MaxNameLen): strings.Repeat("é", MaxNameLen),
	} {
		got, err := CleanName("name", in)
		if err != nil || got != want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, err := OptionalName("name", "  "); err != nil || got != "" {
		t.Errorf("OptionalName(blank) = %q, %v", got, err)
	}
}

func TestCheckUserID(t *testing.T) {
	for _, ok := range []string{"u", "user-1", "auth0|5f7c8ec7c33c6c004bbafe82", "ünïcode", strings.Repeat("x", MaxUserIDLen)} {
		if err := CheckUserID("user ID", ok); err != nil {
			t.Errorf("CheckUserID(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", " u", "u ", "a\nb", "a\x00b", "\xff", strings.Repeat("x", MaxUserIDLen+1)} {
		if err := CheckUserID("user ID", bad); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("CheckUserID(%q) = %v, want ErrInvalidInput", bad, err)
		}
	}
}

func TestInvalidEmailIsAKindOfInvalidInput(t *testing.T) {
	_, err := ParseEmail("bob@-bad-.com")
	if !errors.Is(err, ErrInvalidEmail) || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("ParseEmail error %v matches neither sentinel", err)
	}
	if _, err := CleanName("name", ""); errors.Is(err, ErrInvalidEmail) {
		t.Fatalf("a name error matches ErrInvalidEmail")
	}
}

func TestParseBareEmail(t *testing.T) {
	for _, ok := range []string{"ann@acme.com", "Ann@ACME.com", "ann@bücher.de", "иван@пример.рф"} {
		if _, err := ParseBareEmail(ok); err != nil {
			t.Errorf("ParseBareEmail(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"Ann <ann@acme.com>", "<ann@acme.com>", " ann@acme.com", "ann@acme.com.", "ann@acme.com (Ann)",
		"bob@-bad-.com", "bob@\u0430cme.com", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".com"} {
		if _, err := ParseBareEmail(bad); !errors.Is(err, ErrInvalidEmail) {
			t.Errorf("ParseBareEmail(%q) = %v, want ErrInvalidEmail", bad, err)
		}
	}
}

func TestDomains(t *testing.T) {
	for in, want := range map[string]string{"acme.com": "acme.com", "Acme.COM": "acme.com", "bücher.de": "xn--bcher-kva.de"} {
		if got, err := Domain(in); err != nil || got != want {
			t.Errorf("Domain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "localhost", "-bad-.com", "\u0430cme.com", "1.2.3.4", "[127.0.0.1]", "a_b.com"} {
		if _, err := Domain(bad); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Domain(%q) = %v, want an error", bad, err)
		}
	}
	if !IsASCIIDomain("xn--bcher-kva.de") || IsASCIIDomain("Acme.com") || IsASCIIDomain("bücher.de") || IsASCIIDomain("xn--cme-5cd.com") {
		t.Error("IsASCIIDomain accepts only checked lower-case ASCII domains")
	}
	if got := EmailDomain("ann@Bücher.DE"); got != "xn--bcher-kva.de" {
		t.Errorf("EmailDomain = %q", got)
	}
}
