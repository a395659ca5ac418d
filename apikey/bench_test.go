package apikey_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// BenchmarkCheck puts a request authenticated by an API key beside the
// permission check of a host session, on memstore, in one run:
//
//	Can                   membership.Service.Can for the key's member
//	Authenticate          a valid key to its principal (parse, one look-up)
//	AuthenticateMalformed a mistyped key (no look-up)
//	KeyCan                apikey.Service.Can for that principal
//	KeyRequest            Authenticate, then KeyCan: a whole request
func BenchmarkCheck(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	c := w.key(b, "ann", apikey.Scope{Perms: roles.Grants(roles.PermUploadVideo), Workspace: w.ws.ID})
	p, err := w.ks.Authenticate(ctx, c.Secret)
	if err != nil {
		b.Fatal(err)
	}
	bad := c.Secret[:len(c.Secret)-1] + "!"
	b.Run("Can", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := w.m.Can(ctx, w.org.ID, "ann", w.ws.ID, roles.PermUploadVideo); !ok {
				b.Fatal("denied")
			}
		}
	})
	b.Run("Authenticate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := w.ks.Authenticate(ctx, c.Secret); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AuthenticateMalformed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := w.ks.Authenticate(ctx, bad); err == nil {
				b.Fatal("accepted")
			}
		}
	})
	b.Run("KeyCan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := w.ks.Can(ctx, p, w.ws.ID, roles.PermUploadVideo); !ok {
				b.Fatal("denied")
			}
		}
	})
	b.Run("KeyRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := w.ks.Authenticate(ctx, c.Secret)
			if err != nil {
				b.Fatal(err)
			}
			if ok, _ := w.ks.Can(ctx, p, w.ws.ID, roles.PermUploadVideo); !ok {
				b.Fatal("denied")
			}
		}
	})
}

// BenchmarkAuthorizeGrant is the ceiling of a request that gives, on
// memstore: an admin's key narrowed to inviting, allowed to invite a
// member with a workspace role (one organization read, one workspace
// read), and refused an admin (audited).
func BenchmarkAuthorizeGrant(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	if _, err := w.m.AddMember(ctx, "owner", w.org.ID, membership.NewMember{UserID: "ada", Email: "ada@acme.test", Role: roles.OrgAdmin}); err != nil {
		b.Fatal(err)
	}
	c := w.key(b, "ada", apikey.Scope{Perms: roles.Grants(roles.PermInvite, roles.PermViewMembers, roles.PermView, roles.PermComment)})
	p, err := w.ks.Authenticate(ctx, c.Secret)
	if err != nil {
		b.Fatal(err)
	}
	member := apikey.Grant{Role: roles.OrgMember, Workspaces: map[uuid.UUID]roles.Role{w.ws.ID: roles.WorkspaceViewer}}
	b.Run("Allowed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := w.ks.AuthorizeGrant(ctx, p, member); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Refused", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := w.ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgAdmin}); err == nil {
				b.Fatal("allowed")
			}
		}
	})
}
