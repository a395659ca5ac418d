package rosterhttp

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rosterkit/roster/membership"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/*
var assetFS embed.FS

// contentSecurityPolicy is sent with every page: no inline script or
// style, nothing from elsewhere, forms post only here, no framing by
// other sites.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"

func parsePages() (*template.Template, error) {
	funcs := template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2 Jan 2006")
		},
		"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"add":      func(a, b int) int { return a + b },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
	}
	return template.New("pages").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
}

// setPageHeaders sets the security headers of every page.
func setPageHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
}

// render executes template name with data and hands it to the layout.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	var body bytes.Buffer
	if err := h.pages.ExecuteTemplate(&body, name, data); err != nil {
		h.log.ErrorContext(r.Context(), "rosterhttp: page failed", "route", r.Pattern, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	head := template.HTML(fmt.Sprintf(`<link rel="stylesheet" href="%[1]s/assets/roster.css"><script src="%[1]s/assets/roster.js" defer></script>`,
		template.HTMLEscapeString(h.prefix)))
	var page bytes.Buffer
	if err := h.layout(&page, r, Page{Title: title, Head: head, Body: template.HTML(body.String())}); err != nil {
		h.log.ErrorContext(r.Context(), "rosterhttp: layout failed", "route", r.Pattern, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	setPageHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(page.Bytes())
}

var plainTemplate = template.Must(template.New("plain").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>{{.Head}}</head><body class="roster-page">{{.Body}}</body></html>
`))

// plainLayout is the Layout of a host that gives none.
func plainLayout(w io.Writer, _ *http.Request, p Page) error {
	return plainTemplate.Execute(w, p)
}

// errorPage shows a library error as a page with its status.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	p := problemOf(err)
	if p.Status >= 500 {
		h.log.ErrorContext(r.Context(), "rosterhttp: page failed", "route", r.Pattern, "err", err)
	}
	h.render(w, r, p.Status, "error", p.Title, struct {
		Status  int
		Message string
		Code    string
	}{p.Status, messageOf(p.Code), p.Code})
}

// messageOf is the sentence a page shows for an error code.
func messageOf(code string) string {
	switch code {
	case membership.CodeNotFound:
		return "This page does not exist, or you cannot see it."
	case membership.CodeForbidden:
		return "You are not allowed to do that."
	case membership.CodeInvalidToken:
		return "This invitation link is not valid. Check that you copied all of it."
	case membership.CodeExpired:
		return "This invitation has expired. Ask for a new one."
	case membership.CodeRevoked:
		return "This invitation was withdrawn."
	case membership.CodeAlreadyUsed:
		return "This invitation was already accepted."
	case membership.CodeRejected:
		return "This invitation was declined."
	case membership.CodeUsedUp:
		return "This invite link has no use left."
	case membership.CodeEmailMismatch:
		return "This invitation is for another email address. Sign in with the invited address."
	case membership.CodeEmailNotVerified:
		return "Verify your email address first, then accept the invitation."
	case membership.CodeDomainNotAllowed:
		return "Your email domain may not join with this link."
	case membership.CodeLinksDisabled:
		return "This organization turned invite links off."
	case membership.CodeSeatLimit:
		return "The organization has no free seat."
	case membership.CodeLastOwner:
		return "The organization must keep an owner. Transfer ownership first."
	case membership.CodeRateLimited:
		return "Too many invitations today. Try again tomorrow."
	case membership.CodeWorkspaceRequired:
		return "Members of this organization need at least one workspace."
	case membership.CodeGuestsNotAllowed:
		return "This organization does not admit guests from outside its domains."
	case membership.CodeInvalidRole, membership.CodeInvalidInput, membership.CodeInvalidEmail:
		return "Some of what was sent is not valid."
	case membership.CodeNoKey:
		return "The invitation URL cannot be shown again. Resend the invitation instead."
	case membership.CodeEmptyBatch:
		return "Type at least one email address."
	case membership.CodeBatchTooLarge:
		return "Too many addresses in one batch."
	}
	return "Something went wrong. Try again later."
}

// signInRedirect sends an anonymous visitor to the host's sign-in, to come
// back to back (a path of this handler, never carrying a token).
func (h *Handler) signInRedirect(w http.ResponseWriter, r *http.Request, back string) {
	http.Redirect(w, r, h.signInURL(back), http.StatusSeeOther)
}

func (h *Handler) signInURL(back string) string {
	sep := "?"
	if strings.Contains(h.signIn, "?") {
		sep = "&"
	}
	return h.signIn + sep + h.returnParam + "=" + url.QueryEscape(back)
}

func (h *Handler) routeAssets() {
	h.mux.Handle("GET "+h.prefix+"/assets/", http.StripPrefix(h.prefix, assetHandler{http.FileServerFS(assetFS)}))
}

// assetHandler serves the embedded stylesheet and script with the
// security headers of a page.
type assetHandler struct{ h http.Handler }

// ServeHTTP serves an asset.
func (a assetHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	a.h.ServeHTTP(w, r)
}
