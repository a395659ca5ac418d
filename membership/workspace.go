package membership

import (
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
)

// Workspace groups content inside an organization; some hosts call it a
// project. Its name is unique within the organization.
type Workspace struct {
	ID        uuid.UUID
	OrgID     uuid.UUID
	Name      string
	CreatedAt time.Time
}

// WorkspaceAccess gives one member a role in one workspace.
type WorkspaceAccess struct {
	OrgID       uuid.UUID
	WorkspaceID uuid.UUID
	UserID      string
	Role        roles.Role
	GrantedBy   string
	GrantedAt   time.Time
}

// NamedAccess is a workspace access row with its workspace's name.
type NamedAccess struct {
	WorkspaceAccess
	WorkspaceName string
}
