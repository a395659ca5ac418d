package sqlstore

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Scan destinations that decode a column from what the driver hands over
// (a string on SQLite and PostgreSQL, bytes of its read buffer on MySQL)
// without an intermediate string. A list keeps one set per query, in its
// row decoder (rows.go), and scans every row into it.

// errNull is the error of a NULL in a column that has none, as database/sql
// words it for a string destination.
var errNull = fmt.Errorf("converting NULL to string is unsupported")

// stamp decodes a timestamp column (timeLayout). Text that does not parse
// leaves ok false, for the row decoder to report as decTime does.
type stamp struct {
	t  time.Time
	ok bool
}

// Scan implements sql.Scanner.
func (d *stamp) Scan(src any) error {
	switch v := src.(type) {
	case string:
		d.t, d.ok = parseStamp(v)
	case []byte:
		d.t, d.ok = parseStamp(v)
	case nil:
		return errNull
	default:
		d.t, d.ok = time.Time{}, false
	}
	return nil
}

// parseStamp parses timeLayout text ("2026-11-22T09:30:00.000000000Z")
// as time.Parse(timeLayout, s) does, from a string or bytes. Text the store
// writes takes a path without allocation; anything else is left to
// time.Parse.
func parseStamp[T string | []byte](s T) (time.Time, bool) {
	if t, ok := parseStampDigits(s); ok {
		return t, true
	}
	t, err := time.Parse(timeLayout, string(s))
	return t, err == nil
}

// parseStampDigits parses the text encTime writes: timeLayout with every
// number in plain digits. It reports false for any other text, some of
// which time.Parse accepts (a sign before the year or the fraction, a
// comma for the point).
func parseStampDigits[T string | []byte](s T) (time.Time, bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(i, j int) int {
		n := 0
		for ; i < j; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, nsec := num(11, 13), num(14, 16), num(17, 19), num(20, 29)
	if !ok || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// daysIn returns the number of days of month m of year.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2)
}

// uuidCol decodes a UUID column like uuid.UUID's Scan, but reads bytes
// without copying them into a string first, and sets the zero UUID for
// NULL or empty text, so that a reused destination keeps nothing of the
// row before.
type uuidCol uuid.UUID

// Scan implements sql.Scanner.
func (d *uuidCol) Scan(src any) error {
	var (
		id  uuid.UUID
		err error
	)
	switch v := src.(type) {
	case nil:
	case string:
		if v != "" {
			id, err = uuid.Parse(v)
		}
	case []byte:
		switch len(v) {
		case 0:
		case 16:
			copy(id[:], v)
		default:
			id, err = uuid.ParseBytes(v)
		}
	default:
		return fmt.Errorf("Scan: unable to scan type %T into UUID", src)
	}
	if err != nil {
		return fmt.Errorf("Scan: %v", err)
	}
	*d = uuidCol(id)
	return nil
}

// nameCol decodes a text column whose values are mostly the library's own
// names (roles, member kinds, invitation statuses): bytes that spell one
// give that name's string, without an allocation; other text is copied.
type nameCol string

// Scan implements sql.Scanner.
func (d *nameCol) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*d = nameCol(v)
	case []byte:
		*d = nameCol(knownName(v))
	case nil:
		return errNull
	default:
		return fmt.Errorf("unsupported Scan, storing driver.Value type %T into type *string", src)
	}
	return nil
}

// knownName returns b as a string: one of the library's names when it
// spells one, a copy otherwise.
func knownName(b []byte) string {
	switch string(b) {
	case string(roles.OrgOwner):
		return string(roles.OrgOwner)
	case string(roles.OrgAdmin):
		return string(roles.OrgAdmin)
	case string(roles.OrgMember):
		return string(roles.OrgMember)
	case string(roles.OrgGuest):
		return string(roles.OrgGuest)
	case string(roles.WorkspaceContributorPlus):
		return string(roles.WorkspaceContributorPlus)
	case string(roles.WorkspaceContributor):
		return string(roles.WorkspaceContributor)
	case string(roles.WorkspaceViewer):
		return string(roles.WorkspaceViewer)
	case string(membership.KindCoworker):
		return string(membership.KindCoworker)
	case string(invite.StatusPending):
		return string(invite.StatusPending)
	case string(invite.StatusAccepted):
		return string(invite.StatusAccepted)
	case string(invite.StatusRejected):
		return string(invite.StatusRejected)
	case string(invite.StatusRevoked):
		return string(invite.StatusRevoked)
	case string(invite.StatusExpired):
		return string(invite.StatusExpired)
	case "":
		return ""
	}
	return string(b)
}

// intCol decodes an integer column; MySQL's text protocol sends its digits,
// which it parses without a string.
type intCol int64

// Scan implements sql.Scanner.
func (d *intCol) Scan(src any) error {
	var (
		n   int64
		err error
	)
	switch v := src.(type) {
	case int64:
		n = v
	case []byte:
		n, err = strconv.ParseInt(string(v), 10, 64)
	case string:
		n, err = strconv.ParseInt(v, 10, 64)
	case nil:
		return fmt.Errorf("converting NULL to int64 is unsupported")
	default:
		return fmt.Errorf("unsupported Scan, storing driver.Value type %T into type *int64", src)
	}
	if err != nil {
		return fmt.Errorf("converting driver.Value type %T to a int64: %v", src, err)
	}
	*d = intCol(n)
	return nil
}

// rowArena gathers the text and bytes columns of one row that the driver
// hands over as bytes of its own buffer, which must be copied before the
// next row: instead of one copy per column, finish makes one string and
// one byte slice for the whole row, and points each column into them.
// Columns of one row are kept and dropped together, so sharing their
// memory keeps nothing alive longer than the row's value.
type rowArena struct {
	textBuf, blobBuf []byte
	texts            []*textCol
	blobs            []*blobCol

	// The row's columns: text and blob hand them out.
	textCols [8]textCol
	blobCols [4]blobCol
	nt, nb   int
}

// text returns the scan destination of a text column decoded into *p.
func (a *rowArena) text(p *string) *textCol {
	d := &a.textCols[a.nt]
	a.nt++
	d.p, d.a = p, a
	return d
}

// blob returns the scan destination of a bytes column decoded into *p.
func (a *rowArena) blob(p *[]byte) *blobCol {
	d := &a.blobCols[a.nb]
	a.nb++
	d.p, d.a = p, a
	return d
}

// finish sets every column scanned into the arena since the last finish.
func (a *rowArena) finish() {
	if len(a.texts) > 0 {
		s := string(a.textBuf)
		for _, c := range a.texts {
			*c.p = s[c.off : c.off+c.n]
		}
		a.textBuf, a.texts = a.textBuf[:0], a.texts[:0]
	}
	if len(a.blobs) > 0 {
		b := bytes.Clone(a.blobBuf)
		for _, c := range a.blobs {
			*c.p = b[c.off : c.off+c.n : c.off+c.n]
		}
		a.blobBuf, a.blobs = a.blobBuf[:0], a.blobs[:0]
	}
}

// textCol decodes a text column into the string p points at: a string
// from the driver as it is, bytes through the row's arena.
type textCol struct {
	p      *string
	a      *rowArena
	off, n int
}

// Scan implements sql.Scanner.
func (d *textCol) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*d.p = v
	case []byte:
		if len(v) == 0 {
			*d.p = ""
			return nil
		}
		d.off, d.n = len(d.a.textBuf), len(v)
		d.a.textBuf = append(d.a.textBuf, v...)
		d.a.texts = append(d.a.texts, d)
	case nil:
		return errNull
	default:
		return fmt.Errorf("unsupported Scan, storing driver.Value type %T into type *string", src)
	}
	return nil
}

// blobCol decodes a bytes column into the slice p points at, as
// database/sql does into a *[]byte (NULL is nil, the bytes a copy), with
// the copy made through the row's arena.
type blobCol struct {
	p      *[]byte
	a      *rowArena
	off, n int
}

// Scan implements sql.Scanner.
func (d *blobCol) Scan(src any) error {
	off := len(d.a.blobBuf)
	switch v := src.(type) {
	case nil:
		*d.p = nil
		return nil
	case []byte:
		d.a.blobBuf = append(d.a.blobBuf, v...)
	case string:
		d.a.blobBuf = append(d.a.blobBuf, v...)
	default:
		return fmt.Errorf("unsupported Scan, storing driver.Value type %T into type *[]byte", src)
	}
	if d.off, d.n = off, len(d.a.blobBuf)-off; d.n == 0 {
		*d.p = []byte{}
		return nil
	}
	d.a.blobs = append(d.a.blobs, d)
	return nil
}
