package membership

import (
	"time"

	"github.com/google/uuid"
)

// Outbox channels.
const (
	ChannelEvents = "events" // host events, delivered to the Dispatcher
	ChannelMail   = "mail"   // invitation emails, delivered by the invite package
)

// Message is one entry of the transactional outbox: written in the same
// transaction as the change it reports, delivered after commit, at least
// once. ID lets receivers drop duplicates.
type Message struct {
	ID          uuid.UUID
	OrgID       uuid.UUID
	Channel     string
	Topic       string
	Payload     []byte
	CreatedAt   time.Time
	Attempts    int
	NextAttempt time.Time // not delivered before this time
	LastError   string
}
