package invite

import (
	"context"
	"iter"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/storage"
)

// InvitationView is a row of a pending-invitations list: the invitation
// with its inviter's name and its workspaces' names.
type InvitationView struct {
	Invitation
	// InviterName and InviterEmail are the inviter's as a member; both
	// are "" when the inviter is no longer a member.
	InviterName, InviterEmail string
	// Workspaces are the workspace roles the invitation gives in
	// workspaces that still exist, with their names, ordered by workspace
	// ID (as Preview shows them).
	Workspaces []WorkspaceRole
}

// InvitationViews is Invitations with each invitation's inviter and
// workspace names, read for the whole page at once: one read of the
// inviters and one walk of the organization's workspaces, however many
// invitations. Same rules and errors as Invitations.
func (s *Service) InvitationViews(ctx context.Context, actor string, org uuid.UUID, f InvitationFilter, page storage.Page) ([]InvitationView, string, error) {
	invs, next, err := s.Invitations(ctx, actor, org, f, page)
	if err != nil || len(invs) == 0 {
		return nil, next, err
	}
	out, err := s.viewsOf(ctx, org, invs)
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// viewsOf adds to invs, invitations of org, their inviters' and
// workspaces' names: one read of the inviters and one walk of the
// organization's workspaces.
func (s *Service) viewsOf(ctx context.Context, org uuid.UUID, invs []Invitation) ([]InvitationView, error) {
	var inviters []string
	names := map[uuid.UUID]string{}
	for _, inv := range invs {
		inviters = append(inviters, inv.InvitedBy)
		for id := range inv.Workspaces {
			names[id] = ""
		}
	}
	members, err := s.ms.MembersByID(ctx, org, inviters)
	if err != nil {
		return nil, err
	}
	if err := s.orgWorkspaceNames(ctx, org, names); err != nil {
		return nil, err
	}
	out := make([]InvitationView, len(invs))
	for i, inv := range invs {
		v := InvitationView{Invitation: inv}
		if j, ok := slices.BinarySearchFunc(members, inv.InvitedBy, func(m membership.Member, id string) int { return strings.Compare(m.UserID, id) }); ok {
			v.InviterName, v.InviterEmail = members[j].Name, members[j].Email
		}
		for _, id := range sortedIDs(inv.Workspaces) {
			if name := names[id]; name != "" {
				v.Workspaces = append(v.Workspaces, WorkspaceRole{ID: id, Name: name, Role: inv.Workspaces[id]})
			}
		}
		out[i] = v
	}
	return out, nil
}

// orgWorkspaceNames fills in the names of the workspaces of org that
// names holds as keys, walking the organization's workspaces until each
// is found; a workspace that no longer exists keeps "".
func (s *Service) orgWorkspaceNames(ctx context.Context, org uuid.UUID, names map[uuid.UUID]string) error {
	left := len(names)
	if left == 0 {
		return nil
	}
	for w, err := range storage.All(func(p storage.Page) ([]membership.Workspace, string, error) { return s.ms.Workspaces(ctx, org, p) }) {
		if err != nil {
			return err
		}
		if _, ok := names[w.ID]; ok {
			names[w.ID] = w.Name
			if left--; left == 0 {
				return nil
			}
		}
	}
	return nil
}

// AllInvitationViews iterates over the rows InvitationViews lists, page by
// page.
func (s *Service) AllInvitationViews(ctx context.Context, actor string, org uuid.UUID, f InvitationFilter) iter.Seq2[InvitationView, error] {
	return storage.All(func(p storage.Page) ([]InvitationView, string, error) {
		return s.InvitationViews(ctx, actor, org, f, p)
	})
}
