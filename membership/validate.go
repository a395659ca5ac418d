package membership

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Input limits.
const (
	MaxNameLen   = 200 // runes in an organization, workspace or member name
	MaxSlugLen   = 63  // bytes in a slug
	MaxUserIDLen = 255 // bytes in a host user ID
	MaxEmailLen  = 254 // bytes in an email address
	maxDomains   = 100
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// cleanName trims a display name and checks it: 1 to MaxNameLen runes of
// valid UTF-8 without control characters.
func cleanName(what, name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", invalid("%s is not valid UTF-8", what)
	}
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "", invalid("%s is empty", what)
	case n > MaxNameLen:
		return "", invalid("%s is longer than %d characters", what, MaxNameLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", invalid("%s contains control characters", what)
	}
	return name, nil
}

// optionalName is cleanName for names that may be empty.
func optionalName(what, name string) (string, error) {
	if strings.TrimSpace(name) == "" && utf8.ValidString(name) {
		return "", nil
	}
	return cleanName(what, name)
}

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
func checkUserID(what, id string) error {
	switch {
	case id == "":
		return invalid("%s is empty", what)
	case len(id) > MaxUserIDLen:
		return invalid("%s is longer than %d bytes", what, MaxUserIDLen)
	case !utf8.ValidString(id):
		return invalid("%s is not valid UTF-8", what)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return invalid("%s contains control characters", what)
	case strings.TrimSpace(id) != id:
		return invalid("%s has surrounding spaces", what)
	}
	return nil
}

// checkEmail accepts a bare address net/mail can parse, of at most
// MaxEmailLen bytes, with a dotted domain. Empty is allowed where optional.
func checkEmail(email string, optional bool) error {
	if email == "" && optional {
		return nil
	}
	if len(email) > MaxEmailLen || !utf8.ValidString(email) || strings.ContainsAny(email, "\r\n\x00") {
		return invalid("email address is malformed or too long")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return invalid("email address %q is malformed", clip(email))
	}
	d := emailDomain(email)
	if !strings.Contains(d, ".") || strings.HasPrefix(d, "[") {
		return invalid("email address %q needs a dotted domain", clip(email))
	}
	return nil
}

// emailDomain returns the lower-cased domain of an address, without a
// trailing dot.
func emailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(email[i+1:]), ".")
}

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

// validDomain accepts lower-case ASCII DNS names of at least two labels.
func validDomain(d string) bool {
	if len(d) == 0 || len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

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

func clip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
