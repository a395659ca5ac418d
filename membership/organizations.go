package membership

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// CreateOrganization creates an organization with actor as its owner. Like
// every mutation, it reports its outcome to Options.Hooks.Mutation. It
// returns ErrInvalidInput for a bad name, slug, settings or owner, and
// ErrConflict when the slug is taken.
func (s *Service) CreateOrganization(ctx context.Context, actor string, n NewOrganization) (Organization, error) {
	const action = EventOrganizationCreated
	if err := s.ready(ctx); err != nil {
		return Organization{}, fmt.Errorf("%s: %w", action, err)
	}
	org, owner, err := s.newOrganization(actor, n)
	if err == nil {
		err = s.traced(ctx, MutationStart{Action: action, OrgID: org.ID, Actor: actor}, func(ctx context.Context) error {
			return s.createOrganization(ctx, actor, org, owner)
		})
	}
	if err != nil {
		return Organization{}, fmt.Errorf("%s: %w", action, err)
	}
	s.afterCommit(ctx)
	return org, nil
}

// createOrganization stores org with owner as its first member, and audits
// it, in one transaction.
func (s *Service) createOrganization(ctx context.Context, actor string, org Organization, owner Member) error {
	const action = EventOrganizationCreated
	return s.st.Transact(ctx, func(ctx context.Context) error {
		if err := s.st.CreateOrganization(ctx, org); err != nil {
			return err
		}
		if err := s.st.InsertMember(ctx, owner); err != nil {
			return err
		}
		op := &Op{Org: org, Actor: owner, ActorFound: true, Now: org.CreatedAt, s: s}
		return op.Record(ctx, Record{Action: action, Target: org.ID.String(), UserID: actor,
			After: map[string]string{"name": org.Name, "slug": org.Slug, "owner": actor}})
	})
}

func (s *Service) newOrganization(actor string, n NewOrganization) (Organization, Member, error) {
	if err := checkUserID("actor", actor); err != nil {
		return Organization{}, Member{}, err
	}
	name, err := cleanName("organization name", n.Name)
	if err != nil {
		return Organization{}, Member{}, err
	}
	if err := checkSlug(n.Slug); err != nil {
		return Organization{}, Member{}, err
	}
	settings, err := cleanSettings(n.Settings)
	if err != nil {
		return Organization{}, Member{}, err
	}
	if err := checkEmail(n.OwnerEmail, true); err != nil {
		return Organization{}, Member{}, err
	}
	ownerName, err := optionalName("owner name", n.OwnerName)
	if err != nil {
		return Organization{}, Member{}, err
	}
	now := s.clock.Now().UTC()
	org := Organization{ID: newID(), Name: name, Slug: n.Slug, Settings: settings, CreatedAt: now, UpdatedAt: now}
	owner := Member{OrgID: org.ID, UserID: actor, Email: n.OwnerEmail, Name: ownerName,
		Role: s.cat.Owner().Name, Kind: KindCoworker, SSO: settings.SSORequired, JoinedAt: now, UpdatedAt: now}
	return org, owner, nil
}

// Organization returns the organization with id. It checks no access: it is
// meant for routing and display; what a user may do is Can's answer.
func (s *Service) Organization(ctx context.Context, id uuid.UUID) (Organization, error) {
	if err := s.ready(ctx); err != nil {
		return Organization{}, err
	}
	if err := checkID("organization ID", id); err != nil {
		return Organization{}, err
	}
	return s.st.Organization(ctx, id)
}

// OrganizationBySlug returns the organization with slug. Like Organization,
// it checks no access.
func (s *Service) OrganizationBySlug(ctx context.Context, slug string) (Organization, error) {
	if err := s.ready(ctx); err != nil {
		return Organization{}, err
	}
	if err := checkSlug(slug); err != nil {
		return Organization{}, err
	}
	return s.st.OrganizationBySlug(ctx, slug)
}

// UpdateOrganization changes an organization's name, slug or settings. It
// needs the settings permission, and the billing permission to change
// seats, licences or DeactivatedFreeSeat; seats cannot go below members
// plus pending invitations, nor licences below licensed members
// (ErrSeatLimit). Turning MembersMayInvite off revokes, in the same
// transaction, what members who may then not invite had sent.
func (s *Service) UpdateOrganization(ctx context.Context, actor string, org uuid.UUID, u OrganizationUpdate) (Organization, error) {
	var out Organization
	err := s.mutate(ctx, nil, actor, org, EventOrganizationUpdated, func(ctx context.Context, op *Op) error {
		op.Target(org.String())
		if err := op.Require(roles.PermManageSettings); err != nil {
			return err
		}
		next := op.Org
		before, after := map[string]string{}, map[string]string{}
		if u.Name != nil {
			name, err := cleanName("organization name", *u.Name)
			if err != nil {
				return err
			}
			next.Name = name
		}
		if u.Slug != nil {
			if err := checkSlug(*u.Slug); err != nil {
				return err
			}
			next.Slug = *u.Slug
		}
		if u.Settings != nil {
			settings, err := cleanSettings(*u.Settings)
			if err != nil {
				return err
			}
			if u.KeepBilling {
				settings.Seats, settings.Licences = op.Org.Settings.Seats, op.Org.Settings.Licences
				settings.DeactivatedFreeSeat = op.Org.Settings.DeactivatedFreeSeat
			}
			if u.KeepMembersMayInvite {
				settings.MembersMayInvite = op.Org.Settings.MembersMayInvite
			}
			next.Settings = settings
		}
		cur, nxt := op.Org.Settings, next.Settings
		if cur.Seats != nxt.Seats || cur.Licences != nxt.Licences || cur.DeactivatedFreeSeat != nxt.DeactivatedFreeSeat {
			if err := op.Require(roles.PermBilling); err != nil {
				return err
			}
			if err := s.checkCapacity(ctx, op, nxt); err != nil {
				return err
			}
		}
		diff(before, after, "name", op.Org.Name, next.Name)
		diff(before, after, "slug", op.Org.Slug, next.Slug)
		diffSettings(before, after, cur, nxt)
		if len(after) == 0 {
			out = op.Org
			return nil
		}
		next.UpdatedAt = op.Now
		if err := s.st.UpdateOrganization(ctx, next); err != nil {
			return err
		}
		out = next
		if err := op.Record(ctx, Record{Action: EventOrganizationUpdated, Target: org.String(), Before: before, After: after}); err != nil {
			return err
		}
		if cur.MembersMayInvite && !nxt.MembersMayInvite {
			return s.revokeSendersWhoMayNotInvite(ctx, op, next, EventOrganizationUpdated)
		}
		return nil
	})
	return out, err
}

// checkCapacity refuses seat or licence caps below what is in use: seats
// are counted as for every admission (see Op.CheckSeats), under the new
// settings set.
func (s *Service) checkCapacity(ctx context.Context, op *Op, set Settings) error {
	org := op.Org.ID
	if set.Seats > 0 {
		members, pending, err := s.seatsTaken(ctx, org, set, op.Now)
		if err != nil {
			return err
		}
		if members+pending > set.Seats {
			return &SeatLimitError{Members: members, Pending: pending, Limit: set.Seats}
		}
	}
	if set.Licences > 0 {
		n, err := s.st.CountMembers(ctx, org, MemberFilter{LicensedOnly: true})
		if err != nil {
			return err
		}
		if n > set.Licences {
			return &SeatLimitError{Licences: true, Members: n, Limit: set.Licences}
		}
	}
	return nil
}

func diff(before, after map[string]string, key, old, cur string) {
	if old != cur {
		before[key], after[key] = old, cur
	}
}

func diffSettings(before, after map[string]string, a, b Settings) {
	diff(before, after, "domains", strings.Join(a.Domains, ","), strings.Join(b.Domains, ","))
	diff(before, after, "guest_policy", string(a.GuestPolicy), string(b.GuestPolicy))
	diff(before, after, "require_workspace", strconv.FormatBool(a.RequireWorkspace), strconv.FormatBool(b.RequireWorkspace))
	diff(before, after, "seats", strconv.Itoa(a.Seats), strconv.Itoa(b.Seats))
	diff(before, after, "licences", strconv.Itoa(a.Licences), strconv.Itoa(b.Licences))
	diff(before, after, "deactivated_free_seat", strconv.FormatBool(a.DeactivatedFreeSeat), strconv.FormatBool(b.DeactivatedFreeSeat))
	diff(before, after, "members_may_invite", strconv.FormatBool(a.MembersMayInvite), strconv.FormatBool(b.MembersMayInvite))
	diff(before, after, "sso_required", strconv.FormatBool(a.SSORequired), strconv.FormatBool(b.SSORequired))
	diff(before, after, "links_disabled", strconv.FormatBool(a.LinksDisabled), strconv.FormatBool(b.LinksDisabled))
	diff(before, after, "invites_per_day", strconv.Itoa(a.InvitesPerDay), strconv.Itoa(b.InvitesPerDay))
	diff(before, after, "invites_per_inviter_per_day", strconv.Itoa(a.InvitesPerInviterPerDay), strconv.Itoa(b.InvitesPerInviterPerDay))
}

// DeleteOrganization deletes an organization and everything in it. It
// needs the delete-organization permission (owners, in the default
// catalog). The host learns of it through an organization.deleted event;
// the audit trail goes with the organization.
func (s *Service) DeleteOrganization(ctx context.Context, actor string, org uuid.UUID) error {
	return s.mutate(ctx, nil, actor, org, EventOrganizationDeleted, func(ctx context.Context, op *Op) error {
		op.Target(org.String())
		if err := op.Require(roles.PermDeleteOrganization); err != nil {
			return err
		}
		if err := s.st.DeleteOrganization(ctx, org); err != nil {
			return err
		}
		return op.emit(ctx, actor, Record{Action: EventOrganizationDeleted, Target: org.String(),
			Before: map[string]string{"name": op.Org.Name, "slug": op.Org.Slug}})
	})
}

// Organizations lists the organizations userID belongs to, ordered by ID.
func (s *Service) Organizations(ctx context.Context, userID string, page storage.Page) ([]Organization, string, error) {
	ms, next, err := s.Memberships(ctx, userID, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]Organization, len(ms))
	for i, m := range ms {
		out[i] = m.Organization
	}
	return out, next, nil
}

// Memberships lists the organizations userID belongs to with its role in
// each and whether it is deactivated there, ordered by organization ID:
// an org switcher, in one store read per page.
func (s *Service) Memberships(ctx context.Context, userID string, page storage.Page) ([]UserMembership, string, error) {
	if err := s.ready(ctx); err != nil {
		return nil, "", err
	}
	if err := checkUserID("user ID", userID); err != nil {
		return nil, "", err
	}
	if _, err := page.Size(); err != nil {
		return nil, "", err
	}
	return s.st.UserMemberships(ctx, userID, page)
}
