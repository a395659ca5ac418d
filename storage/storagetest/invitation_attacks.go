package storagetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// testInvitationAttacks feeds the Service hostile input: every refusal is
// a typed error and leaves nothing stored or sent.
func testInvitationAttacks(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("MalformedTokensFailWithoutAStoreLookUp", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		is.NoErr(err)
		counter := &lookupCounter{Store: f.st}
		iv := newInvite(t, newMembership(t, counter, membership.Options{Clock: f.clk}), invite.Options{})
		typo := []byte(tok)
		typo[20] ^= 0x01 // a different base62 letter
		before := f.ivSnap(t)
		for name, bad := range map[string]string{
			"empty":         "",
			"short":         "rsti_abc",
			"truncated":     tok[:len(tok)-1],
			"extended":      tok + "a",
			"huge":          strings.Repeat("a", 1<<20),
			"mistyped":      string(typo),
			"upper-cased":   strings.ToUpper(tok),
			"kind swapped":  invite.PrefixLink + tok[5:],
			"link swapped":  invite.PrefixInvitation + ltok[5:],
			"with CRLF":     tok[:20] + "\r\n" + tok[22:],
			"with NUL":      tok[:20] + "\x00" + tok[21:],
			"SQL":           "rsti_' OR '1'='1' --                               ",
			"invalid UTF-8": tok[:20] + "\xff" + tok[21:],
			"spaced":        " " + tok[1:],
		} {
			_, err := iv.Preview(f.ctx, bad)
			wantErr(t, err, invite.ErrInvalidToken)
			_, err = iv.Accept(f.ctx, bad, verified("ann", "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidToken)
			_, err = iv.Join(f.ctx, bad, verified("ann", "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidToken)
			wantErr(t, iv.Reject(f.ctx, bad, verified("ann", "ann@example.com")), invite.ErrInvalidToken)
			if n := counter.count(); n != 0 {
				t.Fatalf("%s: %d store look-ups for a malformed token", name, n)
			}
			if len(bad) > 10 && strings.Contains(err.Error(), bad[5:]) {
				t.Fatalf("%s: the error echoes the token", name)
			}
		}
		f.ivUnchanged(t, before)
		is.True(!f.isMember(t, "ann"))
	})

	t.Run("TokensOpenOnlyTheirOwnKind", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		is.NoErr(err)
		_, err = f.iv.Join(f.ctx, tok, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken)
		wantErr(t, f.iv.Reject(f.ctx, ltok, verified("ann", "ann@example.com")), invite.ErrInvalidToken)
		is.True(!f.isMember(t, "ann"))
		// Accept takes both kinds: one accept page serves both.
		_, err = f.iv.Accept(f.ctx, ltok, verified("bob", "bob@example.com"))
		is.NoErr(err)
	})

	t.Run("AWellFormedButUnknownTokenIsInvalid", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		inv, old := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		if _, _, err := f.iv.Resend(f.ctx, f.owner, f.org.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.iv.Accept(f.ctx, old, verified("ann", "ann@example.com"))
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = f.iv.Preview(f.ctx, old)
		wantErr(t, err, invite.ErrInvalidToken)
	})

	t.Run("IDsOfAnotherOrganizationAreNotFound", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		a := newInviteFixture(t, newStore)
		b := newInviteFixture(t, newStore, ivOn(a.st))
		inv, tok := a.inviteOne(t, "ann@example.com", roles.OrgMember)
		l, _, err := a.iv.CreateLink(a.ctx, a.owner, a.org.ID, invite.NewLink{})
		is.NoErr(err)
		before := a.ivSnap(t)
		_, _, err = b.iv.Resend(b.ctx, b.owner, b.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNotFound)
		wantErr(t, b.iv.Revoke(b.ctx, b.owner, b.org.ID, inv.ID), invite.ErrNotFound)
		_, err = b.iv.UpdateInvitation(b.ctx, b.owner, b.org.ID, inv.ID, invite.InvitationUpdate{Role: roles.OrgAdmin})
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.InvitationURL(b.ctx, b.owner, b.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.Invitation(b.ctx, b.owner, b.org.ID, inv.ID)
		wantErr(t, err, invite.ErrNotFound)
		wantErr(t, b.iv.RevokeLink(b.ctx, b.owner, b.org.ID, l.ID), invite.ErrNotFound)
		_, _, err = b.iv.RegenerateLink(b.ctx, b.owner, b.org.ID, l.ID)
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.LinkURL(b.ctx, b.owner, b.org.ID, l.ID)
		wantErr(t, err, invite.ErrNotFound)
		_, err = b.iv.Link(b.ctx, b.owner, b.org.ID, l.ID)
		wantErr(t, err, invite.ErrNotFound)
		// A's owner is nobody in B.
		_, err = b.iv.Invite(b.ctx, a.owner+"-not", b.org.ID, invite.Request{Emails: "x@example.com"})
		wantErr(t, err, invite.ErrForbidden)
		a.ivUnchanged(t, before)
		// A's token joins A only.
		_, err = a.iv.Accept(a.ctx, tok, verified("ann", "ann@example.com"))
		is.NoErr(err)
		is.True(a.isMember(t, "ann"))
		is.True(!b.isMember(t, "ann"))
		_, err = b.iv.Invite(b.ctx, b.owner, uuid.Nil, invite.Request{Emails: "x@example.com"})
		wantErr(t, err, invite.ErrInvalidInput)
		_, err = b.iv.Invite(b.ctx, b.owner, newID(), invite.Request{Emails: "x@example.com"})
		wantErr(t, err, invite.ErrNotFound)
	})

	t.Run("TokensOfAnotherOrganizationAreRefusedWhereTheOrganizationIsNamed", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		a := newInviteFixture(t, newStore)
		b := newInviteFixture(t, newStore, ivOn(a.st))
		_, tok := a.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := a.iv.CreateLink(a.ctx, a.owner, a.org.ID, invite.NewLink{})
		is.NoErr(err)
		before, beforeB := a.ivSnap(t), b.ivSnap(t)
		in := verified("ann", "ann@example.com")
		in.Org = b.org.ID // the accept page of B
		_, err = a.iv.Accept(a.ctx, tok, in)
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = a.iv.Accept(a.ctx, ltok, in)
		wantErr(t, err, invite.ErrInvalidToken)
		_, err = a.iv.Join(a.ctx, ltok, in)
		wantErr(t, err, invite.ErrInvalidToken)
		a.ivUnchanged(t, before)
		b.ivUnchanged(t, beforeB)
		in.Org = a.org.ID
		_, err = a.iv.Accept(a.ctx, tok, in)
		is.NoErr(err)
		in.UserID, in.Email = "bob", "bob@example.com"
		_, err = a.iv.Join(a.ctx, ltok, in)
		is.NoErr(err)
	})

	t.Run("MalformedUserIDsAreRefusedBeforeAnythingIsWritten", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore)
		_, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		_, ltok, err := f.iv.CreateLink(f.ctx, f.owner, f.org.ID, invite.NewLink{})
		if err != nil {
			t.Fatal(err)
		}
		before := f.ivSnap(t)
		audit := len(f.audit(t))
		for _, user := range []string{"", " ann", strings.Repeat("u", 256), "ann\n", "a\x00b", "\xff"} {
			_, err := f.iv.Accept(f.ctx, tok, verified(user, "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidInput)
			_, err = f.iv.Join(f.ctx, ltok, verified(user, "ann@example.com"))
			wantErr(t, err, invite.ErrInvalidInput)
		}
		f.ivUnchanged(t, before)
		if n := len(f.audit(t)); n != audit {
			t.Fatalf("%d audit events written for malformed user IDs", n-audit)
		}
	})

	t.Run("HostileAddressesAreRefusedAndNothingIsSaved", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		f := newInviteFixture(t, newStore)
		before := f.ivSnap(t)
		for _, bad := range []invite.Request{
			{Emails: "ann@example.com", List: []string{"bob@example.com\r\nBcc: all@example.com"}},
			{List: []string{"bob@example.com\nSubject: hi"}},
			{List: []string{"bob\x00@example.com"}},
			{Emails: "ann@example.com, bob@@example.com"},
			{Emails: "bob@example.com@evil.test"},
			{Emails: "ann@example.com; a@[127.0.0.1]"},
			{Emails: "a@localhost"},
			{Emails: strings.Repeat("a", 65) + "@example.com"},
			{Emails: "a@" + strings.Repeat("b", 64) + ".com"},
			{Emails: "\"Eve\r\nBcc: x@y.test\" <eve@example.com>"},
			{Emails: "=?utf-8?q?Eve=0D=0ABcc:_all?= <eve@example.com>"},
			{Emails: "=?utf-8?q?Eve=0D=0ABcc:_x@y.test?= <eve@example.com>"},
			{Emails: "ann@exаmple.com"}, // Cyrillic а
			{Emails: "ann@example.com", List: []string{"\xff\xfe@example.com"}},
		} {
			_, err := f.iv.Invite(f.ctx, f.owner, f.org.ID, bad)
			wantErr(t, err, invite.ErrInvalidEmail)
			var be *invite.BatchError
			is.True(errors.As(err, &be))
			is.True(len(be.Entries) >= 1)
			is.True(!strings.ContainsAny(err.Error(), "\r\n\x00")) // the message is safe to log
		}
		f.ivUnchanged(t, before)
	})

	t.Run("ErrorsNeverCarryTheToken", func(t *testing.T) {
		t.Parallel()
		f := newInviteFixture(t, newStore, ivSettings(membership.Settings{Seats: 2}))
		inv, tok := f.inviteOne(t, "ann@example.com", roles.OrgMember)
		var errs []error
		_, err := f.iv.Accept(f.ctx, tok, verified("x", "x@example.com"))
		errs = append(errs, err)
		_, err = f.iv.Accept(f.ctx, tok, invite.Invitee{UserID: "ann", Email: "ann@example.com"})
		errs = append(errs, err)
		other := verified("ann", "ann@example.com")
		other.Org = uuid.New() // the accept page of another organization
		_, err = f.iv.Accept(f.ctx, tok, other)
		errs = append(errs, err)
		if err := f.iv.Revoke(f.ctx, f.owner, f.org.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.iv.Accept(f.ctx, tok, verified("ann", "ann@example.com"))
		errs = append(errs, err)
		_, err = f.iv.Preview(f.ctx, tok)
		errs = append(errs, err)
		for _, err := range errs {
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), tok[5:]) || strings.Contains(err.Error(), tok[10:30]) {
				t.Fatalf("error %q carries the token", err)
			}
		}
		for _, e := range f.audit(t) {
			if strings.Contains(e.Reason, tok[10:30]) {
				t.Fatalf("audit reason %q carries the token", e.Reason)
			}
		}
	})
}

// lookupCounter is a Store that counts token look-ups.
type lookupCounter struct {
	Store
	mu      sync.Mutex
	lookups int
}

func (c *lookupCounter) InvitationByTokenHash(ctx context.Context, hash []byte) (invite.Invitation, error) {
	c.mu.Lock()
	c.lookups++
	c.mu.Unlock()
	return c.Store.InvitationByTokenHash(ctx, hash)
}

func (c *lookupCounter) LinkByTokenHash(ctx context.Context, hash []byte) (invite.Link, error) {
	c.mu.Lock()
	c.lookups++
	c.mu.Unlock()
	return c.Store.LinkByTokenHash(ctx, hash)
}

func (c *lookupCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookups
}
