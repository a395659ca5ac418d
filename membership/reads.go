package membership

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/ident"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// reader loads the actor of a read: an active member of org. It returns
// ErrNotFound when the organization does not exist and ErrForbidden when
// the actor is not an active member of it.
func (s *Service) reader(ctx context.Context, actor string, org uuid.UUID) (Member, error) {
	if err := s.ready(ctx); err != nil {
		return Member{}, err
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

// WorkspaceMembers lists the members who reach workspace ws, with their
// role there, a page at a time: first the owners and admins (AllWorkspaces
// org roles, highest rank first, each role by user ID), who reach every
// workspace and are marked Implicit with the top workspace role they hold
// there; then the other members with explicit access, by user ID. Everyone
// is listed once. It needs the view-members permission or the workspace's
// manage-people permission.
func (s *Service) WorkspaceMembers(ctx context.Context, actor string, org, ws uuid.UUID, page storage.Page) ([]WorkspaceMember, string, error) {
	m, err := s.reader(ctx, actor, org)
	if err != nil {
		return nil, "", err
	}
	if err := checkID("workspace ID", ws); err != nil {
		return nil, "", err
	}
	limit, err := page.Size()
	if err != nil {
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
	return s.workspaceMembers(ctx, org, ws, page.After, limit)
}

// workspaceMembers lists a page of WorkspaceMembers in phases, each a
// keyset list of the store: one per AllWorkspaces role, then ws's access
// rows less the members already listed. The cursor holds the phase and
// the last user ID of the list it is in, so every page follows the store's
// own order, whatever its collation.
func (s *Service) workspaceMembers(ctx context.Context, org, ws uuid.UUID, after string, limit int) ([]WorkspaceMember, string, error) {
	var implicit []roles.RoleDef
	for _, def := range s.cat.OrgRoles() {
		if def.AllWorkspaces {
			implicit = append(implicit, def)
		}
	}
	slices.SortStableFunc(implicit, func(a, b roles.RoleDef) int { return b.Rank - a.Rank })
	phase, key, err := decodePhase(after, len(implicit))
	if err != nil {
		return nil, "", err
	}
	top := s.cat.TopWorkspaceRole().Name
	out := make([]WorkspaceMember, 0, limit)
	for phase <= len(implicit) && len(out) < limit {
		page := storage.Page{Limit: limit - len(out)}
		if key != "" {
			page.After = storage.Cursor(key)
		}
		var users []string
		var next string
		if phase < len(implicit) {
			var ms []Member
			ms, next, err = s.st.Members(ctx, org, MemberFilter{Role: implicit[phase].Name}, page)
			if err != nil {
				return nil, "", err
			}
			for _, mem := range ms {
				users = append(users, mem.UserID)
				out = append(out, WorkspaceMember{Member: mem, WorkspaceRole: top, Implicit: true})
			}
		} else {
			var rows []WorkspaceAccess
			rows, next, err = s.st.WorkspaceAccessList(ctx, org, ws, page)
			if err != nil {
				return nil, "", err
			}
			for _, r := range rows {
				users = append(users, r.UserID)
				mem, err := s.st.Member(ctx, org, r.UserID)
				if err != nil {
					return nil, "", err
				}
				if def, err := s.cat.OrgRole(mem.Role); err == nil && def.AllWorkspaces {
					continue // listed with the owners and admins
				}
				out = append(out, WorkspaceMember{Member: mem, WorkspaceRole: r.Role})
			}
		}
		if next == "" || len(users) == 0 {
			phase, key = phase+1, ""
		} else {
			key = users[len(users)-1]
		}
	}
	if phase > len(implicit) {
		return out, "", nil
	}
	return out, storage.Cursor(strconv.Itoa(phase) + ":" + key), nil
}

// decodePhase reads a workspaceMembers cursor: the phase, up to last, and
// the key within it.
func decodePhase(after string, last int) (int, string, error) {
	if after == "" {
		return 0, "", nil
	}
	k, err := storage.Page{After: after}.Key()
	if err != nil {
		return 0, "", err
	}
	p, key, ok := strings.Cut(k, ":")
	phase, err := strconv.Atoi(p)
	if !ok || err != nil || phase < 0 || phase > last {
		return 0, "", storage.ErrInvalidCursor
	}
	return phase, key, nil
}

// MemberByEmail returns the member of org whose email is email ("does this
// person already have an account here?"), comparing canonical forms as the
// invite package does: ASCII letters of the local part in any case, the
// domain in lower-case IDNA form. When several members share the address,
// it returns the first by user ID. It needs the view-members permission
// (ErrForbidden), returns ErrInvalidInput for a malformed address and
// ErrNotFound when no member has it.
func (s *Service) MemberByEmail(ctx context.Context, actor string, org uuid.UUID, email string) (Member, error) {
	if _, err := s.readerWith(ctx, actor, org, roles.PermViewMembers); err != nil {
		return Member{}, err
	}
	if err := checkEmail(email, false); err != nil {
		return Member{}, err
	}
	key := ident.EmailKey(email)
	at := strings.LastIndexByte(email, '@')
	page := storage.Page{Limit: storage.MaxPageSize}
	for {
		ms, next, err := s.st.Members(ctx, org, MemberFilter{Prefix: email[:at+1]}, page)
		if err != nil {
			return Member{}, err
		}
		for _, m := range ms {
			if m.Email != "" && ident.EmailKey(m.Email) == key {
				return m, nil
			}
		}
		if next == "" || len(ms) == 0 {
			return Member{}, fmt.Errorf("no member with email %q: %w", clip(email), ErrNotFound)
		}
		page.After = next
	}
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
