package rosterhttp

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/roles"
)

type inviteBody struct {
	// Emails is a typed list; List holds one address per element.
	Emails     string                `json:"emails"`
	List       []string              `json:"list"`
	Role       roles.Role            `json:"role"`
	Workspaces map[string]roles.Role `json:"workspaces"`
	Grants     []string              `json:"grants"`
}

type invitationUpdateBody struct {
	Role       roles.Role            `json:"role"`
	Grants     *[]string             `json:"grants"`
	Workspaces map[string]roles.Role `json:"workspaces"`
}

type tokenBody struct {
	Token string `json:"token"`
}

// InviteResultJSON answers an invitation batch: one result per distinct
// address, in the order typed, and the batch limit.
type InviteResultJSON struct {
	Results    []AddressResultJSON `json:"results"`
	BatchLimit int                 `json:"batch_limit,omitempty"`
}

// URLJSON carries an invitation or link URL: a secret of the caller.
type URLJSON struct {
	URL string `json:"url"`
}

// PreviewJSON is what an accept page shows.
type PreviewJSON struct {
	Kind           string              `json:"kind"`
	OrgID          uuid.UUID           `json:"org_id"`
	OrgName        string              `json:"org_name"`
	InviterName    string              `json:"inviter_name,omitempty"`
	InviterEmail   string              `json:"inviter_email,omitempty"`
	Email          string              `json:"email,omitempty"`
	Role           roles.Role          `json:"role"`
	Workspaces     []WorkspaceRoleJSON `json:"workspaces"`
	AllowedDomains []string            `json:"allowed_domains,omitempty"`
}

func previewJSON(p invite.Preview) PreviewJSON {
	kind := "invitation"
	if p.Kind == invite.KindLink {
		kind = "link"
	}
	j := PreviewJSON{Kind: kind, OrgID: p.OrgID, OrgName: p.OrgName, InviterName: p.InviterName,
		InviterEmail: p.InviterEmail, Email: p.Email, Role: p.Role, Workspaces: []WorkspaceRoleJSON{},
		AllowedDomains: p.AllowedDomains}
	for _, w := range p.Workspaces {
		j.Workspaces = append(j.Workspaces, WorkspaceRoleJSON{ID: w.ID, Name: w.Name, Role: w.Role})
	}
	return j
}

// invitee is the signed-in user as the invite package takes it.
func invitee(u User) invite.Invitee {
	return invite.Invitee{UserID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified, Name: u.Name}
}

func (h *Handler) routeInvitations() {
	// ?status=pending (the default), past or all.
	h.api("GET /orgs/{org}/invitations", func(c *call) (int, any, error) {
		org := c.org
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		var f invite.InvitationFilter
		switch c.param("status") {
		case "", "pending":
			f.Statuses = invite.Pending()
		case "past":
			f.Statuses = invite.Past()
		case "all":
		default:
			return 0, nil, errInput("status is pending, past or all")
		}
		vs, next, err := h.iv.InvitationViews(c.r.Context(), c.user.ID, org, f, p)
		if err != nil {
			return 0, nil, err
		}
		now := h.ms.Clock().Now()
		out := List[InvitationJSON]{Items: []InvitationJSON{}, Next: next}
		for _, v := range vs {
			out.Items = append(out.Items, h.invitationViewJSON(v, now))
		}
		return http.StatusOK, out, nil
	})
	h.api("POST /orgs/{org}/invitations", func(c *call) (int, any, error) {
		org := c.org
		var b inviteBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		req, err := h.inviteRequest(b)
		if err != nil {
			return 0, nil, err
		}
		if err := h.keyGives(c, apikey.Grant{Role: h.orDefault(req.Role), Grants: req.Grants, Workspaces: req.Workspaces}); err != nil {
			return 0, nil, err
		}
		res, err := h.iv.Invite(c.r.Context(), c.user.ID, org, req)
		if err != nil {
			return 0, nil, err
		}
		out := inviteResultJSON(res)
		out.BatchLimit = h.batchLimit
		return http.StatusCreated, out, nil
	})
	h.api("GET /orgs/{org}/invitations/{id}", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		inv, err := h.iv.Invitation(c.r.Context(), c.user.ID, org, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, h.invitationJSON(inv, h.ms.Clock().Now()), nil
	})
	h.api("PATCH /orgs/{org}/invitations/{id}", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		var b invitationUpdateBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		u := invite.InvitationUpdate{Role: b.Role}
		var err error
		if u.Workspaces, err = workspaceRoles(b.Workspaces); err != nil {
			return 0, nil, err
		}
		if b.Workspaces != nil && u.Workspaces == nil {
			u.Workspaces = map[uuid.UUID]roles.Role{}
		}
		if b.Grants != nil {
			g, err := h.grants(*b.Grants)
			if err != nil {
				return 0, nil, err
			}
			u.Grants = &g
		}
		if err := h.keyGives(c, invitationGrant(u)); err != nil {
			return 0, nil, err
		}
		inv, err := h.iv.UpdateInvitation(c.r.Context(), c.user.ID, org, id, u)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, h.invitationJSON(inv, h.ms.Clock().Now()), nil
	})
	h.api("DELETE /orgs/{org}/invitations/{id}", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		return http.StatusNoContent, nil, h.iv.Revoke(c.r.Context(), c.user.ID, org, id)
	})
	h.api("POST /orgs/{org}/invitations/{id}/resend", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		if err := h.keyGivesInvitation(c, id); err != nil {
			return 0, nil, err
		}
		inv, _, err := h.iv.Resend(c.r.Context(), c.user.ID, org, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, h.invitationJSON(inv, h.ms.Clock().Now()), nil
	})
	// Copy invitation URL: POST, since showing it is audited.
	h.api("POST /orgs/{org}/invitations/{id}/url", func(c *call) (int, any, error) {
		org, id := c.org, c.item
		if err := h.keyGivesInvitation(c, id); err != nil {
			return 0, nil, err
		}
		u, err := h.iv.InvitationURL(c.r.Context(), c.user.ID, org, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, URLJSON{URL: u}, nil
	})
	// The token travels in the body, never in a URL.
	h.api("POST /invitations/preview", func(c *call) (int, any, error) {
		var b tokenBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		p, err := h.iv.Preview(c.r.Context(), b.Token)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, previewJSON(p), nil
	})
	h.api("POST /invitations/accept", func(c *call) (int, any, error) {
		var b tokenBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		m, err := h.iv.Accept(c.r.Context(), b.Token, invitee(c.user))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, struct {
			OrgID  uuid.UUID  `json:"org_id"`
			Member MemberJSON `json:"member"`
		}{m.OrgID, h.memberJSON(m)}, nil
	})
	h.api("POST /invitations/decline", func(c *call) (int, any, error) {
		var b tokenBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, h.iv.Reject(c.r.Context(), b.Token, invitee(c.user))
	})
}

func (h *Handler) inviteRequest(b inviteBody) (invite.Request, error) {
	ws, err := workspaceRoles(b.Workspaces)
	if err != nil {
		return invite.Request{}, err
	}
	g, err := h.grants(b.Grants)
	if err != nil {
		return invite.Request{}, err
	}
	return invite.Request{Emails: b.Emails, List: b.List, Role: b.Role, Workspaces: ws, Grants: g}, nil
}

// invitationGrant is what an invitation update gives: the fields it sets.
// What it leaves as it is was given by whoever set it.
func invitationGrant(u invite.InvitationUpdate) apikey.Grant {
	g := apikey.Grant{Role: u.Role, Workspaces: u.Workspaces}
	if u.Grants != nil {
		g.Grants = *u.Grants
	}
	return g
}

func inviteResultJSON(res invite.Result) InviteResultJSON {
	out := InviteResultJSON{Results: []AddressResultJSON{}}
	for _, a := range res.Addresses {
		r := AddressResultJSON{Email: a.Address.Email, Outcome: a.Outcome, URL: a.URL}
		if a.Invitation.ID != uuid.Nil {
			id := a.Invitation.ID
			r.ID = &id
		}
		out.Results = append(out.Results, r)
	}
	return out
}
