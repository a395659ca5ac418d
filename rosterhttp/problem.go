package rosterhttp

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
)

// Codes of the problems rosterhttp answers itself, beside the library's
// (membership.CodeOf).
const (
	CodeUnauthenticated = "unauthenticated" // 401: no identity on the request
	CodeCrossOrigin     = "cross_origin"    // 403: an unsafe request from another origin
	// CodeKeyNotAllowed (403) answers an API key on an endpoint that
	// takes the host's session only.
	CodeKeyNotAllowed = "api_key_not_allowed"
)

// Problem is an RFC 9457 problem detail, the body of every API error
// (Content-Type application/problem+json). Code is the stable code of
// membership.CodeOf; Errors lists each bad entry of an invitation batch.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Code   string       `json:"code"`
	Errors []EntryError `json:"errors,omitempty"`
	Seats  *SeatLimit   `json:"seats,omitempty"`
}

// EntryError is one refused entry of an invitation batch.
type EntryError struct {
	Index  int    `json:"index"`
	Entry  string `json:"entry"`
	Detail string `json:"detail"`
}

// SeatLimit carries the numbers of a seat_limit problem.
type SeatLimit struct {
	Licences bool `json:"licences"`
	Members  int  `json:"members"`
	Pending  int  `json:"pending"`
	Limit    int  `json:"limit"`
	Asked    int  `json:"asked"`
}

// problemOf turns a library error into a Problem. Internal errors keep
// their text out of the answer.
func problemOf(err error) Problem {
	code := membership.CodeOf(err)
	status := membership.HTTPStatus(code)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code}
	if status != http.StatusInternalServerError {
		p.Detail = err.Error()
	}
	var be *invite.BatchError
	if errors.As(err, &be) {
		p.Detail = "some entries are not valid email addresses"
		for _, e := range be.Entries {
			p.Errors = append(p.Errors, EntryError{Index: e.Index, Entry: e.Entry, Detail: e.Err.Error()})
		}
	}
	var sl *membership.SeatLimitError
	if errors.As(err, &sl) {
		p.Seats = &SeatLimit{Licences: sl.Licences, Members: sl.Members, Pending: sl.Pending, Limit: sl.Limit, Asked: sl.Asked}
	}
	return p
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// fail answers err as a problem and logs internal failures.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problemOf(err)
	if p.Status >= 500 {
		h.log.ErrorContext(r.Context(), "rosterhttp: request failed", "method", r.Method, "route", r.Pattern, "err", err)
	}
	writeProblem(w, p)
}

func problem(status int, code, detail string) Problem {
	return Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code, Detail: detail}
}

// crossOrigin answers a request CrossOriginProtection refused.
func (h *Handler) crossOrigin(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, problem(http.StatusForbidden, CodeCrossOrigin, "cross-origin request refused"))
}
