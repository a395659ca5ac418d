package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// CreateOrganization inserts org. It returns ErrConflict when the ID or the
// slug is taken.
func (s *Store) CreateOrganization(ctx context.Context, org membership.Organization) error {
	return s.write(ctx, func(t *tx) error {
		if t.st.org(org.ID) != nil {
			return fmt.Errorf("memstore: organization %s: %w", org.ID, storage.ErrConflict)
		}
		if t.st.slugs.Has(slugRow{slug: org.Slug}) {
			return fmt.Errorf("memstore: organization slug %q: %w", org.Slug, storage.ErrConflict)
		}
		o := newOrgData(cloneOrg(org))
		put(t, t.st.orgs, orgRow{id: org.ID, o: o})
		put(t, t.st.slugs, slugRow{slug: org.Slug, id: org.ID})
		return nil
	})
}

// Organization returns the organization with id, or ErrNotFound.
func (s *Store) Organization(ctx context.Context, id uuid.UUID) (membership.Organization, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(id)
	if o == nil {
		return membership.Organization{}, orgNotFound(id)
	}
	return cloneOrg(o.org), nil
}

// OrganizationBySlug returns the organization with slug, or ErrNotFound.
func (s *Store) OrganizationBySlug(ctx context.Context, slug string) (membership.Organization, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	r, ok := st.slugs.Get(slugRow{slug: slug})
	if !ok {
		return membership.Organization{}, fmt.Errorf("memstore: organization slug %q: %w", slug, storage.ErrNotFound)
	}
	return cloneOrg(st.org(r.id).org), nil
}

// LockOrganization returns the organization with id, or ErrNotFound. A
// transaction holds the Store's writer lock from its start, so every
// transaction is already serialized against every other: locking adds
// nothing but the existence check.
func (s *Store) LockOrganization(ctx context.Context, id uuid.UUID) (membership.Organization, error) {
	return s.Organization(ctx, id)
}

// UpdateOrganization replaces name, slug, settings and UpdatedAt. It
// returns ErrNotFound when the organization does not exist and ErrConflict
// when the new slug is taken.
func (s *Store) UpdateOrganization(ctx context.Context, org membership.Organization) error {
	return s.write(ctx, func(t *tx) error {
		old := t.st.org(org.ID)
		if old == nil {
			return orgNotFound(org.ID)
		}
		if r, ok := t.st.slugs.Get(slugRow{slug: org.Slug}); ok && r.id != org.ID {
			return fmt.Errorf("memstore: organization slug %q: %w", org.Slug, storage.ErrConflict)
		}
		o := old
		if o.org.Slug != org.Slug {
			del(t, t.st.slugs, slugRow{slug: o.org.Slug})
			put(t, t.st.slugs, slugRow{slug: org.Slug, id: org.ID})
		}
		prev := o.org
		t.undo = append(t.undo, func() { o.org = prev })
		o.org.Name = org.Name
		o.org.Slug = org.Slug
		o.org.Settings = cloneOrg(org).Settings
		o.org.UpdatedAt = org.UpdatedAt
		return nil
	})
}

// DeleteOrganization deletes the organization and everything in it:
// workspaces, members, access, invitations, links and audit events. Outbox
// messages stay, so that the deletion's own event is delivered. It returns
// ErrNotFound when the organization does not exist.
func (s *Store) DeleteOrganization(ctx context.Context, id uuid.UUID) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(id)
		if o == nil {
			return orgNotFound(id)
		}
		o.members.Ascend(func(r memberRow) bool {
			del(t, t.st.userOrgs, userOrgRow{user: r.user, org: id})
			t.touchMember(id, r.user)
			return true
		})
		t.touchWorkspaces(id)
		t.dropInvitations(o)
		t.dropAPIKeys(o)
		del(t, t.st.slugs, slugRow{slug: o.org.Slug})
		del(t, t.st.orgs, orgRow{id: id})
		return nil
	})
}

// UserOrganizations lists the organizations userID is a member of, ordered
// by organization ID.
func (s *Store) UserOrganizations(ctx context.Context, userID string, page storage.Page) ([]membership.Organization, string, error) {
	ms, next, err := s.UserMemberships(ctx, userID, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]membership.Organization, len(ms))
	for i, m := range ms {
		out[i] = m.Organization
	}
	return out, next, nil
}

// cloneOrg returns a copy of org that shares no memory with it.
func cloneOrg(org membership.Organization) membership.Organization {
	org.Settings.Domains = slices.Clone(org.Settings.Domains)
	return org
}

func orgNotFound(id uuid.UUID) error {
	return fmt.Errorf("memstore: organization %s: %w", id, storage.ErrNotFound)
}

// UserMemberships is UserOrganizations with userID's role in each and
// whether it is deactivated there.
func (s *Store) UserMemberships(ctx context.Context, userID string, page storage.Page) ([]membership.UserMembership, string, error) {
	size, from, end, err := idPage("user memberships", page)
	if err != nil || end {
		return nil, "", err
	}
	st, rd := s.view(ctx)
	defer rd.leave()
	rows, more := collect(st.userOrgs, userOrgRow{user: userID, org: from},
		func(r userOrgRow) bool { return r.user == userID }, nil, size)
	out := make([]membership.UserMembership, 0, len(rows))
	for _, r := range rows {
		o := st.org(r.org)
		um := membership.UserMembership{Organization: cloneOrg(o.org)}
		if m := o.member(userID); m != nil {
			um.Role, um.Deactivated = m.Role, m.Deactivated
		}
		out = append(out, um)
	}
	if len(rows) == 0 {
		return out, "", nil
	}
	return out, idCursor(rows[len(rows)-1].org, more), nil
}
