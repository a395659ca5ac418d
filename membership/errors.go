package membership

import (
	"errors"

	"github.com/rosterkit/roster/internal/coded"
	"github.com/rosterkit/roster/internal/ident"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// Errors returned by the Service. Each is wrapped with context; test with
// errors.Is. No message carries a secret or SQL text.
var (
	// ErrNotFound: the organization, workspace or member does not exist, or
	// belongs to another organization than the one named.
	ErrNotFound = storage.ErrNotFound
	// ErrConflict: a duplicate slug, workspace name or member.
	ErrConflict = storage.ErrConflict
	// ErrForbidden: the actor is not an active member, lacks the permission,
	// or tries to give or change more than its own authority.
	ErrForbidden = roles.ErrForbidden
	// ErrInvalidRole: a role or permission the catalog does not define.
	ErrInvalidRole = roles.ErrInvalidRole
	// ErrLastOwner: the change would leave the organization without an owner.
	ErrLastOwner = error(coded.New("last_owner", "roster: last owner"))
	// ErrSeatLimit: the organization has no free seat or licence.
	ErrSeatLimit = error(coded.New("seat_limit", "roster: seat limit reached"))
	// ErrInvalidInput: an empty or over-long name, a name with control,
	// invisible or direction-changing characters, an invalid slug, email or
	// UTF-8, a zero ID, or a page cursor this store did not make.
	ErrInvalidInput = ident.ErrInvalidInput
	// ErrInvalidEmail: an email address that is not a plain, deliverable
	// address (the rules of invite.ParseEmail, which returns the same
	// value). It is a kind of invalid input: an error wrapping it matches
	// ErrInvalidInput too.
	ErrInvalidEmail = ident.ErrInvalidEmail
	// ErrWorkspaceRequired: the organization requires every member (other
	// than owners and admins) to keep at least one workspace.
	ErrWorkspaceRequired = error(coded.New("workspace_required", "roster: workspace required"))
	// ErrGuestsNotAllowed: the organization's guest policy refuses people
	// outside its co-worker domains.
	ErrGuestsNotAllowed = error(coded.New("guests_not_allowed", "roster: guests not allowed"))
	// ErrInvalidOptions: New refuses the options (no store, a negative
	// setting), or the Service was not made by New (a zero or nil
	// Service, whose every method returns it). invite.ErrInvalidOptions is
	// the same value.
	ErrInvalidOptions = error(coded.New("invalid_options", "roster: invalid options"))
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
