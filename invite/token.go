package invite

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"
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
// base62 characters encoding the CRC32 of everything before them.
const (
	tokenEntropyBytes = 32
	tokenBodyLen      = 43 // ceil(256 / log2(62))
	tokenSumLen       = 6  // ceil(32 / log2(62))
	prefixLen         = 5
	// TokenLen is the length of every token.
	TokenLen = prefixLen + tokenBodyLen + tokenSumLen
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

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
	var buf [TokenLen]byte
	copy(buf[:], s)
	for _, c := range buf[prefixLen:] {
		if !isBase62(c) {
			return Token{}, errTokenChar
		}
	}
	var sum [tokenSumLen]byte
	encodeChecksum(&sum, checksum(buf[:TokenLen-tokenSumLen]))
	if subtle.ConstantTimeCompare(sum[:], buf[TokenLen-tokenSumLen:]) != 1 {
		return Token{}, errTokenChecksum
	}
	return Token{Kind: kind, Hash: sha256.Sum256(buf[:])}, nil
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
	if r == nil {
		r = rand.Reader
	}
	var raw [tokenEntropyBytes]byte
	if _, err := io.ReadFull(r, raw[:]); err != nil {
		return "", fmt.Errorf("roster: reading token randomness: %w", err)
	}
	prefix := PrefixInvitation
	if kind == KindLink {
		prefix = PrefixLink
	}
	b := make([]byte, TokenLen)
	copy(b, prefix)
	encodeBody(b[prefixLen:prefixLen+tokenBodyLen], raw)
	var sum [tokenSumLen]byte
	encodeChecksum(&sum, checksum(b[:TokenLen-tokenSumLen]))
	copy(b[TokenLen-tokenSumLen:], sum[:])
	return string(b), nil
}

// hashToken returns the SHA-256 digest of a token as stores keep it.
func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// encodeBody writes raw in base62, most significant digit first, padded to
// len(dst) digits, by long division of the 256-bit number by 62 (in four
// 64-bit limbs).
func encodeBody(dst []byte, raw [tokenEntropyBytes]byte) {
	var n [4]uint64
	for i := range n {
		n[i] = binary.BigEndian.Uint64(raw[8*i:])
	}
	for i := len(dst) - 1; i >= 0; i-- {
		var rem uint64
		for j := range n {
			n[j], rem = bits.Div64(rem, n[j], 62)
		}
		dst[i] = base62[rem]
	}
}

// crcTable is the IEEE CRC-32 table, as hash/crc32 makes it.
var crcTable = crc32.MakeTable(crc32.IEEE)

// checksum is crc32.ChecksumIEEE, written out so that ParseToken's buffer
// stays on the stack (hash/crc32 lets its argument escape).
func checksum(b []byte) uint32 {
	crc := ^uint32(0)
	for _, c := range b {
		crc = crcTable[byte(crc)^c] ^ crc>>8
	}
	return ^crc
}

func encodeChecksum(dst *[tokenSumLen]byte, sum uint32) {
	v := uint64(sum)
	for i := tokenSumLen - 1; i >= 0; i-- {
		dst[i] = base62[v%62]
		v /= 62
	}
}

func isBase62(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}
