package invite_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

// readCounter is memstore counting the reads of member and workspace rows
// (by user ID and by workspace ID).
type readCounter struct {
	*memstore.Store
	members, workspaces map[string]int
	checks              int
}

func (c *readCounter) Member(ctx context.Context, org uuid.UUID, userID string) (membership.Member, error) {
	c.members[userID]++
	return c.Store.Member(ctx, org, userID)
}

func (c *readCounter) Workspace(ctx context.Context, org, id uuid.UUID) (membership.Workspace, error) {
	c.workspaces[id.String()]++
	return c.Store.Workspace(ctx, org, id)
}

func (c *readCounter) CheckAccess(ctx context.Context, org uuid.UUID, userID string, ws uuid.UUID) (membership.Access, error) {
	c.checks++
	return c.Store.CheckAccess(ctx, org, userID, ws)
}

func TestAcceptReadsEachRowOnce(t *testing.T) {
	ctx := context.Background()
	st := &readCounter{Store: memstore.New(), members: map[string]int{}, workspaces: map[string]int{}}
	m, err := membership.New(st, membership.Options{})
	require.NoError(t, err)
	iv, err := invite.New(m, invite.Options{})
	require.NoError(t, err)
	org, err := m.CreateOrganization(ctx, "owner", membership.NewOrganization{Name: "Acme", Slug: "acme", OwnerEmail: "owner@acme.com"})
	require.NoError(t, err)
	w1, err := m.CreateWorkspace(ctx, "owner", org.ID, "One")
	require.NoError(t, err)
	w2, err := m.CreateWorkspace(ctx, "owner", org.ID, "Two")
	require.NoError(t, err)
	res, err := iv.Invite(ctx, "owner", org.ID, invite.Request{Emails: "ann@acme.com", Role: roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{w1.ID: roles.WorkspaceViewer, w2.ID: roles.WorkspaceContributor}})
	require.NoError(t, err)

	clear(st.members)
	clear(st.workspaces)
	st.checks = 0
	_, err = iv.Accept(ctx, res.Addresses[0].Token, invite.Invitee{UserID: "ann", Email: "ann@acme.com", EmailVerified: true})
	require.NoError(t, err)
	// The acceptor's row once (under the lock), the inviter's once (its
	// authority now), each workspace once (still there?) and the
	// inviter's standing in each once (the ceiling).
	require.Equal(t, map[string]int{"ann": 1, "owner": 1}, st.members)
	require.Equal(t, map[string]int{w1.ID.String(): 1, w2.ID.String(): 1}, st.workspaces)
	require.Equal(t, 2, st.checks)
}
