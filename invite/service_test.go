package invite_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/storage"
)

func newServices(t *testing.T, opts invite.Options) (context.Context, *membership.Service, *invite.Service, membership.Organization) {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	require.NoError(t, err)
	org, err := m.CreateOrganization(ctx, "owner", membership.NewOrganization{Name: "Acme", Slug: "acme", OwnerEmail: "owner@acme.com"})
	require.NoError(t, err)
	iv, err := invite.New(m, opts)
	require.NoError(t, err)
	return ctx, m, iv, org
}

func TestNewRefusesUnusableOptions(t *testing.T) {
	st := memstore.New()
	m, err := membership.New(st, membership.Options{})
	require.NoError(t, err)
	for name, opts := range map[string]invite.Options{
		"short key":           {Key: []byte("short")},
		"bad key ID":          {Keys: []invite.Key{{ID: "a b", Secret: bytes.Repeat([]byte{1}, 32)}}},
		"negative TTL":        {TTL: -1},
		"TTL beyond MaxTTL":   {TTL: invite.MaxTTL + time.Hour},
		"link TTL beyond":     {LinkTTL: invite.MaxTTL + 1},
		"huge batch limit":    {BatchLimit: invite.MaxBatchLimit + 1},
		"negative batch":      {BatchLimit: -1},
		"relative base URL":   {BaseURL: "/invite/"},
		"http base URL":       {BaseURL: "http://app.example.com/invite/"},
		"base URL with user":  {BaseURL: "https://user:pw@app.example.com/invite/"},
		"base URL not a URL":  {BaseURL: "https://%zz/"},
		"javascript base URL": {BaseURL: "javascript:alert(1)"},
	} {
		t.Run(name, func(t *testing.T) {
			iv, err := invite.New(m, opts)
			require.ErrorIs(t, err, invite.ErrInvalidOptions)
			require.Equal(t, "invalid_options", membership.CodeOf(err))
			require.NotContains(t, err.Error(), "short") // no key material
			require.Nil(t, iv)
			// A host that ignores the error gets a Service that refuses
			// every call instead of a panic.
			ctx := context.Background()
			_, err = iv.Invite(ctx, "owner", uuid.New(), invite.Request{Emails: "ann@acme.com"})
			require.ErrorIs(t, err, invite.ErrInvalidOptions)
			_, err = iv.Accept(ctx, "rsti_x", invite.Invitee{})
			require.ErrorIs(t, err, invite.ErrInvalidOptions)
			_, err = iv.DeliverMail(ctx)
			require.ErrorIs(t, err, invite.ErrInvalidOptions)
		})
	}
	// A membership Service over a store that keeps no invitations.
	bare, err := membership.New(struct{ membership.Store }{st}, membership.Options{})
	require.NoError(t, err)
	for name, m := range map[string]*membership.Service{
		"no membership service":             nil,
		"a membership service not from New": {},
		"a store that keeps no invitations": bare,
	} {
		t.Run(name, func(t *testing.T) {
			iv, err := invite.New(m, invite.Options{})
			require.ErrorIs(t, err, invite.ErrInvalidOptions)
			require.Nil(t, iv)
		})
	}
	t.Run("localhost over http is accepted", func(t *testing.T) {
		_, err := invite.New(m, invite.Options{BaseURL: "http://localhost:8080/invite/"})
		require.NoError(t, err)
	})
}

func TestURLsComeFromTheBaseURL(t *testing.T) {
	for base, want := range map[string]string{
		"https://app.example.com/invite/":          "https://app.example.com/invite/TOKEN",
		"https://app.example.com/invite":           "https://app.example.com/invite/TOKEN",
		"https://app.example.com/accept?token=":    "https://app.example.com/accept?token=TOKEN",
		"https://app.example.com/i/{token}/accept": "https://app.example.com/i/TOKEN/accept",
		"https://app.example.com/#/invite/":        "https://app.example.com/#/invite/TOKEN",
		"http://localhost:8080/invite/":            "http://localhost:8080/invite/TOKEN",
		"":                                         "TOKEN",
	} {
		_, _, iv, _ := newServices(t, invite.Options{BaseURL: base})
		require.Equal(t, want, iv.URL("TOKEN"), base)
	}
}

func TestAcceptURLIsNeverBuiltFromTheRequest(t *testing.T) {
	ctx, _, iv, org := newServices(t, invite.Options{BaseURL: "https://app.example.com/invite/"})
	res, err := iv.Invite(ctx, "owner", org.ID, invite.Request{Emails: "ann@acme.com"})
	require.NoError(t, err)
	require.Equal(t, "https://app.example.com/invite/"+res.Addresses[0].Token, res.Addresses[0].URL)
}

func TestTokensComeFromTheInjectedReader(t *testing.T) {
	ctx, _, iv, org := newServices(t, invite.Options{Rand: bytes.NewReader(make([]byte, 32))})
	res, err := iv.Invite(ctx, "owner", org.ID, invite.Request{Emails: "ann@acme.com"})
	require.NoError(t, err)
	require.Equal(t, invite.PrefixInvitation+"0000000000000000000000000000000000000000000", res.Addresses[0].Token[:invite.TokenLen-6])
	// The reader is exhausted: the next invitation fails cleanly, saving
	// nothing.
	_, err = iv.Invite(ctx, "owner", org.ID, invite.Request{Emails: "bob@acme.com"})
	require.Error(t, err)
	list, _, err := iv.Invitations(ctx, "owner", org.ID, invite.InvitationFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, list, 1)
}

func TestAMailerErrorIsRetriedNotReturned(t *testing.T) {
	calls := 0
	mailer := invite.MailerFunc(func(context.Context, invite.Mail) error {
		calls++
		return errors.New("smtp down")
	})
	ctx, _, iv, org := newServices(t, invite.Options{Mailer: mailer})
	_, err := iv.Invite(ctx, "owner", org.ID, invite.Request{Emails: "ann@acme.com"})
	require.NoError(t, err) // the invitation is committed; the email waits
	require.Equal(t, 1, calls)
	n, err := iv.DeliverMail(ctx)
	require.NoError(t, err)
	require.Zero(t, n) // not due yet: backoff
}

func TestBatchLimitIsTheOptionOrItsDefault(t *testing.T) {
	_, _, iv, _ := newServices(t, invite.Options{})
	require.Equal(t, invite.DefaultBatchLimit, iv.BatchLimit())
	_, _, iv, _ = newServices(t, invite.Options{BatchLimit: 25})
	require.Equal(t, 25, iv.BatchLimit())
	require.Zero(t, (*invite.Service)(nil).BatchLimit())
}
