// Package roles defines permissions, roles and catalogs, and the one rule
// about who may give what.
//
// A Permission is a bit; a PermSet is a uint64, so checking a permission is
// one AND. Roles live in two scopes: the organization (owner, admin, member,
// guest in the default catalog) and the workspace (admin, contributor_plus,
// contributor, viewer). Org roles marked AllWorkspaces (owner and admin) hold
// the top workspace role in every workspace of their organization, present
// and future. Extra per-member grants (billing, API access, invite) add org
// permissions to one member.
//
// Managing billing (PermBilling) implies viewing it (PermViewBilling): every
// set a Catalog computes includes what its permissions imply.
//
// Hosts with other needs build their own Catalog with NewCatalog: a two-role
// "owner / contributor" account, or custom permissions from FirstCustom up.
// Ranks must agree with powers: a role ranked at or above another holds
// every permission of it, is AllWorkspaces if the other is, and roles of
// equal rank hold the same powers. NewCatalog refuses other catalogs with
// an error naming both roles. A nil or zero Catalog defines nothing: its
// methods return errors wrapping ErrInvalidRole or zero values (Err tells).
//
// A Permission above MaxPermission never aliases a real one: Grants marks
// it with a reserved bit that no catalog defines, so CheckGrants refuses
// the set (ErrInvalidRole) and Has never reports it.
//
// Ceiling is applied on every write path of the membership and invite
// packages and weighs every power a role carries: nobody changes or
// removes someone ranked above them, only an owner makes or changes an
// owner, only an admin of every workspace makes or changes one, and nobody
// gives a rank or permission they do not hold.
package roles
