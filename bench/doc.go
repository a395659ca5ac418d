// Package bench compares Roster's permission check with Casbin v2 on the
// workload of internal/benchmarks: the same organizations, members,
// workspaces and roles, and the same request sequences, loaded into Roster's
// memstore and into Casbin's Enforcer, CachedEnforcer and
// SyncedCachedEnforcer.
//
// It is a module of its own so that Roster's module does not depend on
// Casbin. TestEnginesAgree checks that every engine gives every answer of
// the workload's definition; BenchmarkPeer/<engine>/<size>/<case> times
// them (allow, deny, org-admin, mix at 1k and 100k members; 1k only under
// -short). From the repository's root:
//
//	(cd bench && go test -run '^$' -bench . -benchmem -count 5) | tee peer.txt
//	go run ./internal/benchtable peer.txt
//
// # The Casbin model
//
// RBAC with domains, the workspace as the domain: a member's role in a
// workspace is a grouping rule (g, user, role, workspace), and each
// workspace role holds the catalog's workspace permissions as policies
// (p, role, permission). An organization's owners and admins hold the top
// workspace role in every workspace of their organization; Casbin is given
// that by explicit expansion, one grouping rule per owner or admin and
// workspace, rather than a domain pattern, which Casbin matches on every
// check and would only slow it down. (Roster needs no such rows, and a new
// workspace would need new ones in Casbin.) Workspace IDs are unique across
// organizations, so the domain also keeps the second organization apart.
package bench
