package membership

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// reader loads the actor of a read: an active member of org. It returns
// ErrNotFound when the organization does not exist and ErrForbidden when
// the actor is not an active member of it.
func (s *Service) reader(ctx context.Context, actor string, org uuid.UUID) (Member, error) {
	if s.catErr != nil {
		return Member{}, s.catErr
	}
	if err := checkID("organization ID", org); err != nil {
		return Member{}, err
	}
	if err := checkUserID("actor", actor); err != nil {
		return Member{}, err
	}
	m, err := s.st.Member(ctx, org, actor)
	if err != nil {
		if !isNotFound(err) {
			return Member{}, err
		}
		if _, err := s.st.Organization(ctx, org); err != nil {
			return Member{}, err
		}
		return Member{}, fmt.Errorf("%w: %q is not a member", ErrForbidden, clip(actor))
	}
	if m.Deactivated {
		return Member{}, fmt.Errorf("%w: %q is deactivated", ErrForbidden, clip(actor))
	}
	return m, nil
}

// readerWith is reader plus an org-scope permission.
func (s *Service) readerWith(ctx context.Context, actor string, org uuid.UUID, perm roles.Permission) (Member, error) {
	m, err := s.reader(ctx, actor, org)
	if err != nil {
		return Member{}, err
	}
	if !s.cat.OrgPerms(m.Role, m.Grants).Has(perm) {
		return Member{}, fmt.Errorf("%w: %q lacks %s", ErrForbidden, clip(actor), s.cat.PermissionName(perm))
	}
	return m, nil
}

// Member returns userID's membership. Members read their own; reading
// others needs the view-members permission.
func (s *Service) Member(ctx context.Context, actor string, org uuid.UUID, userID string) (Member, error) {
	if err := checkUserID("user ID", userID); err != nil {
		return Member{}, err
	}
	if actor == userID {
		if _, err := s.reader(ctx, actor, org); err != nil {
			return Member{}, err
		}
	} else if _, err := s.readerWith(ctx, actor, org, roles.PermViewMembers); err != nil {
		return Member{}, err
	}
	return s.st.Member(ctx, org, userID)
}

// Members lists the members matching f, ordered by user ID, a page at a
// time. It needs the view-members permission.
func (s *Service) Members(ctx context.Context, actor string, org uuid.UUID, f MemberFilter, page storage.Page) ([]Member, string, error) {
	if _, err := s.readerWith(ctx, actor, org, roles.PermViewMembers); err != nil {
		return nil, "", err
	}
	if err := s.checkFilter(f); err != nil {
		return nil, "", err
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	return s.st.Members(ctx, org, f, page)
}

func (s *Service) checkFilter(f MemberFilter) error {
	if f.Role != "" {
		if _, err := s.cat.OrgRole(f.Role); err != nil {
			return err
		}
	}
	switch f.Kind {
	case "", KindCoworker, KindGuest:
	default:
		return invalid("unknown member kind %q", clip(string(f.Kind)))
	}
	if len(f.Prefix) > MaxEmailLen {
		return invalid("prefix longer than %d bytes", MaxEmailLen)
	}
	return nil
}

// WorkspaceMembers lists the members with explicit access to workspace ws,
// with their role there, ordered by user ID. Owners and admins reach every
// workspace without being listed. It needs the view-members permission or
// the workspace's manage-people permission.
func (s *Service) WorkspaceMembers(ctx context.Context, actor string, org, ws uuid.UUID, page storage.Page) ([]WorkspaceMember, string, error) {
	m, err := s.reader(ctx, actor, org)
	if err != nil {
		return nil, "", err
	}
	if err := checkID("workspace ID", ws); err != nil {
		return nil, "", err
	}
	a, err := s.st.CheckAccess(ctx, org, m.UserID, ws)
	if err != nil {
		return nil, "", err
	}
	if !a.WorkspaceFound {
		return nil, "", fmt.Errorf("workspace %s: %w", ws, ErrNotFound)
	}
	if !s.cat.OrgPerms(m.Role, m.Grants).Has(roles.PermViewMembers) &&
		!s.cat.WorkspacePerms(a.Role, a.Grants, a.WorkspaceRole).Has(roles.PermManagePeople) {
		return nil, "", fmt.Errorf("%w: %q may not list workspace members", ErrForbidden, clip(actor))
	}
	rows, next, err := s.st.WorkspaceAccessList(ctx, org, ws, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]WorkspaceMember, 0, len(rows))
	for _, r := range rows {
		mem, err := s.st.Member(ctx, org, r.UserID)
		if err != nil {
			return nil, "", err
		}
		out = append(out, WorkspaceMember{Member: mem, WorkspaceRole: r.Role})
	}
	return out, next, nil
}

// MemberAccess lists userID's workspace roles. Members read their own;
// others need the view-members permission.
func (s *Service) MemberAccess(ctx context.Context, actor string, org uuid.UUID, userID string) ([]WorkspaceAccess, error) {
	if _, err := s.Member(ctx, actor, org, userID); err != nil {
		return nil, err
	}
	return s.st.MemberAccess(ctx, org, userID)
}

// Audit lists the organization's audit events matching f, oldest first, a
// page at a time. It needs the view-audit permission.
func (s *Service) Audit(ctx context.Context, actor string, org uuid.UUID, f AuditFilter, page storage.Page) ([]AuditEvent, string, error) {
	if _, err := s.readerWith(ctx, actor, org, roles.PermViewAudit); err != nil {
		return nil, "", err
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	return s.st.Audit(ctx, org, f, page)
}

// eachMember calls fn for every member of org matching f.
func (s *Service) eachMember(ctx context.Context, org uuid.UUID, f MemberFilter, fn func(Member) error) error {
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		ms, next, err := s.st.Members(ctx, org, f, page)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := fn(m); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		page.After = next
	}
}

// eachAccess calls fn for every access row of workspace ws.
func (s *Service) eachAccess(ctx context.Context, org, ws uuid.UUID, fn func(WorkspaceAccess) error) error {
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		rows, next, err := s.st.WorkspaceAccessList(ctx, org, ws, page)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		page.After = next
	}
}
