package invite

import (
	"context"
	"iter"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/storage"
)

// AllInvitations iterates over the invitations Invitations lists, page by
// page, with its rules and errors; an error ends the iteration, yielded
// once with a zero item.
func (s *Service) AllInvitations(ctx context.Context, actor string, org uuid.UUID, f InvitationFilter) iter.Seq2[Invitation, error] {
	return storage.All(func(p storage.Page) ([]Invitation, string, error) { return s.Invitations(ctx, actor, org, f, p) })
}

// AllLinks iterates over the links Links lists, as AllInvitations does.
func (s *Service) AllLinks(ctx context.Context, actor string, org uuid.UUID) iter.Seq2[Link, error] {
	return storage.All(func(p storage.Page) ([]Link, string, error) { return s.Links(ctx, actor, org, p) })
}
