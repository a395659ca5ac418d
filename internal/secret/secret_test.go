package secret

import (
	"bytes"
	"crypto/sha256"
	"hash/crc32"
	"strings"
	"testing"
)

func TestNewSecretsCheckSound(t *testing.T) {
	s, digest, err := New(nil, "rstx_")
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != Len || !strings.HasPrefix(s, "rstx_") {
		t.Fatalf("New = %q", s)
	}
	if digest != sha256.Sum256([]byte(s)) {
		t.Fatal("New's digest is not the secret's SHA-256")
	}
	got, f := Check(s)
	if f != Sound || got != digest {
		t.Fatalf("Check(New()) = %x, %d", got, f)
	}
	if other, _, _ := New(nil, "rstx_"); other == s {
		t.Fatal("two secrets are equal")
	}
}

func TestNewIsDeterministicOverItsRandomness(t *testing.T) {
	a, _, _ := New(bytes.NewReader(make([]byte, EntropyBytes)), "rsti_")
	if want := "rsti_" + strings.Repeat("0", bodyLen); a[:Len-sumLen] != want {
		t.Fatalf("zero entropy encodes as %q, want %q", a[:Len-sumLen], want)
	}
	if _, _, err := New(bytes.NewReader(nil), "rsti_"); err == nil {
		t.Fatal("New without randomness did not fail")
	}
	if _, _, err := New(nil, "rst_"); err == nil {
		t.Fatal("New accepted a 4-byte prefix")
	}
}

func TestCheckFindsEachFault(t *testing.T) {
	s, _, _ := New(nil, "rstk_")
	swapped := []byte(s)
	swapped[10], swapped[11] = swapped[11], swapped[10]
	if swapped[10] == swapped[11] {
		swapped[10] = 'A' + (swapped[10]-'A'+1)%26
	}
	for name, c := range map[string]struct {
		in   string
		want Fault
	}{
		"short":            {s[:Len-1], BadLength},
		"long":             {s + "0", BadLength},
		"a dash":           {s[:20] + "-" + s[21:], BadChar},
		"a typo":           {string(swapped), BadChecksum},
		"checksum changed": {s[:Len-1] + string("01"[s[Len-1]&1^1]), BadChecksum},
	} {
		if _, f := Check(c.in); f != c.want {
			t.Errorf("%s: Check = %d, want %d", name, f, c.want)
		}
	}
}

func TestChecksumIsCRC32IEEE(t *testing.T) {
	b := make([]byte, 130)
	for i := range b {
		b[i] = byte(i*37 + 11)
	}
	for n := range len(b) + 1 {
		if got, want := checksum(b[:n]), crc32.ChecksumIEEE(b[:n]); got != want {
			t.Fatalf("length %d: checksum %x, want %x", n, got, want)
		}
	}
}

func TestBase62TableHoldsExactlyTheDigits(t *testing.T) {
	for c := range 256 {
		want := '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
		if base62Digits[c] != want {
			t.Errorf("%q: %v, want %v", rune(c), base62Digits[c], want)
		}
	}
}

func TestCheckAllocatesNothing(t *testing.T) {
	s, _, _ := New(nil, "rstk_")
	if n := testing.AllocsPerRun(100, func() { Check(s) }); n != 0 {
		t.Fatalf("Check allocates %v times", n)
	}
}

func TestEncodeBodyIsBase62OfTheNumber(t *testing.T) {
	var raw [32]byte
	raw[31] = 61
	dst := make([]byte, bodyLen)
	encodeBody(dst, raw)
	requireEqual(t, strings.Repeat("0", bodyLen-1)+"z", string(dst))
	raw[31] = 62
	encodeBody(dst, raw)
	requireEqual(t, strings.Repeat("0", bodyLen-2)+"10", string(dst))
	for i := range raw {
		raw[i] = 0xff
	}
	encodeBody(dst, raw) // 2^256-1 still fits in 43 digits
	if dst[0] == '0' {
		t.Fatal("2^256-1 starts with a zero digit")
	}
}

func requireEqual(t *testing.T, want, got string) {
	t.Helper()
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
