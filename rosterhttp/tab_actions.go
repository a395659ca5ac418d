package rosterhttp

import (
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// rolePost changes one member's role from its menu.
func (h *Handler) rolePost(t *tabCall) {
	_, err := h.ms.ChangeRole(t.r.Context(), t.user.ID, t.org, t.r.PostFormValue("user"), roles.Role(t.r.PostFormValue("role")))
	t.done("role", 0, err)
}

// accessPost gives a member a role in a workspace, or ("" role) takes
// its access away.
func (h *Handler) accessPost(t *tabCall) {
	ws, err := uuid.Parse(t.r.PostFormValue("ws"))
	if err != nil {
		t.done("", 0, membership.ErrNotFound)
		return
	}
	user, role := t.r.PostFormValue("user"), roles.Role(t.r.PostFormValue("role"))
	if role == "" {
		err = h.ms.RemoveWorkspaceAccess(t.r.Context(), t.user.ID, t.org, ws, user)
	} else {
		_, err = h.ms.SetWorkspaceAccess(t.r.Context(), t.user.ID, t.org, ws, user, role)
	}
	t.done("access", 0, err)
}

// removeView is the confirmation before removal.
type removeView struct {
	Base    string
	OrgName string
	Members []membership.Member
	Names   string
}

// removeConfirm asks before removing the member of ?user=.
func (h *Handler) removeConfirm(t *tabCall) {
	h.confirmRemoval(t, t.r.URL.Query()["user"])
}

// confirmRemoval shows the confirmation for users, each checked to be a
// member the viewer may see.
func (h *Handler) confirmRemoval(t *tabCall, users []string) {
	ctx := t.r.Context()
	if len(users) == 0 || len(users) > tabPageSize {
		h.errorPage(t.w, t.r, errInput("choose between 1 and %d members", tabPageSize))
		return
	}
	org, err := h.ms.Organization(ctx, t.org)
	if err != nil {
		h.errorPage(t.w, t.r, err)
		return
	}
	v := removeView{Base: t.base, OrgName: org.Name}
	var names []string
	for _, u := range users {
		m, err := h.ms.Member(ctx, t.user.ID, t.org, u)
		if err != nil {
			h.errorPage(t.w, t.r, err)
			return
		}
		v.Members = append(v.Members, m)
		name := m.Name
		if name == "" {
			name = m.Email
		}
		names = append(names, name)
	}
	v.Names = joinNames(names)
	h.render(t.w, t.r, http.StatusOK, "remove", "Remove from "+org.Name, v)
}

// joinNames reads "Ann", "Ann and Bob", "Ann, Bob and Carl".
func joinNames(ns []string) string {
	if len(ns) < 2 {
		return strings.Join(ns, "")
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

// bulkPost acts on the checked members: a role for all of them at once,
// or removal (after the confirmation).
func (h *Handler) bulkPost(t *tabCall) {
	if err := t.r.ParseForm(); err != nil {
		t.done("", 0, errInput("unreadable form"))
		return
	}
	users := t.r.PostForm["user"]
	switch t.r.PostFormValue("action") {
	case "remove":
		h.confirmRemoval(t, users)
	case "role":
		role := roles.Role(t.r.PostFormValue("bulk_role"))
		changes := make([]membership.RoleChange, 0, len(users))
		for _, u := range users {
			changes = append(changes, membership.RoleChange{UserID: u, Role: role})
		}
		_, err := h.ms.ChangeRoles(t.r.Context(), t.user.ID, t.org, changes)
		t.done("roles", len(changes), err)
	default:
		t.done("", 0, errInput("unknown action"))
	}
}

// removePost removes the confirmed members, all or none.
func (h *Handler) removePost(t *tabCall) {
	if err := t.r.ParseForm(); err != nil {
		t.done("", 0, errInput("unreadable form"))
		return
	}
	users := t.r.PostForm["user"]
	var err error
	switch len(users) {
	case 0:
		err = errInput("no member chosen")
	case 1:
		err = h.ms.RemoveMember(t.r.Context(), t.user.ID, t.org, users[0])
	default:
		err = h.ms.RemoveMembers(t.r.Context(), t.user.ID, t.org, users)
	}
	t.done("removed", len(users), err)
}

// invitationID parses the {id} of an invitation form.
func invitationID(t *tabCall) (uuid.UUID, error) {
	id, err := uuid.Parse(t.r.PathValue("id"))
	if err != nil {
		return uuid.Nil, membership.ErrNotFound
	}
	return id, nil
}

func (h *Handler) resendPost(t *tabCall) {
	id, err := invitationID(t)
	if err == nil {
		_, _, err = h.iv.Resend(t.r.Context(), t.user.ID, t.org, id)
	}
	t.done("resent", 0, err)
}

func (h *Handler) revokePost(t *tabCall) {
	id, err := invitationID(t)
	if err == nil {
		err = h.iv.Revoke(t.r.Context(), t.user.ID, t.org, id)
	}
	t.done("revoked", 0, err)
}

// urlPost shows an invitation's URL to copy. The URL is a secret: it is
// shown in this answer only (not stored, not cached, not in a redirect).
func (h *Handler) urlPost(t *tabCall) {
	id, err := invitationID(t)
	var u string
	if err == nil {
		u, err = h.iv.InvitationURL(t.r.Context(), t.user.ID, t.org, id)
	}
	if err != nil {
		t.done("", 0, err)
		return
	}
	inv, err := h.iv.Invitation(t.r.Context(), t.user.ID, t.org, id)
	if err != nil {
		t.done("", 0, err)
		return
	}
	h.render(t.w, t.r, http.StatusOK, "url", "Invitation URL", struct {
		Base, Email, URL string
	}{t.base, inv.Email, u})
}
