package membership

import (
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Organization is a tenant: a company or team account.
type Organization struct {
	ID        uuid.UUID
	Name      string
	Slug      string // unique; lower-case letters, digits and single hyphens
	Settings  Settings
	CreatedAt time.Time
	UpdatedAt time.Time
}

// GuestPolicy says what happens to people outside the co-worker domains.
type GuestPolicy string

// Guest policies.
const (
	GuestsAllowed GuestPolicy = "allowed" // they join as guests (the default)
	GuestsDenied  GuestPolicy = "denied"  // they cannot join
)

// Settings are an organization's policies.
type Settings struct {
	// Domains are the co-worker email domains (lower-case ASCII). Someone
	// whose email is outside them joins as a guest. Empty: everyone is a
	// co-worker. Changing Domains reclassifies no existing member: use
	// Service.SetKind.
	Domains []string
	// GuestPolicy applies to people outside Domains; "" means GuestsAllowed.
	GuestPolicy GuestPolicy
	// RequireWorkspace: every member other than owners and admins keeps at
	// least one workspace, from the invitation on.
	RequireWorkspace bool
	// Seats caps the seats taken: members plus pending (unexpired)
	// invitations, deactivated members included unless DeactivatedFreeSeat;
	// 0 means no cap. Every way in (AddMember, accepting an invitation,
	// joining by link, Reactivate) and every change of the cap counts them
	// the same way.
	Seats int
	// DeactivatedFreeSeat lets deactivated members give their seats up:
	// they are then not counted against Seats, and Reactivate needs a free
	// seat. By default (false) a deactivated member keeps its seat.
	DeactivatedFreeSeat bool
	// Licences caps the number of licensed members; 0 means no cap.
	Licences int
	// MembersMayInvite lets every co-worker member invite (guests never do).
	MembersMayInvite bool
	// SSORequired: members sign in through the host's SSO. Every new
	// member (added, invited or joined by link, and the creator) gets SSO
	// on; turning it off for one member is an audited exception
	// (Service.SetSSO). Turning SSORequired on changes no existing member.
	SSORequired bool
	// LinksDisabled turns shareable invite links off.
	LinksDisabled bool
	// InvitesPerDay caps invitations sent per organization per day; 0 means
	// the invite package's default.
	InvitesPerDay int
	// InvitesPerInviterPerDay caps invitations per inviter per day; 0 means
	// the invite package's default.
	InvitesPerInviterPerDay int
}

// NewOrganization is what CreateOrganization needs.
type NewOrganization struct {
	Name     string
	Slug     string
	Settings Settings
	// OwnerEmail and OwnerName describe the creator, who becomes the owner.
	OwnerEmail string
	OwnerName  string
}

// UserMembership is one organization of a user, with the user's standing
// there: an org switcher's row.
type UserMembership struct {
	Organization
	Role        roles.Role
	Deactivated bool
}

// OrganizationUpdate changes an organization; nil fields stay as they are.
// Changing Seats or Licences also needs the billing permission.
type OrganizationUpdate struct {
	Name     *string
	Slug     *string
	Settings *Settings
	// KeepBilling keeps the billing fields of Settings (Seats, Licences,
	// DeactivatedFreeSeat) as they stand when the update runs, whatever
	// Settings holds: for a client that may not change them and read them
	// earlier, so that a change made in between is not undone.
	KeepBilling bool
	// KeepMembersMayInvite keeps Settings.MembersMayInvite as it stands when
	// the update runs, whatever Settings holds: for a client that may not
	// give the invite permission (an API key narrowed below it) and read the
	// setting earlier, so that it neither turns it back on nor off.
	KeepMembersMayInvite bool
}
