package ident

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
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

// Domain returns the lower-case ASCII (IDNA) form of the domain of email
// addresses as a person types it, "bücher.de" or "Acme.COM": a dotted DNS
// name of valid labels, not an IP address, whose labels do not mix
// scripts. It is the rule ParseEmail applies to an address's domain, so
// errors wrap ErrInvalidEmail (and ErrInvalidInput) and say why.
func Domain(d string) (string, error) {
	if why := entryWhy(d); why != "" {
		return "", invalidEmail("domain " + why)
	}
	ascii, why := checkDomain(d)
	if why != "" {
		return "", invalidEmail(why)
	}
	return ascii, nil
}

// IsASCIIDomain reports whether d is a domain already in the form Domain
// returns: lower-case ASCII, checked.
func IsASCIIDomain(d string) bool {
	if len(d) > MaxDomainLen {
		return false
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	ascii, why := checkDomain(d)
	return why == "" && ascii == d
}

// checkDomain returns the lower-case ASCII form of domain, or why it is
// refused.
func checkDomain(domain string) (string, string) {
	if domain == "" {
		return "", "no domain"
	}
	if domain[0] == '[' {
		return "", "IP address literals are not accepted"
	}
	if len(domain) > MaxEntryLen {
		return "", "domain longer than 253 bytes"
	}
	ascii, err := domainProfile.ToASCII(domain)
	if err != nil {
		return "", "domain is not a valid internationalized domain name"
	}
	ascii = asciiLower(ascii)
	if len(ascii) > MaxDomainLen {
		return "", "domain longer than 253 bytes"
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", "domain must have a dot (e.g. acme.com)"
	}
	for _, l := range labels {
		if !validLabel(l) {
			return "", "domain has an invalid label"
		}
	}
	if !hasLetter(labels[len(labels)-1]) {
		return "", "domain ends in a numeric label (IP addresses are not accepted)"
	}
	if strings.Contains(ascii, "xn--") {
		uni, err := displayProfile.ToUnicode(ascii)
		if err != nil {
			return "", "domain is not a valid internationalized domain name"
		}
		for _, l := range strings.Split(uni, ".") {
			if strings.IndexFunc(l, notLetterDigitHyphen) >= 0 {
				return "", "domain has a symbol or punctuation character"
			}
			if mixedScripts(l) {
				return "", "domain mixes scripts (look-alike characters)"
			}
		}
	}
	return ascii, ""
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

// EmailDomain returns the lower-case ASCII domain of a stored address, so
// that it compares with domains in the form Domain returns. An address
// ParseEmail refuses gives its domain lower-cased, without a trailing dot.
func EmailDomain(email string) string {
	if a, err := ParseEmail(email); err == nil {
		return a.Domain
	}
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(email[i+1:]), ".")
}
