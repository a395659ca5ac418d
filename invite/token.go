package invite

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"

	"github.com/rosterkit/roster/internal/secret"
)

// TokenKind says what a token opens.
type TokenKind uint8

// Token kinds.
const (
	KindInvitation TokenKind = iota + 1 // an email invitation
	KindLink                            // a shareable invite link
)

// Token prefixes. They make a leaked token recognizable to secret scanners
// and tell the two kinds apart without a look-up.
const (
	PrefixInvitation = "rsti_"
	PrefixLink       = "rstl_"
)

// A token is prefix + 43 base62 characters encoding 256 random bits + 6
// base62 characters encoding the CRC32 of everything before them (the
// shape of every Roster secret, internal/secret).
const (
	prefixLen = secret.PrefixLen
	// TokenLen is the length of every token.
	TokenLen = secret.Len
)

// Token is a parsed, well-formed token: its kind and the SHA-256 digest
// that stores look it up by. It holds no secret.
type Token struct {
	Kind TokenKind
	Hash [sha256.Size]byte
}

// ParseToken checks the shape and checksum of s and returns its kind and
// digest. A malformed, truncated, mistyped or oversized token fails here,
// without any store look-up, with an error wrapping ErrInvalidToken that
// does not contain s.
func ParseToken(s string) (Token, error) {
	if len(s) != TokenLen {
		return Token{}, errTokenLength
	}
	var kind TokenKind
	switch s[:prefixLen] {
	case PrefixInvitation:
		kind = KindInvitation
	case PrefixLink:
		kind = KindLink
	default:
		return Token{}, errTokenPrefix
	}
	digest, fault := secret.Check(s)
	switch fault {
	case secret.BadChar:
		return Token{}, errTokenChar
	case secret.BadChecksum:
		return Token{}, errTokenChecksum
	}
	return Token{Kind: kind, Hash: digest}, nil
}

// Why ParseToken refuses a token; none of them contains it.
var (
	errTokenLength   = fmt.Errorf("%w: wrong length", ErrInvalidToken)
	errTokenPrefix   = fmt.Errorf("%w: unknown prefix", ErrInvalidToken)
	errTokenChar     = fmt.Errorf("%w: invalid character", ErrInvalidToken)
	errTokenChecksum = fmt.Errorf("%w: bad checksum", ErrInvalidToken)
)

// Matches reports, in constant time, whether digest (as a store returned
// it) is t's.
func (t Token) Matches(digest []byte) bool {
	return len(digest) == sha256.Size && subtle.ConstantTimeCompare(t.Hash[:], digest) == 1
}

// newToken makes a token of kind from 256 bits read from r (crypto/rand
// when r is nil).
func newToken(r io.Reader, kind TokenKind) (string, error) {
	prefix := PrefixInvitation
	if kind == KindLink {
		prefix = PrefixLink
	}
	tok, _, err := secret.New(r, prefix)
	return tok, err
}

// hashToken returns the SHA-256 digest of a token as stores keep it.
func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}
