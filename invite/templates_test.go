package invite_test

import (
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
)

// mailFixture is the email of a typical invitation.
func mailFixture() invite.Mail {
	return invite.Mail{
		To: "ann@acme.com", ToASCII: "ann@acme.com", ToName: "Ann",
		OrgName: "Acme", InviterName: "Olivia", InviterEmail: "olivia@acme.com",
		Role: roles.OrgMember,
		Workspaces: []invite.MailWorkspace{
			{Name: "Marketing", Role: roles.WorkspaceContributorPlus},
			{Name: "Sales", Role: roles.WorkspaceViewer},
		},
		URL:       "https://app.example.com/invite/rsti_secret",
		Token:     "rsti_secret",
		ExpiresAt: time.Date(2026, 12, 8, 10, 30, 0, 0, time.UTC),
	}
}

func TestDefaultTemplatesRenderTheInvitation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(*invite.Mail)
		subject string
		text    []string // in the plain-text body
		html    []string // in the HTML body
		absent  []string // in neither body
	}{
		{
			name:    "every field",
			edit:    func(*invite.Mail) {},
			subject: "Olivia invited you to join Acme",
			text: []string{"Hello Ann,", "Olivia (olivia@acme.com) invited you to join Acme with the member role.",
				"  - Marketing (contributor plus)\n  - Sales (viewer)\n",
				"https://app.example.com/invite/rsti_secret", "expires on December 8, 2026 at 10:30 UTC"},
			html: []string{"<strong>Acme</strong>", `<a href="https://app.example.com/invite/rsti_secret"`,
				"<li>Marketing (contributor plus)</li>", "December 8, 2026 at 10:30 UTC"},
		},
		{
			name:    "a resend is a reminder",
			edit:    func(m *invite.Mail) { m.Resent = true },
			subject: "Reminder: Olivia invited you to join Acme",
		},
		{
			name:    "an inviter without a name is named by email",
			edit:    func(m *invite.Mail) { m.InviterName = "" },
			subject: "olivia@acme.com invited you to join Acme",
			text:    []string{"olivia@acme.com invited you"},
			absent:  []string{"(olivia@acme.com)"},
		},
		{
			name:    "an unknown inviter is someone",
			edit:    func(m *invite.Mail) { m.InviterName, m.InviterEmail = "", "" },
			subject: "Someone invited you to join Acme",
		},
		{
			name:    "no workspaces, no list",
			edit:    func(m *invite.Mail) { m.Workspaces, m.ToName = nil, "" },
			subject: "Olivia invited you to join Acme",
			text:    []string{"Hello,"},
			absent:  []string{"workspaces", "<ul"},
		},
		{
			name:    "without a base URL the token is given",
			edit:    func(m *invite.Mail) { m.URL = "" },
			subject: "Olivia invited you to join Acme",
			text:    []string{"Your invitation code:\nrsti_secret"},
			html:    []string{"<code>rsti_secret</code>"},
			absent:  []string{"href=\"https"},
		},
		{
			name:    "an expiry is shown in UTC",
			edit:    func(m *invite.Mail) { m.ExpiresAt = time.Date(2027, 1, 2, 1, 0, 0, 0, time.FixedZone("CET", 3600)) },
			subject: "Olivia invited you to join Acme",
			text:    []string{"January 2, 2027 at 00:00 UTC"},
		},
		{
			name: "hostile names are escaped in HTML",
			edit: func(m *invite.Mail) {
				m.OrgName = `<script>alert("x")</script>`
				m.InviterName = `Eve <img src=x onerror=alert(1)>`
				m.Workspaces[0].Name = `"><b>bold</b>`
			},
			subject: `Eve <img src=x onerror=alert(1)> invited you to join <script>alert("x")</script>`,
			html:    []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "Eve &lt;img src=x onerror=alert(1)&gt;", "&#34;&gt;&lt;b&gt;bold&lt;/b&gt;"},
		},
		{
			name: "names cannot break lines",
			edit: func(m *invite.Mail) {
				m.OrgName = "Acme\r\nBcc: victim@example.com"
				m.InviterName = "Olivia\u2028\u0085\x00"
				m.ToName = "Ann\nX-Evil: 1"
			},
			subject: "Olivia invited you to join Acme Bcc: victim@example.com",
			text:    []string{"Hello Ann X-Evil: 1,", "join Acme  Bcc: victim@example.com with"},
			absent:  []string{"Acme\r", "Acme\n", "Ann\n"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mailFixture()
			tc.edit(&m)
			e, err := invite.DefaultTemplates().Render(m)
			require.NoError(t, err)
			require.Equal(t, tc.subject, e.Subject)
			require.NotContains(t, e.HTML, "<script>")
			for _, s := range tc.text {
				require.Contains(t, e.Text, s)
			}
			for _, s := range tc.html {
				require.Contains(t, e.HTML, s)
			}
			for _, s := range tc.absent {
				require.NotContains(t, e.Text, s)
				require.NotContains(t, e.HTML, s)
			}
		})
	}
}

func TestSubjectIsOneCleanLine(t *testing.T) {
	for _, name := range []string{"A\rB", "A\nB", "A\r\nB", "A\tB", "A\u2029B", "A\u200bB", "A\x7fB", "A\xffB", "  A  \n\n B "} {
		m := mailFixture()
		m.OrgName = name
		e, err := invite.DefaultTemplates().Render(m)
		require.NoError(t, err)
		require.Equal(t, "Olivia invited you to join A B", e.Subject, "org name %q", name)
	}
}

func TestTemplatesOverride(t *testing.T) {
	frFuncs := map[string]any{
		"role": func(r roles.Role) string {
			return map[roles.Role]string{roles.OrgMember: "membre", roles.WorkspaceViewer: "lecteur"}[r]
		},
		"date": func(t time.Time) string { return t.UTC().Format("02/01/2006") },
	}
	fr := fstest.MapFS{
		"fr/invitation.txt": {Data: []byte(`
{{define "subject"}}{{.InviterName}} vous invite à rejoindre {{.OrgName}}{{end}}
{{define "text"}}Bonjour, rejoignez {{.OrgName}} en tant que {{role .Role}} avant le {{date .ExpiresAt}} : {{.URL}}{{end}}`)},
		"fr/invitation.html": {Data: []byte(`{{define "html"}}<p>Rejoignez <b>{{.OrgName}}</b> : <a href="{{.URL}}">accepter</a></p>{{end}}`)},
	}
	for _, tc := range []struct {
		name                string
		make                func() (*invite.Templates, error)
		org                 string // the organization's name, if not Acme
		subject, text, html string
	}{
		{
			name: "the subject alone",
			make: func() (*invite.Templates, error) {
				return invite.DefaultTemplates().Parse(`{{define "subject"}}Join {{.OrgName}} on Roster{{end}}`, "")
			},
			subject: "Join Acme on Roster",
			text:    "Olivia (olivia@acme.com) invited you to join Acme",
			html:    "<strong>Acme</strong>",
		},
		{
			name: "a helper the defaults share",
			make: func() (*invite.Templates, error) {
				return invite.DefaultTemplates().Parse(`{{define "inviter"}}Your colleague{{end}}`, "")
			},
			subject: "Your colleague invited you to join Acme",
			text:    "Your colleague (olivia@acme.com) invited you",
			html:    "<strong>Olivia</strong>",
		},
		{
			name: "the HTML body, still escaped",
			make: func() (*invite.Templates, error) {
				return invite.DefaultTemplates().Parse("", `{{define "html"}}<h1>{{.OrgName}}</h1>{{end}}`)
			},
			org:     "Acme & Co",
			subject: "Olivia invited you to join Acme & Co",
			html:    "<h1>Acme &amp; Co</h1>",
		},
		{
			name:    "a translation from files with its own functions",
			make:    func() (*invite.Templates, error) { return invite.DefaultTemplates().Funcs(frFuncs).ParseFS(fr, "fr/*") },
			subject: "Olivia vous invite à rejoindre Acme",
			text:    "Bonjour, rejoignez Acme en tant que membre avant le 08/12/2026 : https://app.example.com/invite/rsti_secret",
			html:    `<p>Rejoignez <b>Acme</b> : <a href="https://app.example.com/invite/rsti_secret">accepter</a></p>`,
		},
		{
			name: "a nil Templates is the default",
			make: func() (*invite.Templates, error) {
				var t *invite.Templates
				return t.Parse("", "")
			},
			subject: "Olivia invited you to join Acme",
			text:    "with the member role",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := tc.make()
			require.NoError(t, err)
			m := mailFixture()
			if tc.org != "" {
				m.OrgName = tc.org
			}
			e, err := tmpl.Render(m)
			require.NoError(t, err)
			require.Equal(t, tc.subject, e.Subject)
			require.Contains(t, e.Text, tc.text)
			require.Contains(t, e.HTML, tc.html)
		})
	}

	t.Run("overrides leave the defaults alone", func(t *testing.T) {
		_, err := invite.DefaultTemplates().Parse(`{{define "subject"}}changed{{end}}`, `{{define "html"}}changed{{end}}`)
		require.NoError(t, err)
		e, err := invite.DefaultTemplates().Render(mailFixture())
		require.NoError(t, err)
		require.Equal(t, "Olivia invited you to join Acme", e.Subject)
		require.Contains(t, e.HTML, "<!DOCTYPE html>")
	})
}

func TestTemplatesErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func() (*invite.Templates, error)
	}{
		{"bad text syntax", func() (*invite.Templates, error) {
			return invite.DefaultTemplates().Parse(`{{define "subject"}}{{.OrgName}`, "")
		}},
		{"bad HTML syntax", func() (*invite.Templates, error) {
			return invite.DefaultTemplates().Parse("", `{{define "html"}}{{if}}{{end}}`)
		}},
		{"unknown function", func() (*invite.Templates, error) {
			return invite.DefaultTemplates().Parse(`{{define "text"}}{{shout .OrgName}}{{end}}`, "")
		}},
		{"no file matches", func() (*invite.Templates, error) { return invite.DefaultTemplates().ParseFS(fstest.MapFS{}, "fr/*") }},
		{"bad pattern", func() (*invite.Templates, error) { return invite.DefaultTemplates().ParseFS(fstest.MapFS{}, "[") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := tc.make()
			require.Error(t, err)
			require.Nil(t, tmpl)
		})
	}

	t.Run("a failing template fails Render", func(t *testing.T) {
		tmpl, err := invite.DefaultTemplates().Parse(`{{define "text"}}{{.NoSuchField}}{{end}}`, "")
		require.NoError(t, err)
		_, err = tmpl.Render(mailFixture())
		require.ErrorContains(t, err, "roster: invitation email")
		require.NotContains(t, err.Error(), "rsti_secret")
	})
}

func TestTemplatesRenderConcurrently(t *testing.T) {
	tmpl, err := invite.DefaultTemplates().Parse(`{{define "subject"}}Join {{.OrgName}}{{end}}`, "")
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				e, err := tmpl.Render(mailFixture())
				if err != nil || e.Subject != "Join Acme" {
					t.Errorf("render: %q, %v", e.Subject, err)
				}
			}
		})
	}
	wg.Wait()
}
