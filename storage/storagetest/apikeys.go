package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/matryer/is"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// testAPIKeys checks apikey.Store's contracts on the raw store, then the
// apikey Service on top of it: who may create, list and revoke keys, that
// a key acts as its member and never more (demoted, deactivated, removed
// members and withdrawn grants cut it at once), expiry, revocation racing
// use, and the Can matrix of keys with and without a narrowed scope.
func testAPIKeys(t *testing.T, newStore func(t *testing.T) Store) {
	testAPIKeyStore(t, newStore)

	t.Run("CreatingAKeyNeedsAPIAccessByRoleOrGrant", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		k.add(t, "plain", roles.OrgMember, 0)
		k.add(t, "granted", roles.OrgMember, roles.Grants(roles.PermAPIAccess))
		k.add(t, "admin", roles.OrgAdmin, 0)

		_, err := k.ks.Create(k.ctx, "plain", k.org.ID, apikey.NewKey{Name: "ci"})
		wantErr(t, err, membership.ErrForbidden)
		_, err = k.ks.Create(k.ctx, "stranger", k.org.ID, apikey.NewKey{Name: "ci"})
		wantErr(t, err, membership.ErrForbidden)
		denied := auditOf(t, k.ctx, k.st, k.org.ID, membership.AuditFilter{Actor: "plain", Action: apikey.ActionCreated})
		is.Equal(len(denied), 1) // the refusal is audited
		is.True(denied[0].Denied)
		is.Equal(denied[0].Reason, membership.CodeForbidden)

		for _, user := range []string{"granted", "admin", k.owner} {
			c := k.create(t, user, apikey.NewKey{Name: "ci " + user})
			is.Equal(c.Key.UserID, user)
			is.Equal(c.Key.Hash, apikey.Hash{}) // the Service never hands out the digest
			_, err := apikey.ParseSecret(c.Secret)
			is.NoErr(err)
			stored, err := k.st.APIKey(k.ctx, k.org.ID, c.Key.ID)
			is.NoErr(err)
			is.Equal(stored.Hash, apikey.Hash(sha256.Sum256([]byte(c.Secret)))) // only the digest is kept
			is.Equal(stored.Name, "ci "+user)
			is.Equal(stored.CreatedAt, start)
			created := auditOf(t, k.ctx, k.st, k.org.ID, membership.AuditFilter{Actor: user, Action: apikey.ActionCreated, Target: c.Key.ID.String()})
			is.Equal(len(created), 1)
			is.True(!created[0].Denied)
		}
		keys, _, err := k.st.APIKeys(k.ctx, k.org.ID, apikey.Filter{}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(keys), 3) // the refused attempts stored nothing
	})

	t.Run("BadInputCreatesNoKey", func(t *testing.T) {
		t.Parallel()
		k := newKeyFixture(t, newStore)
		other := newKeyFixture(t, newStore, onStore(k.st))
		foreign := other.workspace(t, "theirs")
		for name, nk := range map[string]apikey.NewKey{
			"empty name":         {Name: "  "},
			"expired already":    {Name: "k", ExpiresAt: start.Add(-time.Second)},
			"expiring now":       {Name: "k", ExpiresAt: start},
			"beyond the horizon": {Name: "k", ExpiresAt: start.Add(apikey.MaxTTL + time.Hour)},
		} {
			_, err := k.ks.Create(k.ctx, k.owner, k.org.ID, nk)
			if !errors.Is(err, membership.ErrInvalidInput) {
				t.Fatalf("%s: got %v, want ErrInvalidInput", name, err)
			}
		}
		_, err := k.ks.Create(k.ctx, k.owner, k.org.ID, apikey.NewKey{Name: "k", Scope: apikey.Scope{Perms: roles.Grants(roles.Permission(40))}})
		wantErr(t, err, membership.ErrInvalidRole)
		_, err = k.ks.Create(k.ctx, k.owner, k.org.ID, apikey.NewKey{Name: "k", Scope: apikey.Scope{Workspace: foreign.ID}})
		wantErr(t, err, storage.ErrNotFound)
		keys, _, err := k.st.APIKeys(k.ctx, k.org.ID, apikey.Filter{}, storage.Page{})
		is.New(t).NoErr(err)
		is.New(t).Equal(len(keys), 0)
	})

	t.Run("MembersListAndRevokeTheirOwnKeysManagersAnyKey", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		api := roles.Grants(roles.PermAPIAccess)
		k.add(t, "ann", roles.OrgMember, api)
		k.add(t, "bob", roles.OrgMember, api)
		k.add(t, "adm", roles.OrgAdmin, 0)
		ann1, ann2 := k.create(t, "ann", apikey.NewKey{Name: "a1"}), k.create(t, "ann", apikey.NewKey{Name: "a2"})
		bob := k.create(t, "bob", apikey.NewKey{Name: "b"})

		own, _, err := k.ks.List(k.ctx, "ann", k.org.ID, apikey.Filter{UserID: "ann"}, storage.Page{})
		is.NoErr(err)
		is.Equal(keyIDs(own), []uuid.UUID{ann1.Key.ID, ann2.Key.ID})
		for _, key := range own {
			is.Equal(key.Hash, apikey.Hash{}) // never the secret, nor its digest
		}
		_, _, err = k.ks.List(k.ctx, "ann", k.org.ID, apikey.Filter{}, storage.Page{})
		wantErr(t, err, membership.ErrForbidden)
		_, _, err = k.ks.List(k.ctx, "ann", k.org.ID, apikey.Filter{UserID: "bob"}, storage.Page{})
		wantErr(t, err, membership.ErrForbidden)
		_, err = k.ks.Get(k.ctx, "ann", k.org.ID, bob.Key.ID)
		wantErr(t, err, membership.ErrForbidden)
		all, _, err := k.ks.List(k.ctx, "adm", k.org.ID, apikey.Filter{}, storage.Page{})
		is.NoErr(err)
		is.Equal(keyIDs(all), []uuid.UUID{ann1.Key.ID, ann2.Key.ID, bob.Key.ID})

		wantErr(t, k.ks.Revoke(k.ctx, "ann", k.org.ID, bob.Key.ID), membership.ErrForbidden)
		refused := auditOf(t, k.ctx, k.st, k.org.ID, membership.AuditFilter{Actor: "ann", Action: apikey.ActionRevoked})
		is.Equal(len(refused), 1)
		is.True(refused[0].Denied)
		is.Equal(refused[0].Target, bob.Key.ID.String())
		k.authenticates(t, bob.Secret)

		k.clk.Advance(time.Minute)
		is.NoErr(k.ks.Revoke(k.ctx, "ann", k.org.ID, ann1.Key.ID))
		is.NoErr(k.ks.Revoke(k.ctx, "adm", k.org.ID, bob.Key.ID))
		is.NoErr(k.ks.Revoke(k.ctx, "adm", k.org.ID, bob.Key.ID)) // again: nothing changes
		revoked := auditOf(t, k.ctx, k.st, k.org.ID, membership.AuditFilter{Action: apikey.ActionRevoked})
		is.Equal(len(revoked), 3) // the refusal and two revocations, not the repeat
		got, err := k.ks.Get(k.ctx, "bob", k.org.ID, bob.Key.ID)
		is.NoErr(err)
		is.True(got.Revoked)
		is.Equal(got.RevokedAt, start.Add(time.Minute))
		k.refused(t, ann1.Secret, apikey.ErrRevoked)
		k.refused(t, bob.Secret, apikey.ErrRevoked)
		k.authenticates(t, ann2.Secret)
		active, _, err := k.ks.List(k.ctx, "ann", k.org.ID, apikey.Filter{UserID: "ann", Active: true}, storage.Page{})
		is.NoErr(err)
		is.Equal(keyIDs(active), []uuid.UUID{ann2.Key.ID})
	})

	t.Run("AKeyOfAnotherOrganizationIsNotFound", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		other := newKeyFixture(t, newStore, onStore(k.st), ownedBy(k.owner))
		theirs := other.create(t, other.owner, apikey.NewKey{Name: "theirs"})
		_, err := k.ks.Get(k.ctx, k.owner, k.org.ID, theirs.Key.ID)
		wantErr(t, err, storage.ErrNotFound)
		wantErr(t, k.ks.Revoke(k.ctx, k.owner, k.org.ID, theirs.Key.ID), storage.ErrNotFound)
		p := other.authenticates(t, theirs.Secret)
		is.Equal(p.OrgID, other.org.ID) // it acts in its own organization only
		w := k.workspace(t, "mine")
		ok, err := k.ks.Can(k.ctx, p, w.ID, roles.PermView)
		is.NoErr(err)
		is.True(!ok)
	})

	t.Run("MalformedKeysFailWithoutAudit", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		c := k.create(t, k.owner, apikey.NewKey{Name: "k"})
		before := len(k.audit(t))
		flipped := []byte(c.Secret)
		flipped[10] ^= 1
		for _, bad := range []string{"", "rstk_", c.Secret[:len(c.Secret)-1], c.Secret + "x", string(flipped),
			"rsti_" + c.Secret[5:], "Bearer " + c.Secret} {
			_, err := k.ks.Authenticate(k.ctx, bad)
			wantErr(t, err, apikey.ErrInvalidKey)
		}
		_, err := k.ks.AuthenticateHeader(k.ctx, "Basic "+c.Secret)
		wantErr(t, err, apikey.ErrInvalidKey)
		p, err := k.ks.AuthenticateHeader(k.ctx, "bearer "+c.Secret)
		is.NoErr(err)
		is.Equal(p.KeyID, c.Key.ID)
		is.Equal(len(k.audit(t)), before) // nobody to blame for a malformed key
	})

	t.Run("AnExpiredKeyIsRefusedAndAudited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		c := k.create(t, k.owner, apikey.NewKey{Name: "k", ExpiresAt: start.Add(time.Hour)})
		k.clk.Advance(time.Hour - time.Second)
		k.authenticates(t, c.Secret)
		k.clk.Advance(time.Second)
		k.refused(t, c.Secret, apikey.ErrExpired)
		ev := auditOf(t, k.ctx, k.st, k.org.ID, membership.AuditFilter{Action: apikey.ActionUsed})
		is.Equal(len(ev), 1)
		is.True(ev[0].Denied)
		is.Equal(ev[0].Reason, membership.CodeAPIKeyExpired)
		is.Equal(ev[0].Actor, k.owner)
		is.Equal(ev[0].Target, c.Key.ID.String())
	})

	t.Run("ARevokedKeyIsRefusedAndAudited", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		c := k.create(t, k.owner, apikey.NewKey{Name: "k"})
		is.NoErr(k.ks.Revoke(k.ctx, k.owner, k.org.ID, c.Key.ID))
		k.refused(t, c.Secret, apikey.ErrRevoked)
		ev := auditOf(t, k.ctx, k.st, k.org.ID, membership.AuditFilter{Action: apikey.ActionUsed})
		is.Equal(len(ev), 1)
		is.Equal(ev[0].Reason, membership.CodeAPIKeyRevoked)
	})

	t.Run("ADemotedMembersKeyLosesWhatTheRoleGave", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		w := k.workspace(t, "w")
		k.add(t, "adm", roles.OrgAdmin, roles.Grants(roles.PermAPIAccess))
		k.add(t, "adm2", roles.OrgAdmin, 0)
		c := k.create(t, "adm", apikey.NewKey{Name: "k"})
		c2 := k.create(t, "adm2", apikey.NewKey{Name: "k"})
		p, p2 := k.authenticates(t, c.Secret), k.authenticates(t, c2.Secret)
		is.True(k.keyCanOrg(t, p, roles.PermManageMembers))
		is.True(k.keyCan(t, p, w.ID, roles.PermDelete))
		is.True(k.keyCan(t, p2, w.ID, roles.PermView))

		_, err := k.svc.ChangeRole(k.ctx, k.owner, k.org.ID, "adm", roles.OrgMember)
		is.NoErr(err)
		_, err = k.svc.ChangeRole(k.ctx, k.owner, k.org.ID, "adm2", roles.OrgMember)
		is.NoErr(err)
		// The same principals, asked again: the key follows the member.
		is.True(!k.keyCanOrg(t, p, roles.PermManageMembers))
		is.True(!k.keyCan(t, p, w.ID, roles.PermDelete))
		is.True(k.keyCanOrg(t, p, roles.PermViewMembers)) // what a member holds, with the API grant kept
		// adm2 held API access by its admin role only: demoted, its key
		// holds nothing, though the member still may view members.
		is.True(k.canOrg(t, "adm2", roles.PermViewMembers))
		is.True(!k.keyCanOrg(t, p2, roles.PermViewMembers))
		is.True(!k.keyCan(t, p2, w.ID, roles.PermView))
	})

	t.Run("ADeactivatedMembersKeyIsDenied", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		w := k.workspace(t, "w")
		k.add(t, "ann", roles.OrgMember, roles.Grants(roles.PermAPIAccess), ws{w.ID, roles.WorkspaceContributor})
		c := k.create(t, "ann", apikey.NewKey{Name: "k"})
		p := k.authenticates(t, c.Secret)
		is.True(k.keyCan(t, p, w.ID, roles.PermUploadVideo))
		_, err := k.svc.Deactivate(k.ctx, k.owner, k.org.ID, "ann")
		is.NoErr(err)
		p = k.authenticates(t, c.Secret) // the key is valid; its member may do nothing
		is.True(!k.keyCan(t, p, w.ID, roles.PermUploadVideo))
		is.True(!k.keyCan(t, p, w.ID, roles.PermView))
		is.True(!k.keyCanOrg(t, p, roles.PermViewMembers))
		_, err = k.svc.Reactivate(k.ctx, k.owner, k.org.ID, "ann")
		is.NoErr(err)
		is.True(k.keyCan(t, p, w.ID, roles.PermUploadVideo))
	})

	t.Run("RemovingAMemberRevokesItsKeys", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		w := k.workspace(t, "w")
		api := roles.Grants(roles.PermAPIAccess)
		k.add(t, "ann", roles.OrgMember, api, ws{w.ID, roles.WorkspaceContributor})
		k.add(t, "bob", roles.OrgMember, api, ws{w.ID, roles.WorkspaceContributor})
		c := k.create(t, "ann", apikey.NewKey{Name: "k"})
		keep := k.create(t, "bob", apikey.NewKey{Name: "k"})
		p := k.authenticates(t, c.Secret)
		is.NoErr(k.svc.RemoveMember(k.ctx, k.owner, k.org.ID, "ann"))
		is.True(!k.keyCan(t, p, w.ID, roles.PermView)) // a principal from before the removal
		k.refused(t, c.Secret, apikey.ErrRevoked)
		stored, err := k.st.APIKey(k.ctx, k.org.ID, c.Key.ID)
		is.NoErr(err)
		is.True(stored.Revoked)
		ev := auditOf(t, k.ctx, k.st, k.org.ID, membership.AuditFilter{Action: apikey.ActionUsed, Actor: "ann"})
		is.Equal(len(ev), 1)
		is.Equal(ev[0].Reason, membership.CodeAPIKeyRevoked)
		k.authenticates(t, keep.Secret) // another member's key is untouched

		k.add(t, "ann", roles.OrgMember, api, ws{w.ID, roles.WorkspaceContributor})
		k.refused(t, c.Secret, apikey.ErrRevoked) // coming back does not revive it
	})

	t.Run("WithdrawingTheAPIGrantCutsTheKey", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		w := k.workspace(t, "w")
		k.add(t, "ann", roles.OrgMember, roles.Grants(roles.PermAPIAccess), ws{w.ID, roles.WorkspaceContributor})
		c := k.create(t, "ann", apikey.NewKey{Name: "k"})
		p := k.authenticates(t, c.Secret)
		is.True(k.keyCan(t, p, w.ID, roles.PermUploadVideo))
		_, err := k.svc.SetGrants(k.ctx, k.owner, k.org.ID, "ann", 0)
		is.NoErr(err)
		is.True(k.can(t, "ann", w.ID, roles.PermUploadVideo)) // the member still may
		is.True(!k.keyCan(t, p, w.ID, roles.PermUploadVideo))
		is.True(!k.keyCanOrg(t, p, roles.PermViewMembers))
		ps, err := k.ks.Permissions(k.ctx, p, w.ID)
		is.NoErr(err)
		is.Equal(ps, roles.PermSet(0))
		_, err = k.ks.Create(k.ctx, "ann", k.org.ID, apikey.NewKey{Name: "again"})
		wantErr(t, err, membership.ErrForbidden)
	})

	t.Run("DeletingTheOrganizationDeletesItsKeys", func(t *testing.T) {
		t.Parallel()
		k := newKeyFixture(t, newStore)
		c := k.create(t, k.owner, apikey.NewKey{Name: "k"})
		is.New(t).NoErr(k.svc.DeleteOrganization(k.ctx, k.owner, k.org.ID))
		_, err := k.st.APIKey(k.ctx, k.org.ID, c.Key.ID)
		wantErr(t, err, storage.ErrNotFound)
		k.refused(t, c.Secret, apikey.ErrInvalidKey)
	})

	t.Run("LastUseIsRecordedAtMostOnceAMinute", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		k := newKeyFixture(t, newStore)
		c := k.create(t, k.owner, apikey.NewKey{Name: "k"})
		lastUse := func() time.Time {
			got, err := k.st.APIKey(k.ctx, k.org.ID, c.Key.ID)
			is.NoErr(err)
			return got.LastUsedAt
		}
		is.True(lastUse().IsZero())
		k.clk.Advance(time.Second)
		k.authenticates(t, c.Secret)
		is.Equal(lastUse(), start.Add(time.Second))
		k.clk.Advance(apikey.LastUseInterval - time.Second)
		k.authenticates(t, c.Secret)
		is.Equal(lastUse(), start.Add(time.Second)) // within the minute: not written
		k.clk.Advance(time.Second)
		k.authenticates(t, c.Secret)
		is.Equal(lastUse(), start.Add(time.Second+apikey.LastUseInterval))
	})

	t.Run("CanMatrixOfKeysWithAndWithoutAScope", func(t *testing.T) { testKeyMatrix(t, newStore) })

	t.Run("RevokingAKeyWhileItIsInUse", func(t *testing.T) {
		t.Parallel()
		k := newKeyFixture(t, newStore)
		w := k.workspace(t, "w")
		k.add(t, "ann", roles.OrgMember, roles.Grants(roles.PermAPIAccess), ws{w.ID, roles.WorkspaceContributor})
		c := k.create(t, "ann", apikey.NewKey{Name: "k"})
		// A principal obtained before the revocation is the request's that
		// authenticated before it; only later uses are refused.
		k.useWhile(t, c, w.ID, false, func() error {
			return k.ks.Revoke(k.ctx, k.owner, k.org.ID, c.Key.ID)
		})
		stored, err := k.st.APIKey(k.ctx, k.org.ID, c.Key.ID)
		is.New(t).NoErr(err)
		is.New(t).True(stored.Revoked) // no last-use write undid the revocation
	})

	t.Run("RemovingAMemberWhileItsKeyIsInUse", func(t *testing.T) {
		t.Parallel()
		k := newKeyFixture(t, newStore)
		w := k.workspace(t, "w")
		k.add(t, "ann", roles.OrgMember, roles.Grants(roles.PermAPIAccess), ws{w.ID, roles.WorkspaceContributor})
		c := k.create(t, "ann", apikey.NewKey{Name: "k"})
		k.useWhile(t, c, w.ID, true, func() error {
			return k.svc.RemoveMember(k.ctx, k.owner, k.org.ID, "ann")
		})
		stored, err := k.st.APIKey(k.ctx, k.org.ID, c.Key.ID)
		is.New(t).NoErr(err)
		is.New(t).True(stored.Revoked)
	})
}

// testKeyMatrix checks Can and CanOrg for keys of three members, each
// unscoped, narrowed to permissions, and narrowed to upload in one
// workspace: a literal table of allowed and denied rows, then every
// permission in every workspace against the model "the member may, now,
// holds API access, and the scope allows".
func testKeyMatrix(t *testing.T, newStore func(t *testing.T) Store) {
	t.Parallel()
	is := is.New(t)
	k := newKeyFixture(t, newStore)
	w1, w2 := k.workspace(t, "w1"), k.workspace(t, "w2")
	api := roles.Grants(roles.PermAPIAccess)
	k.add(t, "adm", roles.OrgAdmin, 0)
	k.add(t, "ann", roles.OrgMember, api, ws{w1.ID, roles.WorkspaceContributor}, ws{w2.ID, roles.WorkspaceViewer})
	scopes := map[string]apikey.Scope{
		"full":   {},
		"perms":  {Perms: roles.Grants(roles.PermView, roles.PermViewMembers)},
		"upload": {Perms: roles.Grants(roles.PermUploadVideo), Workspace: w1.ID},
	}
	type key struct{ user, scope string }
	principals := map[key]apikey.Principal{}
	for _, user := range []string{k.owner, "adm", "ann"} {
		for name, sc := range scopes {
			c := k.create(t, user, apikey.NewKey{Name: name, Scope: sc})
			principals[key{user, name}] = k.authenticates(t, c.Secret)
		}
	}
	rows := []struct {
		user, scope string
		ws          uuid.UUID // uuid.Nil: CanOrg
		perm        roles.Permission
		want        bool
	}{
		{k.owner, "full", w2.ID, roles.PermDelete, true},
		{k.owner, "full", uuid.Nil, roles.PermBilling, true},
		{k.owner, "perms", w2.ID, roles.PermView, true},
		{k.owner, "perms", w2.ID, roles.PermDelete, false},
		{k.owner, "perms", uuid.Nil, roles.PermViewMembers, true},
		{k.owner, "perms", uuid.Nil, roles.PermBilling, false},
		{k.owner, "upload", w1.ID, roles.PermUploadVideo, true},
		{k.owner, "upload", w2.ID, roles.PermUploadVideo, false},
		{k.owner, "upload", w1.ID, roles.PermView, false},
		{k.owner, "upload", uuid.Nil, roles.PermManageMembers, false},
		{"adm", "full", uuid.Nil, roles.PermManageMembers, true},
		{"adm", "full", uuid.Nil, roles.PermBilling, false}, // never more than the member
		{"adm", "upload", w1.ID, roles.PermUploadVideo, true},
		{"ann", "full", w1.ID, roles.PermUploadVideo, true},
		{"ann", "full", w2.ID, roles.PermUploadVideo, false}, // a viewer there
		{"ann", "full", w1.ID, roles.PermDelete, false},
		{"ann", "full", uuid.Nil, roles.PermViewMembers, true},
		{"ann", "full", uuid.Nil, roles.PermManageMembers, false},
		{"ann", "perms", w2.ID, roles.PermView, true},
		{"ann", "perms", w1.ID, roles.PermUploadVideo, false},
		{"ann", "upload", w1.ID, roles.PermUploadVideo, true},
		{"ann", "upload", w2.ID, roles.PermView, false},
	}
	for _, r := range rows {
		p := principals[key{r.user, r.scope}]
		var got bool
		if r.ws == uuid.Nil {
			got = k.keyCanOrg(t, p, r.perm)
		} else {
			got = k.keyCan(t, p, r.ws, r.perm)
		}
		if got != r.want {
			t.Errorf("%s's %s key, %v in %v: got %v, want %v", r.user, r.scope, r.perm, r.ws, got, r.want)
		}
	}

	// The model, from the member's permissions now: one read per member
	// and workspace, then every permission.
	cat := roles.Default()
	for kk, p := range principals {
		sc := scopes[kk.scope]
		orgPerms, err := k.svc.OrgPermissions(k.ctx, k.org.ID, kk.user)
		is.NoErr(err)
		api := orgPerms.Has(roles.PermAPIAccess)
		wsPerms, yes := map[uuid.UUID]roles.PermSet{}, map[uuid.UUID]roles.PermSet{}
		for _, w := range []uuid.UUID{w1.ID, w2.ID} {
			wsPerms[w], err = k.svc.Permissions(k.ctx, k.org.ID, kk.user, w)
			is.NoErr(err)
		}
		for perm := roles.Permission(0); perm <= roles.MaxPermission; perm++ {
			scope, err := cat.PermissionScope(perm)
			if err != nil {
				continue
			}
			allowed := api && (sc.Perms == 0 || sc.Perms.Has(perm))
			if scope == roles.ScopeOrg {
				want := orgPerms.Has(perm) && allowed && sc.Workspace == uuid.Nil
				if got := k.keyCanOrg(t, p, perm); got != want {
					t.Errorf("%s's %s key, %v: got %v, the model says %v", kk.user, kk.scope, perm, got, want)
				}
			}
			for _, w := range []uuid.UUID{w1.ID, w2.ID} {
				want := wsPerms[w].Has(perm) && allowed &&
					(sc.Workspace == uuid.Nil || sc.Workspace == w && scope == roles.ScopeWorkspace)
				got := k.keyCan(t, p, w, perm)
				if got != want {
					t.Errorf("%s's %s key, %v in %v: got %v, the model says %v", kk.user, kk.scope, perm, w, got, want)
				}
				if got {
					yes[w] |= roles.Grants(perm)
				}
			}
		}
		for _, w := range []uuid.UUID{w1.ID, w2.ID} {
			ps, err := k.ks.Permissions(k.ctx, p, w)
			is.NoErr(err)
			if ps != yes[w] {
				t.Errorf("%s's %s key in %v: Permissions %v, Can says yes to %v", kk.user, kk.scope, w, ps, yes[w])
			}
		}
	}
	_, err := k.ks.Can(k.ctx, principals[key{"ann", "full"}], uuid.Nil, roles.PermView)
	wantErr(t, err, membership.ErrInvalidInput)
	_, err = k.ks.Can(k.ctx, principals[key{"ann", "full"}], w1.ID, roles.Permission(45))
	wantErr(t, err, membership.ErrInvalidRole)
	_, err = k.ks.CanOrg(k.ctx, principals[key{"ann", "full"}], roles.PermView)
	wantErr(t, err, membership.ErrInvalidRole)
	forged := apikey.Principal{OrgID: k.org.ID, UserID: k.owner}
	is.True(!k.keyCan(t, forged, w1.ID, roles.PermView)) // only Authenticate makes a principal
}

// keyFixture is a fixture with an API key Service over its store.
type keyFixture struct {
	*fixture
	ks *apikey.Service
}

// newKeyFixture makes a fixture and the one apikey Service of the suite's
// cases.
func newKeyFixture(t *testing.T, newStore func(t *testing.T) Store, opts ...option) *keyFixture {
	t.Helper()
	f := newFixture(t, newStore, opts...)
	ks, err := apikey.New(f.svc, apikey.Options{})
	if err != nil {
		t.Fatalf("apikey.New: %v", err)
	}
	return &keyFixture{fixture: f, ks: ks}
}

// add makes user a member with role, grants and workspace access, as the
// owner.
func (k *keyFixture) add(t *testing.T, user string, role roles.Role, grants roles.PermSet, access ...ws) {
	t.Helper()
	k.fixture.add(t, user, role, access...)
	if grants != 0 {
		if _, err := k.svc.SetGrants(k.ctx, k.owner, k.org.ID, user, grants); err != nil {
			t.Fatalf("SetGrants(%q): %v", user, err)
		}
	}
}

// create makes a key as user.
func (k *keyFixture) create(t *testing.T, user string, nk apikey.NewKey) apikey.Created {
	t.Helper()
	c, err := k.ks.Create(k.ctx, user, k.org.ID, nk)
	if err != nil {
		t.Fatalf("Create(%q, %q): %v", user, nk.Name, err)
	}
	return c
}

// authenticates presents secret and fails t unless it authenticates.
func (k *keyFixture) authenticates(t *testing.T, secret string) apikey.Principal {
	t.Helper()
	p, err := k.ks.Authenticate(k.ctx, secret)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return p
}

// refused presents secret and fails t unless it is refused with want.
func (k *keyFixture) refused(t *testing.T, secret string, want error) {
	t.Helper()
	p, err := k.ks.Authenticate(k.ctx, secret)
	wantErr(t, err, want)
	if p != (apikey.Principal{}) {
		t.Fatalf("a refused key gave principal %+v", p)
	}
}

func (k *keyFixture) keyCan(t *testing.T, p apikey.Principal, w uuid.UUID, perm roles.Permission) bool {
	t.Helper()
	ok, err := k.ks.Can(k.ctx, p, w, perm)
	if err != nil {
		t.Fatalf("key Can(%s, %v): %v", w, perm, err)
	}
	return ok
}

func (k *keyFixture) keyCanOrg(t *testing.T, p apikey.Principal, perm roles.Permission) bool {
	t.Helper()
	ok, err := k.ks.CanOrg(k.ctx, p, perm)
	if err != nil {
		t.Fatalf("key CanOrg(%v): %v", perm, err)
	}
	return ok
}

// useWhile uses key c from several goroutines (authenticate, then upload
// in workspace w), with the clock moving so that last-use writes race too,
// while cut runs. A use that starts after cut returned must be refused
// with ErrRevoked and, when principals is true, a principal obtained
// before must be denied from then on.
func (k *keyFixture) useWhile(t *testing.T, c apikey.Created, w uuid.UUID, principals bool, cut func() error) {
	t.Helper()
	const users = 4
	var (
		done    atomic.Bool
		uses    atomic.Int64
		wg      sync.WaitGroup
		mu      sync.Mutex
		failure error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if failure == nil {
			failure = err
		}
	}
	for range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				after := done.Load()
				p, err := k.ks.Authenticate(k.ctx, c.Secret)
				if after && err == nil {
					fail(errors.New("a use that began after the cut authenticated"))
					return
				}
				if err != nil {
					if !errors.Is(err, apikey.ErrRevoked) {
						fail(err)
					}
					return
				}
				uses.Add(1)
				after = done.Load()
				ok, err := k.ks.Can(k.ctx, p, w, roles.PermUploadVideo)
				if err != nil {
					fail(err)
					return
				}
				if principals && after && ok {
					fail(errors.New("a principal was allowed after the cut"))
					return
				}
				k.clk.Advance(apikey.LastUseInterval)
			}
		}()
	}
	// Cut once the key is in use.
	if !eventually(func() bool { return uses.Load() >= users }) {
		t.Fatal("the key was not used")
	}
	if err := cut(); err != nil {
		t.Fatalf("cut: %v", err)
	}
	done.Store(true)
	wg.Wait()
	if failure != nil {
		t.Fatal(failure)
	}
	k.refused(t, c.Secret, apikey.ErrRevoked)
}

func keyIDs(keys []apikey.Key) []uuid.UUID {
	out := make([]uuid.UUID, len(keys))
	for i, k := range keys {
		out[i] = k.ID
	}
	return out
}

// testAPIKeyStore checks each sentence of apikey.Store's contracts on the
// raw store.
func testAPIKeyStore(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("InsertAPIKeyRejectsATakenIDOrHashAndAnUnknownOrganization", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		k := rawKey(o.ID, "alice")
		is.NoErr(st.InsertAPIKey(ctx, k))
		dupID := rawKey(o.ID, "alice")
		dupID.ID = k.ID
		wantErr(t, st.InsertAPIKey(ctx, dupID), storage.ErrConflict)
		dupHash := rawKey(o.ID, "bob")
		dupHash.Hash = k.Hash
		wantErr(t, st.InsertAPIKey(ctx, dupHash), storage.ErrConflict)
		wantErr(t, st.InsertAPIKey(ctx, rawKey(newID(), "alice")), storage.ErrNotFound)
		_, err := st.APIKey(ctx, o.ID, dupHash.ID)
		wantErr(t, err, storage.ErrNotFound)
		got, err := st.APIKeyByHash(ctx, k.Hash)
		is.NoErr(err)
		is.Equal(got.UserID, "alice") // the first key is untouched
	})

	t.Run("APIKeyReturnsWhatWasStoredByIDAndByHash", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		k := rawKey(o.ID, "alice")
		k.Name = "CI upload ✓"
		k.Scope = apikey.Scope{Perms: roles.Grants(roles.PermUploadVideo, roles.MaxPermission), Workspace: newID()}
		k.ExpiresAt = start.Add(90 * 24 * time.Hour)
		k.LastUsedAt = start.Add(time.Minute + 123456789*time.Nanosecond)
		is.NoErr(st.InsertAPIKey(ctx, k))
		byID, err := st.APIKey(ctx, o.ID, k.ID)
		is.NoErr(err)
		is.Equal(byID, k)
		byHash, err := st.APIKeyByHash(ctx, k.Hash)
		is.NoErr(err)
		is.Equal(byHash, k)
		_, err = st.APIKey(ctx, other.ID, k.ID)
		wantErr(t, err, storage.ErrNotFound) // another organization's key
		_, err = st.APIKeyByHash(ctx, rawKey(o.ID, "x").Hash)
		wantErr(t, err, storage.ErrNotFound)
		err = st.Transact(ctx, func(ctx context.Context) error {
			got, err := st.APIKeyByHash(ctx, k.Hash)
			if err == nil && got.ID != k.ID {
				err = errors.New("wrong key in a transaction")
			}
			return err
		})
		is.NoErr(err)
	})

	t.Run("APIKeysListsByIDFilteredAndPaged", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		var alice []uuid.UUID
		var all []uuid.UUID
		for i := range 5 {
			user := "alice"
			if i%2 == 1 {
				user = "bob"
			}
			k := rawKey(o.ID, user)
			is.NoErr(st.InsertAPIKey(ctx, k))
			all = append(all, k.ID)
			if user == "alice" {
				alice = append(alice, k.ID)
			}
		}
		is.NoErr(st.InsertAPIKey(ctx, rawKey(other.ID, "alice")))
		is.NoErr(st.RevokeAPIKey(ctx, o.ID, alice[0], start))

		var got []uuid.UUID
		page := storage.Page{Limit: 2}
		for {
			keys, next, err := st.APIKeys(ctx, o.ID, apikey.Filter{}, page)
			is.NoErr(err)
			is.True(len(keys) <= 2)
			got = append(got, keyIDs(keys)...)
			if !advance(t, &page, next) {
				break
			}
		}
		is.Equal(got, all)
		keys, _, err := st.APIKeys(ctx, o.ID, apikey.Filter{UserID: "alice"}, storage.Page{})
		is.NoErr(err)
		is.Equal(keyIDs(keys), alice)
		keys, _, err = st.APIKeys(ctx, o.ID, apikey.Filter{UserID: "alice", Active: true}, storage.Page{})
		is.NoErr(err)
		is.Equal(keyIDs(keys), alice[1:])
		keys, _, err = st.APIKeys(ctx, newID(), apikey.Filter{}, storage.Page{})
		is.NoErr(err)
		is.Equal(len(keys), 0)
		_, _, err = st.APIKeys(ctx, o.ID, apikey.Filter{}, storage.Page{After: "not a cursor"})
		wantErr(t, err, storage.ErrInvalidCursor)
	})

	t.Run("RevokeAPIKeyRevokesOnceAndAnUnknownKeyIsNotFound", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		k := rawKey(o.ID, "alice")
		is.NoErr(st.InsertAPIKey(ctx, k))
		wantErr(t, st.RevokeAPIKey(ctx, other.ID, k.ID, start), storage.ErrNotFound)
		wantErr(t, st.RevokeAPIKey(ctx, o.ID, newID(), start), storage.ErrNotFound)
		is.NoErr(st.RevokeAPIKey(ctx, o.ID, k.ID, start.Add(time.Hour)))
		is.NoErr(st.RevokeAPIKey(ctx, o.ID, k.ID, start.Add(2*time.Hour)))
		got, err := st.APIKey(ctx, o.ID, k.ID)
		is.NoErr(err)
		is.True(got.Revoked)
		is.Equal(got.RevokedAt, start.Add(time.Hour)) // the second call changed nothing
		got.Revoked, got.RevokedAt = false, time.Time{}
		is.Equal(got, k) // nothing else changed
	})

	t.Run("TouchAPIKeyWritesOnlyAStaleLastUseAndNeverUnrevokes", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o := rawOrg(t, ctx, st)
		k := rawKey(o.ID, "alice")
		is.NoErr(st.InsertAPIKey(ctx, k))
		lastUse := func() apikey.Key {
			got, err := st.APIKey(ctx, o.ID, k.ID)
			is.NoErr(err)
			return got
		}
		t1 := start.Add(time.Minute)
		is.NoErr(st.TouchAPIKey(ctx, o.ID, k.ID, t1, t1.Add(-time.Minute)))
		is.Equal(lastUse().LastUsedAt, t1)
		is.NoErr(st.TouchAPIKey(ctx, o.ID, k.ID, t1.Add(30*time.Second), t1.Add(-30*time.Second)))
		is.Equal(lastUse().LastUsedAt, t1) // used after staleBy: left as it is
		is.NoErr(st.TouchAPIKey(ctx, o.ID, k.ID, t1.Add(time.Minute), t1))
		is.Equal(lastUse().LastUsedAt, t1.Add(time.Minute)) // used at staleBy: stale
		t1 = t1.Add(time.Minute)
		is.NoErr(st.RevokeAPIKey(ctx, o.ID, k.ID, t1))
		is.NoErr(st.TouchAPIKey(ctx, o.ID, k.ID, t1.Add(time.Hour), t1.Add(time.Hour)))
		got := lastUse()
		is.True(got.Revoked)
		is.Equal(got.LastUsedAt, t1)                         // a revoked key is not touched
		is.NoErr(st.TouchAPIKey(ctx, o.ID, newID(), t1, t1)) // an unknown key is no error
	})

	t.Run("DeleteMemberRevokesTheMembersKeysOnly", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		var keys []apikey.Key
		for _, org := range []uuid.UUID{o.ID, other.ID} {
			for _, user := range []string{"alice", "bob"} {
				is.NoErr(st.InsertMember(ctx, rawMember(org, user, roles.OrgMember)))
				k := rawKey(org, user)
				is.NoErr(st.InsertAPIKey(ctx, k))
				keys = append(keys, k)
			}
		}
		// A failed removal (rolled back) revokes nothing.
		errStop := errors.New("stop")
		err := st.Transact(ctx, func(ctx context.Context) error {
			if err := st.DeleteMember(ctx, o.ID, "alice"); err != nil {
				return err
			}
			return errStop
		})
		wantErr(t, err, errStop)
		got, err := st.APIKey(ctx, o.ID, keys[0].ID)
		is.NoErr(err)
		is.True(!got.Revoked)

		is.NoErr(st.DeleteMember(ctx, o.ID, "alice"))
		for i, k := range keys {
			got, err := st.APIKey(ctx, k.OrgID, k.ID)
			is.NoErr(err)
			is.Equal(got.Revoked, i == 0) // alice's key in o only
			is.True(got.RevokedAt.IsZero())
		}
	})

	t.Run("DeleteOrganizationDeletesItsKeys", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		st, ctx := newStore(t), t.Context()
		o, other := rawOrg(t, ctx, st), rawOrg(t, ctx, st)
		k, kept := rawKey(o.ID, "alice"), rawKey(other.ID, "alice")
		is.NoErr(st.InsertAPIKey(ctx, k))
		is.NoErr(st.InsertAPIKey(ctx, kept))
		is.NoErr(st.DeleteOrganization(ctx, o.ID))
		_, err := st.APIKeyByHash(ctx, k.Hash)
		wantErr(t, err, storage.ErrNotFound)
		_, err = st.APIKey(ctx, o.ID, k.ID)
		wantErr(t, err, storage.ErrNotFound)
		got, err := st.APIKeyByHash(ctx, kept.Hash)
		is.NoErr(err)
		is.Equal(got.ID, kept.ID)
		// The digest is free again: a key with it may be stored.
		again := rawKey(other.ID, "bob")
		again.Hash = k.Hash
		is.NoErr(st.InsertAPIKey(ctx, again))
	})
}

// rawKey returns a key of user in org with a random digest.
func rawKey(org uuid.UUID, user string) apikey.Key {
	k := apikey.Key{ID: newID(), OrgID: org, UserID: user, Name: "key of " + user, CreatedAt: start}
	_, _ = rand.Read(k.Hash[:]) // crypto/rand never fails (it aborts instead)
	return k
}
