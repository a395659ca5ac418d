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
//     variables (--roster-accent…). Every form follows POST/redirect/GET.
//
// Unsafe requests from another origin are refused (net/http's
// CrossOriginProtection), for the forms and the API alike. Pages send a
// Content-Security-Policy without inline script or style, frame-ancestors
// 'self', nosniff and Referrer-Policy no-referrer.
package rosterhttp
