package rosterhttp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

// call is one API request with its signed-in user.
type call struct {
	w    http.ResponseWriter
	r    *http.Request
	user User
	// key is the API key the request presented, nil for the host's
	// session; user is then its member, by ID only.
	key *apikey.Principal
	// The route's {org}, {ws} and {id} path values, parsed before the
	// handler runs (uuid.Nil where the route has none).
	org, ws, item uuid.UUID
}

// param returns the first value of the query parameter name, as
// r.URL.Query().Get(name) does, without building the whole map.
func (c *call) param(name string) string {
	for q := c.r.URL.RawQuery; q != ""; {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		if strings.Contains(pair, ";") {
			continue // url.ParseQuery drops it
		}
		k, v, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(k); err != nil || k != name {
			continue
		}
		if v, err := url.QueryUnescape(v); err == nil {
			return v
		}
	}
	return ""
}

// apiFunc serves one API route: it returns the status and body of a
// success, or an error answered as a problem.
type apiFunc func(c *call) (int, any, error)

// errInput is invalid client input found before the library is called.
func errInput(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{membership.ErrInvalidInput}, args...)...)
}

// api registers fn for pattern ("GET /orgs/{org}") under the API prefix.
// A request that presents an API key is let in by the route's keyRules
// entry; any other is the host's session.
func (h *Handler) api(pattern string, fn apiFunc) {
	method, path, _ := cut(pattern)
	rule := keyRuleOf(pattern)
	h.mux.HandleFunc(method+" "+h.prefix+"/api"+path, func(w http.ResponseWriter, r *http.Request) {
		setAPIHeaders(w)
		c := &call{w: w, r: r}
		if secret, ok := h.presentedKey(r); ok {
			if !h.authenticateKey(c, secret) {
				return
			}
			if !rule.allow {
				writeKeyNotAllowed(w)
				return
			}
		} else if !h.authenticateSession(c) {
			return
		}
		if err := c.pathIDs(path); err != nil {
			h.fail(w, r, err)
			return
		}
		if c.key != nil {
			if err := h.admitKey(c, rule); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		status, body, err := fn(c)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if body == nil {
			w.WriteHeader(status)
			return
		}
		w.Header()["Content-Type"] = jsonType
		w.WriteHeader(status)
		if a, ok := body.(jsonAppender); ok {
			h.writeJSON(w, a)
			return
		}
		_ = json.NewEncoder(w).Encode(body)
	})
}

// authenticateSession runs the host's Authenticator for an API request:
// an anonymous one answers 401.
func (h *Handler) authenticateSession(c *call) bool {
	u, ok, err := h.authenticate(c.r)
	if err != nil {
		h.fail(c.w, c.r, err)
		return false
	}
	if !ok {
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="roster"`)
		writeProblem(c.w, problem(http.StatusUnauthorized, CodeUnauthenticated, "sign in first"))
		return false
	}
	c.user = u
	return true
}

func cut(pattern string) (method, path string, ok bool) {
	for i := range len(pattern) {
		if pattern[i] == ' ' {
			return pattern[:i], pattern[i+1:], true
		}
	}
	return "", pattern, false
}

func setAPIHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd["Cache-Control"] = noStore
	hd["X-Content-Type-Options"] = noSniff
	hd["Referrer-Policy"] = noReferrer
}

// The values of setAPIHeaders, shared by every answer as net/http shares
// its own: a header's value is only read once set.
var (
	noStore    = []string{"no-store"}
	noSniff    = []string{"nosniff"}
	noReferrer = []string{"no-referrer"}
	jsonType   = []string{"application/json"}
)

// pathIDs parses the {org}, {ws} and {id} values of the route path.
func (c *call) pathIDs(path string) error {
	for _, v := range []struct {
		name string
		dst  *uuid.UUID
	}{{"org", &c.org}, {"ws", &c.ws}, {"id", &c.item}} {
		if !strings.Contains(path, "{"+v.name+"}") {
			continue
		}
		id, err := c.id(v.name)
		if err != nil {
			return err
		}
		*v.dst = id
	}
	return nil
}

// id parses the path value name as a UUID.
func (c *call) id(name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.r.PathValue(name))
	if err != nil {
		return uuid.Nil, errInput("%s is not an ID", name)
	}
	return id, nil
}

// decode reads the JSON body into v, refusing unknown fields.
func (c *call) decode(v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.w, c.r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errInput("empty request body")
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errInput("request body over %d bytes", maxBody)
		}
		return errInput("request body: %v", err)
	}
	if dec.More() {
		return errInput("request body holds more than one JSON value")
	}
	return nil
}

// page reads the after and limit query parameters.
func (c *call) page() (storage.Page, error) {
	p := storage.Page{After: c.param("after")}
	if s := c.param("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p, errInput("limit is not a page size")
		}
		p.Limit = n
	}
	return p, nil
}

// grants parses permission names into a set.
func (h *Handler) grants(names []string) (roles.PermSet, error) {
	var g roles.PermSet
	for _, n := range names {
		p, err := h.cat.Permission(n)
		if err != nil {
			return 0, err
		}
		g = g.Union(roles.Grants(p))
	}
	return g, nil
}

// workspaceRoles parses a {"<workspace ID>": "<role>"} map.
func workspaceRoles(in map[string]roles.Role) (map[uuid.UUID]roles.Role, error) {
	if in == nil {
		return nil, nil
	}
	out := make(map[uuid.UUID]roles.Role, len(in))
	for k, r := range in {
		id, err := uuid.Parse(k)
		if err != nil {
			return nil, errInput("workspace %q is not an ID", clip(k))
		}
		out[id] = r
	}
	return out, nil
}

// clip shortens client input quoted in an error to 64 bytes, at a
// character boundary.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	n := 64
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func (h *Handler) routeAPI() {
	h.routeOrganizations()
	h.routeWorkspaces()
	h.routeMembers()
	h.routeInvitations()
	h.routeMine()
	h.routeLinks()
	h.routeAudit()
	h.routeKeys()
	h.mux.HandleFunc(h.prefix+"/api/", func(w http.ResponseWriter, r *http.Request) {
		setAPIHeaders(w)
		writeProblem(w, problem(http.StatusNotFound, membership.CodeNotFound, "no such endpoint"))
	})
}
