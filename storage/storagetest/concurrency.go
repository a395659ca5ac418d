package storagetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/matryer/is"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// rounds is how many times each race is run, on a fresh organization each
// time.
const rounds = 5

// goroutines is how many callers race in the many-caller cases.
const goroutines = 16

// testConcurrency races many goroutines on one organization: mutations
// that can race are serialized per organization, so invariants hold.
func testConcurrency(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("TwoOwnersDemotingEachOtherLeaveOneOwner", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st))
			f.add(t, "second", roles.OrgOwner)
			pair := [2][2]string{{f.owner, "second"}, {"second", f.owner}}
			errs := race(2, func(i int) error {
				_, err := f.on(i).ChangeRole(f.ctx, pair[i][0], f.org.ID, pair[i][1], roles.OrgAdmin)
				return err
			})
			// The loser acts after the winner demoted or deactivated it: it
			// lacks the authority (ErrForbidden) before the last-owner rule.
			ok, _, other := tally(errs, membership.ErrForbidden)
			if ok != 1 || other != nil {
				t.Fatalf("round %d: %d succeeded (want 1, the others ErrForbidden), errors %v", round, ok, errs)
			}
			if n := f.owners(t); n != 1 {
				t.Fatalf("round %d: %d owners left, want 1", round, n)
			}
		}
	})

	t.Run("TwoOwnersDeactivatingEachOtherLeaveOneActiveOwner", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st))
			f.add(t, "second", roles.OrgOwner)
			pair := [2][2]string{{f.owner, "second"}, {"second", f.owner}}
			errs := race(2, func(i int) error {
				_, err := f.on(i).Deactivate(f.ctx, pair[i][0], f.org.ID, pair[i][1])
				return err
			})
			// The loser acts after the winner demoted or deactivated it: it
			// lacks the authority (ErrForbidden) before the last-owner rule.
			ok, _, other := tally(errs, membership.ErrForbidden)
			if ok != 1 || other != nil {
				t.Fatalf("round %d: %d succeeded (want 1, the others ErrForbidden), errors %v", round, ok, errs)
			}
			active := 0
			for _, u := range []string{f.owner, "second"} {
				if !f.member(t, u).Deactivated {
					active++
				}
			}
			if active != 1 {
				t.Fatalf("round %d: %d active owners, want 1", round, active)
			}
		}
	})

	t.Run("TheLastTwoOwnersLeavingAtOnceLeaveOneOwner", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st))
			f.add(t, "second", roles.OrgOwner)
			users := []string{f.owner, "second"}
			errs := race(2, func(i int) error { return f.on(i).Leave(f.ctx, users[i], f.org.ID) })
			ok, per, other := tally(errs, membership.ErrLastOwner)
			if ok != 1 || per[0] != 1 || other != nil {
				t.Fatalf("round %d: errors %v, want one success and one ErrLastOwner", round, errs)
			}
			if n := f.owners(t); n != 1 {
				t.Fatalf("round %d: %d owners left, want 1", round, n)
			}
		}
	})

	t.Run("OwnersDemotingAllOthersAtOnceLeaveOneOwner", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st))
			owners := []string{f.owner}
			for i := range 4 {
				u := fmt.Sprintf("owner%d", i)
				f.add(t, u, roles.OrgOwner)
				owners = append(owners, u)
			}
			errs := race(len(owners), func(i int) error {
				var changes []membership.RoleChange
				for j, u := range owners {
					if j != i {
						changes = append(changes, membership.RoleChange{UserID: u, Role: roles.OrgAdmin})
					}
				}
				_, err := f.on(i).ChangeRoles(f.ctx, owners[i], f.org.ID, changes)
				return err
			})
			// The loser acts after the winner demoted or deactivated it: it
			// lacks the authority (ErrForbidden) before the last-owner rule.
			ok, _, other := tally(errs, membership.ErrForbidden)
			if ok != 1 || other != nil {
				t.Fatalf("round %d: %d succeeded (want 1, the others ErrForbidden), errors %v", round, ok, errs)
			}
			var winner string
			for i, err := range errs {
				if err == nil {
					winner = owners[i]
				}
			}
			for _, u := range owners {
				want := roles.OrgAdmin
				if u == winner {
					want = roles.OrgOwner
				}
				if got := f.member(t, u).Role; got != want {
					t.Fatalf("round %d: %s is %s, want %s (winner %s)", round, u, got, want, winner)
				}
			}
		}
	})

	t.Run("ConcurrentChangeRolesApplyAsAWhole", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		users := []string{"u1", "u2", "u3"}
		for _, u := range users {
			f.add(t, u, roles.OrgMember)
		}
		for round := range rounds {
			errs := race(goroutines, func(i int) error {
				role := roles.OrgMember
				if i%2 == 0 {
					role = roles.OrgAdmin
				}
				var changes []membership.RoleChange
				for k := range users {
					// Each caller names the users in its own order.
					changes = append(changes, membership.RoleChange{UserID: users[(k+i)%len(users)], Role: role})
				}
				_, err := f.on(i).ChangeRoles(f.ctx, f.owner, f.org.ID, changes)
				return err
			})
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d: ChangeRoles %d: %v", round, i, err)
				}
			}
			first := f.member(t, users[0]).Role
			for _, u := range users[1:] {
				if got := f.member(t, u).Role; got != first {
					t.Fatalf("round %d: %s is %s but %s is %s: two calls interleaved", round, users[0], first, u, got)
				}
			}
		}
	})

	t.Run("ConcurrentRemovalsOfOneMemberSucceedOnce", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st))
			w := f.workspace(t, "W")
			f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
			errs := race(goroutines, func(i int) error { return f.on(i).RemoveMember(f.ctx, f.owner, f.org.ID, "alice") })
			ok, per, other := tally(errs, membership.ErrNotFound)
			if ok != 1 || per[0] != goroutines-1 || other != nil {
				t.Fatalf("round %d: %d succeeded (want 1), errors %v", round, ok, errs)
			}
			removed := auditOf(t, f.ctx, f.st, f.org.ID, membership.AuditFilter{Action: membership.EventMemberRemoved, Target: "alice"})
			var n int
			for _, e := range removed {
				if !e.Denied {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("round %d: %d member.removed events, want 1", round, n)
			}
			is.New(t).True(!f.can(t, "alice", w.ID, roles.PermView))
		}
	})

	t.Run("ConcurrentAddsOfOneUserSucceedOnce", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st))
			errs := race(goroutines, func(i int) error {
				_, err := f.on(i).AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: "alice", Email: email("alice"), Name: fmt.Sprint(i)})
				return err
			})
			ok, per, other := tally(errs, membership.ErrConflict)
			if ok != 1 || per[0] != goroutines-1 || other != nil {
				t.Fatalf("round %d: %d succeeded (want 1), errors %v", round, ok, errs)
			}
			if n := f.count(t, membership.MemberFilter{}); n != 2 {
				t.Fatalf("round %d: %d members, want 2", round, n)
			}
		}
	})

	t.Run("ConcurrentAddsNeverExceedTheSeats", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st), withSettings(membership.Settings{Seats: 4}))
			free := 4 - f.count(t, membership.MemberFilter{})
			errs := race(goroutines, func(i int) error {
				u := fmt.Sprintf("u%02d", i)
				_, err := f.on(i).AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: u, Email: email(u)})
				return err
			})
			ok, per, other := tally(errs, membership.ErrSeatLimit)
			if ok != free || per[0] != goroutines-free || other != nil {
				t.Fatalf("round %d: %d succeeded (want %d), errors %v", round, ok, free, errs)
			}
			if n := f.count(t, membership.MemberFilter{}); n != 4 {
				t.Fatalf("round %d: %d members for 4 seats", round, n)
			}
		}
	})

	t.Run("ConcurrentCallersRaceForTheLastLicence", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		for round := range rounds {
			f := newFixture(t, newStore, onStore(st), withSettings(membership.Settings{Licences: 2}))
			var users []string
			for i := range goroutines {
				u := fmt.Sprintf("u%02d", i)
				f.add(t, u, roles.OrgMember)
				users = append(users, u)
			}
			held := f.count(t, membership.MemberFilter{LicensedOnly: true})
			if held < 1 {
				// Take all licences but the last one.
				_, err := f.svc.AssignLicence(f.ctx, f.owner, f.org.ID, f.owner)
				if err != nil {
					t.Fatalf("AssignLicence(owner): %v", err)
				}
			}
			errs := race(goroutines, func(i int) error {
				if i%2 == 1 {
					// Some race by adding a licensed member instead.
					u := fmt.Sprintf("new%02d", i)
					_, err := f.on(i).AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: u, Email: email(u), Licensed: true})
					return err
				}
				_, err := f.on(i).AssignLicence(f.ctx, f.owner, f.org.ID, users[i])
				return err
			})
			ok, per, other := tally(errs, membership.ErrSeatLimit)
			if ok != 1 || per[0] != goroutines-1 || other != nil {
				t.Fatalf("round %d: %d succeeded (want 1), errors %v", round, ok, errs)
			}
			if n := f.count(t, membership.MemberFilter{LicensedOnly: true}); n != 2 {
				t.Fatalf("round %d: %d licensed members for 2 licences", round, n)
			}
		}
	})

	t.Run("ConcurrentWorkspacesWithOneNameSucceedOnce", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		errs := race(goroutines, func(i int) error {
			_, err := f.on(i).CreateWorkspace(f.ctx, f.owner, f.org.ID, "Same")
			return err
		})
		ok, per, other := tally(errs, membership.ErrConflict)
		if ok != 1 || per[0] != goroutines-1 || other != nil {
			t.Fatalf("%d succeeded (want 1), errors %v", ok, errs)
		}
	})

	t.Run("ChecksDuringChangesSeeOneStateOrTheOther", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "alice", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		var stop atomic.Bool
		var wg sync.WaitGroup
		var denied, checks atomic.Int64
		for k := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					ok, err := f.on(k).Can(f.ctx, f.org.ID, "alice", w.ID, roles.PermView)
					if err != nil {
						t.Errorf("Can during changes: %v", err)
						return
					}
					checks.Add(1)
					if !ok {
						denied.Add(1)
					}
				}
			}()
		}
		// Alice's workspace role and org role change; every state she goes
		// through lets her view the workspace.
		steps := []func() error{
			func() error {
				_, err := f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice", roles.WorkspaceContributor)
				return err
			},
			func() error {
				_, err := f.svc.SetWorkspaceAccess(f.ctx, f.owner, f.org.ID, w.ID, "alice", roles.WorkspaceViewer)
				return err
			},
			func() error {
				_, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "alice", roles.OrgAdmin)
				return err
			},
			func() error {
				_, err := f.svc.ChangeRole(f.ctx, f.owner, f.org.ID, "alice", roles.OrgMember)
				return err
			},
		}
		var stepErr error
		for i := 0; i < 200 && stepErr == nil; i++ {
			stepErr = steps[i%len(steps)]()
		}
		stop.Store(true)
		wg.Wait()
		if stepErr != nil {
			t.Fatalf("change: %v", stepErr)
		}
		if denied.Load() != 0 {
			t.Fatalf("%d of %d checks denied a user who could view the workspace throughout", denied.Load(), checks.Load())
		}
	})

	t.Run("ParallelOrganizationsDoNotBlockEachOther", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		fixtures := make([]*fixture, 8)
		for i := range fixtures {
			fixtures[i] = newFixture(t, newStore, onStore(st))
		}
		errs := race(len(fixtures)*4, func(i int) error {
			f := fixtures[i%len(fixtures)]
			u := fmt.Sprintf("u%02d", i)
			_, err := f.on(i).AddMember(f.ctx, f.owner, f.org.ID, membership.NewMember{UserID: u, Email: email(u)})
			return err
		})
		for _, err := range errs {
			is.New(t).NoErr(err)
		}
		for _, f := range fixtures {
			if n := f.count(t, membership.MemberFilter{}); n != 5 {
				t.Fatalf("organization %s has %d members, want 5", f.org.ID, n)
			}
		}
	})
}
