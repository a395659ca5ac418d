package rosterhttp

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/apikey"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

type newOrganizationBody struct {
	Name     string        `json:"name"`
	Slug     string        `json:"slug"`
	Settings *SettingsJSON `json:"settings"`
}

type updateOrganizationBody struct {
	Name *string `json:"name"`
	Slug *string `json:"slug"`
	// Settings replaces every setting when present.
	Settings *SettingsJSON `json:"settings"`
}

func (h *Handler) routeOrganizations() {
	// My organizations, with my role in each.
	h.api("GET /orgs", func(c *call) (int, any, error) {
		p, err := c.page()
		if err != nil {
			return 0, nil, err
		}
		ms, next, err := h.ms.Memberships(c.r.Context(), c.user.ID, p)
		if err != nil {
			return 0, nil, err
		}
		out := List[OrganizationJSON]{Items: []OrganizationJSON{}, Next: next}
		for _, m := range ms {
			j := orgJSON(m.Organization)
			j.Role, j.Deactivated = m.Role, m.Deactivated
			out.Items = append(out.Items, j)
		}
		return http.StatusOK, out, nil
	})
	h.api("POST /orgs", func(c *call) (int, any, error) {
		var b newOrganizationBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		n := membership.NewOrganization{Name: b.Name, Slug: b.Slug, OwnerEmail: c.user.Email, OwnerName: c.user.Name}
		if b.Settings != nil {
			n.Settings = b.Settings.settings()
		}
		o, err := h.ms.CreateOrganization(c.r.Context(), c.user.ID, n)
		if err != nil {
			return 0, nil, err
		}
		j := orgJSON(o)
		j.Role = h.cat.Owner().Name
		return http.StatusCreated, j, nil
	})
	h.api("GET /orgs/{org}", func(c *call) (int, any, error) {
		org := c.org
		me, err := h.ms.Member(c.r.Context(), c.user.ID, org, c.user.ID)
		if err != nil {
			return 0, nil, err
		}
		o, err := h.ms.Organization(c.r.Context(), org)
		if err != nil {
			return 0, nil, err
		}
		j := orgJSON(o)
		j.Role, j.Deactivated = me.Role, me.Deactivated
		return http.StatusOK, j, nil
	})
	h.api("PATCH /orgs/{org}", func(c *call) (int, any, error) {
		org := c.org
		var b updateOrganizationBody
		if err := c.decode(&b); err != nil {
			return 0, nil, err
		}
		u := membership.OrganizationUpdate{Name: b.Name, Slug: b.Slug}
		if b.Settings != nil {
			s := b.Settings.settings()
			u.Settings = &s
			if err := h.guardSettings(c, &u); err != nil {
				return 0, nil, err
			}
		}
		o, err := h.ms.UpdateOrganization(c.r.Context(), c.user.ID, org, u)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, orgJSON(o), nil
	})
	h.api("DELETE /orgs/{org}", func(c *call) (int, any, error) {
		org := c.org
		return http.StatusNoContent, nil, h.ms.DeleteOrganization(c.r.Context(), c.user.ID, org)
	})
	// Seat usage.
	h.api("GET /orgs/{org}/seats", func(c *call) (int, any, error) {
		org := c.org
		s, err := h.ms.SeatUsage(c.r.Context(), c.user.ID, org)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, SeatsJSON{Members: s.Members, Pending: s.Pending, Seats: s.Seats, Free: s.Free,
			Licensed: s.Licensed, Licences: s.Licences}, nil
	})
	// "May I do X (in workspace W)?" for the caller.
	h.api("GET /orgs/{org}/permissions", func(c *call) (int, any, error) {
		org := c.org
		return h.permissions(c, org)
	})
}

// guardSettings weighs a settings update against the organization as read
// before it: the fields that give (guardInviting) and the billing fields
// (guardBilling).
func (h *Handler) guardSettings(c *call, u *membership.OrganizationUpdate) error {
	o, err := h.ms.Organization(c.r.Context(), c.org)
	if err != nil {
		return err
	}
	if err := h.guardInviting(c, o.Settings, u); err != nil {
		return err
	}
	return h.guardBilling(c, o.Settings, u)
}

// guardInviting weighs MembersMayInvite, which lets every member invite,
// for a narrowed key: turning it on needs the invite permission in the key
// (apikey.AuthorizeGrant); sent as read (cur), it is kept as it stands when
// the update runs for a key that may not invite (KeepMembersMayInvite), so
// that a change made in between is not undone; turning it off takes away
// and needs nothing.
func (h *Handler) guardInviting(c *call, cur membership.Settings, u *membership.OrganizationUpdate) error {
	if !narrowedKey(c) {
		return nil
	}
	switch next := u.Settings.MembersMayInvite; {
	case next && !cur.MembersMayInvite:
		return h.keyGives(c, apikey.Grant{Grants: roles.Grants(roles.PermInvite)})
	case next == cur.MembersMayInvite:
		may, err := h.keys.CanOrg(c.r.Context(), *c.key, roles.PermInvite)
		u.KeepMembersMayInvite = !may
		return err
	}
	return nil
}

// guardBilling weighs the billing fields (seats, licences, the free seat of
// deactivated members) against cur, as read before the update. Fields
// that differ are a change the caller must be allowed: a key without the
// billing permission in its scope is refused here, as the library refuses
// a member without it. Fields equal to what was read ask for no change;
// for a caller who may not bill, the update then keeps them as they stand
// when it runs (KeepBilling), so that a seat change made in between by
// someone who may is neither undone (a key whose member holds billing) nor
// answered 403 (a member without billing).
func (h *Handler) guardBilling(c *call, cur membership.Settings, u *membership.OrganizationUpdate) error {
	next := *u.Settings
	if cur.Seats != next.Seats || cur.Licences != next.Licences || cur.DeactivatedFreeSeat != next.DeactivatedFreeSeat {
		if c.key != nil {
			return h.keyMay(c, uuid.Nil, roles.Grants(roles.PermBilling))
		}
		return nil // the library checks the member
	}
	var may bool
	var err error
	if c.key != nil {
		may, err = h.keys.CanOrg(c.r.Context(), *c.key, roles.PermBilling) // the member's now, within the scope
	} else {
		may, err = h.ms.CanOrg(c.r.Context(), c.org, c.user.ID, roles.PermBilling)
	}
	u.KeepBilling = !may
	return err
}
