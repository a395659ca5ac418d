package membership

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/ident"
)

// Input limits.
const (
	MaxNameLen   = ident.MaxNameLen   // runes in an organization, workspace or member name
	MaxSlugLen   = 63                 // bytes in a slug
	MaxUserIDLen = ident.MaxUserIDLen // bytes in a host user ID
	MaxEmailLen  = ident.MaxEmailLen  // bytes in an email address
	maxDomains   = 100
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// cleanName trims a name and checks it against the one policy of every
// name (organization, workspace, member, invitee): 1 to MaxNameLen runes
// of valid UTF-8 without control, invisible or direction-changing
// characters (bidi overrides and isolates, zero-width characters, the
// byte order mark…), line separators or private-use characters.
func cleanName(what, name string) (string, error) { return ident.CleanName(what, name) }

// optionalName is cleanName for names that may be empty.
func optionalName(what, name string) (string, error) { return ident.OptionalName(what, name) }

// checkSlug accepts 1 to MaxSlugLen lower-case ASCII letters and digits in
// groups joined by single hyphens: "acme", "acme-video-2".
func checkSlug(slug string) error {
	if slug == "" || len(slug) > MaxSlugLen {
		return invalid("slug must be 1 to %d characters", MaxSlugLen)
	}
	for i := 0; i < len(slug); i++ {
		c := slug[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && i > 0 && i < len(slug)-1 && slug[i-1] != '-':
		default:
			return invalid("slug %q: use lower-case letters, digits and single inner hyphens", clip(slug))
		}
	}
	return nil
}

// checkUserID accepts 1 to MaxUserIDLen bytes of valid UTF-8 without
// control characters or surrounding spaces.
func checkUserID(what, id string) error { return ident.CheckUserID(what, id) }

// checkEmail accepts exactly an address invite.ParseEmail accepts, given
// bare (no display name, brackets or surrounding space), of at most
// MaxEmailLen bytes. Empty is allowed where optional. Errors wrap
// ErrInvalidEmail, which matches ErrInvalidInput.
func checkEmail(email string, optional bool) error {
	if email == "" && optional {
		return nil
	}
	if _, err := ident.ParseBareEmail(email); err != nil {
		return fmt.Errorf("email address: %w", err)
	}
	return nil
}

// emailDomain returns the lower-case ASCII (IDNA) domain of an address,
// without a trailing dot, as co-worker domains are kept.
func emailDomain(email string) string { return ident.EmailDomain(email) }

func checkID(what string, id uuid.UUID) error {
	if id == uuid.Nil {
		return invalid("%s is the zero UUID", what)
	}
	return nil
}

// cleanSettings checks s and returns it normalized: domains lower-cased,
// trailing dots removed, duplicates dropped.
func cleanSettings(s Settings) (Settings, error) {
	switch s.GuestPolicy {
	case "":
		s.GuestPolicy = GuestsAllowed
	case GuestsAllowed, GuestsDenied:
	default:
		return s, invalid("unknown guest policy %q", clip(string(s.GuestPolicy)))
	}
	if s.Seats < 0 || s.Licences < 0 || s.InvitesPerDay < 0 || s.InvitesPerInviterPerDay < 0 {
		return s, invalid("seats, licences and invite limits cannot be negative")
	}
	if len(s.Domains) > maxDomains {
		return s, invalid("more than %d co-worker domains", maxDomains)
	}
	seen := make(map[string]bool, len(s.Domains))
	domains := make([]string, 0, len(s.Domains))
	for _, d := range s.Domains {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if !validDomain(d) {
			return s, invalid("co-worker domain %q is not a dotted ASCII domain (use its IDNA form)", clip(d))
		}
		if !seen[d] {
			seen[d] = true
			domains = append(domains, d)
		}
	}
	s.Domains = domains
	return s, nil
}

// validDomain accepts lower-case ASCII DNS names of at least two labels,
// as invite.ParseEmail would give an address's domain.
func validDomain(d string) bool { return ident.IsASCIIDomain(d) }

// kindOf returns the kind of someone with email in org: a co-worker when the
// organization names no domains or the email's domain (or a parent of it) is
// one of them.
func kindOf(org Organization, email string) Kind {
	if len(org.Settings.Domains) == 0 {
		return KindCoworker
	}
	d := emailDomain(email)
	for _, cd := range org.Settings.Domains {
		if d == cd || strings.HasSuffix(d, "."+cd) {
			return KindCoworker
		}
	}
	return KindGuest
}

// clip shortens s for an error message.
func clip(s string) string { return clipTo(s, 64) }

// clipTo cuts s to at most n bytes of valid UTF-8 (invalid bytes become
// U+FFFD), at a character boundary, marking a cut with "…".
func clipTo(s string, n int) string {
	if len(s) > n {
		const mark = "…"
		cut := max(n-len(mark), 0)
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + mark
	}
	if utf8.ValidString(s) {
		return s
	}
	return clipTo(strings.ToValidUTF8(s, "\uFFFD"), n)
}
