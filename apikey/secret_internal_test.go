package apikey

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The key's random bytes and digits, and its checksum as the documented
// shape says: the CRC32 (IEEE) of what precedes it, in 6 base62 digits.
const (
	secretEntropy = 32
	base62        = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

func sumOf(s string) string {
	v := uint64(crc32.ChecksumIEEE([]byte(s)))
	var d [6]byte
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = base62[v%62]
		v /= 62
	}
	return string(d[:])
}

func TestNewSecretParsesBackToItsDigest(t *testing.T) {
	for i := range 64 {
		seed := bytes.Repeat([]byte{byte(i * 4)}, secretEntropy)
		if i == 63 {
			seed = bytes.Repeat([]byte{0xff}, secretEntropy) // the largest body
		}
		s, h, err := newSecret(bytes.NewReader(seed))
		require.NoError(t, err)
		require.Len(t, s, SecretLen)
		require.True(t, strings.HasPrefix(s, Prefix))
		require.Equal(t, Hash(sha256.Sum256([]byte(s))), h)
		got, err := ParseSecret(s)
		require.NoError(t, err)
		require.Equal(t, h, got)
	}
}

func TestNewSecretFailsWithoutRandomness(t *testing.T) {
	_, _, err := newSecret(bytes.NewReader(make([]byte, secretEntropy-1)))
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrInvalidKey)
}

func TestEveryMistypedCharacterIsCaught(t *testing.T) {
	s, _, err := newSecret(nil)
	require.NoError(t, err)
	for i := range len(s) {
		for _, c := range []byte("0aZ_-") {
			if s[i] == c {
				continue
			}
			b := []byte(s)
			b[i] = c
			_, err := ParseSecret(string(b))
			require.ErrorIs(t, err, ErrInvalidKey, "position %d, %q", i, c)
		}
	}
}

func TestParseSecretRefusesWhatIsNotAKey(t *testing.T) {
	s, _, err := newSecret(nil)
	require.NoError(t, err)
	for name, c := range map[string]struct {
		in   string
		want error
	}{
		"empty":             {"", errSecretLength},
		"truncated":         {s[:SecretLen-1], errSecretLength},
		"oversized":         {s + "0", errSecretLength},
		"an invitation":     {"rsti_" + s[prefixLen:], errSecretPrefix},
		"upper-case prefix": {"RSTK_" + s[prefixLen:], errSecretPrefix},
		"a space":           {s[:20] + " " + s[21:], errSecretChar},
		"non-ASCII":         {s[:20] + "é" + s[22:], errSecretChar},
		"swapped":           {s[:20] + s[21:22] + s[20:21] + s[22:], errSecretChecksum},
	} {
		if name == "swapped" && s[20] == s[21] {
			continue
		}
		_, err := ParseSecret(c.in)
		require.ErrorIs(t, err, c.want, name)
		require.NotContains(t, err.Error(), s[prefixLen:], name) // never the key
	}
}

func TestParseSecretDoesNotAllocate(t *testing.T) {
	s, _, err := newSecret(nil)
	require.NoError(t, err)
	bad := s[:SecretLen-1] + "x"
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ParseSecret(s) }))
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ParseSecret(bad) }))
}

// FuzzParseSecret checks that ParseSecret never panics, accepts only keys
// of the documented shape and returns their digest, and refuses the rest
// with ErrInvalidKey.
func FuzzParseSecret(f *testing.F) {
	s, _, err := newSecret(bytes.NewReader(bytes.Repeat([]byte{7}, secretEntropy)))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{s, "", Prefix, "rsti_" + s[prefixLen:], s[:SecretLen-1] + "A", s + s,
		strings.Repeat("z", SecretLen), Prefix + strings.Repeat("0", SecretLen-prefixLen), "Bearer " + s} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		h, err := ParseSecret(in)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("error %v does not wrap ErrInvalidKey", err)
			}
			if len(in) >= 16 && strings.Contains(err.Error(), in) {
				t.Fatalf("error %q carries the input", err)
			}
			return
		}
		if len(in) != SecretLen || !strings.HasPrefix(in, Prefix) {
			t.Fatalf("accepted %q of the wrong shape", in)
		}
		for _, c := range []byte(in[prefixLen:]) {
			if strings.IndexByte(base62, c) < 0 {
				t.Fatalf("accepted %q with a non-base62 character", in)
			}
		}
		if sumOf(in[:SecretLen-6]) != in[SecretLen-6:] {
			t.Fatalf("accepted %q with a wrong checksum", in)
		}
		if h != Hash(sha256.Sum256([]byte(in))) {
			t.Fatalf("digest of %q is not its SHA-256", in)
		}
	})
}

// BenchmarkParseSecret is the part of Authenticate before the look-up:
// shape, checksum and SHA-256.
func BenchmarkParseSecret(b *testing.B) {
	s, _, err := newSecret(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSecret(s); err != nil {
			b.Fatal(err)
		}
	}
}
