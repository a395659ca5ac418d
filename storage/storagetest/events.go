package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// quiet is how long the suite waits before concluding that an event was
// not delivered.
const quiet = 100 * time.Millisecond

// testEvents checks the host events: written with each mutation in its
// transaction, delivered after commit, at least once, with a stable ID.
// Its subtests run one at a time: the outbox is shared by every
// organization of a store.
func testEvents(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("DispatcherReceivesEachEventAfterCommit", func(t *testing.T) {
		is := is.New(t)
		f := newFixture(t, newStore, withRecorder())
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice")})
		is.NoErr(err)
		_, err = f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "alice", roles.OrgAdmin)
		is.NoErr(err)
		is.NoErr(f.svc.RemoveMember(f.ctx, f.owner, f.org.ID, "alice"))
		seen := make(map[uuid.UUID]bool)
		for _, typ := range []string{membership.EventMemberAdded, membership.EventRoleChanged, membership.EventMemberRemoved} {
			if !eventually(func() bool { return len(f.disp.delivered(f.org.ID, typ)) > 0 }) {
				t.Fatalf("no %s event delivered; got %+v", typ, f.disp.attempts(f.org.ID))
			}
			e := f.disp.delivered(f.org.ID, typ)[0]
			is.True(e.ID != uuid.Nil) // every event has an ID
			is.True(!seen[e.ID])      // a different one per event
			seen[e.ID] = true
			is.Equal(e.OrgID, f.org.ID)
			is.Equal(e.UserID, "alice")
			is.Equal(e.Actor, f.owner)
			is.True(e.At.Equal(start)) // At comes from the clock
		}
	})

	t.Run("FailingDispatcherGetsTheEventAgainLater", func(t *testing.T) {
		is := is.New(t)
		f := newFixture(t, newStore, withRecorder())
		f.disp.setFail(true)
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice")})
		is.NoErr(err) // a failing dispatcher does not undo the committed change
		is.True(f.isMember(t, "alice"))
		tried := func() bool {
			return countType(attemptsOf(f.disp.attempts(f.org.ID), true), membership.EventMemberAdded) > 0
		}
		if !eventually(tried) {
			t.Fatalf("the dispatcher was never tried after commit: %+v", f.disp.attempts(f.org.ID))
		}
		f.disp.setFail(false)
		// Retries wait: right away, nothing is redelivered.
		_, err = f.svc.DeliverEvents(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.disp.delivered(f.org.ID, membership.EventMemberAdded)), 0) // not before the backoff

		f.clk.Advance(24 * time.Hour)
		n, err := f.svc.DeliverEvents(f.ctx)
		is.NoErr(err)
		is.True(n >= 1)
		got := f.disp.delivered(f.org.ID, membership.EventMemberAdded)
		is.Equal(len(got), 1) // delivered once the dispatcher is back
		for _, d := range f.disp.attempts(f.org.ID) {
			if d.Failed && d.Event.Type == membership.EventMemberAdded {
				is.Equal(d.Event.ID, got[0].ID) // the same ID on every attempt
			}
		}
		// Delivered events are not delivered again.
		f.clk.Advance(24 * time.Hour)
		_, err = f.svc.DeliverEvents(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.disp.delivered(f.org.ID, membership.EventMemberAdded)), 1)
	})

	t.Run("DeferredDeliveryWaitsForDeliverEvents", func(t *testing.T) {
		is := is.New(t)
		f := newFixture(t, newStore, withRecorder(), deferred())
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice")})
		is.NoErr(err)
		time.Sleep(quiet)
		is.Equal(len(f.disp.delivered(f.org.ID, "")), 0) // nothing until the host asks
		n, err := f.svc.DeliverEvents(f.ctx)
		is.NoErr(err)
		is.True(n >= 2) // organization.created and member.added
		is.Equal(len(f.disp.delivered(f.org.ID, membership.EventMemberAdded)), 1)
		is.Equal(len(f.disp.delivered(f.org.ID, membership.EventOrganizationCreated)), 1)
	})

	t.Run("EventsWaitInTheOutboxWithoutADispatcher", func(t *testing.T) {
		is := is.New(t)
		st := newStore(t)
		clk := newClock()
		bare := newMembership(t, st, membership.Options{Clock: clk})
		slug := uniq("org")
		org, err := bare.CreateOrganization(t.Context(), "owner", membership.NewOrganization{Name: "Bare", Slug: slug, OwnerEmail: email("owner")})
		is.NoErr(err)
		_, err = bare.AddMember(t.Context(), "owner", org.ID, membership.NewMember{UserID: "alice", Email: email("alice")})
		is.NoErr(err)
		rec := &recorder{}
		later := newMembership(t, st, membership.Options{Clock: clk, Dispatcher: rec})
		_, err = later.DeliverEvents(t.Context())
		is.NoErr(err)
		is.Equal(len(rec.delivered(org.ID, membership.EventMemberAdded)), 1) // kept until a dispatcher took it
	})

	t.Run("RelayHandsOutTheMessagesOfAChannel", func(t *testing.T) {
		is := is.New(t)
		f := newFixture(t, newStore, deferred())
		_, err := f.svc.AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice")})
		is.NoErr(err)
		var got []membership.Message
		handler := func(_ context.Context, m membership.Message) error {
			if m.OrgID == f.org.ID {
				got = append(got, m)
			}
			return nil
		}
		_, err = f.svc.Relay(f.ctx, membership.ChannelEvents, handler)
		is.NoErr(err)
		var added bool
		for _, m := range got {
			is.True(m.ID != uuid.Nil)
			is.Equal(m.Channel, membership.ChannelEvents)
			added = added || m.Topic == membership.EventMemberAdded
		}
		is.True(added) // the member.added message was relayed
		got = nil
		f.clk.Advance(24 * time.Hour)
		_, err = f.svc.Relay(f.ctx, membership.ChannelEvents, handler)
		is.NoErr(err)
		is.Equal(len(got), 0) // relayed messages are gone
	})

	t.Run("RolledBackTransactionLeavesNoAuditAndNoEvent", func(t *testing.T) {
		is := is.New(t)
		f := newFixture(t, newStore, withRecorder())
		before := f.snap(t)
		err := f.st.Transact(f.ctx, func(ctx context.Context) error {
			if _, err := f.svc.AddMember(ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice")}); err != nil {
				return err
			}
			return errBoom
		})
		wantErr(t, err, errBoom)
		f.unchanged(t, before)
		time.Sleep(quiet)
		f.clk.Advance(24 * time.Hour)
		_, err = f.svc.DeliverEvents(f.ctx)
		is.NoErr(err)
		for _, d := range f.disp.attempts(f.org.ID) {
			if d.Event.Type == membership.EventMemberAdded {
				t.Fatalf("an event of a rolled-back transaction reached the dispatcher: %+v", d.Event)
			}
		}
	})

	t.Run("CommittedOuterTransactionDeliversItsEvents", func(t *testing.T) {
		is := is.New(t)
		f := newFixture(t, newStore, withRecorder())
		err := f.st.Transact(f.ctx, func(ctx context.Context) error {
			_, err := f.svc.AddMember(ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice")})
			return err
		})
		is.NoErr(err)
		f.clk.Advance(24 * time.Hour)
		_, err = f.svc.DeliverEvents(f.ctx)
		is.NoErr(err)
		is.Equal(len(f.disp.delivered(f.org.ID, membership.EventMemberAdded)), 1)
	})

	t.Run("MutateRecordsAuditAndEventOnlyOnCommit", func(t *testing.T) {
		is := is.New(t)
		f := newFixture(t, newStore, withRecorder())
		const action = "storagetest.checked"
		record := func(fail bool) error {
			return membership.Extend(f.svc, membership.ExtensionOptions{}).Mutate(f.ctx, f.owner, f.org.ID, action, func(ctx context.Context, op *membership.Op) error {
				if err := op.Require(roles.PermManageMembers); err != nil {
					return err
				}
				if err := op.Record(ctx, membership.Record{Action: action, Target: "thing", UserID: "alice"}); err != nil {
					return err
				}
				if fail {
					return errBoom
				}
				return nil
			})
		}
		wantErr(t, record(true), errBoom)
		time.Sleep(quiet)
		is.Equal(len(auditOf(t, f.ctx, f.st, f.org.ID, membership.AuditFilter{Action: action})), 0) // no audit for a rollback
		is.Equal(len(f.disp.attempts(f.org.ID)), countType(f.disp.attempts(f.org.ID), membership.EventOrganizationCreated))

		is.NoErr(record(false))
		es := auditOf(t, f.ctx, f.st, f.org.ID, membership.AuditFilter{Action: action})
		is.Equal(len(es), 1)
		is.Equal(es[0].Actor, f.owner)
		is.Equal(es[0].Target, "thing")
		if !eventually(func() bool { return len(f.disp.delivered(f.org.ID, action)) == 1 }) {
			t.Fatalf("the committed event was not delivered: %+v", f.disp.attempts(f.org.ID))
		}
		is.Equal(f.disp.delivered(f.org.ID, action)[0].UserID, "alice")
	})
}

// countType counts the deliveries of events of type typ.
func countType(ds []delivery, typ string) int {
	n := 0
	for _, d := range ds {
		if d.Event.Type == typ {
			n++
		}
	}
	return n
}

// attemptsOf keeps the deliveries that failed (or succeeded, when failed is
// false).
func attemptsOf(ds []delivery, failed bool) []delivery {
	var out []delivery
	for _, d := range ds {
		if d.Failed == failed {
			out = append(out, d)
		}
	}
	return out
}
