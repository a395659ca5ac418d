package apikey

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// List lists the keys of org that match f, ordered by ID, never with a
// secret or digest. An active member lists its own keys (f.UserID set to
// itself); listing anyone else's, or all (f.UserID ""), needs the
// permission to manage members. Otherwise it returns ErrForbidden.
func (s *Service) List(ctx context.Context, actor string, org uuid.UUID, f Filter, page storage.Page) ([]Key, string, error) {
	if err := s.ready(ctx); err != nil {
		return nil, "", fmt.Errorf("list API keys: %w", err)
	}
	if err := s.mayRead(ctx, actor, org, f.UserID); err != nil {
		return nil, "", fmt.Errorf("list API keys: %w", err)
	}
	keys, next, err := s.st.APIKeys(ctx, org, f, page)
	if err != nil {
		return nil, "", fmt.Errorf("list API keys: %w", err)
	}
	for i := range keys {
		keys[i] = public(keys[i])
	}
	return keys, next, nil
}

// Get returns key id of org, without its digest, to its member or to a
// manager of members (otherwise ErrForbidden). A key not in org is
// ErrNotFound.
func (s *Service) Get(ctx context.Context, actor string, org, id uuid.UUID) (Key, error) {
	if err := s.ready(ctx); err != nil {
		return Key{}, fmt.Errorf("get API key: %w", err)
	}
	k, err := s.st.APIKey(ctx, org, id)
	if err != nil {
		return Key{}, fmt.Errorf("get API key: %w", err)
	}
	if err := s.mayRead(ctx, actor, org, k.UserID); err != nil {
		return Key{}, fmt.Errorf("get API key: %w", err)
	}
	return public(k), nil
}

// mayRead returns nil when actor, an active member of org, may see the
// keys of owner ("" for every member's): its own, or anyone's with the
// permission to manage members.
func (s *Service) mayRead(ctx context.Context, actor string, org uuid.UUID, owner string) error {
	m, err := s.x.Store().Member(ctx, org, actor)
	switch {
	case isNotFound(err):
		return fmt.Errorf("%w: %q is not a member", ErrForbidden, actor)
	case err != nil:
		return err
	case m.Deactivated:
		return fmt.Errorf("%w: %q is not an active member", ErrForbidden, actor)
	case owner == actor, s.cat.OrgPerms(m.Role, m.Grants).Has(roles.PermManageMembers):
		return nil
	}
	return fmt.Errorf("%w: %q may list its own keys only", ErrForbidden, actor)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
