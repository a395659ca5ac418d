package membership

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckSlug(t *testing.T) {
	for _, ok := range []string{"a", "acme", "acme-video", "a1-b2-c3", strings.Repeat("a", MaxSlugLen)} {
		require.NoError(t, checkSlug(ok), ok)
	}
	for _, bad := range []string{"", "-acme", "acme-", "ac--me", "Acme", "ac me", "acmé", "a_b", strings.Repeat("a", MaxSlugLen+1), "a\x00"} {
		require.ErrorIs(t, checkSlug(bad), ErrInvalidInput, bad)
	}
}

func TestCleanName(t *testing.T) {
	got, err := cleanName("name", "  Marketing  ")
	require.NoError(t, err)
	require.Equal(t, "Marketing", got)
	got, err = cleanName("name", "Équipe vidéo 🎬")
	require.NoError(t, err)
	require.Equal(t, "Équipe vidéo 🎬", got)
	for _, bad := range []string{"", "   ", "a\nb", "a\x00b", "\xff\xfe", strings.Repeat("é", MaxNameLen+1)} {
		_, err := cleanName("name", bad)
		require.ErrorIs(t, err, ErrInvalidInput, "%q", bad)
	}
}

func TestCheckEmail(t *testing.T) {
	for _, ok := range []string{"ann@acme.com", "a.b+tag@sub.acme.io"} {
		require.NoError(t, checkEmail(ok, false), ok)
	}
	require.NoError(t, checkEmail("", true))
	for _, bad := range []string{"", "ann", "ann@acme", "ann@[127.0.0.1]", "Ann <ann@acme.com>", "ann@acme.com\r\nBcc: x@y.z", "a@b@acme.com", strings.Repeat("a", 250) + "@acme.com", "bob@-bad-.com", "bob@\u0430cme.com", "bob\u200b@acme.com"} {
		require.ErrorIs(t, checkEmail(bad, false), ErrInvalidInput, "%q", bad)
		require.ErrorIs(t, checkEmail(bad, false), ErrInvalidEmail, "%q", bad)
	}
}

func TestCleanSettings(t *testing.T) {
	s, err := cleanSettings(Settings{Domains: []string{"Acme.COM.", "acme.com", " partner.io "}})
	require.NoError(t, err)
	require.Equal(t, []string{"acme.com", "partner.io"}, s.Domains)
	require.Equal(t, GuestsAllowed, s.GuestPolicy)
	for _, bad := range []Settings{
		{Seats: -1}, {Licences: -1}, {InvitesPerDay: -1}, {GuestPolicy: "maybe"},
		{Domains: []string{"localhost"}}, {Domains: []string{"exämple.com"}}, {Domains: []string{"-a.com"}},
	} {
		_, err := cleanSettings(bad)
		require.ErrorIs(t, err, ErrInvalidInput, "%+v", bad)
	}
}

func TestKindOf(t *testing.T) {
	org := Organization{Settings: Settings{Domains: []string{"acme.com"}}}
	require.Equal(t, KindCoworker, kindOf(org, "ann@acme.com"))
	require.Equal(t, KindCoworker, kindOf(org, "ann@ACME.com"))
	require.Equal(t, KindCoworker, kindOf(org, "ann@eu.acme.com"))
	require.Equal(t, KindGuest, kindOf(org, "ann@notacme.com"))
	require.Equal(t, KindGuest, kindOf(org, "ann@acme.com.evil.io"))
	require.Equal(t, KindGuest, kindOf(org, ""))
	require.Equal(t, KindCoworker, kindOf(Organization{}, "anyone@anywhere.io"))
}

func TestBackoff(t *testing.T) {
	require.Equal(t, firstBackoff, backoff(0))
	require.Equal(t, firstBackoff, backoff(1))
	require.Equal(t, 4*firstBackoff, backoff(3))
	require.Equal(t, maxBackoff, backoff(100))
}
