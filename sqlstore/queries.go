package sqlstore

// queries holds the store's fixed statements, rewritten once for the
// store's table prefix and placeholder style. Statements are written with ?
// placeholders and the default "roster_" prefix.
type queries struct {
	insertOrg, selectOrg, selectOrgBySlug, lockOrg, updateOrg, orgExists string
	userOrgs                                                             string
	deleteOrgAccess, deleteOrgMembers, deleteOrgWorkspaces               string
	deleteOrgAudit, deleteOrg                                            string

	insertWorkspace, selectWorkspace, updateWorkspace, workspaceExists string
	deleteWorkspaceAccess, deleteWorkspace, listWorkspaces             string

	insertMember, selectMember, updateMember, memberExists string
	deleteMemberAccess, deleteMember                       string

	accessTargets, upsertAccess, deleteAccess, memberAccess, workspaceAccess string
	checkAccess                                                              string

	insertAudit, insertOutbox, claimOutbox, ackOutbox, retryOutbox string
}

const orgCols = `id, name, slug, settings, created_at, updated_at`

const memberCols = `org_id, user_id, email, name, role, kind, extra_grants, licensed, sso, deactivated, invited_by, joined_at, updated_at`

func buildQueries(s *Store) queries {
	lock := s.d.forUpdate()
	q := queries{
		insertOrg:       `INSERT INTO roster_organizations (` + orgCols + `) VALUES (?, ?, ?, ?, ?, ?)`,
		selectOrg:       `SELECT ` + orgCols + ` FROM roster_organizations WHERE id = ?`,
		selectOrgBySlug: `SELECT ` + orgCols + ` FROM roster_organizations WHERE slug = ?`,
		lockOrg:         `SELECT ` + orgCols + ` FROM roster_organizations WHERE id = ?` + lock,
		updateOrg:       `UPDATE roster_organizations SET name = ?, slug = ?, settings = ?, updated_at = ? WHERE id = ?`,
		orgExists:       `SELECT 1 FROM roster_organizations WHERE id = ?`,
		userOrgs: `SELECT o.id, o.name, o.slug, o.settings, o.created_at, o.updated_at
FROM roster_members m JOIN roster_organizations o ON o.id = m.org_id
WHERE m.user_id = ? AND m.org_id > ? ORDER BY m.org_id LIMIT ?`,
		deleteOrgAccess:     `DELETE FROM roster_workspace_access WHERE org_id = ?`,
		deleteOrgMembers:    `DELETE FROM roster_members WHERE org_id = ?`,
		deleteOrgWorkspaces: `DELETE FROM roster_workspaces WHERE org_id = ?`,
		deleteOrgAudit:      `DELETE FROM roster_audit_events WHERE org_id = ?`,
		deleteOrg:           `DELETE FROM roster_organizations WHERE id = ?`,

		insertWorkspace:       `INSERT INTO roster_workspaces (id, org_id, name, created_at) VALUES (?, ?, ?, ?)`,
		selectWorkspace:       `SELECT id, org_id, name, created_at FROM roster_workspaces WHERE org_id = ? AND id = ?`,
		updateWorkspace:       `UPDATE roster_workspaces SET name = ? WHERE org_id = ? AND id = ?`,
		workspaceExists:       `SELECT 1 FROM roster_workspaces WHERE org_id = ? AND id = ?`,
		deleteWorkspaceAccess: `DELETE FROM roster_workspace_access WHERE org_id = ? AND workspace_id = ?`,
		deleteWorkspace:       `DELETE FROM roster_workspaces WHERE org_id = ? AND id = ?`,
		listWorkspaces: `SELECT id, org_id, name, created_at FROM roster_workspaces
WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,

		insertMember: `INSERT INTO roster_members (org_id, user_id, email, email_key, name, name_key, role, kind,
extra_grants, licensed, sso, deactivated, invited_by, joined_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		selectMember: `SELECT ` + memberCols + ` FROM roster_members WHERE org_id = ? AND user_id = ?`,
		updateMember: `UPDATE roster_members SET email = ?, email_key = ?, name = ?, name_key = ?, role = ?, kind = ?,
extra_grants = ?, licensed = ?, sso = ?, deactivated = ?, invited_by = ?, updated_at = ?
WHERE org_id = ? AND user_id = ?`,
		memberExists:       `SELECT 1 FROM roster_members WHERE org_id = ? AND user_id = ?`,
		deleteMemberAccess: `DELETE FROM roster_workspace_access WHERE org_id = ? AND user_id = ?`,
		deleteMember:       `DELETE FROM roster_members WHERE org_id = ? AND user_id = ?`,

		accessTargets: `SELECT COUNT(*) FROM roster_workspaces w JOIN roster_members m ON m.org_id = w.org_id
WHERE w.org_id = ? AND w.id = ? AND m.user_id = ?`,
		upsertAccess: `INSERT INTO roster_workspace_access (org_id, workspace_id, user_id, role, granted_by, granted_at)
VALUES (?, ?, ?, ?, ?, ?)` + s.d.upsert("workspace_id, user_id", "role", "granted_by", "granted_at"),
		deleteAccess: `DELETE FROM roster_workspace_access WHERE org_id = ? AND workspace_id = ? AND user_id = ?`,
		memberAccess: `SELECT org_id, workspace_id, user_id, role, granted_by, granted_at FROM roster_workspace_access
WHERE org_id = ? AND user_id = ? ORDER BY workspace_id`,
		workspaceAccess: `SELECT org_id, workspace_id, user_id, role, granted_by, granted_at FROM roster_workspace_access
WHERE workspace_id = ? AND org_id = ? AND user_id > ? ORDER BY user_id LIMIT ?`,
		// checkAccess is the permission check's one indexed query: the
		// member row by its primary key, with the access row and the
		// workspace's existence by theirs, as scalar subqueries (SQLite
		// runs them several times faster than the equivalent LEFT JOINs).
		// The access row's organization is the member's, and its foreign
		// key ties it to a workspace of that organization.
		checkAccess: `SELECT m.role, m.extra_grants, m.deactivated,
(SELECT a.role FROM roster_workspace_access a WHERE a.workspace_id = ? AND a.user_id = m.user_id AND a.org_id = m.org_id),
(SELECT COUNT(*) FROM roster_workspaces w WHERE w.id = ? AND w.org_id = m.org_id)
FROM roster_members m WHERE m.org_id = ? AND m.user_id = ?`,

		insertAudit: `INSERT INTO roster_audit_events (id, org_id, actor, action, target, before_data, after_data, denied, reason, occurred_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		insertOutbox: `INSERT INTO roster_outbox (id, org_id, channel, topic, payload, created_at, attempts, next_attempt, last_error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		claimOutbox: `SELECT id, org_id, channel, topic, payload, created_at, attempts, next_attempt, last_error FROM roster_outbox
WHERE channel = ? AND next_attempt <= ? ORDER BY created_at, id LIMIT ?` + lock,
		ackOutbox:   `DELETE FROM roster_outbox WHERE id = ?`,
		retryOutbox: `UPDATE roster_outbox SET next_attempt = ?, last_error = ? WHERE id = ?`,
	}
	for _, p := range []*string{
		&q.insertOrg, &q.selectOrg, &q.selectOrgBySlug, &q.lockOrg, &q.updateOrg, &q.orgExists, &q.userOrgs,
		&q.deleteOrgAccess, &q.deleteOrgMembers, &q.deleteOrgWorkspaces, &q.deleteOrgAudit, &q.deleteOrg,
		&q.insertWorkspace, &q.selectWorkspace, &q.updateWorkspace, &q.workspaceExists,
		&q.deleteWorkspaceAccess, &q.deleteWorkspace, &q.listWorkspaces,
		&q.insertMember, &q.selectMember, &q.updateMember, &q.memberExists, &q.deleteMemberAccess, &q.deleteMember,
		&q.accessTargets, &q.upsertAccess, &q.deleteAccess, &q.memberAccess, &q.workspaceAccess, &q.checkAccess,
		&q.insertAudit, &q.insertOutbox, &q.claimOutbox, &q.ackOutbox, &q.retryOutbox,
	} {
		*p = s.sql(*p)
	}
	return q
}
