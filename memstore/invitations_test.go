package memstore_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func invitation(t testing.TB, org uuid.UUID, email, token string) invite.Invitation {
	now := time.Now().UTC()
	return invite.Invitation{ID: newID(t), OrgID: org, Email: email, EmailKey: email, Role: roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{}, Status: invite.StatusPending, TokenHash: hash(token),
		ExpiresAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}
}

func link(t testing.TB, org uuid.UUID, token string, maxUses int) invite.Link {
	return invite.Link{ID: newID(t), OrgID: org, Role: roles.OrgMember, TokenHash: hash(token),
		MaxUses: maxUses, AllowedDomains: []string{"acme.com"}, CreatedAt: time.Now().UTC()}
}

func TestInvitationsRollBackWithTheirTransaction(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	err := st.Transact(bg, func(ctx context.Context) error {
		require.NoError(t, st.InsertInvitation(ctx, invitation(t, org.ID, "ann@acme.com", "tok-1")))
		require.NoError(t, st.InsertLink(ctx, link(t, org.ID, "link-1", 0)))
		require.NoError(t, st.InsertSend(ctx, invite.Send{ID: newID(t), OrgID: org.ID, InvitedBy: "owner", Count: 1, At: time.Now()}))
		_, err := st.InvitationByTokenHash(ctx, hash("tok-1"))
		require.NoError(t, err, "the transaction sees its invitation")
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	_, err = st.InvitationByTokenHash(bg, hash("tok-1"))
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = st.PendingInvitation(bg, org.ID, "ann@acme.com")
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = st.LinkByTokenHash(bg, hash("link-1"))
	require.ErrorIs(t, err, storage.ErrNotFound)
	n, err := st.CountSends(bg, org.ID, "", time.Time{})
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = st.CountInvitations(bg, org.ID, invite.InvitationFilter{})
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestOnePendingInvitationPerEmail(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	other := newOrg(t, st)
	first := invitation(t, org.ID, "ann@acme.com", "tok-1")
	require.NoError(t, st.InsertInvitation(bg, first))
	require.ErrorIs(t, st.InsertInvitation(bg, invitation(t, org.ID, "ann@acme.com", "tok-2")), storage.ErrConflict)
	require.ErrorIs(t, st.InsertInvitation(bg, invitation(t, org.ID, "bob@acme.com", "tok-1")), storage.ErrConflict, "token hash taken")
	require.ErrorIs(t, st.InsertInvitation(bg, invitation(t, other.ID, "bob@acme.com", "tok-1")), storage.ErrConflict, "token hashes are unique across organizations")
	require.NoError(t, st.InsertInvitation(bg, invitation(t, other.ID, "ann@acme.com", "tok-3")), "another organization may invite ann")

	// Accepting frees the email for a new pending invitation, and the old
	// one cannot be made pending again while the new one is.
	first.Status, first.AcceptedBy = invite.StatusAccepted, "ann"
	require.NoError(t, st.UpdateInvitation(bg, first))
	second := invitation(t, org.ID, "ann@acme.com", "tok-4")
	require.NoError(t, st.InsertInvitation(bg, second))
	got, err := st.PendingInvitation(bg, org.ID, "ann@acme.com")
	require.NoError(t, err)
	require.Equal(t, second.ID, got.ID)
	first.Status = invite.StatusPending
	require.ErrorIs(t, st.UpdateInvitation(bg, first), storage.ErrConflict)

	// Resending rotates the token: the old hash stops finding it.
	second.TokenHash = hash("tok-5")
	second.Email = "changed@acme.com" // ignored: the email is fixed
	require.NoError(t, st.UpdateInvitation(bg, second))
	_, err = st.InvitationByTokenHash(bg, hash("tok-4"))
	require.ErrorIs(t, err, storage.ErrNotFound)
	got, err = st.InvitationByTokenHash(bg, hash("tok-5"))
	require.NoError(t, err)
	require.Equal(t, "ann@acme.com", got.Email)
	second.TokenHash = hash("tok-3")
	require.ErrorIs(t, st.UpdateInvitation(bg, second), storage.ErrConflict, "another invitation's token")

	// Another organization's ID is not found.
	_, err = st.Invitation(bg, other.ID, second.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	moved := second
	moved.OrgID = other.ID
	require.ErrorIs(t, st.UpdateInvitation(bg, moved), storage.ErrNotFound)

	now := time.Now()
	for f, want := range map[string]struct {
		f invite.InvitationFilter
		n int
	}{
		"All":      {invite.InvitationFilter{}, 2},
		"Pending":  {invite.InvitationFilter{Statuses: []invite.Status{invite.StatusPending}, Now: now}, 1},
		"Expired":  {invite.InvitationFilter{Statuses: []invite.Status{invite.StatusExpired}, Now: now.Add(2 * time.Hour)}, 1},
		"Accepted": {invite.InvitationFilter{Statuses: []invite.Status{invite.StatusAccepted}, Now: now}, 1},
		"Email":    {invite.InvitationFilter{EmailKey: "ann@acme.com"}, 2},
	} {
		list, _, err := st.Invitations(bg, org.ID, want.f, storage.Page{})
		require.NoError(t, err)
		require.Len(t, list, want.n, f)
		n, err := st.CountInvitations(bg, org.ID, want.f)
		require.NoError(t, err)
		require.Equal(t, want.n, n, f)
	}
}

func TestUseLinkStopsAtMaxUsesAndRevocation(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	l := link(t, org.ID, "link-1", 2)
	require.NoError(t, st.InsertLink(bg, l))
	require.ErrorIs(t, st.InsertLink(bg, link(t, org.ID, "link-1", 0)), storage.ErrConflict)
	require.NoError(t, st.UseLink(bg, org.ID, l.ID))
	require.NoError(t, st.UseLink(bg, org.ID, l.ID))
	require.ErrorIs(t, st.UseLink(bg, org.ID, l.ID), storage.ErrConflict)
	got, err := st.Link(bg, org.ID, l.ID)
	require.NoError(t, err)
	require.Equal(t, 2, got.Uses)

	got.MaxUses, got.Uses = 0, 0 // Uses is not the caller's to set
	got.Revoked = true
	require.NoError(t, st.UpdateLink(bg, got))
	got, err = st.Link(bg, org.ID, l.ID)
	require.NoError(t, err)
	require.Equal(t, 2, got.Uses)
	require.ErrorIs(t, st.UseLink(bg, org.ID, l.ID), storage.ErrConflict)
	require.ErrorIs(t, st.UseLink(bg, newOrg(t, st).ID, l.ID), storage.ErrNotFound)
}

func TestSendsCountWithinWindow(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, s := range []struct {
		by string
		n  int
		at time.Duration
	}{{"a", 1, 0}, {"b", 2, time.Hour}, {"a", 3, 2 * time.Hour}} {
		snd := invite.Send{ID: newID(t), OrgID: org.ID, InvitedBy: s.by, Count: s.n, At: t0.Add(s.at)}
		require.NoError(t, st.InsertSend(bg, snd), i)
		require.ErrorIs(t, st.InsertSend(bg, snd), storage.ErrConflict)
	}
	count := func(by string, since time.Time) int {
		n, err := st.CountSends(bg, org.ID, by, since)
		require.NoError(t, err)
		return n
	}
	require.Equal(t, 6, count("", t0))
	require.Equal(t, 5, count("", t0.Add(time.Hour)), "At equal to since counts")
	require.Equal(t, 3, count("a", t0.Add(time.Minute)))
	require.NoError(t, st.DeleteSends(bg, org.ID, t0.Add(time.Hour)))
	require.Equal(t, 5, count("", t0))
	require.Equal(t, 0, count("a", t0.Add(3*time.Hour)))
}

func TestDeleteOrganizationRemovesInvitationsAndLinks(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	inv := invitation(t, org.ID, "ann@acme.com", "tok-1")
	require.NoError(t, st.InsertInvitation(bg, inv))
	require.NoError(t, st.InsertLink(bg, link(t, org.ID, "link-1", 0)))
	require.NoError(t, st.DeleteOrganization(bg, org.ID))
	_, err := st.InvitationByTokenHash(bg, hash("tok-1"))
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = st.LinkByTokenHash(bg, hash("link-1"))
	require.ErrorIs(t, err, storage.ErrNotFound)

	// The token hashes are free again.
	again := newOrg(t, st)
	require.NoError(t, st.InsertInvitation(bg, invitation(t, again.ID, "ann@acme.com", "tok-1")))
	require.NoError(t, st.InsertLink(bg, link(t, again.ID, "link-1", 0)))
}

func TestInvitationValuesShareNoMemory(t *testing.T) {
	st := memstore.New()
	org := newOrg(t, st)
	ws := newWorkspace(t, st, org.ID, "Marketing")
	inv := invitation(t, org.ID, "ann@acme.com", "tok-1")
	inv.Workspaces[ws.ID] = roles.WorkspaceViewer
	require.NoError(t, st.InsertInvitation(bg, inv))
	inv.Workspaces[ws.ID] = roles.WorkspaceAdmin
	inv.TokenHash[0]++
	got, err := st.Invitation(bg, org.ID, inv.ID)
	require.NoError(t, err)
	require.Equal(t, roles.WorkspaceViewer, got.Workspaces[ws.ID])
	require.Equal(t, hash("tok-1"), got.TokenHash)
	got.TokenHash[0]++
	_, err = st.InvitationByTokenHash(bg, hash("tok-1"))
	require.NoError(t, err)
}
