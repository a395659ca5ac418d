package rosterhttp

import (
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// DefaultPrefix is Options.Prefix when empty.
const DefaultPrefix = "/roster"

// Options configure a Handler. Members, Invites, Authenticator and
// SignInURL are required.
type Options struct {
	// Members and Invites are the library's services, over one store.
	Members *membership.Service
	Invites *invite.Service
	// Authenticator tells who sends each request.
	Authenticator Authenticator
	// Keys, when set, lets the JSON API accept API keys
	// ("Authorization: Bearer rstk_…") beside the host's session, serves
	// the key endpoints under Prefix+"/api/orgs/{org}/keys" and adds the
	// API keys view to the Members tab. It must be over the same store as
	// Members. A key acts as its member in its one organization, never
	// more: see the package documentation.
	Keys *apikey.Service
	// SignInURL is the host's sign-in page, a path ("/signin") or an
	// absolute URL. A visitor of a page who is not signed in is sent there
	// with the page to come back to in the ReturnParam query parameter
	// (never a token).
	SignInURL string
	// ReturnParam names that parameter; "" means "return_to".
	ReturnParam string
	// Prefix is where the handler lives (DefaultPrefix when ""): the JSON
	// API under Prefix+"/api/", the accept page at Prefix+"/invite/",
	// the Members tab at Prefix+"/orgs/{org}/members" and its assets under
	// Prefix+"/assets/". Point invite.Options.BaseURL at AcceptURL.
	Prefix string
	// Layout wraps each page of the Members tab and the accept page in the
	// host's own layout; nil uses a plain page. It must write Page.Head in
	// the document's head and Page.Body where the content goes.
	Layout Layout
	// Logger receives request failures (never a token); nil discards them.
	Logger *slog.Logger
	// BatchLimit is the Invite dialog's batch limit, shown beside the
	// list; 0 means the invite Service's (Invites.BatchLimit()).
	BatchLimit int
	// SecureCookies marks the accept page's cookie Secure even on requests
	// that reached the handler without TLS: set it when TLS ends at a
	// proxy in front of the host. Requests over TLS always get it.
	SecureCookies bool
	// TrustedOrigins are other origins (scheme://host[:port]) whose
	// cross-origin form posts and API calls are allowed, e.g. a front end
	// served from another host. Same-origin requests always are.
	TrustedOrigins []string
}

// Layout writes a page of Roster inside the host's layout.
type Layout func(w io.Writer, r *http.Request, p Page) error

// Page is what a Layout wraps.
type Page struct {
	// Title is the page's title, plain text.
	Title string
	// Head links Roster's stylesheet and script (their own files: the
	// Content-Security-Policy allows no inline script or style).
	Head template.HTML
	// Body is the page's content.
	Body template.HTML
}

// Handler serves the JSON API, the accept page and the Members tab.
// It is safe for concurrent use.
type Handler struct {
	ms          *membership.Service
	iv          *invite.Service
	keys        *apikey.Service
	cat         *roles.Catalog
	auth        Authenticator
	signIn      string
	returnParam string
	prefix      string
	layout      Layout
	log         *slog.Logger
	mux         *http.ServeMux
	handler     http.Handler
	pages       *template.Template
	batchLimit  int
	secure      bool
	// jsonBufs holds *[]byte buffers the JSON answers that write
	// themselves are built in, so that a members page does not allocate
	// (and clear) its tens of kilobytes on every request.
	jsonBufs sync.Pool
}

// New checks o and returns a Handler. Mount it at Options.Prefix:
//
//	mux.Handle("/roster/", h)
//
// A missing service or authenticator, a sign-in URL that is not a path or
// an absolute http(s) URL, a prefix that is not a clean path, or a trusted
// origin that is not an origin is an error wrapping
// membership.ErrInvalidOptions.
func New(o Options) (*Handler, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: rosterhttp: "+format, append([]any{membership.ErrInvalidOptions}, args...)...)
	}
	if o.Members == nil {
		return nil, bad("Members is nil")
	}
	if o.Invites == nil {
		return nil, bad("Invites is nil")
	}
	if o.Authenticator == nil {
		return nil, bad("Authenticator is nil")
	}
	if err := o.Members.Roles().Err(); err != nil {
		return nil, bad("unusable role catalog")
	}
	if !validSignIn(o.SignInURL) {
		return nil, bad("SignInURL %q is neither a path nor an absolute http(s) URL", o.SignInURL)
	}
	prefix := o.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if !strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/") || strings.ContainsAny(prefix, "{}?#% \t\r\n") || strings.Contains(prefix, "//") {
		return nil, bad("Prefix %q is not a path like /roster", prefix)
	}
	param := o.ReturnParam
	if param == "" {
		param = "return_to"
	}
	if url.QueryEscape(param) != param {
		return nil, bad("ReturnParam %q needs escaping", param)
	}
	h := &Handler{
		ms: o.Members, iv: o.Invites, keys: o.Keys, cat: o.Members.Roles(), auth: o.Authenticator,
		signIn: o.SignInURL, returnParam: param, prefix: prefix, layout: o.Layout, log: o.Logger,
		mux: http.NewServeMux(),
	}
	h.secure = o.SecureCookies
	h.batchLimit = o.BatchLimit
	if h.batchLimit == 0 {
		h.batchLimit = o.Invites.BatchLimit()
	}
	if h.batchLimit < 0 || h.batchLimit > invite.MaxBatchLimit {
		return nil, bad("BatchLimit %d is not between 1 and %d", o.BatchLimit, invite.MaxBatchLimit)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.layout == nil {
		h.layout = plainLayout
	}
	cop := http.NewCrossOriginProtection()
	for _, origin := range o.TrustedOrigins {
		if err := cop.AddTrustedOrigin(origin); err != nil {
			return nil, bad("trusted origin %q: not an origin", origin)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(h.crossOrigin))
	pages, err := parsePages()
	if err != nil {
		return nil, bad("templates: %v", err)
	}
	h.pages = pages
	h.routeAPI()
	h.routeAccept()
	h.routeTab()
	h.handler = h.bearerPasses(cop.Handler(h.mux))
	return h, nil
}

func validSignIn(s string) bool {
	if s == "" {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Fragment != "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	if u.IsAbs() {
		return (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
	}
	return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")
}

// ServeHTTP serves a request under Options.Prefix. Unsafe requests from
// another origin (cross-site form posts) are refused with 403, except API
// requests that present an API key: a browser never attaches one on its
// own, so they cannot be forged by another site.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.handler.ServeHTTP(w, r)
}

// AcceptURL returns the accept page's URL at origin (e.g.
// "https://app.example.com") for a Handler at prefix ("" for
// DefaultPrefix): the invite.Options.BaseURL that makes invitation emails
// point at it.
func AcceptURL(origin, prefix string) string {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return strings.TrimSuffix(origin, "/") + prefix + "/invite/"
}

// RedactPath returns path with the token of an accept link replaced by
// "…", for a host's access log: the link of an invitation email is the one
// request whose path carries a token (the accept page moves it into a
// cookie at once).
func (h *Handler) RedactPath(path string) string {
	base := h.prefix + "/invite/"
	if rest, ok := strings.CutPrefix(path, base); ok && rest != "" && rest != "done" {
		return base + "…"
	}
	return path
}

// MembersURL returns the path of org's Members tab.
func (h *Handler) MembersURL(org string) string {
	return h.prefix + "/orgs/" + url.PathEscape(org) + "/members"
}
