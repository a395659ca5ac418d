package bench

import (
	"fmt"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/google/uuid"

	"github.com/rosterkit/roster/internal/benchmarks"
	"github.com/rosterkit/roster/roles"
)

// casbinModel is RBAC with domains: the workspace is the domain.
const casbinModel = `
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.act == p.act
`

// CasbinModel returns the Casbin model of the workload.
func CasbinModel() (model.Model, error) { return model.NewModelFromString(casbinModel) }

// CasbinRequest is one check as Casbin is asked it: user, workspace ID and
// permission name, as strings.
type CasbinRequest struct {
	Sub, Dom, Act string
}

// Policy holds the Casbin rules of a fixture and turns Roster's requests
// into Casbin's. It implements persist.Adapter, read-only.
type Policy struct {
	rules [][]string
	doms  map[uuid.UUID]string
	acts  map[roles.Permission]string
}

// NewPolicy writes the workload's definition of f as Casbin rules: the
// catalog's workspace permissions per workspace role, every member's role
// in each of its workspaces, and the top workspace role in every workspace
// for the owners and admins of both organizations.
func NewPolicy(f *benchmarks.Fixture) *Policy {
	cat := roles.Default()
	p := &Policy{doms: map[uuid.UUID]string{}, acts: map[roles.Permission]string{}}
	for _, perm := range benchmarks.WorkspacePermissions() {
		p.acts[perm] = cat.PermissionName(perm)
	}
	for _, r := range cat.WorkspaceRoles() {
		perms := cat.WorkspacePerms(roles.OrgMember, 0, r.Name)
		for _, perm := range benchmarks.WorkspacePermissions() {
			if perms.Has(perm) {
				p.rules = append(p.rules, []string{"p", string(r.Name), p.acts[perm]})
			}
		}
	}
	top := string(cat.TopWorkspaceRole().Name)
	p.addOrg(f.N, f.Spaces, top)
	p.addOrg(benchmarks.OtherMembers, f.OtherSpaces, top)
	return p
}

func (p *Policy) addOrg(n int, spaces []uuid.UUID, top string) {
	for _, ws := range spaces {
		p.doms[ws] = ws.String()
	}
	layout := &benchmarks.Fixture{N: n, Spaces: spaces}
	for i := range n {
		user := benchmarks.UserID(i)
		if r := benchmarks.OrgRole(i); r == roles.OrgOwner || r == roles.OrgAdmin {
			for _, ws := range spaces {
				p.rules = append(p.rules, []string{"g", user, top, p.doms[ws]})
			}
			continue
		}
		for k := range benchmarks.PerMember {
			ws := layout.Space(i, k)
			p.rules = append(p.rules, []string{"g", user, string(benchmarks.WorkspaceRole(i, k)), p.doms[ws]})
		}
	}
}

// Requests returns qs as Casbin is asked them. The strings are built here,
// once, as a host would hold them; the user ID is the request's own string.
func (p *Policy) Requests(qs []benchmarks.Request) []CasbinRequest {
	out := make([]CasbinRequest, len(qs))
	for j, q := range qs {
		out[j] = CasbinRequest{Sub: q.UserID, Dom: p.doms[q.Workspace], Act: p.acts[q.Perm]}
	}
	return out
}

// Rules returns the number of rules.
func (p *Policy) Rules() int { return len(p.rules) }

// LoadPolicy loads every rule into m.
func (p *Policy) LoadPolicy(m model.Model) error {
	for _, r := range p.rules {
		if err := persist.LoadPolicyArray(r, m); err != nil {
			return err
		}
	}
	return nil
}

var errReadOnly = fmt.Errorf("bench: the policy is read-only")

// SavePolicy is not supported.
func (p *Policy) SavePolicy(model.Model) error { return errReadOnly }

// AddPolicy is not supported.
func (p *Policy) AddPolicy(string, string, []string) error { return errReadOnly }

// RemovePolicy is not supported.
func (p *Policy) RemovePolicy(string, string, []string) error { return errReadOnly }

// RemoveFilteredPolicy is not supported.
func (p *Policy) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }

var _ persist.Adapter = (*Policy)(nil)
