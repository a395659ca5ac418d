package membership

import (
	"time"

	"github.com/google/uuid"
)

// MaxAuditTargetLen bounds a denied attempt's audit event: its target is
// cut to this many bytes (at a character boundary), whatever the attempt
// carried. Its reason is the refusal's code (see CodeOf).
const MaxAuditTargetLen = 512

// AuditEvent records one mutation of an organization, or one denied attempt.
// Events are ordered by ID (UUIDv7, time-ordered).
type AuditEvent struct {
	ID     uuid.UUID
	OrgID  uuid.UUID
	Actor  string
	Action string // e.g. "member.added", "role.changed"
	Target string // what was acted on: a user ID, workspace ID, email…
	Before map[string]string
	After  map[string]string
	// Denied marks an attempt that was refused; Reason is the refusal's
	// stable code (CodeForbidden, CodeSeatLimit…; see CodeOf).
	Denied bool
	Reason string
	At     time.Time
}

// AuditFilter narrows an audit list; zero fields match everything.
type AuditFilter struct {
	Actor  string
	Action string
	Target string
}
