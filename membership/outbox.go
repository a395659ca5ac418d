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

// DeadLetterTime is the NextAttempt of a dead letter: a message that used
// up Options.MaxAttempts deliveries. It is the last second of year 9999,
// the latest time every store keeps, so no Claim ever reaches it. Run and
// Relay set it; Service.RetryDeadLetter makes the message due again.
func DeadLetterTime() time.Time { return time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC) }

// Dead reports whether m is a dead letter.
func (m Message) Dead() bool { return m.NextAttempt.Equal(DeadLetterTime()) }
