package rosterhttp

import (
	"net/http"

	"github.com/google/uuid"
)

// UserInvitationJSON is a pending invitation as its invitee sees it, in
// GET /api/invitations/mine: the invitation with its organization.
type UserInvitationJSON struct {
	InvitationJSON
	OrgID   uuid.UUID `json:"org_id"`
	OrgName string    `json:"org_name"`
	OrgSlug string    `json:"org_slug"`
}

// routeMine serves the signed-in user's pending invitations across
// organizations (invite.Service.UserInvitations), answered by ID: the
// user's verified email is the proof, as the token is on the accept page.
func (h *Handler) routeMine() {
	h.api("GET /invitations/mine", func(c *call) (int, any, error) {
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		uis, next, err := h.iv.UserInvitations(c.r.Context(), invitee(c.user), p)
		if err != nil {
			return 0, nil, err
		}
		now := h.ms.Clock().Now()
		out := List[UserInvitationJSON]{Items: []UserInvitationJSON{}, Next: next}
		for _, ui := range uis {
			out.Items = append(out.Items, UserInvitationJSON{InvitationJSON: h.invitationViewJSON(ui.InvitationView, now),
				OrgID: ui.OrgID, OrgName: ui.OrgName, OrgSlug: ui.OrgSlug})
		}
		return http.StatusOK, out, nil
	})
	h.api("POST /invitations/mine/{org}/{id}/accept", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		a, err := h.iv.AcceptByID(c.r.Context(), org, id, invitee(c.user))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, struct {
			OrgID  uuid.UUID  `json:"org_id"`
			Member MemberJSON `json:"member"`
		}{org, h.memberJSON(a.Member)}, nil
	})
	h.api("POST /invitations/mine/{org}/{id}/decline", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		return http.StatusNoContent, nil, h.iv.RejectByID(c.r.Context(), org, id, invitee(c.user))
	})
}
