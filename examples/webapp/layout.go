package main

import (
	"html/template"
	"io"
	"net/http"

	"github.com/rosterkit/roster/rosterhttp"
)

// layout wraps Roster's pages in this app's own frame: its header, its
// navigation, who is signed in.
func layout(w io.Writer, r *http.Request, p rosterhttp.Page) error {
	u, _ := currentUser(r)
	return frame.Execute(w, struct {
		rosterhttp.Page
		User rosterhttp.User
	}{p, u})
}

var frame = template.Must(template.New("frame").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Acme Video</title>{{.Head}}<link rel="stylesheet" href="/static/app.css"></head>
<body><header class="app-bar"><a class="app-name" href="/">Acme Video</a>
<nav aria-label="Account">{{if .User.ID}}Signed in as <strong id="app-user">{{.User.Name}}</strong> · <a href="/mailbox">Mailbox</a> · <a href="/signin">Switch user</a>{{else}}<a href="/signin">Sign in</a>{{end}}</nav></header>
{{.Body}}</body></html>
`))
