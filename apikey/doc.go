// Package apikey gives members API keys that act as them, never more: a
// script or CI job presents a key instead of the host's session, and
// every check weighs what the key's member may do at that moment.
//
// # Creating
//
// A Service sits beside a membership.Service over the same store (memstore
// and sqlstore implement Store):
//
//	ks, err := apikey.New(m, apikey.Options{})
//	c, err := ks.Create(ctx, "user-2", org.ID, apikey.NewKey{
//		Name:  "CI upload",
//		Scope: apikey.Scope{Perms: roles.Grants(roles.PermUploadVideo), Workspace: ws.ID},
//	})
//	// show c.Secret once; it cannot be shown again
//
// Creating a key needs the API access permission (roles.PermAPIAccess), by
// role (owners and admins in the default catalog) or grant. A key belongs
// to one member of one organization. Its secret has the shape of
// invitation tokens under its own prefix, "rstk_": 256 random bits in
// base62 and a CRC32 checksum, so a mistyped key fails without a store
// read and a leaked one is recognisable to secret scanners. The store
// keeps only its SHA-256 digest. A key may expire (NewKey.ExpiresAt) and
// may be narrowed (Scope) to some permissions, to one workspace, or both.
//
// # Using
//
// One call turns a presented key into a Principal; the Service's Can,
// CanOrg, Permissions and OrgPermissions answer for it:
//
//	p, err := ks.AuthenticateHeader(ctx, r.Header.Get("Authorization")) // "Bearer rstk_…"
//	if err != nil { /* 401: errors.Is(err, apikey.ErrInvalidKey) */ }
//	ok, err := ks.Can(ctx, p, ws.ID, roles.PermUploadVideo)
//
// Authenticate costs one look-up by digest (on memstore without
// allocating) and writes the key's last use at most once a minute. A
// revoked or expired key is refused (ErrRevoked, ErrExpired, both kinds of
// ErrInvalidKey) and the refusal is audited in the key's organization.
// The checks hold no copy of permissions: they ask membership for the
// member's permissions now, require the API access permission still, and
// intersect with the key's scope. So demoting or deactivating the member,
// or withdrawing its API access, cuts the key at the next check, and
// removing the member revokes its keys in the removal's transaction.
//
// A host that gates a request on a key calls Authorize instead of Can:
// it asks for one of some permissions in a workspace or at organization
// scope (or none, only that the key may act there), and refuses with a
// coded error that is audited as a denied "apikey.used" event:
// ErrForbidden when the member may not (the answer its session would
// get), ErrOutOfScope (a kind of ErrForbidden) when the member may but the
// key's scope does not allow it. Package rosterhttp gates every API
// request made with a key this way.
//
// A key gives nothing it does not hold. The library's own ceiling on what
// an actor may give (an invitation's or a link's role, a role change,
// grants, workspace access) weighs the member only; a host that lets a
// key make such a change calls AuthorizeGrant first, with what the
// request gives:
//
//	err := ks.AuthorizeGrant(ctx, p, apikey.Grant{Role: roles.OrgMember,
//		Workspaces: map[uuid.UUID]roles.Role{ws.ID: roles.WorkspaceViewer}})
//
// It refuses, with the errors and audit of Authorize, what gives more
// than the key holds at organization scope or in a workspace given (its
// member's permissions there now, within its scope): a key narrowed to
// the invite permission alone invites no admin, nor even a member, whose
// role holds members.view. Package rosterhttp calls it on every route
// that gives, for a key narrowed by its Scope (one narrowed by nothing
// holds what its member holds, which the library's ceiling weighs).
//
// # Managing
//
// A member lists (List, Get: never the secret nor its digest) and revokes
// (Revoke) its own keys; a member who may manage members lists and revokes
// any key of the organization. Creation and revocation are audited
// ("apikey.created", "apikey.revoked") and emitted as host events;
// refusals of either are audited as denied attempts. Deleting the
// organization deletes its keys.
package apikey
