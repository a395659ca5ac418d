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
// Hosts with other needs build their own Catalog with NewCatalog: a two-role
// "owner / contributor" account, or custom permissions from FirstCustom up.
//
// Ceiling is applied on every write path of the membership and invite
// packages: nobody changes or removes someone ranked above them, only an
// owner makes or changes an owner, and nobody gives a rank or permission
// they do not hold.
package roles
