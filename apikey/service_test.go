package apikey_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/stretchr/testify/require"
)

// countingStore counts the look-ups of keys by digest.
type countingStore struct {
	*memstore.Store
	byHash atomic.Int64
}

func (s *countingStore) APIKeyByHash(ctx context.Context, h apikey.Hash) (apikey.Key, error) {
	s.byHash.Add(1)
	return s.Store.APIKeyByHash(ctx, h)
}

// world is an organization with a workspace and a contributor, on one
// store, with the Services over it.
type world struct {
	st  *countingStore
	m   *membership.Service
	ks  *apikey.Service
	org membership.Organization
	ws  membership.Workspace
	now time.Time
}

var start = time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)

// newWorld is the one place the tests build their Services.
func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{st: &countingStore{Store: memstore.New()}, now: start}
	m, err := membership.New(w.st, membership.Options{Clock: membership.ClockFunc(func() time.Time { return w.now })})
	require.NoError(t, err)
	w.m = m
	ks, err := apikey.New(w.m, apikey.Options{})
	require.NoError(t, err)
	w.ks = ks
	w.org, err = w.m.CreateOrganization(ctx, "owner", membership.NewOrganization{Name: "Acme", Slug: "acme",
		OwnerEmail: "owner@acme.test"})
	require.NoError(t, err)
	w.ws, err = w.m.CreateWorkspace(ctx, "owner", w.org.ID, "Marketing")
	require.NoError(t, err)
	_, err = w.m.AddMember(ctx, "owner", w.org.ID, membership.NewMember{UserID: "ann", Email: "ann@acme.test",
		Role: roles.OrgMember, Grants: roles.Grants(roles.PermAPIAccess),
		Workspaces: map[uuid.UUID]roles.Role{w.ws.ID: roles.WorkspaceContributor}})
	require.NoError(t, err)
	return w
}

func (w *world) key(t testing.TB, user string, sc apikey.Scope) apikey.Created {
	t.Helper()
	c, err := w.ks.Create(context.Background(), user, w.org.ID, apikey.NewKey{Name: "k", Scope: sc})
	require.NoError(t, err)
	return c
}

func TestAMalformedKeyReadsNothing(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.key(t, "ann", apikey.Scope{})
	for _, bad := range []string{"", "x", c.Secret[:len(c.Secret)-1] + "!", "rsti_" + c.Secret[5:], c.Secret + " "} {
		_, err := w.ks.Authenticate(ctx, bad)
		require.ErrorIs(t, err, apikey.ErrInvalidKey)
		_, err = w.ks.AuthenticateHeader(ctx, "Bearer "+bad)
		require.ErrorIs(t, err, apikey.ErrInvalidKey)
	}
	_, err := w.ks.AuthenticateHeader(ctx, c.Secret) // no scheme
	require.ErrorIs(t, err, apikey.ErrInvalidKey)
	require.Zero(t, w.st.byHash.Load())

	p, err := w.ks.AuthenticateHeader(ctx, "Bearer "+c.Secret)
	require.NoError(t, err)
	require.Equal(t, "ann", p.UserID)
	require.EqualValues(t, 1, w.st.byHash.Load()) // one look-up
}

func TestAValidKeyAllocatesNothing(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.key(t, "ann", apikey.Scope{})
	p, err := w.ks.Authenticate(ctx, c.Secret) // records the first use
	require.NoError(t, err)
	require.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = w.ks.Authenticate(ctx, c.Secret) }))
	require.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = w.ks.Can(ctx, p, w.ws.ID, roles.PermUploadVideo) }))
	ok, err := w.ks.Can(ctx, p, w.ws.ID, roles.PermUploadVideo)
	require.NoError(t, err)
	require.True(t, ok)
}

func TestUnusableServicesAndInputFailWithoutPanic(t *testing.T) {
	w := newWorld(t)
	// A membership store that keeps no API keys.
	noKeys, err := membership.New(struct{ membership.Store }{w.st}, membership.Options{})
	require.NoError(t, err)
	_, err = apikey.New(noKeys, apikey.Options{})
	require.ErrorIs(t, err, apikey.ErrInvalidOptions)
	_, err = apikey.New(nil, apikey.Options{})
	require.ErrorIs(t, err, apikey.ErrInvalidOptions)

	var zero *apikey.Service
	ctx := context.Background()
	_, err = zero.Authenticate(ctx, "x")
	require.ErrorIs(t, err, apikey.ErrInvalidOptions)
	_, err = zero.Can(ctx, apikey.Principal{}, w.ws.ID, roles.PermView)
	require.ErrorIs(t, err, apikey.ErrInvalidOptions)
	_, err = zero.Create(ctx, "owner", w.org.ID, apikey.NewKey{Name: "k"})
	require.ErrorIs(t, err, apikey.ErrInvalidOptions)
	require.ErrorIs(t, zero.Revoke(ctx, "owner", w.org.ID, uuid.New()), apikey.ErrInvalidOptions)

	var noCtx context.Context
	_, err = w.ks.Authenticate(noCtx, "x")
	require.ErrorIs(t, err, apikey.ErrInvalidInput)
	_, err = w.ks.Create(ctx, "", w.org.ID, apikey.NewKey{Name: "k"})
	require.ErrorIs(t, err, apikey.ErrInvalidInput)
	_, err = w.ks.Create(ctx, "owner", uuid.Nil, apikey.NewKey{Name: "k"})
	require.ErrorIs(t, err, apikey.ErrInvalidInput)
	_, err = w.ks.Create(ctx, "owner", uuid.New(), apikey.NewKey{Name: "k"})
	require.ErrorIs(t, err, apikey.ErrNotFound)
}

func TestRefusalsHaveStableCodesAndAnswer401(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.key(t, "ann", apikey.Scope{})
	require.NoError(t, w.ks.Revoke(ctx, "ann", w.org.ID, c.Key.ID))
	_, err := w.ks.Authenticate(ctx, c.Secret)
	require.ErrorIs(t, err, apikey.ErrRevoked)
	require.ErrorIs(t, err, apikey.ErrInvalidKey)
	require.NotContains(t, err.Error(), c.Secret)
	for err, code := range map[error]string{
		apikey.ErrInvalidKey: membership.CodeInvalidAPIKey,
		apikey.ErrRevoked:    membership.CodeAPIKeyRevoked,
		apikey.ErrExpired:    membership.CodeAPIKeyExpired,
	} {
		wrapped := errors.Join(errors.New("context"), err)
		require.Equal(t, code, membership.CodeOf(wrapped))
		require.Equal(t, 401, membership.HTTPStatus(code))
	}
	require.False(t, errors.Is(apikey.ErrExpired, apikey.ErrRevoked))
}
