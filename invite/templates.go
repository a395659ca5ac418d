package invite

import (
	"bytes"
	"embed"
	"fmt"
	htemplate "html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	ttemplate "text/template"
	"time"
	"unicode"

	"github.com/rosterkit/roster/roles"
)

// Email is a rendered invitation email: what a Mailer hands to its mail
// service.
type Email struct {
	// Subject is one line of plain text, without control characters; a
	// mail library still encodes it (RFC 2047) before it goes in a header.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is the HTML body, every name in it escaped.
	HTML string
}

// Templates render invitation emails: a subject and a plain-text body
// (text/template) and an HTML body (html/template, so names are escaped).
// DefaultTemplates are in English; a host overrides any of them, or
// translates them all, by defining the templates again:
//
//	fr, err := invite.DefaultTemplates().Funcs(frFuncs).ParseFS(files, "fr/*")
//
// The templates are named "subject", "text" and "html"; the defaults also
// define "inviter", used by the other three. Text files define "subject",
// "text" and their helpers; files ending in ".html" define "html" and its
// helpers. Each is executed with the Mail to render, whose names are first
// cleaned of control characters, and may call these functions:
//
//	role  the name of a role for people: "contributor_plus" → "contributor plus"
//	date  a time as "January 2, 2006 at 15:04 UTC"
//
// Funcs replaces them, to translate role names or dates, or adds more.
//
// Templates are immutable: Parse, ParseFS and Funcs return new Templates.
// They are safe for concurrent use.
type Templates struct {
	text *ttemplate.Template
	html *htemplate.Template // never executed, so that it can be cloned
	exec *htemplate.Template // the clone of html that Render executes
}

//go:embed templates/invitation.txt templates/invitation.html
var defaultFiles embed.FS

// templateFuncs are the functions the default templates call.
var templateFuncs = map[string]any{
	"role": func(r roles.Role) string { return strings.ReplaceAll(string(r), "_", " ") },
	"date": func(t time.Time) string { return t.UTC().Format("January 2, 2006 at 15:04 UTC") },
}

var defaultTemplates = sync.OnceValue(func() *Templates {
	t := &Templates{
		text: ttemplate.New("invitation").Funcs(templateFuncs),
		html: htemplate.New("invitation").Funcs(templateFuncs),
	}
	t, err := t.parseFS(defaultFiles, "templates/*")
	if err != nil {
		panic(err) // the embedded templates are tested
	}
	return t
})

// DefaultTemplates returns the English templates built into the package.
func DefaultTemplates() *Templates { return defaultTemplates() }

// Funcs returns a copy of t whose templates may call the functions of
// funcs, which replace those of the same name. Call it before Parse or
// ParseFS when the new templates call new functions. Like
// template.Funcs, it panics when a value is not a function of a suitable
// type.
func (t *Templates) Funcs(funcs map[string]any) *Templates {
	c := t.orDefault().clone()
	c.text.Funcs(funcs)
	c.html.Funcs(funcs)
	return c.ready()
}

// Parse returns a copy of t with the templates defined in text (subject,
// plain-text body and their helpers) and in html (the HTML body and its
// helpers) in place of those of the same name. Either may be empty.
func (t *Templates) Parse(text, html string) (*Templates, error) {
	c := t.orDefault().clone()
	if _, err := c.text.Parse(text); err != nil {
		return nil, fmt.Errorf("roster: invitation templates: %w", err)
	}
	if _, err := c.html.Parse(html); err != nil {
		return nil, fmt.Errorf("roster: invitation templates: %w", err)
	}
	return c.ready(), nil
}

// ParseFS is Parse over the files of fsys that match the patterns (see
// fs.Glob): files named *.html hold HTML templates, the others text
// templates. A pattern that matches no file is an error.
func (t *Templates) ParseFS(fsys fs.FS, patterns ...string) (*Templates, error) {
	return t.orDefault().parseFS(fsys, patterns...)
}

func (t *Templates) parseFS(fsys fs.FS, patterns ...string) (*Templates, error) {
	c := t.clone()
	for _, p := range patterns {
		names, err := fs.Glob(fsys, p)
		if err == nil && len(names) == 0 {
			err = fmt.Errorf("pattern %q matches no file", p)
		}
		if err != nil {
			return nil, fmt.Errorf("roster: invitation templates: %w", err)
		}
		for _, name := range names {
			b, err := fs.ReadFile(fsys, name)
			if err == nil {
				if path.Ext(name) == ".html" {
					_, err = c.html.Parse(string(b))
				} else {
					_, err = c.text.Parse(string(b))
				}
			}
			if err != nil {
				return nil, fmt.Errorf("roster: invitation templates: %s: %w", name, err)
			}
		}
	}
	return c.ready(), nil
}

// orDefault is t, or DefaultTemplates for a nil or zero t.
func (t *Templates) orDefault() *Templates {
	if t == nil || t.exec == nil {
		return DefaultTemplates()
	}
	return t
}

// clone copies t for changes.
func (t *Templates) clone() *Templates {
	text, err := t.text.Clone()
	if err != nil {
		panic(err) // text templates always clone
	}
	html, err := t.html.Clone()
	if err != nil {
		panic(err) // html is never executed, so it clones
	}
	return &Templates{text: text, html: html}
}

// ready makes the clone that Render executes.
func (t *Templates) ready() *Templates {
	exec, err := t.html.Clone()
	if err != nil {
		panic(err) // html is never executed, so it clones
	}
	t.exec = exec
	return t
}

// Render renders the email of m. The subject is folded into one line,
// without control characters; in every template, the names of m (people,
// organization, workspaces) are first cleaned of control characters, and
// the HTML body escapes them. A nil *Templates renders with
// DefaultTemplates. The error wraps the template's, when one fails or is
// missing.
func (t *Templates) Render(m Mail) (Email, error) {
	t = t.orDefault()
	m = cleanMail(m)
	var e Email
	var b bytes.Buffer
	if err := t.text.ExecuteTemplate(&b, "subject", m); err != nil {
		return Email{}, fmt.Errorf("roster: invitation email: %w", err)
	}
	e.Subject = strings.Join(strings.Fields(cleanLine(b.String())), " ")
	b.Reset()
	if err := t.text.ExecuteTemplate(&b, "text", m); err != nil {
		return Email{}, fmt.Errorf("roster: invitation email: %w", err)
	}
	e.Text = b.String()
	b.Reset()
	if err := t.exec.ExecuteTemplate(&b, "html", m); err != nil {
		return Email{}, fmt.Errorf("roster: invitation email: %w", err)
	}
	e.HTML = b.String()
	return e, nil
}

// cleanMail returns m with every name on one line and free of control
// characters: a name can break no header and no line of a body.
func cleanMail(m Mail) Mail {
	m.To, m.ToASCII, m.ToName = cleanLine(m.To), cleanLine(m.ToASCII), cleanLine(m.ToName)
	m.OrgName = cleanLine(m.OrgName)
	m.InviterName, m.InviterEmail = cleanLine(m.InviterName), cleanLine(m.InviterEmail)
	m.Role = roles.Role(cleanLine(string(m.Role)))
	if m.Workspaces != nil {
		ws := make([]MailWorkspace, len(m.Workspaces))
		for i, w := range m.Workspaces {
			ws[i] = MailWorkspace{Name: cleanLine(w.Name), Role: roles.Role(cleanLine(string(w.Role)))}
		}
		m.Workspaces = ws
	}
	return m
}

// cleanLine replaces control characters (CR and LF among them), line and
// paragraph separators and format characters with spaces, and trims s.
func cleanLine(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unsafeRune(r) {
			return ' '
		}
		return r
	}, s))
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf) || r == unicode.ReplacementChar
}
