package apikey_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
	"github.com/stretchr/testify/require"
)

// TestAuthorizeIsTheMembersPermissionsNowWithinTheKeysScope is the matrix
// of Authorize: ann, a contributor in Marketing with API access by grant,
// holds keys with and without a narrowed scope; each need is allowed,
// refused as her session would be (ErrForbidden), or refused by the key's
// scope (ErrOutOfScope), and each refusal is audited.
func TestAuthorizeIsTheMembersPermissionsNowWithinTheKeysScope(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	other, err := w.m.CreateWorkspace(ctx, "owner", w.org.ID, "Sales")
	require.NoError(t, err)
	_, err = w.m.SetWorkspaceAccess(ctx, "owner", w.org.ID, other.ID, "ann", roles.WorkspaceViewer)
	require.NoError(t, err)
	keys := map[string]apikey.Scope{
		"full":     {},
		"upload":   {Perms: roles.Grants(roles.PermUploadVideo)},
		"ws":       {Workspace: w.ws.ID},
		"ws+view":  {Workspace: w.ws.ID, Perms: roles.Grants(roles.PermView)},
		"members":  {Perms: roles.Grants(roles.PermViewMembers)},
		"sales-ws": {Workspace: other.ID},
	}
	ps := map[string]apikey.Principal{}
	for name, sc := range keys {
		p, err := w.ks.Authenticate(ctx, w.key(t, "ann", sc).Secret)
		require.NoError(t, err)
		ps[name] = p
	}
	grants := roles.Grants
	forbidden, scope := apikey.ErrForbidden, apikey.ErrOutOfScope
	cases := []struct {
		key   string
		ws    uuid.UUID
		anyOf roles.PermSet
		want  error
	}{
		{"full", uuid.Nil, 0, nil},
		{"full", uuid.Nil, grants(roles.PermViewMembers), nil},
		{"full", uuid.Nil, grants(roles.PermManageMembers), forbidden},
		{"full", uuid.Nil, grants(roles.PermManageMembers, roles.PermViewMembers), nil},
		{"full", w.ws.ID, 0, nil},
		{"full", w.ws.ID, grants(roles.PermUploadVideo), nil},
		{"full", w.ws.ID, grants(roles.PermManagePeople), forbidden},
		{"full", other.ID, grants(roles.PermUploadVideo), forbidden},
		{"full", other.ID, grants(roles.PermView), nil},
		{"upload", w.ws.ID, grants(roles.PermUploadVideo), nil},
		{"upload", w.ws.ID, grants(roles.PermEdit), scope},
		{"upload", w.ws.ID, 0, nil},
		{"upload", uuid.Nil, grants(roles.PermViewMembers), scope},
		{"upload", other.ID, grants(roles.PermUploadVideo), forbidden}, // she may not upload there at all
		{"ws", w.ws.ID, grants(roles.PermEdit), nil},
		{"ws", other.ID, grants(roles.PermView), scope},
		{"ws", other.ID, 0, scope},
		{"ws", uuid.Nil, 0, nil},
		{"ws", uuid.Nil, grants(roles.PermViewMembers), scope},
		{"ws+view", w.ws.ID, grants(roles.PermView), nil},
		{"ws+view", w.ws.ID, grants(roles.PermUploadVideo), scope},
		{"members", uuid.Nil, grants(roles.PermViewMembers), nil},
		{"members", w.ws.ID, grants(roles.PermView), scope},
		{"sales-ws", other.ID, grants(roles.PermView), nil},
		{"sales-ws", w.ws.ID, grants(roles.PermView), scope},
	}
	for _, c := range cases {
		before := len(usedEvents(t, w))
		err := w.ks.Authorize(ctx, ps[c.key], c.ws, c.anyOf)
		if c.want == nil {
			require.NoError(t, err, "%s in %s", c.key, c.ws)
			require.Len(t, usedEvents(t, w), before, "an allowed use is not audited")
			continue
		}
		require.ErrorIs(t, err, c.want, "%s in %s", c.key, c.ws)
		require.ErrorIs(t, err, apikey.ErrForbidden)
		if c.want == forbidden {
			require.False(t, errors.Is(err, scope), "%s in %s: the member may not, whatever the scope", c.key, c.ws)
		}
		ev := usedEvents(t, w)
		require.Len(t, ev, before+1)
		last := ev[len(ev)-1]
		require.True(t, last.Denied)
		require.Equal(t, membership.CodeOf(err), last.Reason)
		require.Equal(t, ps[c.key].KeyID.String(), last.Target)
		require.Equal(t, "ann", last.Actor)
	}
}

func TestAuthorizeFollowsTheMemberAtOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p, err := w.ks.Authenticate(ctx, w.key(t, "ann", apikey.Scope{}).Secret)
	require.NoError(t, err)
	require.NoError(t, w.ks.Authorize(ctx, p, w.ws.ID, roles.Grants(roles.PermUploadVideo)))

	// Demoted to viewer in Marketing: no more upload, still view.
	_, err = w.m.SetWorkspaceAccess(ctx, "owner", w.org.ID, w.ws.ID, "ann", roles.WorkspaceViewer)
	require.NoError(t, err)
	err = w.ks.Authorize(ctx, p, w.ws.ID, roles.Grants(roles.PermUploadVideo))
	require.ErrorIs(t, err, apikey.ErrForbidden)
	require.Equal(t, membership.CodeForbidden, membership.CodeOf(err))
	require.Contains(t, err.Error(), "lacks upload")
	require.NoError(t, w.ks.Authorize(ctx, p, w.ws.ID, roles.Grants(roles.PermView)))

	// The API access grant withdrawn: nothing at all.
	_, err = w.m.SetGrants(ctx, "owner", w.org.ID, "ann", 0)
	require.NoError(t, err)
	require.ErrorIs(t, w.ks.Authorize(ctx, p, uuid.Nil, 0), apikey.ErrForbidden)
	require.ErrorIs(t, w.ks.Authorize(ctx, p, w.ws.ID, roles.Grants(roles.PermView)), apikey.ErrForbidden)
}

func TestAuthorizeRefusesNeedsNoCheckCouldAnswer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p, err := w.ks.Authenticate(ctx, w.key(t, "ann", apikey.Scope{}).Secret)
	require.NoError(t, err)
	require.ErrorIs(t, w.ks.Authorize(ctx, p, uuid.Nil, roles.Grants(roles.PermUploadVideo)), apikey.ErrInvalidRole)
	require.ErrorIs(t, w.ks.Authorize(ctx, p, w.ws.ID, roles.Grants(roles.FirstCustom)), apikey.ErrInvalidRole)
	require.ErrorIs(t, w.ks.Authorize(ctx, apikey.Principal{OrgID: w.org.ID, UserID: "ann"}, uuid.Nil, 0), apikey.ErrForbidden)
	var zero *apikey.Service
	require.ErrorIs(t, zero.Authorize(ctx, p, uuid.Nil, 0), apikey.ErrInvalidOptions)
	require.Empty(t, usedEvents(t, w), "no refusal of these is audited")
	require.Equal(t, 403, membership.HTTPStatus(membership.CodeOf(apikey.ErrOutOfScope)))
}

// usedEvents are the audited refused uses of keys in w's organization.
func usedEvents(t *testing.T, w *world) []membership.AuditEvent {
	t.Helper()
	ev, _, err := w.m.Audit(context.Background(), "owner", w.org.ID, membership.AuditFilter{Action: apikey.ActionUsed}, storage.Page{Limit: 500})
	require.NoError(t, err)
	return ev
}
