package storagetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testEdges checks what the services do with input no caller should send
// but some will: a nil context, a Service not made by New, over-long IDs,
// times no store can keep. Each is a typed error that changes nothing; no
// panic reaches the caller.
func testEdges(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ANilContextIsInvalidInputOnEveryMethod", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		f.add(t, "bob", roles.OrgMember)
		before := f.snap(t)
		var nilCtx context.Context
		args := argsFor(nilCtx, f.org.ID, "bob")
		for _, svc := range []any{f.svc, f.iv} {
			for name, err := range callEach(t, svc, args) {
				if err == nil || !isError(err, membership.ErrInvalidInput) {
					t.Errorf("%T.%s(nil ctx, …) = %v, want an error matching ErrInvalidInput", svc, name, err)
				}
			}
		}
		f.unchanged(t, before)
		if n := len(f.audit(t)); n != len(before.Audit) {
			t.Fatalf("calls with a nil context wrote %d audit events", n-len(before.Audit))
		}
	})

	t.Run("AServiceNotMadeByNewIsInvalidOptions", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		args := argsFor(f.ctx, f.org.ID, f.owner)
		// A zero Service, and the nil one New returns with its error to a
		// host that ignores the error.
		for _, svc := range []any{&membership.Service{}, (*membership.Service)(nil),
			&invite.Service{}, (*invite.Service)(nil)} {
			for name, err := range callEach(t, svc, args) {
				if err == nil || !isError(err, membership.ErrInvalidOptions) {
					t.Errorf("%T.%s on an unusable Service = %v, want an error matching ErrInvalidOptions", svc, name, err)
				}
			}
		}
		if membership.ErrInvalidOptions != invite.ErrInvalidOptions {
			t.Fatal("membership.ErrInvalidOptions and invite.ErrInvalidOptions differ")
		}
	})

	t.Run("OverLongActorsAndTargetsAreInvalidAndNotAudited", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		w := f.workspace(t, "W")
		f.add(t, "bob", roles.OrgMember, ws{w.ID, roles.WorkspaceViewer})
		before := f.snap(t)
		auditBefore := len(f.audit(t))
		huge := strings.Repeat("u", 1<<20)
		tooLong := strings.Repeat("u", membership.MaxUserIDLen+1)
		stranger := "stranger" // a valid ID, not a member
		for _, who := range []struct{ actor, target string }{
			{huge, "bob"}, {tooLong, "bob"}, {stranger, huge}, {stranger, tooLong}, {"bob", huge},
		} {
			calls := map[string]error{}
			_, calls["ChangeRole"] = f.svc.ChangeRole(f.ctx, who.actor, f.org.ID, who.target, roles.OrgAdmin)
			_, calls["ChangeRoles"] = f.svc.ChangeRoles(f.ctx, who.actor, f.org.ID, []membership.RoleChange{{UserID: who.target, Role: roles.OrgAdmin}})
			_, calls["SetGrants"] = f.svc.SetGrants(f.ctx, who.actor, f.org.ID, who.target, roles.Grants(roles.PermInvite))
			_, calls["Deactivate"] = f.svc.Deactivate(f.ctx, who.actor, f.org.ID, who.target)
			calls["RemoveMember"] = f.svc.RemoveMember(f.ctx, who.actor, f.org.ID, who.target)
			calls["TransferOwnership"] = f.svc.TransferOwnership(f.ctx, who.actor, f.org.ID, who.target)
			_, calls["SetWorkspaceAccess"] = f.svc.SetWorkspaceAccess(f.ctx, who.actor, f.org.ID, w.ID, who.target, roles.WorkspaceAdmin)
			calls["RemoveWorkspaceAccess"] = f.svc.RemoveWorkspaceAccess(f.ctx, who.actor, f.org.ID, w.ID, who.target)
			_, calls["AddMember"] = f.svc.AddMember(f.ctx, who.actor, f.org.ID, membership.NewMember{UserID: who.target, Email: "x@example.com"})
			if who.target == "bob" {
				_, calls["CreateWorkspace"] = f.svc.CreateWorkspace(f.ctx, who.actor, f.org.ID, "X")
				_, calls["Invite"] = f.iv.Invite(f.ctx, who.actor, f.org.ID, invite.Request{Emails: "x@example.com"})
				_, _, calls["CreateLink"] = f.iv.CreateLink(f.ctx, who.actor, f.org.ID, invite.NewLink{})
				_, _, calls["Invitations"] = f.iv.Invitations(f.ctx, who.actor, f.org.ID, invite.InvitationFilter{}, storage.Page{})
			}
			for name, err := range calls {
				if !isError(err, membership.ErrInvalidInput) {
					t.Errorf("%s by a %d-byte actor on a %d-byte target: %v, want ErrInvalidInput", name, len(who.actor), len(who.target), err)
				}
			}
		}
		f.unchanged(t, before)
		if n := len(f.audit(t)); n != auditBefore {
			t.Fatalf("refused calls with over-long IDs wrote %d audit events", n-auditBefore)
		}
	})

	t.Run("ADeniedRecordIsBounded", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, newStore)
		huge := strings.Repeat("é", 1<<19) // 1 MiB of two-byte characters
		x := membership.Extend(f.svc, membership.ExtensionOptions{})
		x.RecordDenied(f.ctx, "stranger", f.org.ID, membership.EventMemberRemoved, huge, fmt.Errorf("%w: %s", membership.ErrForbidden, huge))
		x.RecordDenied(f.ctx, strings.Repeat("u", 1<<20), f.org.ID, membership.EventMemberRemoved, "bob", membership.ErrForbidden)
		var denied []membership.AuditEvent
		for _, e := range f.audit(t) {
			if e.Denied {
				denied = append(denied, e)
			}
		}
		if len(denied) != 1 {
			t.Fatalf("got %d denied events, want 1 (none for an actor no member could have): %+v", len(denied), denied)
		}
		e := denied[0]
		if e.Actor != "stranger" || len(e.Target) > membership.MaxAuditTargetLen ||
			!strings.HasPrefix(e.Target, "éé") || e.Reason != membership.CodeForbidden {
			t.Fatalf("denied event: actor %q, %d-byte target %.20q, reason %.40q; want a target of at most %d bytes and reason %q",
				e.Actor, len(e.Target), e.Target, e.Reason, membership.MaxAuditTargetLen, membership.CodeForbidden)
		}
		if !utf8.ValidString(e.Target) {
			t.Fatalf("a cut target is not valid UTF-8: %q", e.Target)
		}
	})

	t.Run("AnExpiryBeyondTheHorizonIsInvalidInputAndLinksStillWork", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		now := f.clk.Now()
		for _, exp := range []time.Time{
			now.Add(invite.MaxTTL + time.Hour),
			time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(292277026596, 12, 4, 15, 30, 7, 0, time.UTC),
		} {
			_, _, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{ExpiresAt: exp})
			wantErr(t, err, membership.ErrInvalidInput)
		}
		far := now.Add(invite.MaxTTL - time.Hour)
		l, tok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{ExpiresAt: far})
		if err != nil {
			t.Fatalf("CreateLink expiring %v (within MaxTTL): %v", far, err)
		}
		ls, _, err := f.iv.Links(f.ctx, f.owner, f.org.ID, storage.Page{})
		if err != nil || len(ls) != 1 || !ls[0].ExpiresAt.Equal(far) {
			t.Fatalf("Links = %+v, %v; want the one link expiring %v", ls, err, far)
		}
		if _, err := f.iv.Preview(f.ctx, tok); err != nil {
			t.Fatalf("Preview of a link expiring in %d: %v", far.Year(), err)
		}
		if err := f.iv.RevokeLink(f.ctx, f.owner, f.org.ID, l.ID); err != nil {
			t.Fatalf("RevokeLink: %v", err)
		}
	})

	t.Run("AStoreWritesOnlyTimesItCanReadBack", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		for _, exp := range []time.Time{
			time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		} {
			l := invite.Link{ID: uuid.New(), OrgID: f.org.ID, Role: roles.OrgMember, CreatedBy: f.owner,
				TokenHash: []byte(uuid.NewString()), ExpiresAt: exp, CreatedAt: start, UpdatedAt: start}
			err := f.ist.InsertLink(f.ctx, l)
			if err != nil {
				wantErr(t, err, membership.ErrInvalidInput)
				if _, err := f.ist.Link(f.ctx, f.org.ID, l.ID); !isError(err, storage.ErrNotFound) {
					t.Fatalf("a refused InsertLink left a link behind: %v", err)
				}
				continue
			}
			got, err := f.ist.Link(f.ctx, f.org.ID, l.ID)
			if err != nil || !got.ExpiresAt.Equal(exp) {
				t.Fatalf("InsertLink accepted an expiry in year %d but reads back %v, %v", exp.Year(), got.ExpiresAt, err)
			}
		}
		if _, _, err := f.ist.Links(f.ctx, f.org.ID, storage.Page{}); err != nil {
			t.Fatalf("Links after writing far expiries: %v", err)
		}
	})
}

// argsFor returns how callEach fills a parameter of type t: the context
// given, the organization for every UUID, a co-worker for a member kind,
// user for every other string, and the zero value otherwise.
func argsFor(ctx context.Context, org uuid.UUID, user string) func(t reflect.Type) reflect.Value {
	ctxType := reflect.TypeFor[context.Context]()
	return func(t reflect.Type) reflect.Value {
		switch {
		case t == ctxType:
			v := reflect.New(t).Elem()
			if ctx != nil {
				v.Set(reflect.ValueOf(ctx))
			}
			return v
		case t == reflect.TypeFor[uuid.UUID]():
			return reflect.ValueOf(org)
		case t == reflect.TypeFor[membership.Kind]():
			return reflect.ValueOf(membership.KindCoworker)
		case t.Kind() == reflect.String:
			return reflect.ValueOf(user).Convert(t)
		}
		return reflect.Zero(t)
	}
}

// callEach calls every exported method of svc whose first parameter is a
// context, with arguments from arg, and returns the error each one that
// returns an error gave. A panic fails t.
func callEach(t *testing.T, svc any, arg func(reflect.Type) reflect.Value) map[string]error {
	t.Helper()
	ctxType, errType := reflect.TypeFor[context.Context](), reflect.TypeFor[error]()
	v := reflect.ValueOf(svc)
	out := map[string]error{}
	for i := range v.NumMethod() {
		m, mt := v.Method(i), v.Type().Method(i)
		if m.Type().NumIn() == 0 || m.Type().In(0) != ctxType {
			continue
		}
		in := make([]reflect.Value, m.Type().NumIn())
		for j := range in {
			in[j] = arg(m.Type().In(j))
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%T.%s panicked: %v", svc, mt.Name, r)
				}
			}()
			call := m.Call
			if m.Type().IsVariadic() {
				call = m.CallSlice
			}
			res := call(in)
			if n := len(res); n > 0 && m.Type().Out(n-1) == errType {
				err, _ := res[n-1].Interface().(error)
				out[mt.Name] = err
			}
		}()
	}
	if len(out) == 0 {
		t.Fatalf("%T has no method taking a context and returning an error", svc)
	}
	return out
}

func isError(err, target error) bool { return err != nil && errors.Is(err, target) }
