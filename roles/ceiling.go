package roles

import "fmt"

// Standing is what an actor or a target holds in one scope: the input of
// Ceiling. The zero Standing holds nothing.
type Standing struct {
	Rank  int
	Perms PermSet
	Owner bool
}

// OrgStanding returns the standing of a holder of org role r with extra
// grants g.
func (c *Catalog) OrgStanding(r Role, g PermSet) (Standing, error) {
	def, err := c.OrgRole(r)
	if err != nil {
		return Standing{}, err
	}
	return Standing{Rank: def.Rank, Perms: implied(def.Perms | g), Owner: def.Owner}, nil
}

// WorkspaceStanding returns the standing in one workspace of a member holding
// org role orgRole and workspace role wsRole there ("" for no access). AllWorkspaces
// org roles stand as the top workspace role.
func (c *Catalog) WorkspaceStanding(orgRole, wsRole Role) (Standing, error) {
	org, err := c.OrgRole(orgRole)
	if err != nil {
		return Standing{}, err
	}
	if org.AllWorkspaces {
		top := c.ws[c.top]
		return Standing{Rank: top.Rank, Perms: top.Perms}, nil
	}
	if wsRole == "" {
		return Standing{}, nil
	}
	def, err := c.WorkspaceRole(wsRole)
	if err != nil {
		return Standing{}, err
	}
	return Standing{Rank: def.Rank, Perms: def.Perms}, nil
}

// Ceiling is the one rule every write path applies: may actor move a target
// from standing from (nil for someone new) to standing to (nil for removal)?
//
//   - nobody changes or removes someone ranked above them;
//   - only an owner changes, removes or makes an owner;
//   - nobody gives a rank above their own, or a permission they do not hold.
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
	}
	if to != nil {
		if to.Owner && !actor.Owner {
			return fmt.Errorf("%w: only an owner may make an owner", ErrForbidden)
		}
		if to.Rank > actor.Rank {
			return fmt.Errorf("%w: cannot give a role ranked above your own", ErrForbidden)
		}
		if missing := to.Perms.Without(actor.Perms); missing != 0 {
			return fmt.Errorf("%w: cannot give permissions you do not hold (%v)", ErrForbidden, missing)
		}
	}
	return nil
}
