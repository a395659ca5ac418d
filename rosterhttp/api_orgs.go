package rosterhttp

import (
	"net/http"

	"github.com/google/uuid"
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
			if err := h.keyMayBill(c, &u); err != nil {
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

// keyMayBill refuses a key that changes seats, licences or the free seat
// of deactivated members without the billing permission in its scope, as
// the library refuses a member without it. The comparison is with the
// organization as read before the update; so that a change of seats made
// in between is not undone by a key that may not bill, such a key's update
// keeps the billing fields as they stand when it runs (KeepBilling).
func (h *Handler) keyMayBill(c *call, u *membership.OrganizationUpdate) error {
	if c.key == nil {
		return nil
	}
	o, err := h.ms.Organization(c.r.Context(), c.org)
	if err != nil {
		return err
	}
	cur, next := o.Settings, *u.Settings
	if cur.Seats != next.Seats || cur.Licences != next.Licences || cur.DeactivatedFreeSeat != next.DeactivatedFreeSeat {
		return h.keyMay(c, uuid.Nil, roles.Grants(roles.PermBilling))
	}
	if sc := c.key.Scope; sc.Workspace != uuid.Nil || sc.Perms != 0 && !sc.Perms.Has(roles.PermBilling) {
		u.KeepBilling = true
	}
	return nil
}
