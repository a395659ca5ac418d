package rosterhttp_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/rosterhttp"
)

func TestMyInvitationsAcrossOrganizations(t *testing.T) {
	f := newFixture(t)
	res, err := f.iv.Invite(context.Background(), "oz", f.other.ID, invite.Request{Emails: "carl@acme.com", Role: roles.OrgMember})
	require.NoError(t, err)
	fromOther := res.Addresses[0].Invitation.ID

	mine := func(user string) map[string]rosterhttp.UserInvitationJSON {
		t.Helper()
		w := f.call(t, user, "GET", "/roster/api/invitations/mine", "")
		require.Equal(t, 200, w.Code, w.Body.String())
		out := map[string]rosterhttp.UserInvitationJSON{}
		for _, ui := range decode[rosterhttp.List[rosterhttp.UserInvitationJSON]](t, w).Items {
			out[ui.OrgName] = ui
		}
		return out
	}
	got := mine("carl")
	require.Len(t, got, 2)
	require.Equal(t, f.inv, got["Acme"].ID)
	require.Equal(t, "Ann Owner", got["Acme"].InviterName)
	require.Equal(t, fromOther, got["Other"].ID)
	require.Equal(t, "other", got["Other"].OrgSlug)
	require.Empty(t, mine("eve"))

	// Someone else cannot answer Carl's invitation by its ID.
	w := f.call(t, "eve", "POST", "/roster/api/invitations/mine/"+f.other.ID.String()+"/"+fromOther.String()+"/accept", "")
	require.Equal(t, "email_mismatch", problemOf(t, w).Code)
	// An ID under another organization is not found.
	w = f.call(t, "carl", "POST", "/roster/api/invitations/mine/"+f.acme.ID.String()+"/"+fromOther.String()+"/accept", "")
	require.Equal(t, 404, w.Code, w.Body.String())

	w = f.call(t, "carl", "POST", "/roster/api/invitations/mine/"+f.other.ID.String()+"/"+fromOther.String()+"/accept", "")
	require.Equal(t, 200, w.Code, w.Body.String())
	ok, err := f.ms.CanOrg(context.Background(), f.other.ID, "carl", roles.PermViewMembers)
	require.NoError(t, err)
	require.True(t, ok, "accepting made carl a member of Other")
	w = f.call(t, "carl", "POST", "/roster/api/invitations/mine/"+f.acme.ID.String()+"/"+f.inv.String()+"/decline", "")
	require.Equal(t, 204, w.Code, w.Body.String())
	require.Empty(t, mine("carl"))
	require.Equal(t, invite.StatusRejected, f.status(t, "ann"))
}
