package rosterhttp

import (
	"errors"
	"net/http"
)

// User is the signed-in person, as the host's identity provider knows them.
// Roster never signs anyone in: the host's Authenticator says who is asking.
type User struct {
	// ID is the host's user ID, the actor of every call.
	ID string
	// Email and EmailVerified decide who may accept an invitation: only a
	// user whose verified email is the invited address.
	Email         string
	EmailVerified bool
	// Name is shown to other members.
	Name string
}

// ErrUnauthenticated is what an Authenticator returns for a request that
// carries no valid identity: the API answers 401, pages redirect to the
// host's sign-in.
var ErrUnauthenticated = errors.New("rosterhttp: not signed in")

// Authenticator tells who sent a request, over whatever the host uses:
// a session cookie, a JWT, a header set by a proxy. It returns
// ErrUnauthenticated (or a User without ID) for an anonymous request; any
// other error answers 500.
type Authenticator interface {
	Authenticate(r *http.Request) (User, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(r *http.Request) (User, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(r *http.Request) (User, error) { return f(r) }

// authenticate runs the host's authenticator: ok is false when the request
// is anonymous, err is set for a failure of the authenticator itself.
func (h *Handler) authenticate(r *http.Request) (User, bool, error) {
	u, err := h.auth.Authenticate(r)
	if errors.Is(err, ErrUnauthenticated) || (err == nil && u.ID == "") {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, err
	}
	return u, true, nil
}
