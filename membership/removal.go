package membership

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// RemoveMember removes a member from the organization and, in the same
// transaction, all its workspace access (the next check denies) and the
// pending invitations and invite links it sent (each audited as revoked;
// the seats they held are free). Content the
// member made belongs to the host, which learns of the removal through the
// member.removed event. The last active owner cannot be removed
// (ErrLastOwner).
func (s *Service) RemoveMember(ctx context.Context, actor string, org uuid.UUID, userID string) error {
	return s.RemoveMembers(ctx, actor, org, []string{userID})
}

// RemoveMembers removes several members, all or nothing, each with
// RemoveMember's rules and errors: ErrLastOwner when they are all the
// active owners, ErrNotFound for a user who is not a member (or is named
// twice), ErrForbidden for one ranked above the actor.
func (s *Service) RemoveMembers(ctx context.Context, actor string, org uuid.UUID, userIDs []string) error {
	return s.mutateMembers(ctx, actor, org, userIDs, EventMemberRemoved, func(ctx context.Context, op *Op) error {
		if err := op.Require(roles.PermManageMembers); err != nil {
			return err
		}
		for _, id := range userIDs {
			if err := s.remove(ctx, op, id, EventMemberRemoved); err != nil {
				return err
			}
		}
		return nil
	})
}

// Leave removes userID from the organization at its own request, and
// revokes what it sent, as RemoveMember does. The last active owner cannot
// leave (ErrLastOwner).
func (s *Service) Leave(ctx context.Context, userID string, org uuid.UUID) error {
	return s.mutateMembers(ctx, userID, org, []string{userID}, EventMemberLeft, func(ctx context.Context, op *Op) error {
		if !op.ActorFound {
			return fmt.Errorf("%w: %q is not a member", ErrNotFound, clip(userID))
		}
		return s.remove(ctx, op, userID, EventMemberLeft)
	})
}

func (s *Service) remove(ctx context.Context, op *Op, userID, action string) error {
	t, err := s.target(ctx, op, userID)
	if err != nil {
		return err
	}
	if action == EventMemberRemoved {
		if err := s.mayRemove(op, t); err != nil {
			return err
		}
	}
	if err := s.keepsOwner(ctx, op, t); err != nil {
		return err
	}
	if err := s.st.DeleteMember(ctx, op.Org.ID, userID); err != nil {
		return err
	}
	if err := op.Record(ctx, Record{Action: action, Target: userID, UserID: userID,
		Before: map[string]string{"role": string(t.Role), "kind": string(t.Kind)}}); err != nil {
		return err
	}
	return s.revokeInvitesOf(ctx, op, userID, action)
}
