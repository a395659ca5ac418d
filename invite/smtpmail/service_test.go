package smtpmail_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/invite/smtpmail"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/memstore"
	"github.com/rosterkit/roster/roles"
)

// An invitation goes out through SMTP; while the server refuses it, the
// email waits in the outbox and goes out on a later delivery.
func TestInvitationsGoOutThroughSMTP(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := membership.ClockFunc(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	st := memstore.New()
	m, err := membership.New(st, membership.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}

	down := authSink(t, sinkConfig{Reject: map[string]string{"RCPT": "451 4.3.2 try again later"}})
	up := authSink(t, sinkConfig{})
	var cur atomic.Pointer[smtpmail.Mailer]
	cur.Store(newMailer(t, down, nil))
	iv, err := invite.New(m, invite.Options{
		Mailer:        invite.MailerFunc(func(ctx context.Context, ml invite.Mail) error { return cur.Load().Send(ctx, ml) }),
		BaseURL:       "https://app.example.com/invite/",
		DeferDelivery: true,
	})
	require.NoError(t, err)

	org, err := m.CreateOrganization(ctx, "olivia", membership.NewOrganization{
		Name: "Zoë's <Café>", Slug: "cafe", OwnerEmail: "olivia@cafe.com", OwnerName: "Olivia"})
	require.NoError(t, err)
	ws, err := m.CreateWorkspace(ctx, "olivia", org.ID, "Marketing")
	require.NoError(t, err)
	res, err := iv.Invite(ctx, "olivia", org.ID, invite.Request{
		Emails: "Ann Lee <ann@cafe.com>", Role: roles.OrgMember,
		Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceContributor},
	})
	require.NoError(t, err)
	url := res.Addresses[0].URL

	sent, err := iv.DeliverMail(ctx)
	require.NoError(t, err)
	require.Zero(t, sent, "the server refused the recipient")
	require.Empty(t, down.Messages())

	cur.Store(newMailer(t, up, nil))
	mu.Lock()
	now = now.Add(time.Minute) // past the retry's backoff
	mu.Unlock()
	sent, err = iv.DeliverMail(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, sent)

	got := up.Messages()
	require.Len(t, got, 1)
	require.Equal(t, []string{"ann@cafe.com"}, got[0].To)
	d := decode(t, got[0].Data)
	require.Equal(t, "Olivia invited you to join Zoë's <Café>", d.Subject)
	require.Equal(t, "Ann Lee", d.To.Name)
	require.Contains(t, d.Text, "  - Marketing (contributor)")
	require.Contains(t, d.Text, url)
	require.Contains(t, d.HTML, `href="`+url+`"`)
	require.Contains(t, d.HTML, "Zoë&#39;s &lt;Café&gt;")
	require.Contains(t, d.Text, "expires on December 8, 2026 at 09:00 UTC")

	sent, err = iv.DeliverMail(ctx)
	require.NoError(t, err)
	require.Zero(t, sent, "a delivered email is not sent again")
}
