package invite_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
)

func ExampleTemplates_Render() {
	e, err := invite.DefaultTemplates().Render(invite.Mail{
		To: "ann@acme.com", ToName: "Ann",
		OrgName: "Acme <Video>", InviterName: "Olivia",
		Role:       roles.OrgMember,
		Workspaces: []invite.MailWorkspace{{Name: "Marketing", Role: roles.WorkspaceContributor}},
		URL:        "https://app.example.com/invite/rsti_…",
		ExpiresAt:  time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Subject:", e.Subject)
	fmt.Print(e.Text)
	fmt.Println(strings.Contains(e.HTML, "<strong>Acme &lt;Video&gt;</strong>"))
	// Output:
	// Subject: Olivia invited you to join Acme <Video>
	// Hello Ann,
	//
	// Olivia invited you to join Acme <Video> with the member role.
	//
	// You will also have access to these workspaces:
	//   - Marketing (contributor)
	//
	// Accept the invitation:
	// https://app.example.com/invite/rsti_…
	//
	// This invitation expires on December 8, 2026 at 09:00 UTC. If you were not
	// expecting it, you can ignore this email.
	// true
}

// A translation replaces the three templates and the role names.
func ExampleTemplates_Parse() {
	de, err := invite.DefaultTemplates().Funcs(map[string]any{
		"role": func(r roles.Role) string {
			return map[roles.Role]string{roles.OrgMember: "Mitglied", roles.OrgAdmin: "Admin"}[r]
		},
	}).Parse(
		`{{define "subject"}}Einladung zu {{.OrgName}}{{end}}
{{define "text"}}{{.InviterName}} lädt Sie als {{role .Role}} zu {{.OrgName}} ein: {{.URL}}
{{end}}`,
		`{{define "html"}}<p>{{.InviterName}} lädt Sie zu <b>{{.OrgName}}</b> ein.</p>{{end}}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := de.Render(invite.Mail{OrgName: "Acme", InviterName: "Olivia", Role: roles.OrgMember, URL: "https://app.example.com/invite/rsti_…"})
	fmt.Println(e.Subject)
	fmt.Print(e.Text)
	fmt.Println(e.HTML)
	// Output:
	// Einladung zu Acme
	// Olivia lädt Sie als Mitglied zu Acme ein: https://app.example.com/invite/rsti_…
	// <p>Olivia lädt Sie zu <b>Acme</b> ein.</p>
}
