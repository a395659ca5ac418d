package apikey

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Principal is who a request that presented a valid key acts as: a member
// of one organization, through one key. Only Authenticate makes a usable
// one; the zero Principal, or one built by hand, is allowed nothing. Ask
// the Service's Can, CanOrg, Permissions and OrgPermissions what it may
// do: they weigh the member's permissions at the time of asking.
type Principal struct {
	OrgID  uuid.UUID
	UserID string
	KeyID  uuid.UUID
	Scope  Scope
	valid  bool
}

// Authenticate turns a presented key into the principal it acts as. A
// malformed key fails without a store read; a well-formed one costs one
// store look-up (on memstore, without allocating) and, at most once a
// LastUseInterval, a write of its last use. It fails with an error
// wrapping ErrInvalidKey, more precisely ErrRevoked or ErrExpired for a
// key revoked (by its member, a manager, or the member's removal) or
// expired; those refusals are audited as denied "apikey.used" events in
// the key's organization. Authenticate vouches for the key, not for the
// member's permissions: a deactivated or demoted member's key
// authenticates, and the checks then deny what the member may no longer
// do.
func (s *Service) Authenticate(ctx context.Context, secret string) (Principal, error) {
	if err := s.ready(ctx); err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	h, err := ParseSecret(secret)
	if err != nil {
		return Principal{}, err
	}
	k, err := s.st.APIKeyByHash(ctx, h)
	switch {
	case isNotFound(err):
		return Principal{}, errUnknown
	case err != nil:
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	now := s.now()
	switch {
	case k.Revoked:
		return Principal{}, s.refuse(ctx, k, ErrRevoked)
	case k.Expired(now):
		return Principal{}, s.refuse(ctx, k, ErrExpired)
	}
	if staleBy := now.Add(-LastUseInterval); !k.LastUsedAt.After(staleBy) {
		if err := s.st.TouchAPIKey(ctx, k.OrgID, k.ID, now, staleBy); err != nil {
			s.log.WarnContext(ctx, "roster: recording an API key's last use failed", "key", k.ID, "err", err)
		}
	}
	return Principal{OrgID: k.OrgID, UserID: k.UserID, KeyID: k.ID, Scope: k.Scope, valid: true}, nil
}

var errUnknown = fmt.Errorf("%w: unknown key", ErrInvalidKey)

// refuse audits the refused use of k and returns the error that says why.
func (s *Service) refuse(ctx context.Context, k Key, why error) error {
	s.x.RecordDenied(ctx, k.UserID, k.OrgID, ActionUsed, k.ID.String(), why)
	return fmt.Errorf("authenticate: key %s: %w", k.ID, why)
}

// AuthenticateHeader is Authenticate for the value of an HTTP
// Authorization header: "Bearer " (the scheme in any case) and the key.
// Any other value is ErrInvalidKey, without a store read.
func (s *Service) AuthenticateHeader(ctx context.Context, header string) (Principal, error) {
	const scheme = "bearer "
	if len(header) <= len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return Principal{}, errNotBearer
	}
	return s.Authenticate(ctx, strings.TrimLeft(header[len(scheme):], " "))
}

var errNotBearer = fmt.Errorf("%w: not a bearer credential", ErrInvalidKey)
