package invite

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Address is one parsed, checked email address.
type Address struct {
	// Email is the address as typed (without the display name and a
	// trailing dot of the domain): what is shown and where mail goes.
	Email string
	// ASCII is Email with its domain in ASCII (IDNA) form, for mail
	// systems that do not take Unicode domains.
	ASCII string
	// Key is the canonical form that identifies the address: the local part
	// with ASCII letters lower-cased (nothing else folded: no dot or
	// plus-tag stripping, no Unicode case folding) and the domain in
	// lower-case ASCII form.
	Key string
	// Domain is the lower-case ASCII domain.
	Domain string
	// Name is the display name typed with the address, as plain text.
	Name string
}

// Limits of one address.
const (
	maxEntryLen  = 512 // one typed entry, display name included
	maxLocalLen  = 64  // RFC 5321
	maxDomainLen = 253 // RFC 1035, ASCII form
	maxEmailLen  = 254 // RFC 5321 path limit less the brackets
	maxNameLen   = 200 // display name, in bytes
)

// domainProfile is IDNA's lookup profile (UTS #46 mapping, bidi and joiner
// rules, STD3 names) that also enforces DNS lengths.
var domainProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.CheckHyphens(true),
	idna.CheckJoiners(true),
	idna.Transitional(false),
	idna.VerifyDNSLength(true),
)

// displayProfile turns an ASCII domain back into Unicode for the
// mixed-script check.
var displayProfile = idna.New(idna.MapForLookup(), idna.Transitional(false))

// ParseEmail parses one address, "ann@acme.com" or "Ann <ann@acme.com>",
// and applies Roster's policy on top of net/mail: no control characters
// (CR, LF, NUL…) or invisible and direction-changing characters anywhere,
// a local part that needs no quoting, a dotted DNS domain (no IP literal,
// no single label), converted to ASCII by IDNA, whose labels do not mix
// scripts. Errors wrap ErrInvalidEmail and say why.
func ParseEmail(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if err := checkEntry(s); err != nil {
		return Address{}, err
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
			return Address{}, invalid("not an email address")
		}
	}
	if err := checkName(a.Name); err != nil {
		return Address{}, err
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 || strings.IndexByte(a.Address, '@') != at {
		return Address{}, invalid("an address has exactly one @")
	}
	local, domain := a.Address[:at], a.Address[at+1:]
	if err := checkLocal(local); err != nil {
		return Address{}, err
	}
	domain = strings.TrimSuffix(domain, ".")
	ascii, err := checkDomain(domain)
	if err != nil {
		return Address{}, err
	}
	if len(local)+1+len(ascii) > maxEmailLen {
		return Address{}, invalid("address longer than 254 bytes")
	}
	return Address{
		Email:  local + "@" + domain,
		ASCII:  local + "@" + ascii,
		Key:    asciiLower(local) + "@" + ascii,
		Domain: ascii,
		Name:   a.Name,
	}, nil
}

func invalid(why string) error { return fmt.Errorf("%w: %s", ErrInvalidEmail, why) }

// checkEntry refuses what must never reach a mail header or a log line.
func checkEntry(s string) error {
	switch {
	case s == "":
		return invalid("empty")
	case len(s) > maxEntryLen:
		return invalid("longer than 512 bytes")
	case !utf8.ValidString(s):
		return invalid("not valid UTF-8")
	}
	return checkRunes(s)
}

func checkRunes(s string) error {
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == 0:
			return invalid("contains CR, LF or NUL")
		case unicode.IsControl(r):
			return invalid("contains a control character")
		case unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			return invalid("contains an invisible or direction-changing character")
		case unicode.In(r, unicode.Noncharacter_Code_Point, unicode.Co):
			return invalid("contains a non-character")
		}
	}
	return nil
}

func checkName(name string) error {
	if len(name) > maxNameLen {
		return invalid("display name longer than 200 bytes")
	}
	if !utf8.ValidString(name) {
		return invalid("display name is not valid UTF-8")
	}
	// An encoded word (=?utf-8?q?…?=) can decode to anything: check again.
	return checkRunes(name)
}

// checkLocal accepts a dot-atom: RFC 5322 atext and non-ASCII letters,
// marks and digits (RFC 6531 allows more, such as a full-width "＠" that
// would only serve to mislead), in dot-separated non-empty parts, not
// mixing scripts.
func checkLocal(local string) error {
	if local == "" || len(local) > maxLocalLen {
		return invalid("local part must be 1 to 64 bytes")
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return invalid("local part has a misplaced dot")
	}
	for _, r := range local {
		if r < utf8.RuneSelf {
			if !isAtext(byte(r)) && r != '.' {
				return invalid("local part has a character that needs quoting")
			}
			continue
		}
		if !unicode.In(r, unicode.L, unicode.M, unicode.N) {
			return invalid("local part has a non-ASCII character that is not a letter or digit")
		}
	}
	if mixedScripts(local) {
		return invalid("local part mixes scripts (look-alike characters)")
	}
	return nil
}

func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkDomain returns the lower-case ASCII form of domain, or why it is
// refused.
func checkDomain(domain string) (string, error) {
	if domain == "" {
		return "", invalid("no domain")
	}
	if domain[0] == '[' {
		return "", invalid("IP address literals are not accepted")
	}
	ascii, err := domainProfile.ToASCII(domain)
	if err != nil {
		return "", invalid("domain is not a valid internationalized domain name")
	}
	ascii = asciiLower(ascii)
	if len(ascii) > maxDomainLen {
		return "", invalid("domain longer than 253 bytes")
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", invalid("domain must have a dot (e.g. acme.com)")
	}
	for _, l := range labels {
		if !validLabel(l) {
			return "", invalid("domain has an invalid label")
		}
	}
	if !hasLetter(labels[len(labels)-1]) {
		return "", invalid("domain ends in a numeric label (IP addresses are not accepted)")
	}
	if strings.Contains(ascii, "xn--") {
		uni, err := displayProfile.ToUnicode(ascii)
		if err != nil {
			return "", invalid("domain is not a valid internationalized domain name")
		}
		for _, l := range strings.Split(uni, ".") {
			if strings.IndexFunc(l, notLetterDigitHyphen) >= 0 {
				return "", invalid("domain has a symbol or punctuation character")
			}
			if mixedScripts(l) {
				return "", invalid("domain mixes scripts (look-alike characters)")
			}
		}
	}
	return ascii, nil
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// notLetterDigitHyphen is true for what no domain label of a person's
// address needs: symbols (emoji included), punctuation, spaces.
func notLetterDigitHyphen(r rune) bool {
	return r != '-' && !unicode.In(r, unicode.L, unicode.M, unicode.Nd)
}

func hasLetter(l string) bool {
	for i := 0; i < len(l); i++ {
		if 'a' <= l[i] && l[i] <= 'z' {
			return true
		}
	}
	return false
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

// scriptSets are the combinations of scripts one label may mix (the
// "highly restrictive" level of Unicode TS #39): one script, or Latin with
// the scripts of Japanese, Chinese or Korean writing.
var scriptSets = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// mixedScripts reports whether label mixes scripts in a way no language
// does, such as a Cyrillic "а" among Latin letters.
func mixedScripts(label string) bool {
	var seen []string
	for _, r := range label {
		s := scriptOf(r)
		if s == "" {
			continue
		}
		found := false
		for _, x := range seen {
			found = found || x == s
		}
		if !found {
			seen = append(seen, s)
		}
	}
	if len(seen) <= 1 {
		return false
	}
	for _, set := range scriptSets {
		all := true
		for _, s := range seen {
			in := false
			for _, x := range set {
				in = in || x == s
			}
			all = all && in
		}
		if all {
			return false
		}
	}
	return true
}

// scriptOf names the script of r, or "" for characters common to all
// scripts (digits, hyphen) and combining marks.
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	for _, name := range []string{"Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul", "Arabic", "Hebrew"} {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for name, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return name
		}
	}
	return "Unknown"
}

// SplitEmails splits a typed list of addresses on commas, semicolons,
// whitespace and newlines, keeping "Name <addr>" and quoted names whole,
// and returns the non-empty entries, trimmed. It does not check them.
func SplitEmails(list string) []string {
	var out []string
	start := 0
	var inQuote, escape, inAngle, closedAngle, hasAt bool
	paren := 0
	flush := func(end int) {
		if e := strings.TrimSpace(list[start:end]); e != "" {
			out = append(out, e)
		}
		inQuote, escape, inAngle, closedAngle, hasAt, paren = false, false, false, false, false, 0
	}
	for i, r := range list {
		switch {
		case escape:
			escape = false
		case inQuote:
			switch r {
			case '\\':
				escape = true
			case '"':
				inQuote = false
			}
		case paren > 0:
			switch r {
			case '\\':
				escape = true
			case '(':
				paren++
			case ')':
				paren--
			}
		case inAngle:
			if r == '>' {
				inAngle, closedAngle = false, true
			}
		case r == '"':
			inQuote = true
		case r == '(':
			paren++
		case r == '<':
			inAngle = true
		case r == '@':
			hasAt = true
		case r == ',' || r == ';':
			flush(i)
			start = i + 1
		case unicode.IsSpace(r):
			if !hasAt && !closedAngle {
				continue // "Bob Smith <bob@…>": the name goes on
			}
			rest := strings.TrimLeftFunc(list[i:], unicode.IsSpace)
			if rest != "" && rest[0] == '(' {
				continue // "bob@x.com (Bob)"
			}
			flush(i)
			start = i + utf8.RuneLen(r)
		}
	}
	flush(len(list))
	return out
}
