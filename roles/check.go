package roles

// WorkspacePerms returns what a member may do in one workspace: the
// permissions of its org role and grants, plus those of its workspace role
// there, and what they imply (billing.manage implies billing.view). wsRole is "" when the member has no access to the workspace; then a
// member whose org role is not AllWorkspaces gets nothing at all. Unknown role
// names (data written under another catalog) give nothing, and so does a nil
// or zero Catalog. It allocates
// nothing and is the last step of every permission check.
func (c *Catalog) WorkspacePerms(orgRole Role, grants PermSet, wsRole Role) PermSet {
	if !c.usable() {
		return 0
	}
	i := find(c.org, orgRole)
	if i < 0 {
		return 0
	}
	org := &c.org[i]
	if org.AllWorkspaces {
		return implied(org.Perms | grants | c.ws[c.top].Perms)
	}
	if wsRole == "" {
		return 0
	}
	j := find(c.ws, wsRole)
	if j < 0 {
		return 0
	}
	return implied(org.Perms | grants | c.ws[j].Perms)
}

// OrgPerms returns the org-scope permissions of a holder of orgRole with
// extra grants, and what they imply; unknown roles (and a nil or zero Catalog) give nothing.
func (c *Catalog) OrgPerms(orgRole Role, grants PermSet) PermSet {
	if !c.usable() {
		return 0
	}
	i := find(c.org, orgRole)
	if i < 0 {
		return 0
	}
	return implied(c.org[i].Perms | grants)
}
