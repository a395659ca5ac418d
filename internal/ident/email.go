package ident

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Address is one parsed, checked email address.
type Address struct {
	// Email is the address as typed (without the display name and a
	// trailing dot of the domain).
	Email string
	// ASCII is Email with its domain in ASCII (IDNA) form.
	ASCII string
	// Key is the canonical form: the local part with ASCII letters
	// lower-cased and the domain in lower-case ASCII form.
	Key string
	// Domain is the lower-case ASCII domain.
	Domain string
	// Name is the display name typed with the address, as plain text.
	Name string
}

// Limits of one address.
const (
	MaxEntryLen  = 512 // one typed entry, display name included
	MaxLocalLen  = 64  // RFC 5321
	MaxDomainLen = 253 // RFC 1035, ASCII form
	MaxEmailLen  = 254 // RFC 5321 path limit less the brackets
)

func invalidEmail(why string) error { return fmt.Errorf("%w: %s", ErrInvalidEmail, why) }

// ParseEmail parses one address, "ann@acme.com" or "Ann <ann@acme.com>",
// and applies Roster's policy on top of net/mail: the text policy of names
// everywhere (no control, invisible or direction-changing characters), a
// local part that needs no quoting, a dotted DNS domain (no IP literal, no
// single label), converted to ASCII by IDNA, whose labels do not mix
// scripts. Errors wrap ErrInvalidEmail and say why.
func ParseEmail(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if why := entryWhy(s); why != "" {
		return Address{}, invalidEmail(why)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		// net/mail refuses a trailing dot on the domain, which names the
		// same domain: drop it and try again.
		switch {
		case strings.HasSuffix(s, ".>"):
			a, err = mail.ParseAddress(s[:len(s)-2] + ">")
		case strings.HasSuffix(s, "."):
			a, err = mail.ParseAddress(s[:len(s)-1])
		}
		if err != nil {
			return Address{}, invalidEmail("not an email address")
		}
	}
	// An encoded word (=?utf-8?q?…?=) can decode to anything: check again.
	if why := nameWhy(a.Name); why != "" {
		return Address{}, invalidEmail("display name " + why)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 || strings.IndexByte(a.Address, '@') != at {
		return Address{}, invalidEmail("an address has exactly one @")
	}
	local, domain := a.Address[:at], a.Address[at+1:]
	if why := localWhy(local); why != "" {
		return Address{}, invalidEmail(why)
	}
	domain = strings.TrimSuffix(domain, ".")
	ascii, why := checkDomain(domain)
	if why != "" {
		return Address{}, invalidEmail(why)
	}
	if len(local)+1+len(ascii) > MaxEmailLen {
		return Address{}, invalidEmail("address longer than 254 bytes")
	}
	return Address{
		Email:  local + "@" + domain,
		ASCII:  local + "@" + ascii,
		Key:    asciiLower(local) + "@" + ascii,
		Domain: ascii,
		Name:   a.Name,
	}, nil
}

// ParseBareEmail is ParseEmail for an address given alone, as a host
// stores it: exactly the address, without a display name, comment, angle
// brackets, surrounding space or trailing dot.
func ParseBareEmail(s string) (Address, error) {
	if len(s) > MaxEmailLen {
		return Address{}, invalidEmail("address longer than 254 bytes")
	}
	a, err := ParseEmail(s)
	if err != nil {
		return Address{}, err
	}
	if a.Name != "" || a.Email != s {
		return Address{}, invalidEmail("not a bare address (no display name, brackets, comment, spaces or trailing dot)")
	}
	return a, nil
}

// EmailKey is the canonical form of a stored address, as Address.Key:
// the local part with ASCII letters lower-cased, the domain in lower-case
// ASCII (IDNA) form. An address ParseBareEmail refuses (one stored before
// the current policy, say) is only lower-cased in its ASCII letters.
func EmailKey(s string) string {
	if a, err := ParseBareEmail(s); err == nil {
		return a.Key
	}
	return asciiLower(s)
}

// CheckEntry returns an error wrapping ErrInvalidEmail when s cannot be
// any part of an address: empty, longer than MaxEntryLen, or against the
// text policy.
func CheckEntry(s string) error {
	if why := entryWhy(s); why != "" {
		return invalidEmail(why)
	}
	return nil
}

// entryWhy refuses what must never reach a mail header or a log line.
func entryWhy(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > MaxEntryLen:
		return "longer than 512 bytes"
	}
	return checkText(s)
}

// localWhy accepts a dot-atom: RFC 5322 atext and non-ASCII letters,
// marks and digits (RFC 6531 allows more, such as a full-width "＠" that
// would only serve to mislead), in dot-separated non-empty parts, not
// mixing scripts.
func localWhy(local string) string {
	if local == "" || len(local) > MaxLocalLen {
		return "local part must be 1 to 64 bytes"
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "local part has a misplaced dot"
	}
	for _, r := range local {
		if r < utf8.RuneSelf {
			if !isAtext(byte(r)) && r != '.' {
				return "local part has a character that needs quoting"
			}
			continue
		}
		if !unicode.In(r, unicode.L, unicode.M, unicode.N) {
			return "local part has a non-ASCII character that is not a letter or digit"
		}
	}
	if mixedScripts(local) {
		return "local part mixes scripts (look-alike characters)"
	}
	return ""
}

func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// asciiLower lower-cases ASCII letters only.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
