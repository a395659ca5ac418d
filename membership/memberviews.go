package membership

import (
	"context"
	"iter"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// MemberView is a row of a Members tab: a member with its workspace roles
// and those workspaces' names.
type MemberView struct {
	Member
	// AllWorkspaces is true for a role that holds every workspace (owner,
	// admin): Workspaces then lists only explicit rows, if any.
	AllWorkspaces bool
	// Workspaces are the member's explicit workspace roles, ordered by
	// workspace ID.
	Workspaces []MemberWorkspace
}

// MemberWorkspace is one workspace role of a MemberView.
type MemberWorkspace struct {
	ID   uuid.UUID
	Name string
	Role roles.Role
}

// MemberViews is Members with each member's workspace roles and workspace
// names, read for the whole page at once (no query per member). Same
// rules and errors as Members.
func (s *Service) MemberViews(ctx context.Context, actor string, org uuid.UUID, f MemberFilter, page storage.Page) ([]MemberView, string, error) {
	ms, next, err := s.Members(ctx, actor, org, f, page)
	if err != nil || len(ms) == 0 {
		return nil, next, err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	access, err := s.st.AccessOf(ctx, org, ids)
	if err != nil {
		return nil, "", err
	}
	byUser := make(map[string][]MemberWorkspace, len(ms))
	for _, a := range access {
		byUser[a.UserID] = append(byUser[a.UserID], MemberWorkspace{ID: a.WorkspaceID, Name: a.WorkspaceName, Role: a.Role})
	}
	out := make([]MemberView, len(ms))
	for i, m := range ms {
		def, err := s.cat.OrgRole(m.Role)
		out[i] = MemberView{Member: m, AllWorkspaces: err == nil && def.AllWorkspaces, Workspaces: byUser[m.UserID]}
	}
	return out, next, nil
}

// AllMemberViews iterates over the rows MemberViews lists, page by page.
func (s *Service) AllMemberViews(ctx context.Context, actor string, org uuid.UUID, f MemberFilter) iter.Seq2[MemberView, error] {
	return storage.All(func(p storage.Page) ([]MemberView, string, error) { return s.MemberViews(ctx, actor, org, f, p) })
}
