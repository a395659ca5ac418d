package roles

import "fmt"

// Standing is what an actor or a target holds in one scope: the input of
// Ceiling. The zero Standing holds nothing.
type Standing struct {
	// Rank is the rank of the role held.
	Rank int
	// Perms are the permissions held in the scope, grants and what they
	// imply included.
	Perms PermSet
	// Owner is set for a holder of the owner role.
	Owner bool
	// AllWorkspaces is set for a holder of an AllWorkspaces org role: the
	// top workspace role in every workspace of the organization.
	AllWorkspaces bool
}

// OrgStanding returns the standing of a holder of org role r with extra
// grants g.
func (c *Catalog) OrgStanding(r Role, g PermSet) (Standing, error) {
	def, err := c.OrgRole(r)
	if err != nil {
		return Standing{}, err
	}
	return Standing{Rank: def.Rank, Perms: implied(def.Perms | g), Owner: def.Owner, AllWorkspaces: def.AllWorkspaces}, nil
}

// WorkspaceStanding returns the standing in one workspace of a member holding
// org role orgRole and workspace role wsRole there ("" for no access). AllWorkspaces
// org roles stand as the top workspace role, with AllWorkspaces set.
func (c *Catalog) WorkspaceStanding(orgRole, wsRole Role) (Standing, error) {
	org, err := c.OrgRole(orgRole)
	if err != nil {
		return Standing{}, err
	}
	if org.AllWorkspaces {
		top := c.ws[c.top]
		return Standing{Rank: top.Rank, Perms: implied(top.Perms), AllWorkspaces: true}, nil
	}
	if wsRole == "" {
		return Standing{}, nil
	}
	def, err := c.WorkspaceRole(wsRole)
	if err != nil {
		return Standing{}, err
	}
	return Standing{Rank: def.Rank, Perms: implied(def.Perms)}, nil
}

// Ceiling is the one rule every write path applies: may actor move a target
// from standing from (nil for someone new) to standing to (nil for removal)?
// It weighs every power a role carries: rank, permissions, owner and
// AllWorkspaces.
//
//   - nobody changes or removes someone ranked above them, or who holds a
//     role power they lack (owner, AllWorkspaces); extra grants do not
//     shield a member from someone who outranks them;
//   - only an owner changes, removes or makes an owner;
//   - nobody gives a rank above their own, a permission they do not hold,
//     or AllWorkspaces (admin of every workspace) without holding it.
//
// It returns nil or an error wrapping ErrForbidden.
func Ceiling(actor Standing, from, to *Standing) error {
	if from != nil {
		if from.Owner && !actor.Owner {
			return fmt.Errorf("%w: only an owner may change an owner", ErrForbidden)
		}
		if from.Rank > actor.Rank {
			return fmt.Errorf("%w: cannot change someone ranked above you", ErrForbidden)
		}
		if from.AllWorkspaces && !actor.AllWorkspaces {
			return fmt.Errorf("%w: cannot change an admin of every workspace without being one", ErrForbidden)
		}
	}
	if to != nil {
		if to.Owner && !actor.Owner {
			return fmt.Errorf("%w: only an owner may make an owner", ErrForbidden)
		}
		if to.Rank > actor.Rank {
			return fmt.Errorf("%w: cannot give a role ranked above your own", ErrForbidden)
		}
		if to.AllWorkspaces && !actor.AllWorkspaces {
			return fmt.Errorf("%w: cannot make an admin of every workspace without being one", ErrForbidden)
		}
		if missing := to.Perms.Without(actor.Perms); missing != 0 {
			return fmt.Errorf("%w: cannot give permissions you do not hold (%v)", ErrForbidden, missing)
		}
	}
	return nil
}
