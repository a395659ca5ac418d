package invite

import (
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"io"

	"github.com/google/uuid"
	"golang.org/x/crypto/chacha20poly1305"
)

// Key is a secret that seals tokens so that an admin can copy an
// invitation or link URL later. Secret must be 32 bytes from a secure
// random source. ID names the key in the store (not secret, 1 to 64
// printable ASCII characters), so keys can be rotated: seal with a new key
// and keep the old ones to open what they sealed.
type Key struct {
	ID     string
	Secret []byte
}

// DefaultKeyID is the ID of Options.Key.
const DefaultKeyID = "default"

// keyring seals with its first key and opens with any of them.
type keyring struct {
	sealID string
	aeads  map[string]cipher.AEAD
}

func newKeyring(keys []Key) (*keyring, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	kr := &keyring{sealID: keys[0].ID, aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, k := range keys {
		if !validKeyID(k.ID) {
			return nil, fmt.Errorf("%w: key ID must be 1 to 64 printable ASCII characters", ErrInvalidOptions)
		}
		if _, dup := kr.aeads[k.ID]; dup {
			return nil, fmt.Errorf("%w: key ID %q given twice", ErrInvalidOptions, k.ID)
		}
		if len(k.Secret) != chacha20poly1305.KeySize {
			return nil, fmt.Errorf("%w: key %q must be %d bytes", ErrInvalidOptions, k.ID, chacha20poly1305.KeySize)
		}
		a, err := chacha20poly1305.NewX(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("%w: key %q: %v", ErrInvalidOptions, k.ID, err)
		}
		kr.aeads[k.ID] = a
	}
	return kr, nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

// sealAD binds a sealed token to its kind and row, so a sealed token copied
// to another row does not open there.
func sealAD(kind TokenKind, id uuid.UUID, keyID string) []byte {
	ad := make([]byte, 0, 16+1+16+len(keyID))
	ad = append(ad, "roster-token-v1/"...)
	ad = append(ad, byte(kind))
	ad = append(ad, id[:]...)
	return append(ad, keyID...)
}

// seal returns tok sealed with the current key (nonce first) and the key's
// ID; nil and "" when there is no key.
func (kr *keyring) seal(r io.Reader, kind TokenKind, id uuid.UUID, tok string) ([]byte, string, error) {
	if kr == nil {
		return nil, "", nil
	}
	if r == nil {
		r = rand.Reader
	}
	a := kr.aeads[kr.sealID]
	out := make([]byte, a.NonceSize(), a.NonceSize()+len(tok)+a.Overhead())
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, "", fmt.Errorf("roster: reading nonce randomness: %w", err)
	}
	out = a.Seal(out, out[:a.NonceSize()], []byte(tok), sealAD(kind, id, kr.sealID))
	return out, kr.sealID, nil
}

// open returns the token sealed in blob with key keyID. It fails with
// ErrNoKey when there is nothing sealed or the key is not configured, and
// when the blob does not open (tampered, or sealed for another row).
func (kr *keyring) open(kind TokenKind, id uuid.UUID, keyID string, blob []byte) (string, error) {
	if kr == nil || len(blob) == 0 {
		return "", fmt.Errorf("%w: no key configured or nothing sealed", ErrNoKey)
	}
	a, ok := kr.aeads[keyID]
	if !ok {
		return "", fmt.Errorf("%w: key %q is not configured", ErrNoKey, keyID)
	}
	if len(blob) < a.NonceSize()+a.Overhead() {
		return "", fmt.Errorf("%w: sealed token is damaged", ErrNoKey)
	}
	ns := a.NonceSize()
	pt, err := a.Open(nil, blob[:ns], blob[ns:], sealAD(kind, id, keyID))
	if err != nil {
		return "", fmt.Errorf("%w: sealed token does not open with key %q", ErrNoKey, keyID)
	}
	return string(pt), nil
}
