package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// InsertMember inserts m. It returns ErrNotFound when m.OrgID does not exist
// and ErrConflict when the user is already a member.
func (s *Store) InsertMember(ctx context.Context, m membership.Member) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(m.OrgID)
		switch {
		case o == nil:
			return orgNotFound(m.OrgID)
		case o.member(m.UserID) != nil:
			return fmt.Errorf("memstore: member %q: %w", m.UserID, storage.ErrConflict)
		}
		put(t, o.members, memberRow{user: m.UserID, m: &m})
		t.count(o, &m, 1)
		put(t, t.st.userOrgs, userOrgRow{user: m.UserID, org: m.OrgID})
		t.touchMember(m.OrgID, m.UserID)
		return nil
	})
}

// Member returns userID's membership of org, or ErrNotFound.
func (s *Store) Member(ctx context.Context, org uuid.UUID, userID string) (membership.Member, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if o := st.org(org); o != nil {
		if m := o.member(userID); m != nil {
			return *m, nil
		}
	}
	return membership.Member{}, memberNotFound(userID)
}

// UpdateMember replaces every field of the member but OrgID, UserID and
// JoinedAt. It returns ErrNotFound when the user is not a member.
func (s *Store) UpdateMember(ctx context.Context, m membership.Member) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(m.OrgID)
		if o == nil || o.member(m.UserID) == nil {
			return memberNotFound(m.UserID)
		}
		old := o.member(m.UserID)
		m.JoinedAt = old.JoinedAt
		t.count(o, old, -1)
		t.count(o, &m, 1)
		put(t, o.members, memberRow{user: m.UserID, m: &m})
		t.touchMember(m.OrgID, m.UserID)
		return nil
	})
}

// DeleteMember deletes the membership and all its workspace access, in
// O(its workspaces) whatever the size of the organization. It returns
// ErrNotFound when the user is not a member.
func (s *Store) DeleteMember(ctx context.Context, org uuid.UUID, userID string) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil || o.member(userID) == nil {
			return memberNotFound(userID)
		}
		t.count(o, o.member(userID), -1)
		del(t, o.members, memberRow{user: userID})
		rows, _ := collect(o.byUser, accessRow{user: userID}, func(r accessRow) bool { return r.user == userID }, nil, -1)
		for _, r := range rows {
			del(t, o.byWs, r)
			del(t, o.byUser, r)
		}
		del(t, t.st.userOrgs, userOrgRow{user: userID, org: org})
		t.revokeAPIKeysOf(o, userID)
		t.touchMember(org, userID)
		return nil
	})
}

// Members lists the members of org that match f, ordered by user ID. The
// unfiltered list and the list of one workspace cost O(log n + page);
// other filters scan until the page is full.
func (s *Store) Members(ctx context.Context, org uuid.UUID, f membership.MemberFilter, page storage.Page) ([]membership.Member, string, error) {
	size, from, err := stringPage("members", page)
	if err != nil {
		return nil, "", err
	}
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, "", nil
	}
	var (
		out  []membership.Member
		more bool
	)
	if f.Workspace != uuid.Nil {
		var rows []accessRow
		rows, more = collect(o.byWs, accessRow{ws: f.Workspace, user: from},
			func(r accessRow) bool { return r.ws == f.Workspace },
			func(r accessRow) bool { m := o.member(r.user); return m != nil && matches(&f, m) }, size)
		out = make([]membership.Member, len(rows))
		for i, r := range rows {
			out[i] = *o.member(r.user)
		}
	} else {
		var match func(memberRow) bool
		if f != (membership.MemberFilter{}) {
			match = func(r memberRow) bool { return matches(&f, r.m) }
		}
		var rows []memberRow
		rows, more = collect(o.members, memberRow{user: from}, nil, match, size)
		out = make([]membership.Member, len(rows))
		for i, r := range rows {
			out[i] = *r.m
		}
	}
	if len(out) == 0 {
		return out, "", nil
	}
	return out, stringCursor(out[len(out)-1].UserID, more), nil
}

// CountMembers counts the members of org that match f: in O(1) for no
// filter or one of Role, Kind, LicensedOnly or ActiveOnly alone (the counts seat and
// owner checks need), by a scan otherwise. An organization that does not
// exist has none.
func (s *Store) CountMembers(ctx context.Context, org uuid.UUID, f membership.MemberFilter) (int, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return 0, nil
	}
	switch f {
	case membership.MemberFilter{}:
		return o.n.total, nil
	case membership.MemberFilter{Role: f.Role}:
		return o.n.role[f.Role], nil
	case membership.MemberFilter{Kind: f.Kind}:
		return o.n.kind[f.Kind], nil
	case membership.MemberFilter{LicensedOnly: true}:
		return o.n.licensed, nil
	case membership.MemberFilter{ActiveOnly: true}:
		return o.n.active, nil
	}
	n := 0
	if f.Workspace != uuid.Nil {
		o.byWs.AscendGreaterOrEqual(accessRow{ws: f.Workspace}, func(r accessRow) bool {
			if r.ws != f.Workspace {
				return false
			}
			if m := o.member(r.user); m != nil && matches(&f, m) {
				n++
			}
			return true
		})
		return n, nil
	}
	o.members.Ascend(func(r memberRow) bool {
		if matches(&f, r.m) {
			n++
		}
		return true
	})
	return n, nil
}

// matches reports whether m passes f's Role, Kind, Prefix, LicensedOnly
// and ActiveOnly (the caller handles Workspace).
func matches(f *membership.MemberFilter, m *membership.Member) bool {
	switch {
	case f.Role != "" && m.Role != f.Role,
		f.Kind != "" && m.Kind != f.Kind,
		f.LicensedOnly && !m.Licensed,
		f.ActiveOnly && m.Deactivated:
		return false
	case f.Prefix != "":
		return hasPrefixFold(m.Email, f.Prefix) || hasPrefixFold(m.Name, f.Prefix)
	}
	return true
}

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lowerASCII(s[i]) != lowerASCII(prefix[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func memberNotFound(userID string) error {
	return fmt.Errorf("memstore: member %q: %w", userID, storage.ErrNotFound)
}

// MembersByID returns the members of org among userIDs, ordered by user
// ID; unknown IDs are left out.
func (s *Store) MembersByID(ctx context.Context, org uuid.UUID, userIDs []string) ([]membership.Member, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, nil
	}
	var out []membership.Member
	for _, u := range distinct(userIDs) {
		if m := o.member(u); m != nil {
			out = append(out, *m)
		}
	}
	return out, nil
}

// distinct returns the IDs of ids once each, sorted, in a new slice.
func distinct(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}
