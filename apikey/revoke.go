package apikey

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Revoke revokes key id of org: from its commit on, the key authenticates
// nobody (ErrRevoked). The key's member may revoke it; anyone else needs
// the permission to manage members (roles.PermManageMembers), or gets
// ErrForbidden, audited as a denied "apikey.revoked". A key not in org is
// ErrNotFound. Revoking a revoked key changes nothing and is not an
// error; otherwise the revocation is audited.
func (s *Service) Revoke(ctx context.Context, actor string, org, id uuid.UUID) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("%s: %w", ActionRevoked, err)
	}
	return s.x.Mutate(ctx, actor, org, ActionRevoked, func(ctx context.Context, op *membership.Op) error {
		op.Target(id.String())
		k, err := s.st.APIKey(ctx, org, id)
		if err != nil {
			return err
		}
		if !op.ActorFound || k.UserID != actor {
			if err := op.Require(roles.PermManageMembers); err != nil {
				return err
			}
		}
		if k.Revoked {
			return nil
		}
		if err := s.st.RevokeAPIKey(ctx, org, id, op.Now); err != nil {
			return err
		}
		return op.Record(ctx, membership.Record{Action: ActionRevoked, Target: id.String(), UserID: k.UserID,
			After: map[string]string{"name": k.Name}})
	})
}
