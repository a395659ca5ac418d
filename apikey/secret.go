package apikey

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

// Prefix starts every API key. It tells a key from an invitation token
// ("rsti_") or an invite link token ("rstl_") without a look-up, and makes
// a leaked key recognisable to secret scanners.
const Prefix = "rstk_"

// A key has the shape of Roster's invitation tokens: Prefix, 43 base62
// characters encoding 256 random bits, then 6 base62 characters encoding
// the CRC32 (IEEE) of everything before them.
const (
	entropyBytes = 32
	bodyLen      = 43 // ceil(256 / log2(62))
	sumLen       = 6  // ceil(32 / log2(62))
	prefixLen    = len(Prefix)
	// SecretLen is the length of every key.
	SecretLen = prefixLen + bodyLen + sumLen
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Hash is the SHA-256 digest of a key: what a store keeps and looks a key
// up by. It is not a secret that opens anything.
type Hash [sha256.Size]byte

// ParseSecret checks the shape and checksum of a presented key and returns
// its digest. A malformed, truncated, mistyped or oversized key, or a
// token of another kind, fails here, without any store look-up, with an
// error wrapping ErrInvalidKey that does not contain s. It does not
// allocate.
func ParseSecret(s string) (Hash, error) {
	if len(s) != SecretLen {
		return Hash{}, errSecretLength
	}
	if s[:prefixLen] != Prefix {
		return Hash{}, errSecretPrefix
	}
	var buf [SecretLen]byte
	copy(buf[:], s)
	for _, c := range buf[prefixLen:] {
		if !isBase62(c) {
			return Hash{}, errSecretChar
		}
	}
	var sum [sumLen]byte
	encodeChecksum(&sum, checksum(buf[:SecretLen-sumLen]))
	if subtle.ConstantTimeCompare(sum[:], buf[SecretLen-sumLen:]) != 1 {
		return Hash{}, errSecretChecksum
	}
	return sha256.Sum256(buf[:]), nil
}

// Why ParseSecret refuses a key; none of them contains it.
var (
	errSecretLength   = fmt.Errorf("%w: wrong length", ErrInvalidKey)
	errSecretPrefix   = fmt.Errorf("%w: not an API key", ErrInvalidKey)
	errSecretChar     = fmt.Errorf("%w: invalid character", ErrInvalidKey)
	errSecretChecksum = fmt.Errorf("%w: bad checksum", ErrInvalidKey)
)

// newSecret makes a key from 256 bits read from r (crypto/rand when r is
// nil) and returns it with its digest.
func newSecret(r io.Reader) (string, Hash, error) {
	if r == nil {
		r = rand.Reader
	}
	var raw [entropyBytes]byte
	if _, err := io.ReadFull(r, raw[:]); err != nil {
		return "", Hash{}, fmt.Errorf("roster: reading API key randomness: %w", err)
	}
	var b [SecretLen]byte
	copy(b[:], Prefix)
	encodeBody(b[prefixLen:prefixLen+bodyLen], raw)
	var sum [sumLen]byte
	encodeChecksum(&sum, checksum(b[:SecretLen-sumLen]))
	copy(b[SecretLen-sumLen:], sum[:])
	return string(b[:]), sha256.Sum256(b[:]), nil
}

// encodeBody writes raw in base62, most significant digit first, padded to
// len(dst) digits, by long division of the 256-bit number by 62 (in four
// 64-bit limbs).
func encodeBody(dst []byte, raw [entropyBytes]byte) {
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

// crcTables are the IEEE CRC-32 tables of slicing-by-8, as hash/crc32
// makes them: crcTables[0] is the byte-wise table, crcTables[k] advances
// a byte k more positions.
var crcTables = func() (t [8][256]uint32) {
	t[0] = *crc32.MakeTable(crc32.IEEE)
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][c&0xff] ^ c>>8
			t[k][i] = c
		}
	}
	return t
}()

// checksum is crc32.ChecksumIEEE, eight bytes a step, written out so that
// ParseSecret's buffer stays on the stack (hash/crc32 lets its argument
// escape). ParseSecret runs it on every presented key.
func checksum(b []byte) uint32 {
	crc := ^uint32(0)
	t := &crcTables
	for len(b) >= 8 {
		crc ^= uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		crc = t[0][b[7]] ^ t[1][b[6]] ^ t[2][b[5]] ^ t[3][b[4]] ^
			t[4][crc>>24] ^ t[5][crc>>16&0xff] ^ t[6][crc>>8&0xff] ^ t[7][crc&0xff]
		b = b[8:]
	}
	for _, c := range b {
		crc = t[0][byte(crc)^c] ^ crc>>8
	}
	return ^crc
}

func encodeChecksum(dst *[sumLen]byte, sum uint32) {
	v := uint64(sum)
	for i := sumLen - 1; i >= 0; i-- {
		dst[i] = base62[v%62]
		v /= 62
	}
}

// isBase62 reports whether c is a digit of base62, by table: ParseSecret
// asks it for every character of every presented key.
func isBase62(c byte) bool { return base62Digits[c] }

var base62Digits = func() (t [256]bool) {
	for i := range len(base62) {
		t[base62[i]] = true
	}
	return t
}()
