// Package secret makes and checks Roster's bearer secrets: invitation and
// invite-link tokens (package invite) and API keys (package apikey). Every
// secret is a prefix of PrefixLen bytes naming its kind, 43 base62
// characters encoding 256 random bits, then 6 base62 characters encoding
// the CRC32 (IEEE) of everything before them: a leaked secret is
// recognisable to secret scanners, and a mistyped one fails before any
// store look-up. Stores keep only a secret's SHA-256 digest.
package secret

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

// The shape of every secret.
const (
	// PrefixLen is the length of a secret's prefix ("rsti_", "rstk_"…).
	PrefixLen = 5
	// EntropyBytes is how many random bytes a secret encodes.
	EntropyBytes = 32
	bodyLen      = 43 // ceil(256 / log2(62))
	sumLen       = 6  // ceil(32 / log2(62))
	// Len is the length of every secret.
	Len = PrefixLen + bodyLen + sumLen
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Fault is why Check refuses a secret.
type Fault uint8

// Faults of Check.
const (
	Sound       Fault = iota // the secret is well formed
	BadLength                // not Len bytes
	BadChar                  // a character after the prefix is not base62
	BadChecksum              // the checksum does not match
)

// New makes a secret with prefix (PrefixLen bytes) from EntropyBytes read
// from r (crypto/rand when r is nil), and returns it with its digest.
func New(r io.Reader, prefix string) (string, [sha256.Size]byte, error) {
	if len(prefix) != PrefixLen {
		return "", [sha256.Size]byte{}, fmt.Errorf("roster: secret prefix %q is not %d bytes", prefix, PrefixLen)
	}
	if r == nil {
		r = rand.Reader
	}
	var raw [EntropyBytes]byte
	if _, err := io.ReadFull(r, raw[:]); err != nil {
		return "", [sha256.Size]byte{}, fmt.Errorf("roster: reading secret randomness: %w", err)
	}
	var b [Len]byte
	copy(b[:], prefix)
	encodeBody(b[PrefixLen:PrefixLen+bodyLen], raw)
	var sum [sumLen]byte
	encodeChecksum(&sum, checksum(b[:Len-sumLen]))
	copy(b[Len-sumLen:], sum[:])
	return string(b[:]), sha256.Sum256(b[:]), nil
}

// Check checks the length, the characters after the prefix and the
// checksum of s, and returns its digest when it is Sound. The prefix is
// the caller's to check. It does not allocate.
func Check(s string) ([sha256.Size]byte, Fault) {
	if len(s) != Len {
		return [sha256.Size]byte{}, BadLength
	}
	var buf [Len]byte
	copy(buf[:], s)
	for _, c := range buf[PrefixLen:] {
		if !base62Digits[c] {
			return [sha256.Size]byte{}, BadChar
		}
	}
	var sum [sumLen]byte
	encodeChecksum(&sum, checksum(buf[:Len-sumLen]))
	if subtle.ConstantTimeCompare(sum[:], buf[Len-sumLen:]) != 1 {
		return [sha256.Size]byte{}, BadChecksum
	}
	return sha256.Sum256(buf[:]), Sound
}

// encodeBody writes raw in base62, most significant digit first, padded to
// len(dst) digits, by long division of the 256-bit number by 62 (in four
// 64-bit limbs).
func encodeBody(dst []byte, raw [EntropyBytes]byte) {
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
// Check's buffer stays on the stack (hash/crc32 lets its argument escape).
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

// base62Digits tells, by table, whether a byte is a digit of base62.
var base62Digits = func() (t [256]bool) {
	for i := range len(base62) {
		t[base62[i]] = true
	}
	return t
}()
