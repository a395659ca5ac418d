package memstore

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/google/btree"
	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/hostdata"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/storage"
)

// Invitations live in their organization, by ID, with a second tree of the
// pending ones by EmailKey (at most one each); a store-wide tree finds them
// by token hash.

type (
	invRow struct {
		id  uuid.UUID
		inv *invite.Invitation
	}
	pendingRow struct {
		emailKey string
		id       uuid.UUID
	}
	inviteeRow struct {
		emailKey string
		id       uuid.UUID
		org      uuid.UUID
	}
)

func lessInv(a, b invRow) bool         { return lessID(a.id, b.id) }
func lessPending(a, b pendingRow) bool { return a.emailKey < b.emailKey }
func lessInvitee(a, b inviteeRow) bool {
	if a.emailKey != b.emailKey {
		return a.emailKey < b.emailKey
	}
	return lessID(a.id, b.id)
}

// addPending indexes inv, pending, in its organization o and store-wide.
func (t *tx) addPending(o *orgData, inv *invite.Invitation) {
	put(t, o.pending, pendingRow{emailKey: inv.EmailKey, id: inv.ID})
	put(t, t.st.invitees, inviteeRow{emailKey: inv.EmailKey, id: inv.ID, org: inv.OrgID})
}

// dropPending removes the pending invitation id of emailKey from both
// indexes.
func (t *tx) dropPending(o *orgData, emailKey string, id uuid.UUID) {
	del(t, o.pending, pendingRow{emailKey: emailKey})
	del(t, t.st.invitees, inviteeRow{emailKey: emailKey, id: id})
}

// invitation returns invitation id, or nil.
func (o *orgData) invitation(id uuid.UUID) *invite.Invitation {
	r, ok := o.invitations.Get(invRow{id: id})
	if !ok {
		return nil
	}
	return r.inv
}

// InsertInvitation inserts inv. It returns ErrNotFound when inv.OrgID does
// not exist, and ErrConflict when the ID or the TokenHash is taken, or when
// inv.Status is StatusPending and the organization already has a pending
// invitation (whatever its expiry) with the same EmailKey.
func (s *Store) InsertInvitation(ctx context.Context, inv invite.Invitation) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(inv.OrgID)
		switch {
		case o == nil:
			return orgNotFound(inv.OrgID)
		case o.invitation(inv.ID) != nil:
			return fmt.Errorf("memstore: invitation %s: %w", inv.ID, storage.ErrConflict)
		case tokenTaken(t.st.invTokens, inv.TokenHash, inv.ID):
			return fmt.Errorf("memstore: invitation %s: token hash: %w", inv.ID, storage.ErrConflict)
		case inv.Status == invite.StatusPending && o.pending.Has(pendingRow{emailKey: inv.EmailKey}):
			return fmt.Errorf("memstore: invitation %s: a pending invitation has its email: %w", inv.ID, storage.ErrConflict)
		}
		inv = cloneInvitation(inv)
		put(t, o.invitations, invRow{id: inv.ID, inv: &inv})
		if inv.Status == invite.StatusPending {
			t.addPending(o, &inv)
		}
		if len(inv.TokenHash) > 0 {
			put(t, t.st.invTokens, tokenRow{hash: string(inv.TokenHash), org: inv.OrgID, id: inv.ID})
		}
		return nil
	})
}

// Invitation returns the invitation id of org, or ErrNotFound.
func (s *Store) Invitation(ctx context.Context, org, id uuid.UUID) (invite.Invitation, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if o := st.org(org); o != nil {
		if inv := o.invitation(id); inv != nil {
			return cloneInvitation(*inv), nil
		}
	}
	return invite.Invitation{}, invitationNotFound(id)
}

// InvitationByTokenHash returns the invitation, of any organization, whose
// TokenHash equals hash, or ErrNotFound.
func (s *Store) InvitationByTokenHash(ctx context.Context, hash []byte) (invite.Invitation, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if len(hash) > 0 {
		if r, ok := st.invTokens.Get(tokenRow{hash: string(hash)}); ok {
			return cloneInvitation(*st.org(r.org).invitation(r.id)), nil
		}
	}
	return invite.Invitation{}, fmt.Errorf("memstore: invitation by token: %w", storage.ErrNotFound)
}

// PendingInvitation returns the invitation of org with Status StatusPending
// (whatever its expiry) and EmailKey emailKey, or ErrNotFound.
func (s *Store) PendingInvitation(ctx context.Context, org uuid.UUID, emailKey string) (invite.Invitation, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if o := st.org(org); o != nil {
		if r, ok := o.pending.Get(pendingRow{emailKey: emailKey}); ok {
			return cloneInvitation(*o.invitation(r.id)), nil
		}
	}
	return invite.Invitation{}, fmt.Errorf("memstore: pending invitation: %w", storage.ErrNotFound)
}

// UpdateInvitation replaces every field of the invitation but ID, OrgID,
// Email, EmailKey and CreatedAt. It returns ErrNotFound when the invitation
// is not in inv.OrgID, and ErrConflict when the TokenHash is another
// invitation's, or when it makes the invitation pending while another
// pending invitation of the organization has its EmailKey.
func (s *Store) UpdateInvitation(ctx context.Context, inv invite.Invitation) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(inv.OrgID)
		if o == nil || o.invitation(inv.ID) == nil {
			return invitationNotFound(inv.ID)
		}
		old := o.invitation(inv.ID)
		inv.Email, inv.EmailKey, inv.CreatedAt = old.Email, old.EmailKey, old.CreatedAt
		if tokenTaken(t.st.invTokens, inv.TokenHash, inv.ID) {
			return fmt.Errorf("memstore: invitation %s: token hash: %w", inv.ID, storage.ErrConflict)
		}
		if inv.Status == invite.StatusPending {
			if r, ok := o.pending.Get(pendingRow{emailKey: inv.EmailKey}); ok && r.id != inv.ID {
				return fmt.Errorf("memstore: invitation %s: a pending invitation has its email: %w", inv.ID, storage.ErrConflict)
			}
		}
		inv = cloneInvitation(inv)
		if old.Status == invite.StatusPending && inv.Status != invite.StatusPending {
			t.dropPending(o, old.EmailKey, inv.ID)
		}
		if inv.Status == invite.StatusPending && old.Status != invite.StatusPending {
			t.addPending(o, &inv)
		}
		retoken(t, t.st.invTokens, old.TokenHash, inv.TokenHash, inv.OrgID, inv.ID)
		put(t, o.invitations, invRow{id: inv.ID, inv: &inv})
		return nil
	})
}

// Invitations lists the invitations of org that match f (see
// InvitationFilter.Match), ordered by ID. Filters scan until the page is
// full. An organization that does not exist has none.
func (s *Store) Invitations(ctx context.Context, org uuid.UUID, f invite.InvitationFilter, page storage.Page) ([]invite.Invitation, string, error) {
	var match func(invRow) bool
	if f.EmailKey != "" || len(f.Statuses) > 0 {
		match = func(r invRow) bool { return f.Match(*r.inv) }
	}
	return idList(s, ctx, "invitations", org, page,
		func(o *orgData) *btree.BTreeG[invRow] { return o.invitations },
		func(id uuid.UUID) invRow { return invRow{id: id} },
		func(r invRow) uuid.UUID { return r.id },
		match, func(r invRow) invite.Invitation { return cloneInvitation(*r.inv) })
}

// PendingInvitationsByEmail lists the invitations of every organization
// with Status StatusPending, ExpiresAt after now and EmailKey emailKey,
// ordered by ID, from the store-wide index of pending invitations.
func (s *Store) PendingInvitationsByEmail(ctx context.Context, emailKey string, now time.Time, page storage.Page) ([]invite.Invitation, string, error) {
	const what = "pending invitations by email"
	size, from, end, err := idPage(what, page)
	if err != nil || end {
		return nil, "", err
	}
	st, rd := s.view(ctx)
	defer rd.leave()
	var invs []*invite.Invitation
	rows, more := collect(st.invitees, inviteeRow{emailKey: emailKey, id: from},
		func(r inviteeRow) bool { return r.emailKey == emailKey },
		func(r inviteeRow) bool {
			inv := st.org(r.org).invitation(r.id)
			if !inv.ExpiresAt.After(now) {
				return false
			}
			invs = append(invs, inv)
			return true
		}, size)
	out := make([]invite.Invitation, len(rows))
	for i := range rows {
		out[i] = cloneInvitation(*invs[i])
	}
	if len(rows) == 0 {
		return out, "", nil
	}
	return out, idCursor(rows[len(rows)-1].id, more), nil
}

// CountInvitations counts the invitations of org that match f: in O(1)
// without a filter, by a scan otherwise.
func (s *Store) CountInvitations(ctx context.Context, org uuid.UUID, f invite.InvitationFilter) (int, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	o := st.org(org)
	if o == nil {
		return 0, nil
	}
	if f.EmailKey == "" && len(f.Statuses) == 0 {
		return o.invitations.Len(), nil
	}
	n := 0
	o.invitations.Ascend(func(r invRow) bool {
		if f.Match(*r.inv) {
			n++
		}
		return true
	})
	return n, nil
}

// dropInvitations removes o's invitations and links from the store-wide
// token trees, when o is deleted.
func (t *tx) dropInvitations(o *orgData) {
	o.pending.Ascend(func(r pendingRow) bool {
		del(t, t.st.invitees, inviteeRow{emailKey: r.emailKey, id: r.id})
		return true
	})
	o.invitations.Ascend(func(r invRow) bool {
		retoken(t, t.st.invTokens, r.inv.TokenHash, nil, o.org.ID, r.id)
		return true
	})
	o.links.Ascend(func(r linkRow) bool {
		retoken(t, t.st.linkTokens, r.l.TokenHash, nil, o.org.ID, r.id)
		return true
	})
}

// cloneInvitation returns a copy of inv that shares no memory with it.
func cloneInvitation(inv invite.Invitation) invite.Invitation {
	inv.Workspaces = maps.Clone(inv.Workspaces)
	inv.Data = hostdata.Clone(inv.Data)
	inv.TokenHash = bytes.Clone(inv.TokenHash)
	inv.SealedToken = bytes.Clone(inv.SealedToken)
	return inv
}

func invitationNotFound(id uuid.UUID) error {
	return fmt.Errorf("memstore: invitation %s: %w", id, storage.ErrNotFound)
}
