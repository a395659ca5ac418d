package apikey

import (
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/rosterkit/roster/internal/secret"
)

// Prefix starts every API key. It tells a key from an invitation token
// ("rsti_") or an invite link token ("rstl_") without a look-up, and makes
// a leaked key recognisable to secret scanners.
const Prefix = "rstk_"

// A key has the shape of Roster's invitation tokens (internal/secret):
// Prefix, 43 base62 characters encoding 256 random bits, then 6 base62
// characters encoding the CRC32 (IEEE) of everything before them.
const (
	prefixLen = len(Prefix)
	// SecretLen is the length of every key.
	SecretLen = secret.Len
)

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
	digest, fault := secret.Check(s)
	switch fault {
	case secret.BadChar:
		return Hash{}, errSecretChar
	case secret.BadChecksum:
		return Hash{}, errSecretChecksum
	}
	return digest, nil
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
	key, digest, err := secret.New(r, Prefix)
	if err != nil {
		return "", Hash{}, fmt.Errorf("roster: new API key: %w", err)
	}
	return key, digest, nil
}
