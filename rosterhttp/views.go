package rosterhttp

import (
	"bytes"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// The JSON shapes of the API. Tokens and token digests never appear in
// them; an invitation's or link's URL is returned only to the call that
// makes or asks for it.

// List is a page of a list: its items and the cursor of the next page
// ("" on the last one), passed back as the after query parameter.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// OrganizationJSON is an organization.
type OrganizationJSON struct {
	ID        uuid.UUID    `json:"id"`
	Name      string       `json:"name"`
	Slug      string       `json:"slug"`
	Settings  SettingsJSON `json:"settings"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	// Role and Deactivated are the caller's standing, in "my
	// organizations".
	Role        roles.Role `json:"role,omitempty"`
	Deactivated bool       `json:"deactivated,omitempty"`
}

// SettingsJSON is membership.Settings.
type SettingsJSON struct {
	Domains                 []string `json:"domains"`
	GuestPolicy             string   `json:"guest_policy,omitempty"`
	RequireWorkspace        bool     `json:"require_workspace"`
	Seats                   int      `json:"seats"`
	DeactivatedFreeSeat     bool     `json:"deactivated_free_seat"`
	Licences                int      `json:"licences"`
	MembersMayInvite        bool     `json:"members_may_invite"`
	SSORequired             bool     `json:"sso_required"`
	LinksDisabled           bool     `json:"links_disabled"`
	InvitesPerDay           int      `json:"invites_per_day"`
	InvitesPerInviterPerDay int      `json:"invites_per_inviter_per_day"`
}

func settingsJSON(s membership.Settings) SettingsJSON {
	d := s.Domains
	if d == nil {
		d = []string{}
	}
	return SettingsJSON{Domains: d, GuestPolicy: string(s.GuestPolicy), RequireWorkspace: s.RequireWorkspace,
		Seats: s.Seats, DeactivatedFreeSeat: s.DeactivatedFreeSeat, Licences: s.Licences,
		MembersMayInvite: s.MembersMayInvite, SSORequired: s.SSORequired, LinksDisabled: s.LinksDisabled,
		InvitesPerDay: s.InvitesPerDay, InvitesPerInviterPerDay: s.InvitesPerInviterPerDay}
}

func (s SettingsJSON) settings() membership.Settings {
	return membership.Settings{Domains: s.Domains, GuestPolicy: membership.GuestPolicy(s.GuestPolicy),
		RequireWorkspace: s.RequireWorkspace, Seats: s.Seats, DeactivatedFreeSeat: s.DeactivatedFreeSeat,
		Licences: s.Licences, MembersMayInvite: s.MembersMayInvite, SSORequired: s.SSORequired,
		LinksDisabled: s.LinksDisabled, InvitesPerDay: s.InvitesPerDay, InvitesPerInviterPerDay: s.InvitesPerInviterPerDay}
}

func orgJSON(o membership.Organization) OrganizationJSON {
	return OrganizationJSON{ID: o.ID, Name: o.Name, Slug: o.Slug, Settings: settingsJSON(o.Settings),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// WorkspaceJSON is a workspace.
type WorkspaceJSON struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func workspaceJSON(w membership.Workspace) WorkspaceJSON {
	return WorkspaceJSON{ID: w.ID, Name: w.Name, CreatedAt: w.CreatedAt}
}

// WorkspaceRoleJSON is a role in one workspace.
type WorkspaceRoleJSON struct {
	ID   uuid.UUID  `json:"id"`
	Name string     `json:"name,omitempty"`
	Role roles.Role `json:"role"`
	// Implicit marks an owner's or admin's role, held in every workspace.
	Implicit bool `json:"implicit,omitempty"`
}

// MemberJSON is a member, with its workspace roles where the list has
// them.
type MemberJSON struct {
	UserID        string              `json:"user_id"`
	Email         string              `json:"email"`
	Name          string              `json:"name"`
	Role          roles.Role          `json:"role"`
	Kind          membership.Kind     `json:"kind"`
	Grants        []string            `json:"grants"`
	Licensed      bool                `json:"licensed"`
	SSO           bool                `json:"sso"`
	Deactivated   bool                `json:"deactivated"`
	InvitedBy     string              `json:"invited_by,omitempty"`
	JoinedAt      time.Time           `json:"joined_at"`
	AllWorkspaces bool                `json:"all_workspaces,omitempty"`
	Workspaces    []WorkspaceRoleJSON `json:"workspaces,omitempty"`
	// WorkspaceRole is the member's role in the workspace listed.
	WorkspaceRole roles.Role `json:"workspace_role,omitempty"`
	Implicit      bool       `json:"implicit,omitempty"`
}

func (h *Handler) grantNames(g roles.PermSet) []string {
	out := []string{}
	for _, p := range g.Permissions() {
		out = append(out, h.cat.PermissionName(p))
	}
	return out
}

func (h *Handler) memberJSON(m membership.Member) MemberJSON {
	return MemberJSON{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role, Kind: m.Kind,
		Grants: h.grantNames(m.Grants), Licensed: m.Licensed, SSO: m.SSO, Deactivated: m.Deactivated,
		InvitedBy: m.InvitedBy, JoinedAt: m.JoinedAt}
}

// InvitationJSON is an invitation.
type InvitationJSON struct {
	ID           uuid.UUID           `json:"id"`
	Email        string              `json:"email"`
	Name         string              `json:"name,omitempty"`
	Role         roles.Role          `json:"role"`
	Kind         membership.Kind     `json:"kind"`
	Workspaces   []WorkspaceRoleJSON `json:"workspaces"`
	Grants       []string            `json:"grants"`
	InvitedBy    string              `json:"invited_by"`
	InviterName  string              `json:"inviter_name,omitempty"`
	InviterEmail string              `json:"inviter_email,omitempty"`
	Status       invite.Status       `json:"status"`
	ExpiresAt    time.Time           `json:"expires_at"`
	SentAt       time.Time           `json:"sent_at"`
	Sends        int                 `json:"sends"`
	AcceptedBy   string              `json:"accepted_by,omitempty"`
	CreatedAt    time.Time           `json:"created_at"`
}

func (h *Handler) invitationJSON(inv invite.Invitation, now time.Time) InvitationJSON {
	j := InvitationJSON{ID: inv.ID, Email: inv.Email, Name: inv.Name, Role: inv.Role, Kind: inv.Kind,
		Workspaces: []WorkspaceRoleJSON{}, Grants: h.grantNames(inv.Grants), InvitedBy: inv.InvitedBy,
		Status: inv.StatusAt(now), ExpiresAt: inv.ExpiresAt, SentAt: inv.SentAt, Sends: inv.Sends,
		AcceptedBy: inv.AcceptedBy, CreatedAt: inv.CreatedAt}
	for id, r := range inv.Workspaces {
		j.Workspaces = append(j.Workspaces, WorkspaceRoleJSON{ID: id, Role: r})
	}
	sortWorkspaces(j.Workspaces)
	return j
}

func (h *Handler) invitationViewJSON(v invite.InvitationView, now time.Time) InvitationJSON {
	j := h.invitationJSON(v.Invitation, now)
	j.InviterName, j.InviterEmail = v.InviterName, v.InviterEmail
	j.Workspaces = []WorkspaceRoleJSON{}
	for _, w := range v.Workspaces {
		j.Workspaces = append(j.Workspaces, WorkspaceRoleJSON{ID: w.ID, Name: w.Name, Role: w.Role})
	}
	return j
}

// LinkJSON is a shareable invite link.
type LinkJSON struct {
	ID             uuid.UUID           `json:"id"`
	Role           roles.Role          `json:"role"`
	Workspaces     []WorkspaceRoleJSON `json:"workspaces"`
	CreatedBy      string              `json:"created_by"`
	MaxUses        int                 `json:"max_uses"`
	Uses           int                 `json:"uses"`
	ExpiresAt      *time.Time          `json:"expires_at,omitempty"`
	AllowedDomains []string            `json:"allowed_domains"`
	Revoked        bool                `json:"revoked"`
	Active         bool                `json:"active"`
	CreatedAt      time.Time           `json:"created_at"`
	// URL joins with the link: only in the answer that made it or asked
	// for it. It is a secret of the caller.
	URL string `json:"url,omitempty"`
}

func linkJSON(l invite.Link, now time.Time) LinkJSON {
	j := LinkJSON{ID: l.ID, Role: l.Role, Workspaces: []WorkspaceRoleJSON{}, CreatedBy: l.CreatedBy,
		MaxUses: l.MaxUses, Uses: l.Uses, AllowedDomains: l.AllowedDomains, Revoked: l.Revoked,
		Active: l.Active(now), CreatedAt: l.CreatedAt}
	if j.AllowedDomains == nil {
		j.AllowedDomains = []string{}
	}
	if !l.ExpiresAt.IsZero() {
		t := l.ExpiresAt
		j.ExpiresAt = &t
	}
	for id, r := range l.Workspaces {
		j.Workspaces = append(j.Workspaces, WorkspaceRoleJSON{ID: id, Role: r})
	}
	sortWorkspaces(j.Workspaces)
	return j
}

// AuditJSON is an audit event.
type AuditJSON struct {
	ID     uuid.UUID         `json:"id"`
	Actor  string            `json:"actor"`
	Action string            `json:"action"`
	Target string            `json:"target"`
	Before map[string]string `json:"before,omitempty"`
	After  map[string]string `json:"after,omitempty"`
	Denied bool              `json:"denied,omitempty"`
	Reason string            `json:"reason,omitempty"`
	At     time.Time         `json:"at"`
}

func auditJSON(e membership.AuditEvent) AuditJSON {
	return AuditJSON{ID: e.ID, Actor: e.Actor, Action: e.Action, Target: e.Target, Before: e.Before,
		After: e.After, Denied: e.Denied, Reason: e.Reason, At: e.At}
}

// SeatsJSON is membership.SeatUsage.
type SeatsJSON struct {
	Members  int `json:"members"`
	Pending  int `json:"pending"`
	Seats    int `json:"seats"`
	Free     int `json:"free"`
	Licensed int `json:"licensed"`
	Licences int `json:"licences"`
}

// AddressResultJSON is the outcome of one address of an invitation batch.
type AddressResultJSON struct {
	Email   string         `json:"email"`
	Outcome invite.Outcome `json:"outcome"`
	ID      *uuid.UUID     `json:"invitation_id,omitempty"`
	// URL accepts the invitation: a secret for the inviter, to copy.
	URL string `json:"url,omitempty"`
}

// sortWorkspaces orders workspace roles by workspace ID, as the library
// lists them.
func sortWorkspaces(ws []WorkspaceRoleJSON) {
	slices.SortFunc(ws, func(a, b WorkspaceRoleJSON) int { return bytes.Compare(a.ID[:], b.ID[:]) })
}
