package membership

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Event types written by this package. The invite package adds its own
// ("invitation.created", …).
const (
	EventOrganizationCreated = "organization.created"
	EventOrganizationUpdated = "organization.updated"
	EventOrganizationDeleted = "organization.deleted"
	EventWorkspaceCreated    = "workspace.created"
	EventWorkspaceRenamed    = "workspace.renamed"
	EventWorkspaceDeleted    = "workspace.deleted"
	EventMemberAdded         = "member.added"
	EventMemberRemoved       = "member.removed"
	EventMemberLeft          = "member.left"
	EventRoleChanged         = "role.changed"
	EventGrantsChanged       = "grants.changed"
	EventAccessChanged       = "access.changed"
	EventAccessRemoved       = "access.removed"
	EventOwnershipTransfer   = "ownership.transferred"
	EventSSOChanged          = "sso.changed"
	EventLicenceAssigned     = "licence.assigned"
	EventLicenceUnassigned   = "licence.unassigned"
	EventMemberDeactivated   = "member.deactivated"
	EventMemberReactivated   = "member.reactivated"
	EventKindChanged         = "member.kind_changed" // SetKind: co-worker or guest
)

// Event tells the host that something changed, after it committed: e.g. a
// member was removed, so the host hands their content to the organization.
// Delivery is at least once; ID is the same on every delivery.
type Event struct {
	ID          uuid.UUID
	Type        string
	OrgID       uuid.UUID
	Actor       string
	UserID      string    // the member concerned, if any
	WorkspaceID uuid.UUID // the workspace concerned, if any
	Data        map[string]string
	At          time.Time
}

// Dispatcher receives events after commit. An error makes the event be
// retried later with backoff.
type Dispatcher interface {
	Dispatch(ctx context.Context, e Event) error
}

// DispatcherFunc adapts a function to Dispatcher.
type DispatcherFunc func(ctx context.Context, e Event) error

// Dispatch calls f.
func (f DispatcherFunc) Dispatch(ctx context.Context, e Event) error { return f(ctx, e) }
