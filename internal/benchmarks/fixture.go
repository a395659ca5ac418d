// Package benchmarks holds the library's one benchmark workload: its
// fixture, its request sequences and its benchmarks (Workload), which run
// on every store. This package's tests run them on memstore, beside the
// map floor of a check; sqlstore's run them on SQLite, PostgreSQL and
// MySQL. internal/benchtable reads their names.
package benchmarks

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Workspaces per organization, and workspaces each member holds.
const (
	Workspaces   = 20
	PerMember    = 3
	OtherMembers = 1000
	batch        = 1000
)

// Fixture is one organization "acme" of N members plus an organization
// "other" of 1 000 members that checks must not see.
type Fixture struct {
	Org, Other  membership.Organization
	Spaces      []uuid.UUID // acme's workspaces
	OtherSpaces []uuid.UUID // other's workspaces
	N           int
}

// UserID is the host ID of member i: "user-000123".
func UserID(i int) string { return fmt.Sprintf("user-%06d", i) }

// OrgRole is the org role of member i: 2 owners, 10 admins, 10 % guests, the
// rest members.
func OrgRole(i int) roles.Role {
	switch {
	case i < 2:
		return roles.OrgOwner
	case i < 12:
		return roles.OrgAdmin
	case i%10 == 0:
		return roles.OrgGuest
	}
	return roles.OrgMember
}

// WorkspaceRole is member i's role in its k-th workspace: viewer 50 %,
// contributor 30 %, contributor_plus 10 %, admin 10 %.
func WorkspaceRole(i, k int) roles.Role {
	switch (i + k) % 10 {
	case 0, 1, 2, 3, 4:
		return roles.WorkspaceViewer
	case 5, 6, 7:
		return roles.WorkspaceContributor
	case 8:
		return roles.WorkspaceContributorPlus
	}
	return roles.WorkspaceAdmin
}

// Space is the k-th workspace of member i (round robin).
func (f *Fixture) Space(i, k int) uuid.UUID { return f.Spaces[(i+k*7)%Workspaces] }

// Loader writes one batch of the fixture's members and their access rows
// into st, in one transaction. A store with a faster path than one
// InsertMember and SetAccess per row (multi-row INSERTs on a SQL server)
// gives its own; nil is the store's own methods.
type Loader func(ctx context.Context, st membership.Store, ms []membership.Member, as []membership.WorkspaceAccess) error

// Build writes the fixture into st, in batches of one transaction per
// 1 000 members, through load (the store's own methods when nil).
func Build(ctx context.Context, st membership.Store, n int, load Loader) (*Fixture, error) {
	if load == nil {
		load = insertEach
	}
	f := &Fixture{N: n}
	var err error
	if f.Org, f.Spaces, err = buildOrg(ctx, st, "acme", n, load); err != nil {
		return nil, err
	}
	if f.Other, f.OtherSpaces, err = buildOrg(ctx, st, "other", OtherMembers, load); err != nil {
		return nil, err
	}
	return f, nil
}

// insertEach is the Loader of a store's own methods.
func insertEach(ctx context.Context, st membership.Store, ms []membership.Member, as []membership.WorkspaceAccess) error {
	return st.Transact(ctx, func(ctx context.Context) error {
		for _, m := range ms {
			if err := st.InsertMember(ctx, m); err != nil {
				return err
			}
		}
		for _, a := range as {
			if err := st.SetAccess(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

func buildOrg(ctx context.Context, st membership.Store, slug string, n int, load Loader) (membership.Organization, []uuid.UUID, error) {
	now := time.Now().UTC()
	org := membership.Organization{ID: uuid.Must(uuid.NewV7()), Name: slug, Slug: slug + "-" + uuid.NewString()[:8],
		Settings: membership.Settings{GuestPolicy: membership.GuestsAllowed}, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateOrganization(ctx, org); err != nil {
		return org, nil, err
	}
	spaces := make([]uuid.UUID, Workspaces)
	for k := range spaces {
		spaces[k] = uuid.Must(uuid.NewV7())
		ws := membership.Workspace{ID: spaces[k], OrgID: org.ID, Name: fmt.Sprintf("workspace %02d", k), CreatedAt: now}
		if err := st.CreateWorkspace(ctx, ws); err != nil {
			return org, nil, err
		}
	}
	f := &Fixture{Spaces: spaces}
	for lo := 0; lo < n; lo += batch {
		var ms []membership.Member
		var as []membership.WorkspaceAccess
		for i := lo; i < min(lo+batch, n); i++ {
			m := membership.Member{OrgID: org.ID, UserID: UserID(i), Email: UserID(i) + "@acme.com",
				Role: OrgRole(i), Kind: membership.KindCoworker, JoinedAt: now, UpdatedAt: now}
			if m.Role == roles.OrgGuest {
				m.Kind = membership.KindGuest
			}
			ms = append(ms, m)
			for k := range PerMember {
				as = append(as, membership.WorkspaceAccess{OrgID: org.ID, WorkspaceID: f.Space(i, k), UserID: m.UserID,
					Role: WorkspaceRole(i, k), GrantedAt: now})
			}
		}
		if err := load(ctx, st, ms, as); err != nil {
			return org, nil, err
		}
	}
	return org, spaces, nil
}
