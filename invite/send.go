package invite

import (
	"time"

	"github.com/google/uuid"
)

// Send records invitation emails queued by one inviter at one time; the
// per-day invite limits sum them. Creating, refreshing and resending an
// invitation each count one send per invitee.
type Send struct {
	ID        uuid.UUID
	OrgID     uuid.UUID
	InvitedBy string
	Count     int
	At        time.Time
}
