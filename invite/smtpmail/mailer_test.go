package smtpmail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/invite/smtpmail"
	"github.com/rosterkit/roster/roles"
)

const (
	testUser = "mailer@acme.com"
	testPass = "s3cret-password"
	secret   = "rsti_0123456789abcdefSECRET"
)

// authSink is a sink that wants the test credentials.
func authSink(t *testing.T, cfg sinkConfig) *sink {
	cfg.User, cfg.Pass = testUser, testPass
	return startSink(t, cfg)
}

// newMailer returns a Mailer for s, with credentials, trusting its
// certificate; edit changes the options first.
func newMailer(t *testing.T, s *sink, edit func(*smtpmail.Options)) *smtpmail.Mailer {
	t.Helper()
	o := smtpmail.Options{
		Addr: s.Addr, From: "Acme Invitations <no-reply@acme.com>",
		Username: testUser, Password: testPass,
		TLS:     &tls.Config{RootCAs: s.Roots},
		Timeout: 10 * time.Second,
	}
	if edit != nil {
		edit(&o)
	}
	m, err := smtpmail.New(o)
	require.NoError(t, err)
	return m
}

// testMail is the email of an invitation with non-ASCII names.
func testMail() invite.Mail {
	return invite.Mail{
		ID: uuid.MustParse("0193a3c0-0000-7000-8000-000000000001"), InvitationID: uuid.New(),
		To: "josé@exämple.com", ToASCII: "jose@xn--exmple-cua.com", ToName: "José Müller",
		OrgName: "Zoë's Café", InviterName: "Olivia Ödegaard", InviterEmail: "olivia@acme.com",
		Role:       roles.OrgMember,
		Workspaces: []invite.MailWorkspace{{Name: "Marketing", Role: roles.WorkspaceContributor}},
		URL:        "https://app.example.com/invite/" + secret, Token: secret,
		ExpiresAt: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC),
	}
}

// message is a received message, decoded.
type message struct {
	Header       mail.Header
	Subject      string
	From, To     *mail.Address
	Text, HTML   string
	Types        []string // of the parts, in order
	PartEncoding []string // Content-Transfer-Encoding of the parts
}

// decode parses raw as a reader's mail program would.
func decode(t *testing.T, raw []byte) message {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	var m message
	m.Header = msg.Header
	m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	froms, err := msg.Header.AddressList("From")
	require.NoError(t, err)
	require.Len(t, froms, 1)
	tos, err := msg.Header.AddressList("To")
	require.NoError(t, err)
	require.Len(t, tos, 1)
	m.From, m.To = froms[0], tos[0]
	typ, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", typ)
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(p) // quoted-printable is decoded by NextPart
		require.NoError(t, err)
		ct, cp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		require.NoError(t, err)
		require.Equal(t, "utf-8", cp["charset"])
		m.Types = append(m.Types, ct)
		switch ct {
		case "text/plain":
			m.Text = string(body)
		case "text/html":
			m.HTML = string(body)
		}
	}
	// NextPart hides the encoding it removed: read it from the raw parts.
	for _, l := range strings.Split(string(raw), "\r\n") {
		if v, ok := strings.CutPrefix(l, "Content-Transfer-Encoding: "); ok {
			m.PartEncoding = append(m.PartEncoding, v)
		}
	}
	return m
}

func TestSendDeliversTheInvitation(t *testing.T) {
	s := authSink(t, sinkConfig{})
	mailer := newMailer(t, s, nil)
	before := time.Now().Add(-time.Second)
	require.NoError(t, mailer.Send(context.Background(), testMail()))

	got := s.Messages()
	require.Len(t, got, 1)
	r := got[0]
	require.True(t, r.TLS, "the message went over STARTTLS")
	require.Equal(t, "PLAIN", r.Auth)
	require.Equal(t, "no-reply@acme.com", r.From)
	require.Equal(t, []string{"jose@xn--exmple-cua.com"}, r.To)

	for i, l := range strings.Split(string(r.Data), "\r\n") {
		require.LessOrEqual(t, len(l), 78, "line %d: %q", i, l)
		for _, c := range []byte(l) {
			require.Less(t, c, byte(0x80), "line %d is not 7-bit: %q", i, l)
		}
	}
	m := decode(t, r.Data)
	require.Equal(t, "Olivia Ödegaard invited you to join Zoë's Café", m.Subject)
	require.Equal(t, &mail.Address{Name: "Acme Invitations", Address: "no-reply@acme.com"}, m.From)
	require.Equal(t, &mail.Address{Name: "José Müller", Address: "jose@xn--exmple-cua.com"}, m.To)
	require.Equal(t, "<0193a3c0-0000-7000-8000-000000000001@acme.com>", m.Header.Get("Message-ID"))
	require.Equal(t, "1.0", m.Header.Get("MIME-Version"))
	require.Equal(t, "auto-generated", m.Header.Get("Auto-Submitted"))
	date, err := m.Header.Date()
	require.NoError(t, err)
	require.WithinRange(t, date, before, time.Now().Add(time.Second))

	require.Equal(t, []string{"text/plain", "text/html"}, m.Types)
	require.Equal(t, []string{"quoted-printable", "quoted-printable"}, m.PartEncoding)
	require.Contains(t, m.Text, "Hello José Müller,")
	require.Contains(t, m.Text, "Olivia Ödegaard (olivia@acme.com) invited you to join Zoë's Café with the member role.")
	require.Contains(t, m.Text, "  - Marketing (contributor)")
	require.Contains(t, m.Text, "https://app.example.com/invite/"+secret)
	require.Contains(t, m.HTML, `href="https://app.example.com/invite/`+secret+`"`)
	require.Contains(t, m.HTML, "Zoë&#39;s Café")
}

func TestEveryAttemptHasTheSameMessageID(t *testing.T) {
	s := authSink(t, sinkConfig{})
	mailer := newMailer(t, s, nil)
	require.NoError(t, mailer.Send(context.Background(), testMail()))
	require.NoError(t, mailer.Send(context.Background(), testMail()))
	other := testMail()
	other.ID = uuid.Nil // a host calling Send itself
	require.NoError(t, mailer.Send(context.Background(), other))

	got := s.Messages()
	require.Len(t, got, 3)
	ids := make([]string, len(got))
	for i, r := range got {
		ids[i] = decode(t, r.Data).Header.Get("Message-ID")
	}
	require.Equal(t, ids[0], ids[1])
	require.NotEqual(t, ids[0], ids[2])
	require.True(t, strings.HasPrefix(ids[2], "<") && strings.HasSuffix(ids[2], "@acme.com>"), ids[2])
}

func TestHostileNamesStayInTheirPlace(t *testing.T) {
	s := authSink(t, sinkConfig{})
	m := testMail()
	m.OrgName = "<script>alert(1)</script>\r\nBcc: victim@example.com"
	m.InviterName = "Eve\r\n\r\n<b>body</b>"
	m.ToName = "Ann\r\nCc: other@example.com"
	m.Workspaces = []invite.MailWorkspace{{Name: `"><img src=x onerror=alert(1)>`, Role: roles.WorkspaceViewer}}
	require.NoError(t, newMailer(t, s, nil).Send(context.Background(), m))

	got := s.Messages()
	require.Len(t, got, 1)
	require.Equal(t, []string{"jose@xn--exmple-cua.com"}, got[0].To, "no recipient added")
	d := decode(t, got[0].Data)
	var keys []string
	for k := range d.Header {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type", "Auto-Submitted"}, keys)
	require.Equal(t, "Eve <b>body</b> invited you to join <script>alert(1)</script> Bcc: victim@example.com", d.Subject)
	require.Equal(t, "Ann Cc: other@example.com", d.To.Name)
	require.NotContains(t, d.HTML, "<script>")
	require.NotContains(t, d.HTML, "<b>body")
	require.NotContains(t, d.HTML, "<img")
	require.Contains(t, d.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;")
	require.Contains(t, d.HTML, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;")
}

func TestHeaderEncoding(t *testing.T) {
	for _, tc := range []struct {
		name, org, toName string
		raw               string // in the raw Subject or To header
	}{
		{name: "ASCII stays readable", org: "Acme", toName: "Ann Lee", raw: "Subject: Olivia invited you to join Acme\r\n"},
		{name: "non-ASCII is Q-encoded", org: "Café", toName: "Zoë", raw: "=?utf-8?q?"},
		{name: "a name that looks encoded is encoded", org: "=?utf-8?q?=0D=0ABcc:_x@y?=", toName: "=?utf-8?q?Boss?=", raw: "=?utf-8?b?"},
		{name: "a long name is folded", org: strings.Repeat("Ünïcödé ", 20), toName: strings.Repeat("Long Name ", 12), raw: "\r\n "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := authSink(t, sinkConfig{})
			m := testMail()
			m.InviterName, m.OrgName, m.ToName = "Olivia", tc.org, tc.toName
			require.NoError(t, newMailer(t, s, nil).Send(context.Background(), m))
			raw := string(s.Messages()[0].Data)
			head, _, _ := strings.Cut(raw, "\r\n\r\n")
			require.Contains(t, head, tc.raw)
			d := decode(t, s.Messages()[0].Data)
			require.Equal(t, strings.Join(strings.Fields("Olivia invited you to join "+tc.org), " "), d.Subject)
			require.Equal(t, strings.TrimSpace(tc.toName), d.To.Name)
		})
	}
}

func TestAuthLoginWhenPlainIsNotOffered(t *testing.T) {
	s := authSink(t, sinkConfig{Mechs: "LOGIN"})
	require.NoError(t, newMailer(t, s, nil).Send(context.Background(), testMail()))
	require.Equal(t, "LOGIN", s.Messages()[0].Auth)
}

func TestImplicitTLS(t *testing.T) {
	s := authSink(t, sinkConfig{ImplicitTLS: true})
	mailer := newMailer(t, s, func(o *smtpmail.Options) { o.Security = smtpmail.ImplicitTLS })
	require.NoError(t, mailer.Send(context.Background(), testMail()))
	require.True(t, s.Messages()[0].TLS)
}

func TestPlaintextToALoopbackRelay(t *testing.T) {
	s := startSink(t, sinkConfig{NoStartTLS: true, Mechs: "-"})
	mailer := newMailer(t, s, func(o *smtpmail.Options) {
		o.Security, o.Username, o.Password = smtpmail.Plaintext, "", ""
	})
	require.NoError(t, mailer.Send(context.Background(), testMail()))
	require.False(t, s.Messages()[0].TLS)
}

func TestRenderPicksTheTemplates(t *testing.T) {
	fr, err := invite.DefaultTemplates().Parse(
		`{{define "subject"}}{{.InviterName}} vous invite à rejoindre {{.OrgName}}{{end}}{{define "text"}}Rejoignez {{.OrgName}} : {{.URL}}{{end}}`,
		`{{define "html"}}<p>Rejoignez {{.OrgName}} : <a href="{{.URL}}">accepter</a></p>{{end}}`)
	require.NoError(t, err)
	s := authSink(t, sinkConfig{})
	mailer := newMailer(t, s, func(o *smtpmail.Options) {
		o.Render = func(_ context.Context, m invite.Mail) (invite.Email, error) {
			if strings.HasSuffix(m.ToASCII, ".fr") {
				return fr.Render(m)
			}
			return invite.DefaultTemplates().Render(m)
		}
	})
	m := testMail()
	m.ToASCII = "jose@exemple.fr"
	require.NoError(t, mailer.Send(context.Background(), m))
	require.NoError(t, mailer.Send(context.Background(), testMail()))

	got := s.Messages()
	require.Len(t, got, 2)
	fra, eng := decode(t, got[0].Data), decode(t, got[1].Data)
	require.Equal(t, "Olivia Ödegaard vous invite à rejoindre Zoë's Café", fra.Subject)
	require.Equal(t, "Rejoignez Zoë's Café : https://app.example.com/invite/"+secret, fra.Text)
	require.Equal(t, `<p>Rejoignez Zoë&#39;s Café : <a href="https://app.example.com/invite/`+secret+`">accepter</a></p>`, fra.HTML)
	require.Equal(t, "Olivia Ödegaard invited you to join Zoë's Café", eng.Subject)
}

func TestSendFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sink   sinkConfig
		edit   func(*smtpmail.Options)
		mail   func(*invite.Mail)
		is     error  // errors.Is, if set
		reply  string // in the message, if set
		noSink bool   // dial a closed port
	}{
		{name: "connection refused", noSink: true},
		{name: "no STARTTLS", sink: sinkConfig{NoStartTLS: true}, is: smtpmail.ErrNoStartTLS},
		{name: "untrusted certificate", edit: func(o *smtpmail.Options) { o.TLS = nil }, reply: "certificate"},
		{name: "wrong password", edit: func(o *smtpmail.Options) { o.Password = "wrong" }, is: smtpmail.ErrAuth, reply: "535"},
		{name: "no AUTH offered", sink: sinkConfig{Mechs: "-"}, is: smtpmail.ErrAuth},
		{name: "no known mechanism", sink: sinkConfig{Mechs: "CRAM-MD5"}, is: smtpmail.ErrAuth},
		{name: "authentication required", edit: func(o *smtpmail.Options) { o.Username = "" }, reply: "530"},
		{name: "sender refused", sink: sinkConfig{Reject: map[string]string{"MAIL": "553 5.7.1 sender not allowed"}}, reply: "553"},
		{name: "recipient refused", sink: sinkConfig{Reject: map[string]string{"RCPT": "550 5.1.1 no such user"}}, reply: "550"},
		{name: "DATA refused", sink: sinkConfig{Reject: map[string]string{"DATA": "451 4.3.0 try later"}}, reply: "451"},
		{name: "message refused", sink: sinkConfig{Reject: map[string]string{".": "554 5.6.0 message rejected"}}, reply: "554"},
		{name: "bad recipient", mail: func(m *invite.Mail) { m.ToASCII = "a@b.com>\r\nRCPT TO:<c@d.com" }, is: invite.ErrInvalidEmail},
		{name: "failing template", edit: func(o *smtpmail.Options) {
			o.Render = func(context.Context, invite.Mail) (invite.Email, error) {
				return invite.Email{}, errors.New("no template")
			}
		}, reply: "no template"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := authSink(t, tc.sink)
			mailer := newMailer(t, s, tc.edit)
			if tc.noSink {
				s.Close()
			}
			m := testMail()
			if tc.mail != nil {
				tc.mail(&m)
			}
			err := mailer.Send(context.Background(), m)
			require.Error(t, err)
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
			require.Contains(t, err.Error(), tc.reply)
			for _, s := range []string{secret, testPass, m.URL} {
				require.NotContains(t, err.Error(), s)
			}
			require.Empty(t, s.Messages())
		})
	}
}

func TestSendEndsWithItsContext(t *testing.T) {
	s := startSink(t, sinkConfig{Silent: true})
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		edit func(*smtpmail.Options)
		is   error
	}{
		{"the context's deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 100*time.Millisecond)
		}, nil, context.DeadlineExceeded},
		{"the Mailer's timeout", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
			func(o *smtpmail.Options) { o.Timeout = 100 * time.Millisecond }, context.DeadlineExceeded},
		{"a cancellation", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			return ctx, cancel
		}, nil, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			err := newMailer(t, s, tc.edit).Send(ctx, testMail())
			require.ErrorIs(t, err, tc.is)
			require.Less(t, time.Since(start), 5*time.Second)
		})
	}
}

func TestNewChecksOptions(t *testing.T) {
	ok := smtpmail.Options{Addr: "smtp.example.com:587", From: "no-reply@acme.com"}
	for _, tc := range []struct {
		name  string
		edit  func(*smtpmail.Options)
		valid bool
	}{
		{"the minimum", func(*smtpmail.Options) {}, true},
		{"a display name", func(o *smtpmail.Options) { o.From = "Acme <no-reply@acme.com>" }, true},
		{"SMTPS", func(o *smtpmail.Options) { o.Security, o.Addr = smtpmail.ImplicitTLS, "smtp.example.com:465" }, true},
		{"plaintext to localhost", func(o *smtpmail.Options) { o.Security, o.Addr = smtpmail.Plaintext, "localhost:25" }, true},
		{"plaintext to ::1", func(o *smtpmail.Options) { o.Security, o.Addr = smtpmail.Plaintext, "[::1]:25" }, true},
		{"plaintext to 127.0.0.2", func(o *smtpmail.Options) { o.Security, o.Addr = smtpmail.Plaintext, "127.0.0.2:25" }, true},
		{"plaintext to a remote server", func(o *smtpmail.Options) { o.Security = smtpmail.Plaintext }, false},
		{"plaintext to a public IP", func(o *smtpmail.Options) { o.Security, o.Addr = smtpmail.Plaintext, "203.0.113.5:25" }, false},
		{"unknown security", func(o *smtpmail.Options) { o.Security = 7 }, false},
		{"no port", func(o *smtpmail.Options) { o.Addr = "smtp.example.com" }, false},
		{"no host", func(o *smtpmail.Options) { o.Addr = ":587" }, false},
		{"no From", func(o *smtpmail.Options) { o.From = "" }, false},
		{"From not an address", func(o *smtpmail.Options) { o.From = "Acme" }, false},
		{"From with a header", func(o *smtpmail.Options) { o.From = "a@acme.com\r\nBcc: b@c.com" }, false},
		{"negative timeout", func(o *smtpmail.Options) { o.Timeout = -1 }, false},
		{"bad local name", func(o *smtpmail.Options) { o.LocalName = "a\r\nRCPT TO:<x@y>" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			m, err := smtpmail.New(o)
			if tc.valid {
				require.NoError(t, err)
				require.NotNil(t, m)
				return
			}
			require.ErrorIs(t, err, invite.ErrInvalidOptions)
			require.Nil(t, m)
		})
	}
}

func TestOneMailerSendsConcurrently(t *testing.T) {
	s := authSink(t, sinkConfig{})
	mailer := newMailer(t, s, nil)
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- mailer.Send(context.Background(), testMail()) }()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
	require.Len(t, s.Messages(), 8)
}
