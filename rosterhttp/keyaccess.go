package rosterhttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// keyRule is what an API key must hold to reach a route: one of anyOf
// (none: no particular permission) at organization scope, or, with ws,
// in the route's {ws}. The zero keyRule refuses keys.
type keyRule struct {
	allow bool
	ws    bool
	anyOf roles.PermSet
}

// inOrg lets a key of the route's organization in with one of perms
// there (none: any key of the organization, even one narrowed to a
// workspace).
func inOrg(perms ...roles.Permission) keyRule {
	return keyRule{allow: true, anyOf: roles.Grants(perms...)}
}

// inWorkspace lets a key in with one of perms in the route's {ws} (none:
// any key that may act there).
func inWorkspace(perms ...roles.Permission) keyRule {
	return keyRule{allow: true, ws: true, anyOf: roles.Grants(perms...)}
}

// keyRules declares, per API route, what a key needs to reach it: the
// permission the library checks for the member on that call, so that the
// key's narrowed scope is weighed as well as the member's permissions. A
// route missing here refuses keys (403 api_key_not_allowed): what spans
// organizations or acts on the person rather than the member (my
// organizations, creating an organization, my invitations, accepting or
// declining one), what ends a membership or an organization (leave,
// transfer ownership, delete the organization), and creating keys (a key
// never mints another). Every allowed route names {org}: a key of another
// organization gets 404. Reaching a route is not all: one that gives
// someone an org role, grants or workspace roles (invitations and their
// updates, links, role and bulk role changes, grants, workspace access)
// also weighs what its body gives against what the key holds, scope
// included (keyGives), so that a key narrowed to inviting cannot invite
// an admin.
var keyRules = map[string]keyRule{
	"GET /orgs/{org}":             inOrg(),
	"PATCH /orgs/{org}":           inOrg(roles.PermManageSettings), // and billing to change seats (updateOrganization)
	"GET /orgs/{org}/seats":       inOrg(),
	"GET /orgs/{org}/permissions": inOrg(), // answers for the key

	"GET /orgs/{org}/workspaces":              inOrg(), // a key narrowed to a workspace lists that one
	"POST /orgs/{org}/workspaces":             inOrg(roles.PermManageWorkspaces),
	"GET /orgs/{org}/workspaces/{ws}":         inWorkspace(),
	"PATCH /orgs/{org}/workspaces/{ws}":       inOrg(roles.PermManageWorkspaces),
	"DELETE /orgs/{org}/workspaces/{ws}":      inOrg(roles.PermManageWorkspaces),
	"GET /orgs/{org}/workspaces/{ws}/members": inWorkspace(roles.PermViewMembers, roles.PermManagePeople),

	"GET /orgs/{org}/members":                           inOrg(roles.PermViewMembers),
	"GET /orgs/{org}/members/{user}":                    inOrg(roles.PermViewMembers),
	"PUT /orgs/{org}/members/{user}/role":               inOrg(roles.PermManageMembers),
	"PUT /orgs/{org}/members/{user}/grants":             inOrg(roles.PermManageMembers),
	"PUT /orgs/{org}/members/{user}/sso":                inOrg(roles.PermManageMembers),
	"PUT /orgs/{org}/members/{user}/kind":               inOrg(roles.PermManageMembers),
	"PUT /orgs/{org}/members/{user}/licence":            inOrg(roles.PermManageMembers),
	"DELETE /orgs/{org}/members/{user}/licence":         inOrg(roles.PermManageMembers),
	"POST /orgs/{org}/members/{user}/deactivate":        inOrg(roles.PermManageMembers),
	"POST /orgs/{org}/members/{user}/reactivate":        inOrg(roles.PermManageMembers),
	"DELETE /orgs/{org}/members/{user}":                 inOrg(roles.PermManageMembers),
	"PUT /orgs/{org}/members/{user}/workspaces/{ws}":    inWorkspace(roles.PermManagePeople, roles.PermManageMembers, roles.PermManageWorkspaces),
	"DELETE /orgs/{org}/members/{user}/workspaces/{ws}": inWorkspace(roles.PermManagePeople, roles.PermManageMembers, roles.PermManageWorkspaces),
	"POST /orgs/{org}/members/bulk-role":                inOrg(roles.PermManageMembers),
	"POST /orgs/{org}/members/bulk-remove":              inOrg(roles.PermManageMembers),

	"GET /orgs/{org}/invitations":              inOrg(roles.PermViewMembers, roles.PermInvite),
	"POST /orgs/{org}/invitations":             inOrg(roles.PermInvite),
	"GET /orgs/{org}/invitations/{id}":         inOrg(roles.PermViewMembers, roles.PermInvite),
	"PATCH /orgs/{org}/invitations/{id}":       inOrg(roles.PermInvite),
	"DELETE /orgs/{org}/invitations/{id}":      inOrg(roles.PermInvite),
	"POST /orgs/{org}/invitations/{id}/resend": inOrg(roles.PermInvite),
	"POST /orgs/{org}/invitations/{id}/url":    inOrg(roles.PermInvite),

	"GET /orgs/{org}/links":                  inOrg(roles.PermViewMembers, roles.PermInvite),
	"POST /orgs/{org}/links":                 inOrg(roles.PermInvite),
	"GET /orgs/{org}/links/{id}":             inOrg(roles.PermViewMembers, roles.PermInvite),
	"DELETE /orgs/{org}/links/{id}":          inOrg(roles.PermInvite),
	"POST /orgs/{org}/links/{id}/regenerate": inOrg(roles.PermInvite),
	"POST /orgs/{org}/links/{id}/url":        inOrg(roles.PermInvite),

	"GET /orgs/{org}/audit": inOrg(roles.PermViewAudit),

	"GET /orgs/{org}/keys":         inOrg(roles.PermAPIAccess),
	"GET /orgs/{org}/keys/{id}":    inOrg(roles.PermAPIAccess),
	"DELETE /orgs/{org}/keys/{id}": inOrg(roles.PermAPIAccess),
}

// keyRuleOf is the rule of the route pattern: keyRules' entry, refusing
// keys on a route that does not name its organization.
func keyRuleOf(pattern string) keyRule {
	r := keyRules[pattern]
	if !strings.Contains(pattern, "{org}") {
		return keyRule{}
	}
	return r
}

// errKeyNotAllowed answers a key on a route that takes the host's session
// only.
var errKeyNotAllowed = errors.New("this endpoint takes the host's session, not an API key")

// admitKey checks the key of c against rule, before the handler runs: a
// route that refuses keys is 403 api_key_not_allowed, another
// organization than the key's 404 (as if it did not exist), and what the
// key may not do, by its member's permissions now or by its scope, 403
// forbidden or api_key_scope (audited by apikey.Service.Authorize).
func (h *Handler) admitKey(c *call, rule keyRule) error {
	if !rule.allow {
		return errKeyNotAllowed
	}
	if c.org != c.key.OrgID {
		return fmt.Errorf("organization %s: %w", c.org, membership.ErrNotFound)
	}
	ws := uuid.Nil
	if rule.ws {
		ws = c.ws
	}
	return h.keyMay(c, ws, rule.anyOf)
}

// keyMay is apikey.Service.Authorize for the key of c, except that a
// workspace of another organization, or none, is 404 as it is for the
// host's session.
func (h *Handler) keyMay(c *call, ws uuid.UUID, anyOf roles.PermSet) error {
	err := h.keys.Authorize(c.r.Context(), *c.key, ws, anyOf)
	if err != nil && ws != uuid.Nil && errors.Is(err, membership.ErrForbidden) {
		if _, werr := h.ms.Workspace(c.r.Context(), c.user.ID, c.org, ws); errors.Is(werr, membership.ErrNotFound) {
			return werr
		}
	}
	return err
}

// keyGives is apikey.Service.AuthorizeGrant for a request that presented
// a narrowed key: a route that gives someone an org role, grants or
// workspace roles calls it after decoding its body and before calling the
// library, so that a key narrowed to some permissions or one workspace
// gives nothing beyond what it holds itself (403 api_key_scope, audited),
// where the library's own ceiling weighs only its member. The host's
// session and a key with the zero Scope, which holds what its member
// holds, are left to that ceiling alone: their refusals and audit events
// stay the library's.
func (h *Handler) keyGives(c *call, gs ...apikey.Grant) error {
	if !narrowedKey(c) {
		return nil
	}
	return h.keys.AuthorizeGrant(c.r.Context(), *c.key, gs...)
}

// narrowedKey reports whether c is made with a key whose Scope narrows
// what its member holds.
func narrowedKey(c *call) bool { return c.key != nil && c.key.Scope != (apikey.Scope{}) }

// keyGivesRead is keyGives for what read says a route gives back or
// reveals, read only for a narrowed key.
func (h *Handler) keyGivesRead(c *call, read func(ctx context.Context) (apikey.Grant, error)) error {
	if !narrowedKey(c) {
		return nil
	}
	g, err := read(c.r.Context())
	if err != nil {
		return err
	}
	return h.keyGives(c, g)
}

// keyGivesInvitation is keyGives for what invitation id gives, before a
// route reissues its token (resend) or shows its URL: a key narrowed below
// it must not hand out, or revive, what it could not give itself.
func (h *Handler) keyGivesInvitation(c *call, id uuid.UUID) error {
	return h.keyGivesRead(c, func(ctx context.Context) (apikey.Grant, error) {
		inv, err := h.iv.Invitation(ctx, c.user.ID, c.org, id)
		return apikey.Grant{Role: inv.Role, Grants: inv.Grants, Workspaces: inv.Workspaces}, err
	})
}

// keyGivesLink is keyGivesInvitation for invite link id (regenerate, show
// its URL): anyone holding a link's URL may join by it.
func (h *Handler) keyGivesLink(c *call, id uuid.UUID) error {
	return h.keyGivesRead(c, func(ctx context.Context) (apikey.Grant, error) {
		l, err := h.iv.Link(ctx, c.user.ID, c.org, id)
		return apikey.Grant{Role: l.Role, Workspaces: l.Workspaces}, err
	})
}

// keyGivesMember is keyGivesInvitation for member user, before a route
// gives back what the member holds (reactivate): their role, grants and
// workspace roles.
func (h *Handler) keyGivesMember(c *call, user string) error {
	return h.keyGivesRead(c, func(ctx context.Context) (apikey.Grant, error) {
		m, err := h.ms.Member(ctx, c.user.ID, c.org, user)
		if err != nil {
			return apikey.Grant{}, err
		}
		access, err := h.ms.MemberAccess(ctx, c.user.ID, c.org, user)
		ws := make(map[uuid.UUID]roles.Role, len(access))
		for _, a := range access {
			ws[a.WorkspaceID] = a.Role
		}
		return apikey.Grant{Role: m.Role, Grants: m.Grants, Workspaces: ws}, err
	})
}

// orDefault is r, or for "" the catalog's default org role, which the
// library gives when a request names none.
func (h *Handler) orDefault(r roles.Role) roles.Role {
	if r == "" {
		return h.cat.DefaultOrgRole()
	}
	return r
}

// writeKeyNotAllowed answers errKeyNotAllowed.
func writeKeyNotAllowed(w http.ResponseWriter) {
	writeProblem(w, problem(http.StatusForbidden, CodeKeyNotAllowed, errKeyNotAllowed.Error()))
}
