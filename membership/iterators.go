package membership

import (
	"context"
	"iter"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/storage"
)

// The All… methods iterate over a whole list, page by page, so that a host
// writes no paging loop: each is the paged method of the same name without
// "All", with its rules and errors. An error ends the iteration, yielded
// once with a zero item.
//
//	for m, err := range svc.AllMembers(ctx, actor, org, membership.MemberFilter{}) {
//		if err != nil {
//			return err
//		}
//		…
//	}

// AllMembers iterates over the members Members lists.
func (s *Service) AllMembers(ctx context.Context, actor string, org uuid.UUID, f MemberFilter) iter.Seq2[Member, error] {
	return storage.All(func(p storage.Page) ([]Member, string, error) { return s.Members(ctx, actor, org, f, p) })
}

// AllWorkspaceMembers iterates over the members WorkspaceMembers lists.
func (s *Service) AllWorkspaceMembers(ctx context.Context, actor string, org, ws uuid.UUID) iter.Seq2[WorkspaceMember, error] {
	return storage.All(func(p storage.Page) ([]WorkspaceMember, string, error) {
		return s.WorkspaceMembers(ctx, actor, org, ws, p)
	})
}

// AllWorkspaces iterates over the workspaces Workspaces lists.
func (s *Service) AllWorkspaces(ctx context.Context, actor string, org uuid.UUID) iter.Seq2[Workspace, error] {
	return storage.All(func(p storage.Page) ([]Workspace, string, error) { return s.Workspaces(ctx, actor, org, p) })
}

// AllAudit iterates over the audit events Audit lists.
func (s *Service) AllAudit(ctx context.Context, actor string, org uuid.UUID, f AuditFilter) iter.Seq2[AuditEvent, error] {
	return storage.All(func(p storage.Page) ([]AuditEvent, string, error) { return s.Audit(ctx, actor, org, f, p) })
}

// AllOrganizations iterates over the organizations Organizations lists.
func (s *Service) AllOrganizations(ctx context.Context, userID string) iter.Seq2[Organization, error] {
	return storage.All(func(p storage.Page) ([]Organization, string, error) { return s.Organizations(ctx, userID, p) })
}

// AllDeadLetters iterates over the dead letters DeadLetters lists.
func (s *Service) AllDeadLetters(ctx context.Context, channel string) iter.Seq2[Message, error] {
	return storage.All(func(p storage.Page) ([]Message, string, error) { return s.DeadLetters(ctx, channel, p) })
}

// AllMemberships iterates over the memberships Memberships lists.
func (s *Service) AllMemberships(ctx context.Context, userID string) iter.Seq2[UserMembership, error] {
	return storage.All(func(p storage.Page) ([]UserMembership, string, error) { return s.Memberships(ctx, userID, p) })
}
