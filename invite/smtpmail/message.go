package smtpmail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/rosterkit/roster/invite"
)

// maxLine is the length header lines are folded to (RFC 5322 2.1.1).
const maxLine = 78

// compose builds the message: headers in 7-bit ASCII (names and subject as
// RFC 2047 encoded-words), then a multipart/alternative body of a
// plain-text and an HTML part, both quoted-printable. The Message-ID is id
// at domain, or random when id is zero.
func compose(from, to *mail.Address, domain string, id uuid.UUID, date time.Time, e invite.Email) ([]byte, error) {
	var b bytes.Buffer
	body := multipart.NewWriter(&b)
	header := func(name, value string) { b.WriteString(fold(name + ": " + value)) }
	header("From", address(from))
	header("To", address(to))
	header("Subject", encodeText(oneLine(e.Subject)))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", messageID(id, domain))
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": body.Boundary()}))
	// RFC 3834: an automatic message, so that vacation responders keep
	// quiet.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	for _, p := range []struct{ typ, text string }{{"text/plain", e.Text}, {"text/html", e.HTML}} {
		w, err := body.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(p.typ, map[string]string{"charset": "utf-8"})},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("smtpmail: compose: %w", err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(p.text)); err != nil {
			return nil, fmt.Errorf("smtpmail: compose: %w", err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("smtpmail: compose: %w", err)
		}
	}
	if err := body.Close(); err != nil {
		return nil, fmt.Errorf("smtpmail: compose: %w", err)
	}
	return b.Bytes(), nil
}

// address formats a for a header, its display name encoded when it is not
// plain ASCII or looks like an encoded-word itself.
func address(a *mail.Address) string {
	if strings.Contains(a.Name, "=?") {
		return encodeWords(a.Name) + " " + (&mail.Address{Address: a.Address}).String()
	}
	return a.String()
}

// encodeText encodes unstructured header text: as is when it is printable
// ASCII, as Q encoded-words otherwise, and as B encoded-words when it holds
// "=?", so that a name cannot pass for an encoded-word.
func encodeText(s string) string {
	if strings.Contains(s, "=?") {
		return encodeWords(s)
	}
	return mime.QEncoding.Encode("utf-8", s)
}

// encodeWords encodes s as B encoded-words of at most 75 characters each,
// split between runes (RFC 2047 2 and 5).
func encodeWords(s string) string {
	const maxRaw = 45 // 60 base64 characters, plus 12 of "=?utf-8?b?" and "?="
	var words []string
	for s != "" {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > maxRaw {
				break
			}
			n += size
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// fold ends the header line h with CRLF, folded at spaces into lines of at
// most maxLine characters where a space allows.
func fold(h string) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(h, " ") {
		if i > 0 {
			if line+1+len(word) > maxLine {
				b.WriteString("\r\n")
				line = 0
			}
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	b.WriteString("\r\n")
	return b.String()
}

// messageID is <id@domain>, with a random id when id is zero.
func messageID(id uuid.UUID, domain string) string {
	left := id.String()
	if id == uuid.Nil {
		var r [16]byte
		_, _ = rand.Read(r[:])
		left = hex.EncodeToString(r[:])
	}
	return "<" + left + "@" + domain + ">"
}

// oneLine replaces control characters, CR and LF among them, and line,
// paragraph and format characters with spaces, and collapses spaces: a
// Subject or a display name from a host's Render cannot break a header.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf) || r == utf8.RuneError
	}), " ")
}
