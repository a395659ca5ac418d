package invite

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// A token's body and checksum lengths, and its digits.
const (
	bodyLen = 43
	sumLen  = 6
	base62  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// zeros is a reader of zero bytes: a deterministic token source.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestNewTokenHasItsShape(t *testing.T) {
	for _, kind := range []TokenKind{KindInvitation, KindLink} {
		tok, err := newToken(nil, kind)
		require.NoError(t, err)
		require.Len(t, tok, TokenLen)
		prefix := map[TokenKind]string{KindInvitation: PrefixInvitation, KindLink: PrefixLink}[kind]
		require.True(t, strings.HasPrefix(tok, prefix))
		for _, c := range []byte(tok[len(prefix):]) {
			require.True(t, strings.IndexByte(base62, c) >= 0, "character %q", c)
		}
		p, err := ParseToken(tok)
		require.NoError(t, err)
		require.Equal(t, kind, p.Kind)
		require.Equal(t, sha256.Sum256([]byte(tok)), p.Hash)
		require.True(t, p.Matches(hashToken(tok)))
	}
}

func TestNewTokenUsesTheInjectedReader(t *testing.T) {
	a, err := newToken(zeros{}, KindInvitation)
	require.NoError(t, err)
	b, err := newToken(zeros{}, KindInvitation)
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Equal(t, PrefixInvitation+strings.Repeat("0", bodyLen), a[:TokenLen-sumLen])

	_, err = newToken(failing{}, KindLink)
	require.Error(t, err)
	_, err = newToken(strings.NewReader("short"), KindLink)
	require.Error(t, err)
}

func TestTokensDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, err := newToken(rand.Reader, KindInvitation)
		require.NoError(t, err)
		require.False(t, seen[tok])
		seen[tok] = true
	}
}

func TestParseTokenRejects(t *testing.T) {
	good, err := newToken(nil, KindInvitation)
	require.NoError(t, err)
	flip := func(i int) string {
		b := []byte(good)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	cases := map[string]string{
		"empty":          "",
		"truncated":      good[:TokenLen-1],
		"extended":       good + "0",
		"huge":           strings.Repeat(good, 1000),
		"typo in body":   flip(20),
		"typo in sum":    flip(TokenLen - 1),
		"typo in prefix": "rstx_" + good[5:],
		"other prefix":   "ghp_x" + good[5:],
		"link prefix":    PrefixLink + good[5:], // the checksum covers the prefix
		"bad character":  good[:10] + "-" + good[11:],
		"space":          " " + good[1:],
		"non-ASCII":      good[:TokenLen-2] + "é",
		"upper-cased":    strings.ToUpper(good),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseToken(s)
			require.ErrorIs(t, err, ErrInvalidToken)
			if len(s) >= 10 {
				require.NotContains(t, err.Error(), s[5:15], "the error must not echo the token")
			}
		})
	}
}

func TestTokenMatchesComparesDigests(t *testing.T) {
	tok, err := newToken(nil, KindLink)
	require.NoError(t, err)
	p, err := ParseToken(tok)
	require.NoError(t, err)
	require.True(t, p.Matches(hashToken(tok)))
	other := hashToken(tok + "x")
	require.False(t, p.Matches(other))
	require.False(t, p.Matches(nil))
	require.False(t, p.Matches(hashToken(tok)[:31]))
}

func TestSealOpensWithTheSameKeyAndRowOnly(t *testing.T) {
	k1 := bytes.Repeat([]byte{1}, 32)
	k2 := bytes.Repeat([]byte{2}, 32)
	kr, err := newKeyring([]Key{{ID: "new", Secret: k2}, {ID: "old", Secret: k1}})
	require.NoError(t, err)
	old, err := newKeyring([]Key{{ID: "old", Secret: k1}})
	require.NoError(t, err)
	id, other := uuid.New(), uuid.New()
	tok, err := newToken(nil, KindInvitation)
	require.NoError(t, err)

	blob, keyID, err := kr.seal(nil, KindInvitation, id, tok)
	require.NoError(t, err)
	require.Equal(t, "new", keyID)
	require.False(t, bytes.Contains(blob, []byte(tok)))
	got, err := kr.open(KindInvitation, id, keyID, blob)
	require.NoError(t, err)
	require.Equal(t, tok, got)

	// Rotation: what the old key sealed still opens with the new ring.
	oblob, oid, err := old.seal(nil, KindInvitation, id, tok)
	require.NoError(t, err)
	got, err = kr.open(KindInvitation, id, oid, oblob)
	require.NoError(t, err)
	require.Equal(t, tok, got)

	for name, f := range map[string]func() (string, error){
		"other row":    func() (string, error) { return kr.open(KindInvitation, other, keyID, blob) },
		"other kind":   func() (string, error) { return kr.open(KindLink, id, keyID, blob) },
		"other key ID": func() (string, error) { return kr.open(KindInvitation, id, "old", blob) },
		"unknown key":  func() (string, error) { return kr.open(KindInvitation, id, "gone", blob) },
		"dropped key":  func() (string, error) { return old.open(KindInvitation, id, keyID, blob) },
		"tampered": func() (string, error) {
			b := bytes.Clone(blob)
			b[30] ^= 1
			return kr.open(KindInvitation, id, keyID, b)
		},
		"truncated":     func() (string, error) { return kr.open(KindInvitation, id, keyID, blob[:20]) },
		"nothing":       func() (string, error) { return kr.open(KindInvitation, id, keyID, nil) },
		"no key at all": func() (string, error) { var none *keyring; return none.open(KindInvitation, id, keyID, blob) },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f()
			require.ErrorIs(t, err, ErrNoKey)
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	kr, err := newKeyring([]Key{{ID: "k", Secret: bytes.Repeat([]byte{7}, 32)}})
	require.NoError(t, err)
	id := uuid.New()
	a, _, err := kr.seal(nil, KindLink, id, "same")
	require.NoError(t, err)
	b, _, err := kr.seal(nil, KindLink, id, "same")
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	_, _, err = kr.seal(failing{}, KindLink, id, "same")
	require.Error(t, err)
}

func TestNoKeySealsNothing(t *testing.T) {
	var kr *keyring
	blob, id, err := kr.seal(nil, KindInvitation, uuid.New(), "tok")
	require.NoError(t, err)
	require.Nil(t, blob)
	require.Empty(t, id)
}

func TestKeyringRejectsBadKeys(t *testing.T) {
	good := bytes.Repeat([]byte{1}, 32)
	for name, keys := range map[string][]Key{
		"short secret":  {{ID: "a", Secret: good[:16]}},
		"long secret":   {{ID: "a", Secret: append(good, 1)}},
		"empty ID":      {{ID: "", Secret: good}},
		"ID with space": {{ID: "a b", Secret: good}},
		"long ID":       {{ID: strings.Repeat("a", 65), Secret: good}},
		"duplicate ID":  {{ID: "a", Secret: good}, {ID: "a", Secret: good}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newKeyring(keys)
			require.ErrorIs(t, err, ErrInvalidOptions)
			require.NotContains(t, err.Error(), string(good))
		})
	}
}

func TestParseTokenDoesNotAllocate(t *testing.T) {
	tok, err := newToken(nil, KindInvitation)
	require.NoError(t, err)
	bad := tok[:20] + "0" + tok[21:]
	if bad == tok {
		bad = tok[:20] + "1" + tok[21:]
	}
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ParseToken(tok) }))
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ParseToken(bad) }))
}
