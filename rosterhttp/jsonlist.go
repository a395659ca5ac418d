package rosterhttp

import (
	"io"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The members list is the API's hottest answer: memberList writes it
// directly, byte for byte what encoding/json writes for List[MemberJSON]
// (a test holds them equal), without reflection.

// jsonAppender is a body that writes its own JSON.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// maxPooledJSON is the largest buffer kept for the next answer: a page of
// the largest size fits, an outsized one is left to the collector.
const maxPooledJSON = 1 << 20

// writeJSON writes the JSON of a to w, built in a buffer of h's pool.
func (h *Handler) writeJSON(w io.Writer, a jsonAppender) {
	bp, _ := h.jsonBufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = a.appendJSON((*bp)[:0])
	_, _ = w.Write(*bp)
	if cap(*bp) <= maxPooledJSON {
		h.jsonBufs.Put(bp)
	}
}

// memberList is a List[MemberJSON] that writes itself.
type memberList List[MemberJSON]

func (l memberList) appendJSON(b []byte) []byte {
	b = slices.Grow(b, 64+len(l.Next)+512*len(l.Items))
	b = append(b, `{"items":[`...)
	for i := range l.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = l.Items[i].appendJSON(b)
	}
	b = append(b, ']')
	if l.Next != "" {
		b = append(b, `,"next":`...)
		b = appendString(b, l.Next)
	}
	return append(b, "}\n"...)
}

func (m *MemberJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"user_id":`...)
	b = appendString(b, m.UserID)
	b = append(b, `,"email":`...)
	b = appendString(b, m.Email)
	b = append(b, `,"name":`...)
	b = appendString(b, m.Name)
	b = append(b, `,"role":`...)
	b = appendString(b, string(m.Role))
	b = append(b, `,"kind":`...)
	b = appendString(b, string(m.Kind))
	b = append(b, `,"grants":`...)
	if m.Grants == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, g := range m.Grants {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, g)
		}
		b = append(b, ']')
	}
	b = append(b, `,"licensed":`...)
	b = strconv.AppendBool(b, m.Licensed)
	b = append(b, `,"sso":`...)
	b = strconv.AppendBool(b, m.SSO)
	b = append(b, `,"deactivated":`...)
	b = strconv.AppendBool(b, m.Deactivated)
	if m.InvitedBy != "" {
		b = append(b, `,"invited_by":`...)
		b = appendString(b, m.InvitedBy)
	}
	b = append(b, `,"joined_at":`...)
	b = appendTime(b, m.JoinedAt)
	if m.AllWorkspaces {
		b = append(b, `,"all_workspaces":true`...)
	}
	if len(m.Workspaces) > 0 {
		b = append(b, `,"workspaces":[`...)
		for i, w := range m.Workspaces {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":"`...)
			b = append(b, w.ID.String()...)
			b = append(b, '"')
			if w.Name != "" {
				b = append(b, `,"name":`...)
				b = appendString(b, w.Name)
			}
			b = append(b, `,"role":`...)
			b = appendString(b, string(w.Role))
			if w.Implicit {
				b = append(b, `,"implicit":true`...)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if m.WorkspaceRole != "" {
		b = append(b, `,"workspace_role":`...)
		b = appendString(b, string(m.WorkspaceRole))
	}
	if m.Implicit {
		b = append(b, `,"implicit":true`...)
	}
	return append(b, '}')
}

// appendTime writes t as time.Time's MarshalJSON does.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does:
// HTML characters, control characters, U+2028 and U+2029 escaped, invalid
// UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
