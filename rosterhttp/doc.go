// Package rosterhttp serves Roster over HTTP with net/http alone: a JSON
// API, the page that accepts an invitation, and a drop-in Members tab.
//
// Identity stays the host's: an Authenticator turns each request into a
// User (ID, email, whether it is verified, name) from whatever the host
// uses — a session cookie, a JWT, a header set by a proxy. The handler
// never signs anyone in; a page visited without a user redirects to the
// host's SignInURL and comes back.
//
//	h, err := rosterhttp.New(rosterhttp.Options{
//		Members: m, Invites: iv, Authenticator: auth, SignInURL: "/signin",
//	})
//	mux.Handle("/roster/", h)
//
// Under Options.Prefix ("/roster" by default):
//
//   - /roster/api/… is the JSON API: organizations (mine, with my role),
//     workspaces, members (list with workspace roles and filters, role,
//     grants, workspace access, SSO, licence, deactivation, removal, bulk
//     changes, leave, transfer of ownership), invitations (list, batch,
//     resend, revoke, update, copy URL, preview, accept, decline), links,
//     the audit trail, "may I" and seat usage. Errors are RFC 9457
//     application/problem+json bodies whose code is the library's stable
//     code (membership.CodeOf) and whose status is membership.HTTPStatus.
//   - /roster/invite/{token} is the link of the invitation email. It keeps
//     the token in a cookie scoped to the accept page and redirects to
//     /roster/invite, so that no later URL, redirect or Referer carries it.
//     GET shows the invitation and changes nothing (mail scanners open
//     links); POST accepts or declines for the signed-in user.
//   - /roster/orgs/{org}/members is the Members tab: server-rendered HTML
//     working without JavaScript, in the host's own Layout, themed with CSS
//     variables (--roster-accent…). Every form follows POST/redirect/GET,
//     except the one that creates an API key, whose answer shows the key.
//
// # API keys
//
// With Options.Keys, the API also takes "Authorization: Bearer rstk_…"
// wherever it takes the host's session (a bearer credential of another
// shape still goes to the Authenticator). A key acts as its member in its
// one organization, never more:
//
//   - Each route declares what a key needs to reach it — the permission
//     the library checks for the member on that call — and
//     apikey.Service.Authorize weighs it against the member's permissions
//     now and the key's narrowed scope: 403 forbidden when the member may
//     not (a demoted or deactivated member, or one whose API access was
//     withdrawn), 403 api_key_scope when only the scope refuses. Both are
//     audited as denied "apikey.used" events.
//   - A key gives nothing it does not hold: the routes that give someone
//     an org role, grants or workspace roles (invitations, their updates,
//     links, role changes, grants, workspace access), give one back
//     (reactivation, resend, an invitation's or link's URL) or let every
//     member invite (settings' MembersMayInvite) weigh what they give with
//     apikey.Service.AuthorizeGrant before calling the library,
//     and refuse more than the key holds, scope included, with 403
//     api_key_scope (or forbidden), audited likewise.
//   - Another organization than the key's answers 404, as if it did not
//     exist.
//   - Deny by default: a route without a declaration refuses keys with 403
//     api_key_not_allowed. So do, by design, what spans organizations or
//     acts on the person rather than the member (my organizations,
//     creating an organization, my invitations, preview, accept and
//     decline), what ends a membership or an organization (leave, transfer
//     of ownership, deleting the organization), and creating keys: a key
//     never mints another.
//   - A malformed, unknown, revoked or expired key, or one whose member
//     was removed, answers 401 (invalid_api_key, api_key_revoked,
//     api_key_expired) with a "WWW-Authenticate: Bearer" challenge. A key
//     is read from the Authorization header only, never from a cookie, a
//     query parameter or a form, and never logged.
//
// The key endpoints, /roster/api/orgs/{org}/keys, list a member's own keys
// (all=true or user=ID for a manager of members), create one (the secret
// is in that response only; a session is required) and revoke one.
// /roster/orgs/{org}/keys is the Members tab's API keys view: the
// viewer's keys (name, created, last used, expiry, scope — never the
// secret), a form that makes one, narrowed to a workspace or some
// permissions if wished, and revocation. The secret of a new key is shown
// once, in the answer to the form's post itself (Cache-Control: no-store):
// not in a redirect's URL, and not kept for a later page.
//
// Unsafe requests from another origin are refused (net/http's
// CrossOriginProtection), for the forms and the API alike, except API
// requests that present a key: no browser sends one on its own, so
// another site cannot forge them. Pages send a
// Content-Security-Policy without inline script or style, frame-ancestors
// 'self', nosniff and Referrer-Policy no-referrer.
package rosterhttp
