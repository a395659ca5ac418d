package apikey

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/ident"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// NewKey is what Create makes a key from.
type NewKey struct {
	// Name says what the key is for: 1 to membership.MaxNameLen
	// characters, trimmed.
	Name string
	// Scope narrows the key below its member's permissions; the zero
	// Scope does not. Its permissions must be defined by the catalog, and
	// its workspace must be one of the organization's.
	Scope Scope
	// ExpiresAt, when not zero, is when the key stops working: after the
	// time of creation and at most MaxTTL ahead.
	ExpiresAt time.Time
}

// Created is a new key and its secret. The secret is shown this once:
// the store keeps only its digest, and no call returns it again.
type Created struct {
	Key    Key
	Secret string
}

// Create makes an API key that acts as actor in org. The actor must be an
// active member holding the API access permission (roles.PermAPIAccess),
// by role or grant; otherwise ErrForbidden, audited as a denied
// "apikey.created". A bad name, expiry or scope is ErrInvalidInput (an
// undefined permission ErrInvalidRole, a workspace not in org ErrNotFound)
// and changes nothing. The creation is audited, with the key's ID as
// target, never its secret.
func (s *Service) Create(ctx context.Context, actor string, org uuid.UUID, nk NewKey) (Created, error) {
	if err := s.ready(ctx); err != nil {
		return Created{}, fmt.Errorf("%s: %w", ActionCreated, err)
	}
	name, err := ident.CleanName("key name", nk.Name)
	if err != nil {
		return Created{}, fmt.Errorf("%s: %w", ActionCreated, err)
	}
	for _, p := range nk.Scope.Perms.Permissions() {
		if _, err := s.cat.PermissionScope(p); err != nil {
			return Created{}, fmt.Errorf("%s: scope: %w", ActionCreated, err)
		}
	}
	secret, hash, err := newSecret(s.opts.Rand)
	if err != nil {
		return Created{}, fmt.Errorf("%s: %w", ActionCreated, err)
	}
	var out Key
	err = s.x.Mutate(ctx, actor, org, ActionCreated, func(ctx context.Context, op *membership.Op) error {
		if err := op.Require(roles.PermAPIAccess); err != nil {
			return err
		}
		exp := nk.ExpiresAt.UTC()
		if !nk.ExpiresAt.IsZero() && (!exp.After(op.Now) || exp.Sub(op.Now) > MaxTTL) {
			return fmt.Errorf("%w: expiry must be after now and at most 100 years ahead", ErrInvalidInput)
		}
		if ws := nk.Scope.Workspace; ws != uuid.Nil {
			if _, err := s.x.Store().Workspace(ctx, org, ws); err != nil {
				return fmt.Errorf("scope: %w", err)
			}
		}
		k := Key{ID: newID(), OrgID: org, UserID: actor, Name: name, Scope: nk.Scope,
			Hash: hash, CreatedAt: op.Now, ExpiresAt: exp}
		op.Target(k.ID.String())
		if err := s.st.InsertAPIKey(ctx, k); err != nil {
			return err
		}
		out = k
		return op.Record(ctx, membership.Record{Action: ActionCreated, Target: k.ID.String(), UserID: actor,
			WorkspaceID: nk.Scope.Workspace, After: s.describe(k)})
	})
	if err != nil {
		return Created{}, err
	}
	return Created{Key: public(out), Secret: secret}, nil
}

// describe is what the audit trail keeps of a new key.
func (s *Service) describe(k Key) map[string]string {
	d := map[string]string{"name": k.Name}
	if k.Scope.Perms != 0 {
		d["scope.perms"] = s.permNames(k.Scope.Perms, ",")
	}
	if k.Scope.Workspace != uuid.Nil {
		d["scope.workspace"] = k.Scope.Workspace.String()
	}
	if !k.ExpiresAt.IsZero() {
		d["expires_at"] = k.ExpiresAt.Format(time.RFC3339)
	}
	return d
}

// permNames lists the catalog's names of ps, separated by sep.
func (s *Service) permNames(ps roles.PermSet, sep string) string {
	var b []byte
	for i, p := range ps.Permissions() {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, s.cat.PermissionName(p)...)
	}
	return string(b)
}

// public is k as the Service returns it: without its digest.
func public(k Key) Key {
	k.Hash = Hash{}
	return k
}

// newID returns a UUIDv7 (time-ordered), or a v4 if the clock sequence
// fails.
func newID() uuid.UUID {
	if id, err := uuid.NewV7(); err == nil {
		return id
	}
	return uuid.New()
}
