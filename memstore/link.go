package memstore

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/google/btree"
	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/hostdata"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/storage"
)

// Links live in their organization, by ID; a store-wide tree finds them by
// token hash.

type linkRow struct {
	id uuid.UUID
	l  *invite.Link
}

func lessLink(a, b linkRow) bool { return lessID(a.id, b.id) }

// link returns link id, or nil.
func (o *orgData) link(id uuid.UUID) *invite.Link {
	r, ok := o.links.Get(linkRow{id: id})
	if !ok {
		return nil
	}
	return r.l
}

// InsertLink inserts l. It returns ErrNotFound when l.OrgID does not exist,
// and ErrConflict when the ID or the TokenHash is taken.
func (s *Store) InsertLink(ctx context.Context, l invite.Link) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(l.OrgID)
		switch {
		case o == nil:
			return orgNotFound(l.OrgID)
		case o.link(l.ID) != nil:
			return fmt.Errorf("memstore: link %s: %w", l.ID, storage.ErrConflict)
		case tokenTaken(t.st.linkTokens, l.TokenHash, l.ID):
			return fmt.Errorf("memstore: link %s: token hash: %w", l.ID, storage.ErrConflict)
		}
		l = cloneLink(l)
		put(t, o.links, linkRow{id: l.ID, l: &l})
		retoken(t, t.st.linkTokens, nil, l.TokenHash, l.OrgID, l.ID)
		return nil
	})
}

// Link returns the link id of org, or ErrNotFound.
func (s *Store) Link(ctx context.Context, org, id uuid.UUID) (invite.Link, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if o := st.org(org); o != nil {
		if l := o.link(id); l != nil {
			return cloneLink(*l), nil
		}
	}
	return invite.Link{}, linkNotFound(id)
}

// LinkByTokenHash returns the link, of any organization, whose TokenHash
// equals hash, or ErrNotFound.
func (s *Store) LinkByTokenHash(ctx context.Context, hash []byte) (invite.Link, error) {
	st, rd := s.view(ctx)
	defer rd.leave()
	if len(hash) > 0 {
		if r, ok := st.linkTokens.Get(tokenRow{hash: string(hash)}); ok {
			return cloneLink(*st.org(r.org).link(r.id)), nil
		}
	}
	return invite.Link{}, fmt.Errorf("memstore: link by token: %w", storage.ErrNotFound)
}

// UpdateLink replaces every field of the link but ID, OrgID, Uses and
// CreatedAt. It returns ErrNotFound when the link is not in l.OrgID and
// ErrConflict when the TokenHash is another link's.
func (s *Store) UpdateLink(ctx context.Context, l invite.Link) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(l.OrgID)
		if o == nil || o.link(l.ID) == nil {
			return linkNotFound(l.ID)
		}
		if tokenTaken(t.st.linkTokens, l.TokenHash, l.ID) {
			return fmt.Errorf("memstore: link %s: token hash: %w", l.ID, storage.ErrConflict)
		}
		old := o.link(l.ID)
		l = cloneLink(l)
		l.Uses, l.CreatedAt = old.Uses, old.CreatedAt
		retoken(t, t.st.linkTokens, old.TokenHash, l.TokenHash, l.OrgID, l.ID)
		put(t, o.links, linkRow{id: l.ID, l: &l})
		return nil
	})
}

// UseLink adds one to the Uses of link id of org, only if the link is not
// revoked and, when MaxUses > 0, Uses < MaxUses. It returns ErrNotFound
// when the link is not in org and ErrConflict when the link is revoked or
// used up (then nothing changes). Transactions being serialized, two uses
// never both take the last one.
func (s *Store) UseLink(ctx context.Context, org, id uuid.UUID) error {
	return s.write(ctx, func(t *tx) error {
		o := t.st.org(org)
		if o == nil || o.link(id) == nil {
			return linkNotFound(id)
		}
		l := *o.link(id)
		switch {
		case l.Revoked:
			return fmt.Errorf("memstore: link %s: revoked: %w", id, storage.ErrConflict)
		case l.MaxUses > 0 && l.Uses >= l.MaxUses:
			return fmt.Errorf("memstore: link %s: used up: %w", id, storage.ErrConflict)
		}
		l.Uses++
		put(t, o.links, linkRow{id: id, l: &l})
		return nil
	})
}

// Links lists the links of org, ordered by ID. An organization that does
// not exist has none.
func (s *Store) Links(ctx context.Context, org uuid.UUID, page storage.Page) ([]invite.Link, string, error) {
	return idList(s, ctx, "links", org, page,
		func(o *orgData) *btree.BTreeG[linkRow] { return o.links },
		func(id uuid.UUID) linkRow { return linkRow{id: id} },
		func(r linkRow) uuid.UUID { return r.id },
		nil, func(r linkRow) invite.Link { return cloneLink(*r.l) })
}

// cloneLink returns a copy of l that shares no memory with it.
func cloneLink(l invite.Link) invite.Link {
	l.Workspaces = maps.Clone(l.Workspaces)
	l.Data = hostdata.Clone(l.Data)
	l.TokenHash = bytes.Clone(l.TokenHash)
	l.SealedToken = bytes.Clone(l.SealedToken)
	l.AllowedDomains = slices.Clone(l.AllowedDomains)
	return l
}

func linkNotFound(id uuid.UUID) error {
	return fmt.Errorf("memstore: link %s: %w", id, storage.ErrNotFound)
}
