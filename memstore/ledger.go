package memstore

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
)

// CountPendingInvitations counts the invitations of org whose Status is
// pending and whose ExpiresAt is after now, by a scan of the pending ones.
// An organization that does not exist has none.
func (s *Store) CountPendingInvitations(ctx context.Context, org uuid.UUID, now time.Time) (int, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return 0, nil
	}
	n := 0
	o.pending.Ascend(func(r pendingRow) bool {
		if now.Before(o.invitation(r.id).ExpiresAt) {
			n++
		}
		return true
	})
	return n, nil
}

// RevokeInvitesBy revokes, as of now, the pending invitations (whatever
// their expiry) that inviter sent and the links it created that are not
// revoked, and returns them: invitations, then links, each ordered by ID.
// It clears their sealed tokens and keeps their token hashes. Revoking
// nothing (an organization that does not exist included) is not an error.
func (s *Store) RevokeInvitesBy(ctx context.Context, org uuid.UUID, inviter string, now time.Time) ([]membership.RevokedInvite, error) {
	var out []membership.RevokedInvite
	err := s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil {
			return nil
		}
		var invs []*invite.Invitation
		o.pending.Ascend(func(r pendingRow) bool {
			if inv := o.invitation(r.id); inv.InvitedBy == inviter {
				invs = append(invs, inv)
			}
			return true
		})
		sortByID(invs, func(inv *invite.Invitation) uuid.UUID { return inv.ID })
		for _, old := range invs {
			out = append(out, t.revokeInvitation(o, old, now))
		}
		var links []*invite.Link
		o.links.Ascend(func(r linkRow) bool {
			if r.l.CreatedBy == inviter && !r.l.Revoked {
				links = append(links, r.l)
			}
			return true
		})
		for _, old := range links {
			l := cloneLink(*old)
			l.Revoked, l.RevokedAt, l.UpdatedAt = true, now, now
			l.SealedToken, l.KeyID = nil, ""
			put(t, o.links, linkRow{id: l.ID, l: &l})
			out = append(out, membership.RevokedInvite{ID: l.ID, Link: true, Role: l.Role, InvitedBy: l.CreatedBy})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// revokeInvitation revokes pending invitation old of o as of now: it
// clears its sealed token, keeps its token hash and drops it from the
// pending indexes.
func (t *tx) revokeInvitation(o *orgData, old *invite.Invitation, now time.Time) membership.RevokedInvite {
	inv := cloneInvitation(*old)
	inv.Status, inv.DecidedAt, inv.UpdatedAt = invite.StatusRevoked, now, now
	inv.SealedToken, inv.KeyID = nil, ""
	t.dropPending(o, inv.EmailKey, inv.ID)
	put(t, o.invitations, invRow{id: inv.ID, inv: &inv})
	return membership.RevokedInvite{ID: inv.ID, EmailKey: inv.EmailKey, Role: inv.Role, InvitedBy: inv.InvitedBy}
}

// RevokeInvitationTo revokes, as of now, the pending invitation of org
// (whatever its expiry) to emailKey, found on the index of pending
// invitations, and returns it; none when there is none.
func (s *Store) RevokeInvitationTo(ctx context.Context, org uuid.UUID, emailKey string, now time.Time) ([]membership.RevokedInvite, error) {
	var out []membership.RevokedInvite
	err := s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil {
			return nil
		}
		if r, ok := o.pending.Get(pendingRow{emailKey: emailKey}); ok {
			out = append(out, t.revokeInvitation(o, o.invitation(r.id), now))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sortByID sorts xs by the ID key returns, in byte order.
func sortByID[T any](xs []T, key func(T) uuid.UUID) {
	slices.SortFunc(xs, func(a, b T) int {
		ka, kb := key(a), key(b)
		return bytes.Compare(ka[:], kb[:])
	})
}

// InviteSenders returns, each once, the user IDs that sent a pending
// invitation (whatever its expiry) or created a link that is not revoked,
// by a scan of the organization's pending invitations and links. An
// organization that does not exist has none.
func (s *Store) InviteSenders(ctx context.Context, org uuid.UUID) ([]string, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return nil, nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	o.pending.Ascend(func(r pendingRow) bool {
		add(o.invitation(r.id).InvitedBy)
		return true
	})
	o.links.Ascend(func(r linkRow) bool {
		if !r.l.Revoked {
			add(r.l.CreatedBy)
		}
		return true
	})
	return out, nil
}
