package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testWorker checks the outbox worker (Run) and dead letters through the
// services. Its subtests run one at a time: mail and events are queues
// every Service of a database drains, so a parallel subtest could deliver
// another's messages.
func testWorker(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ConcurrentWorkersDeliverEachMessageOnce", func(t *testing.T) {
		f := newFixture(t, newStore)
		ch := uniq("chan")
		const n = 60
		want := make(map[uuid.UUID]bool, n)
		for i := range n {
			m := rawMessage(f.org.ID, ch, start.Add(-time.Duration(n-i)*time.Second))
			want[m.ID] = true
			if err := f.st.Enqueue(f.ctx, m); err != nil {
				t.Fatalf("Enqueue: %v", err)
			}
		}
		var (
			mu    sync.Mutex
			count = map[uuid.UUID]int{}
		)
		deliver := func(_ context.Context, m membership.Message) error {
			mu.Lock()
			count[m.ID]++
			mu.Unlock()
			time.Sleep(time.Millisecond) // let the workers interleave
			return nil
		}
		stop := runWorkers(t, 3, func(i int) func(ctx context.Context) error {
			svc := newMembership(t, f.st, membership.Options{Clock: f.clk, Dispatcher: discard, DeferDelivery: true, PollInterval: 5 * time.Millisecond})
			return func(ctx context.Context) error { return svc.Run(ctx, membership.Channel{Name: ch, Deliver: deliver}) }
		})
		delivered := func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(count)
		}
		if !within(20*time.Second, func() bool { return delivered() == n }) {
			t.Fatalf("three workers delivered %d of %d messages", delivered(), n)
		}
		stop()
		for id := range want {
			if count[id] != 1 {
				t.Errorf("message %s delivered %d times, want once", id, count[id])
			}
		}
		if left, err := f.st.Claim(f.ctx, ch, start.Add(24*time.Hour), time.Minute, 10); err != nil || len(left) != 0 {
			t.Fatalf("after delivery the outbox still holds %d messages of the channel (%v)", len(left), err)
		}
	})

	t.Run("AFailingDeliveryBacksOffThenIsADeadLetterAnOperatorRetries", func(t *testing.T) {
		f := newFixture(t, newStore)
		svc := newMembership(t, f.st, membership.Options{Clock: f.clk, DeferDelivery: true, MaxAttempts: 3})
		ch := uniq("chan")
		msg := rawMessage(f.org.ID, ch, start)
		if err := f.st.Enqueue(f.ctx, msg); err != nil {
			t.Fatalf("Enqueue: %v", err)
		}
		tries := 0
		failing := func(context.Context, membership.Message) error { tries++; return errors.New("smtp: 421 try later") }
		for attempt, wait := range []time.Duration{0, time.Second, 2 * time.Second} {
			// Backoff with jitter: due again after at least half of 1s, 2s….
			if wait > 0 {
				f.clk.Advance(wait/2 - time.Millisecond)
				if n, err := svc.Relay(f.ctx, ch, failing); err != nil || tries != attempt {
					t.Fatalf("relay %v early: %d delivered, %d tries, %v; want no try before the backoff", wait/2, n, tries, err)
				}
				f.clk.Advance(wait/2 + time.Millisecond)
			}
			if _, err := svc.Relay(f.ctx, ch, failing); err != nil || tries != attempt+1 {
				t.Fatalf("attempt %d: %d tries, %v", attempt+1, tries, err)
			}
		}
		f.clk.Advance(48 * time.Hour)
		if _, err := svc.Relay(f.ctx, ch, failing); err != nil || tries != 3 {
			t.Fatalf("a dead letter was tried again: %d tries, %v", tries, err)
		}
		dead, _, err := svc.DeadLetters(f.ctx, ch, storage.Page{})
		if err != nil || len(dead) != 1 || dead[0].ID != msg.ID || !dead[0].Dead() || dead[0].Attempts != 3 || dead[0].LastError != "smtp: 421 try later" {
			t.Fatalf("DeadLetters = %+v, %v; want the message after 3 attempts with its last error", dead, err)
		}
		if err := svc.RetryDeadLetter(f.ctx, msg.ID); err != nil {
			t.Fatalf("RetryDeadLetter: %v", err)
		}
		wantErr(t, svc.RetryDeadLetter(f.ctx, msg.ID), membership.ErrNotFound) // no longer dead
		wantErr(t, svc.RetryDeadLetter(f.ctx, uuid.New()), membership.ErrNotFound)
		var got []uuid.UUID
		n, err := svc.Relay(f.ctx, ch, func(_ context.Context, m membership.Message) error { got = append(got, m.ID); return nil })
		if err != nil || n != 1 || len(got) != 1 || got[0] != msg.ID {
			t.Fatalf("after RetryDeadLetter, Relay delivered %d (%v), %v", n, got, err)
		}
		if dead, _, err := svc.DeadLetters(f.ctx, ch, storage.Page{}); err != nil || len(dead) != 0 {
			t.Fatalf("DeadLetters after delivery = %+v, %v", dead, err)
		}
	})

	t.Run("AStoppedWorkerLosesNoMessage", func(t *testing.T) {
		f := newFixture(t, newStore)
		ch := uniq("chan")
		msg := rawMessage(f.org.ID, ch, start)
		if err := f.st.Enqueue(f.ctx, msg); err != nil {
			t.Fatalf("Enqueue: %v", err)
		}
		started := make(chan struct{})
		svc := newMembership(t, f.st, membership.Options{Clock: f.clk, Dispatcher: discard, DeferDelivery: true, PollInterval: 5 * time.Millisecond})
		stop := runWorkers(t, 1, func(int) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				return svc.Run(ctx, membership.Channel{Name: ch, Deliver: func(ctx context.Context, _ membership.Message) error {
					close(started)
					<-ctx.Done() // the worker is stopped mid-delivery
					return ctx.Err()
				}})
			}
		})
		select {
		case <-started:
		case <-time.After(20 * time.Second):
			t.Fatal("the worker never started delivering")
		}
		stop()
		f.clk.Advance(2 * time.Minute) // the stopped worker's lease runs out
		var got []uuid.UUID
		n, err := svc.Relay(f.ctx, ch, func(_ context.Context, m membership.Message) error { got = append(got, m.ID); return nil })
		if err != nil || n != 1 || len(got) != 1 || got[0] != msg.ID {
			t.Fatalf("after the worker stopped, another delivered %d (%v), %v; want the message", n, got, err)
		}
	})

	t.Run("RunDropsEventsThatHaveNoConsumer", func(t *testing.T) {
		f := newFixture(t, newStore)
		svc := newMembership(t, f.st, membership.Options{Clock: f.clk, DeferDelivery: true, PollInterval: time.Hour})
		if _, err := svc.CreateWorkspace(f.ctx, f.owner, f.org.ID, "Unheard"); err != nil {
			t.Fatalf("CreateWorkspace: %v", err)
		}
		// Run relays events before its other channels: once a marker on
		// one of them is delivered, the event has been handled.
		ch := uniq("chan")
		if err := f.st.Enqueue(f.ctx, rawMessage(f.org.ID, ch, start)); err != nil {
			t.Fatalf("Enqueue: %v", err)
		}
		marked := make(chan struct{})
		stop := runWorkers(t, 1, func(int) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				return svc.Run(ctx, membership.Channel{Name: ch, Deliver: func(context.Context, membership.Message) error {
					close(marked)
					return nil
				}})
			}
		})
		select {
		case <-marked:
		case <-time.After(20 * time.Second):
			t.Fatal("the worker never delivered")
		}
		stop()
		rec := &recorder{}
		later := newMembership(t, f.st, membership.Options{Clock: f.clk, Dispatcher: rec})
		if _, err := later.DeliverEvents(f.ctx); err != nil {
			t.Fatalf("DeliverEvents: %v", err)
		}
		for _, d := range rec.attempts(f.org.ID) {
			if d.Event.Type == membership.EventWorkspaceCreated {
				t.Fatalf("an event Run had no consumer for was kept and delivered later: %+v", d.Event)
			}
		}
	})

	t.Run("RunSendsInvitationMailAFailingMailerHeldAsADeadLetter", func(t *testing.T) {
		f := newFixture(t, newStore)
		mail := &mailbox{fail: true}
		svc := newMembership(t, f.st, membership.Options{Clock: f.clk, Dispatcher: discard, DeferDelivery: true, MaxAttempts: 2, PollInterval: 5 * time.Millisecond})
		iv := newInvite(t, svc, invite.Options{Mailer: mail, DeferDelivery: true})
		if _, err := iv.Invite(f.ctx, f.owner, f.org.ID, invite.Request{Emails: "dana@example.com", Role: roles.OrgMember}); err != nil {
			t.Fatalf("Invite: %v", err)
		}
		for range 2 {
			if _, err := iv.DeliverMail(f.ctx); err != nil {
				t.Fatalf("DeliverMail: %v", err)
			}
			f.clk.Advance(time.Hour)
		}
		var dead []membership.Message
		page := storage.Page{Limit: storage.MaxPageSize}
		for {
			ms, next, err := svc.DeadLetters(f.ctx, membership.ChannelMail, page)
			if err != nil {
				t.Fatalf("DeadLetters: %v", err)
			}
			for _, m := range ms {
				if m.OrgID == f.org.ID {
					dead = append(dead, m)
				}
			}
			if !advance(t, &page, next) {
				break
			}
		}
		if len(dead) != 1 || len(mail.sent(f.org.ID)) != 0 {
			t.Fatalf("after 2 failed sends: %d dead letters, %d sent; want 1 and 0", len(dead), len(mail.sent(f.org.ID)))
		}
		mail.setFail(false)
		if err := svc.RetryDeadLetter(f.ctx, dead[0].ID); err != nil {
			t.Fatalf("RetryDeadLetter: %v", err)
		}
		stop := runWorkers(t, 1, func(int) func(ctx context.Context) error { return iv.Run })
		defer stop()
		if !within(20*time.Second, func() bool { return len(mail.sent(f.org.ID)) == 1 }) {
			t.Fatalf("Run sent %d mails after the retry, want 1", len(mail.sent(f.org.ID)))
		}
		if got := mail.sent(f.org.ID)[0]; got.To != "dana@example.com" || got.URL == "" && got.Token == "" {
			t.Fatalf("sent %+v", got)
		}
	})
}

// runWorkers starts n workers, each running what worker(i) returns until
// the returned stop is called; stop waits for them and fails t unless
// every one returned nil within ten seconds. t's cleanup stops them too.
func runWorkers(t *testing.T, n int, worker func(i int) func(ctx context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	errs := make(chan error, n)
	for i := range n {
		run := worker(i)
		go func() { errs <- run(ctx) }()
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			for range n {
				select {
				case err := <-errs:
					if err != nil {
						t.Errorf("a worker returned %v when stopped, want nil", err)
					}
				case <-time.After(10 * time.Second):
					t.Errorf("a worker did not stop within 10s of its context ending")
					return
				}
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
