package rosterhttp

import (
	"encoding/hex"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
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

// memberList is the members page: what encoding/json writes for the
// List[MemberJSON] of its views, written straight from the views.
type memberList struct {
	cat   *roles.Catalog
	views []membership.MemberView
	next  string
}

func (l memberList) appendJSON(b []byte) []byte {
	b = slices.Grow(b, 64+len(l.next)+512*len(l.views))
	b = append(b, `{"items":[`...)
	for i := range l.views {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMemberView(b, l.cat, &l.views[i])
	}
	b = append(b, ']')
	if l.next != "" {
		b = append(b, `,"next":`...)
		b = appendString(b, l.next)
	}
	return append(b, "}\n"...)
}

// appendMemberView writes v as its MemberJSON (memberViewJSON) encodes,
// grant names taken from cat.
func appendMemberView(b []byte, cat *roles.Catalog, v *membership.MemberView) []byte {
	m := &v.Member
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
	b = append(b, `,"grants":[`...)
	for g := uint64(m.Grants); g != 0; g &= g - 1 {
		if g != uint64(m.Grants) {
			b = append(b, ',')
		}
		b = appendString(b, cat.PermissionName(roles.Permission(bits.TrailingZeros64(g))))
	}
	b = append(b, memberFlags[flagIndex(m.Licensed, m.SSO, m.Deactivated)]...)
	if m.InvitedBy != "" {
		b = append(b, `,"invited_by":`...)
		b = appendString(b, m.InvitedBy)
	}
	b = append(b, `,"joined_at":`...)
	b = appendTime(b, m.JoinedAt)
	if v.AllWorkspaces {
		b = append(b, `,"all_workspaces":true`...)
	}
	if len(v.Workspaces) > 0 {
		b = append(b, `,"workspaces":[`...)
		for i, w := range v.Workspaces {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":"`...)
			b = appendUUID(b, w.ID)
			b = append(b, '"')
			if w.Name != "" {
				b = append(b, `,"name":`...)
				b = appendString(b, w.Name)
			}
			b = append(b, `,"role":`...)
			b = appendString(b, string(w.Role))
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// memberFlags are the JSON of a member's three flags, after its grants,
// indexed by flagIndex: one copy where three keys and three booleans took
// six.
var memberFlags = func() (f [8]string) {
	for i := range f {
		f[i] = fmt.Sprintf(`],"licensed":%t,"sso":%t,"deactivated":%t`, i&4 != 0, i&2 != 0, i&1 != 0)
	}
	return f
}()

// flagIndex is the index in memberFlags of a member's flags.
func flagIndex(licensed, sso, deactivated bool) int {
	i := 0
	if licensed {
		i |= 4
	}
	if sso {
		i |= 2
	}
	if deactivated {
		i |= 1
	}
	return i
}

// appendUUID writes id in its canonical text form, as id.String() does,
// without making a string.
func appendUUID(b []byte, id uuid.UUID) []byte {
	var t [36]byte
	hex.Encode(t[0:8], id[0:4])
	hex.Encode(t[9:13], id[4:6])
	hex.Encode(t[14:18], id[6:8])
	hex.Encode(t[19:23], id[8:10])
	hex.Encode(t[24:36], id[10:16])
	t[8], t[13], t[18], t[23] = '-', '-', '-', '-'
	return append(b, t[:]...)
}

// appendTime writes t as time.Time's MarshalJSON does. A UTC time of
// years 0-9999, which is what stores return, is written here, with
// integer arithmetic; any other by the time package.
func appendTime(b []byte, t time.Time) []byte {
	const (
		secsPerDay = 86400
		// unixYear0 is 0000-01-01T00:00:00Z in Unix seconds;
		// unixYear10000 is 10000-01-01T00:00:00Z.
		unixYear0     = -62167219200
		unixYear10000 = 253402300800
	)
	sec := t.Unix()
	if t.Location() != time.UTC || sec < unixYear0 || sec >= unixYear10000 {
		b = append(b, '"')
		b = t.AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	// The civil date of a day count, as in Howard Hinnant's
	// civil_from_days, counting days from 0000-03-01 shifted by one
	// 400-year era so that every count here is positive.
	const daysPerEra = 146097
	secs := uint64(sec - unixYear0)
	days := secs/secsPerDay + daysPerEra - 60
	rem := secs % secsPerDay
	era, doe := days/daysPerEra, days%daysPerEra
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month, year := mp+3, yoe+era*400-400
	if month > 12 {
		month, year = month-12, year+1
	}
	var f [32]byte
	f[0] = '"'
	putTwo(f[1:], year/100)
	putTwo(f[3:], year%100)
	f[5] = '-'
	putTwo(f[6:], month)
	f[8] = '-'
	putTwo(f[9:], day)
	f[11] = 'T'
	putTwo(f[12:], rem/3600)
	f[14] = ':'
	putTwo(f[15:], rem/60%60)
	f[17] = ':'
	putTwo(f[18:], rem%60)
	n := 20
	if ns := uint64(t.Nanosecond()); ns != 0 {
		f[20] = '.'
		putTwo(f[21:], ns/10000000)
		putTwo(f[23:], ns/100000%100)
		putTwo(f[25:], ns/1000%100)
		putTwo(f[27:], ns/10%100)
		f[29] = byte('0' + ns%10)
		n = 30
		for f[n-1] == '0' {
			n--
		}
	}
	f[n], f[n+1] = 'Z', '"'
	return append(b, f[:n+2]...)
}

// twoDigits holds "00" to "99".
const twoDigits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// putTwo puts 0 <= n < 100 as two digits at the start of f.
func putTwo(f []byte, n uint64) {
	f[0], f[1] = twoDigits[2*n], twoDigits[2*n+1]
}

const hexDigits = "0123456789abcdef"

// plainByte[c] is true for an ASCII byte appendString copies as it is.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString writes s as a JSON string the way encoding/json does:
// HTML characters, control characters, U+2028 and U+2029 escaped, invalid
// UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	// Most strings need no escape: one scan, one copy.
	i := 0
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	b = append(b, '"')
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
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
