package rosterhttp

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
)

// inviteCookie holds the token between the link in the email and the
// answer, so that no URL after the first one carries it: not the page the
// browser shows (and its history), not the sign-in redirect, not the
// Referer of anything the page loads.
const inviteCookie = "roster_invite"

// acceptView is the data of the accept page.
type acceptView struct {
	Preview  invite.Preview
	User     User
	SignedIn bool
	SignIn   string
	Action   string
	// Mismatch is set when the signed-in email is not the invited one.
	Mismatch bool
}

func (h *Handler) routeAccept() {
	base := h.prefix + "/invite"
	// The link of the email: keep the token in a cookie scoped to the
	// accept page and show that page without the token in its URL. It
	// reads nothing, so mail scanners opening it change nothing.
	h.mux.HandleFunc("GET "+base+"/{token}", func(w http.ResponseWriter, r *http.Request) {
		setPageHeaders(w)
		http.SetCookie(w, &http.Cookie{Name: inviteCookie, Value: r.PathValue("token"), Path: base,
			MaxAge: 3600, HttpOnly: true, Secure: h.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, base, http.StatusSeeOther)
	})
	h.mux.HandleFunc("GET "+base, func(w http.ResponseWriter, r *http.Request) {
		token, ok := inviteToken(r)
		if !ok {
			h.errorPage(w, r, invite.ErrInvalidToken)
			return
		}
		p, err := h.iv.Preview(r.Context(), token)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		u, signedIn, err := h.authenticate(r)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		v := acceptView{Preview: p, User: u, SignedIn: signedIn, SignIn: h.signInURL(base), Action: base,
			Mismatch: signedIn && p.Email != "" && !sameAddress(p.Email, u.Email)}
		h.render(w, r, http.StatusOK, "accept", "Invitation to "+p.OrgName, v)
	})
	// The answer: accept or decline, for the signed-in user. Cross-site
	// posts are refused before this runs.
	h.mux.HandleFunc("POST "+base, func(w http.ResponseWriter, r *http.Request) {
		token, ok := inviteToken(r)
		if !ok {
			h.errorPage(w, r, invite.ErrInvalidToken)
			return
		}
		u, signedIn, err := h.authenticate(r)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		if !signedIn {
			h.signInRedirect(w, r, base)
			return
		}
		var org string
		switch r.PostFormValue("answer") {
		case "accept":
			a, err := h.iv.Redeem(r.Context(), token, invitee(u))
			if err != nil {
				h.errorPage(w, r, err)
				return
			}
			org = a.Member.OrgID.String()
		case "decline":
			if err := h.iv.Reject(r.Context(), token, invitee(u)); err != nil {
				h.errorPage(w, r, err)
				return
			}
		default:
			h.errorPage(w, r, errInput("answer is accept or decline"))
			return
		}
		http.SetCookie(w, &http.Cookie{Name: inviteCookie, Path: base, MaxAge: -1, HttpOnly: true,
			Secure: h.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
		if org == "" {
			http.Redirect(w, r, base+"/done?answer=declined", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, base+"/done?answer=accepted&org="+org, http.StatusSeeOther)
	})
	h.mux.HandleFunc("GET "+base+"/done", func(w http.ResponseWriter, r *http.Request) {
		v := struct {
			Accepted bool
			OrgName  string
			Members  string
		}{Accepted: r.URL.Query().Get("answer") == "accepted"}
		if v.Accepted {
			if u, ok, _ := h.authenticate(r); ok {
				if id, err := parseID(r.URL.Query().Get("org")); err == nil {
					if m, err := h.ms.Member(r.Context(), u.ID, id, u.ID); err == nil {
						if o, err := h.ms.Organization(r.Context(), m.OrgID); err == nil {
							v.OrgName = o.Name
						}
						if ok, _ := h.ms.CanOrg(r.Context(), id, u.ID, roles.PermViewMembers); ok {
							v.Members = h.MembersURL(id.String())
						}
					}
				}
			}
		}
		h.render(w, r, http.StatusOK, "done", "Invitation", v)
	})
}

// inviteToken returns the token the accept page is about.
func inviteToken(r *http.Request) (string, bool) {
	c, err := r.Cookie(inviteCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return "", false
	}
	return c.Value, true
}

// sameAddress compares two addresses by their canonical key.
func sameAddress(a, b string) bool {
	x, err1 := invite.ParseEmail(a)
	y, err2 := invite.ParseEmail(b)
	return err1 == nil && err2 == nil && x.Key == y.Key
}

// parseID parses a UUID from a query or form value.
func parseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, errInput("not an ID")
	}
	return id, nil
}
