package invite

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/hostdata"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Limits of a link.
const (
	MaxLinkUses    = 100000
	maxLinkDomains = 100
)

// NewLink describes a shareable invite link.
type NewLink struct {
	// Role is the org role given on joining; "" means the catalog's
	// default (member). Joiners outside the co-worker domains get the guest
	// role.
	Role       roles.Role
	Workspaces map[uuid.UUID]roles.Role
	// MaxUses caps the joins; 0 means no cap.
	MaxUses int
	// ExpiresAt ends the link; zero means now + Options.LinkTTL (or never,
	// when LinkTTL is negative). It must be after now and at most MaxTTL
	// ahead.
	ExpiresAt time.Time
	// AllowedDomains restricts joining to these email domains and their
	// subdomains (IDNA-normalized); empty allows every domain.
	AllowedDomains []string
	// Data is host data the link carries to everyone who joins with it,
	// bounded as Request.Data: it comes back in Redeem's result and in the
	// "link.joined" and "member.added" events.
	Data map[string]string
}

// CreateLink makes a shareable invite link on actor's authority: actor
// must be allowed to invite and to give the link's role and workspace
// roles (never above its own). It returns the link and its token (a secret
// for actor: never log it). Errors: ErrLinksDisabled, ErrForbidden,
// ErrInvalidRole, ErrNotFound (a workspace of another organization),
// ErrWorkspaceRequired, ErrInvalidInput (uses, expiry, domains or data).
func (s *Service) CreateLink(ctx context.Context, actor string, org uuid.UUID, nl NewLink) (Link, string, error) {
	if err := s.ready(ctx); err != nil {
		return Link{}, "", fmt.Errorf("%s: %w", EventLinkCreated, err)
	}
	var (
		out Link
		tok string
	)
	err := s.x.Mutate(ctx, actor, org, EventLinkCreated, func(ctx context.Context, o *membership.Op) error {
		if o.Org.Settings.LinksDisabled {
			return fmt.Errorf("%w for this organization", ErrLinksDisabled)
		}
		if err := s.x.MayInvite(o.Org, o.Actor); err != nil {
			return err
		}
		domains, err := linkDomains(nl.AllowedDomains)
		if err != nil {
			return err
		}
		if err := checkData(nl.Data); err != nil {
			return err
		}
		l := Link{ID: newID(), OrgID: o.Org.ID, MaxUses: nl.MaxUses, ExpiresAt: nl.ExpiresAt.UTC(),
			AllowedDomains: domains, Data: hostdata.Clone(nl.Data), CreatedAt: o.Now}
		o.Target(l.ID.String())
		switch {
		case nl.MaxUses < 0 || nl.MaxUses > MaxLinkUses:
			return fmt.Errorf("%w: max uses must be 0 to %d", ErrInvalidInput, MaxLinkUses)
		case nl.ExpiresAt.IsZero() && s.opts.LinkTTL > 0:
			l.ExpiresAt = o.Now.Add(s.opts.LinkTTL)
		case !nl.ExpiresAt.IsZero() && !nl.ExpiresAt.After(o.Now):
			return fmt.Errorf("%w: the link would expire in the past", ErrInvalidInput)
		case nl.ExpiresAt.After(o.Now.Add(MaxTTL)):
			return fmt.Errorf("%w: a link expires at most MaxTTL (100 years) from now", ErrInvalidInput)
		}
		if err := s.relink(ctx, o, &l, nl.Role, nl.Workspaces); err != nil {
			return err
		}
		if tok, err = s.issueLink(o, &l); err != nil {
			return err
		}
		if err := s.st.InsertLink(ctx, l); err != nil {
			return err
		}
		out = l
		return o.Record(ctx, linkRecord(EventLinkCreated, l))
	})
	if err != nil {
		return Link{}, "", err
	}
	return out, tok, nil
}

// RevokeLink revokes a link: its token stops working. actor must be
// allowed to invite and either have made the link or manage members with
// at least its rank. Revoking a revoked link does nothing. Errors:
// ErrNotFound, ErrForbidden.
func (s *Service) RevokeLink(ctx context.Context, actor string, org, id uuid.UUID) error {
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("%s: %w", EventLinkRevoked, err)
	}
	return s.x.Mutate(ctx, actor, org, EventLinkRevoked, func(ctx context.Context, o *membership.Op) error {
		l, err := s.managedLink(ctx, o, id)
		if err != nil || l.Revoked {
			return err
		}
		l.Revoked, l.RevokedAt, l.UpdatedAt = true, o.Now, o.Now
		l.SealedToken, l.KeyID = nil, ""
		if err := s.st.UpdateLink(ctx, l); err != nil {
			return err
		}
		return o.Record(ctx, linkRecord(EventLinkRevoked, l))
	})
}

// RegenerateLink gives a link a new token: the old one stops working. The
// link then carries actor's authority, checked as for CreateLink. Who may:
// as for RevokeLink. Errors: ErrNotFound, ErrRevoked, ErrForbidden, and
// CreateLink's assignment errors.
func (s *Service) RegenerateLink(ctx context.Context, actor string, org, id uuid.UUID) (Link, string, error) {
	if err := s.ready(ctx); err != nil {
		return Link{}, "", fmt.Errorf("%s: %w", EventLinkRegenerated, err)
	}
	var (
		out Link
		tok string
	)
	err := s.x.Mutate(ctx, actor, org, EventLinkRegenerated, func(ctx context.Context, o *membership.Op) error {
		if o.Org.Settings.LinksDisabled {
			return fmt.Errorf("%w for this organization", ErrLinksDisabled)
		}
		l, err := s.managedLink(ctx, o, id)
		if err != nil {
			return err
		}
		if l.Revoked {
			return fmt.Errorf("%w: the link was revoked", ErrRevoked)
		}
		live, err := s.liveWorkspaces(ctx, o.Org.ID, l.Workspaces)
		if err != nil {
			return err
		}
		if err := s.relink(ctx, o, &l, l.Role, live); err != nil {
			return err
		}
		if tok, err = s.issueLink(o, &l); err != nil {
			return err
		}
		if err := s.st.UpdateLink(ctx, l); err != nil {
			return err
		}
		out = l
		return o.Record(ctx, linkRecord(EventLinkRegenerated, l))
	})
	if err != nil {
		return Link{}, "", err
	}
	return out, tok, nil
}

// LinkURL returns the URL of an active link again (the token alone
// without a BaseURL), for "copy link". It needs the key that sealed the
// token (ErrNoKey) and is audited. Who may: as for RevokeLink. Errors:
// ErrNotFound, ErrRevoked, ErrExpired, ErrUsedUp, ErrLinksDisabled,
// ErrForbidden, ErrNoKey.
func (s *Service) LinkURL(ctx context.Context, actor string, org, id uuid.UUID) (string, error) {
	if err := s.ready(ctx); err != nil {
		return "", fmt.Errorf("%s: %w", EventLinkURLShown, err)
	}
	var out string
	err := s.x.Mutate(ctx, actor, org, EventLinkURLShown, func(ctx context.Context, o *membership.Op) error {
		l, err := s.managedLink(ctx, o, id)
		if err != nil {
			return err
		}
		if err := linkUsable(l, o.Org.Settings.LinksDisabled, o.Now); err != nil {
			return err
		}
		tok, err := s.keys.open(KindLink, l.ID, l.KeyID, l.SealedToken)
		if err != nil {
			return err
		}
		if t, err := ParseToken(tok); err != nil || !t.Matches(l.TokenHash) {
			return fmt.Errorf("%w: the sealed token is stale", ErrNoKey)
		}
		out = s.URL(tok)
		return o.Record(ctx, linkRecord(EventLinkURLShown, l))
	})
	return out, err
}

// managedLink loads link id under o's lock for a change by o's actor.
func (s *Service) managedLink(ctx context.Context, o *membership.Op, id uuid.UUID) (Link, error) {
	o.Target(id.String())
	if err := s.x.MayInvite(o.Org, o.Actor); err != nil {
		return Link{}, err
	}
	l, err := s.st.Link(ctx, o.Org.ID, id)
	if err != nil {
		return Link{}, fmt.Errorf("link %s: %w", id, err)
	}
	if err := s.mayManage(o, l.CreatedBy, l.Role, 0); err != nil {
		return Link{}, err
	}
	return l, nil
}

// relink checks that o's actor may give role and ws through a link and
// sets them on l, with the actor as the link's authority.
func (s *Service) relink(ctx context.Context, o *membership.Op, l *Link, role roles.Role, ws map[uuid.UUID]roles.Role) error {
	// Who joins is not known yet: check the assignment as given to a
	// co-worker. A joiner outside the co-worker domains gets the guest
	// role when joining.
	email := "link@example.com"
	if d := o.Org.Settings.Domains; len(d) > 0 {
		email = "link@" + d[0]
	}
	as, _, err := o.Resolve(ctx, o.Actor, membership.Assignment{Email: email, Role: role, Workspaces: ws})
	if err != nil {
		return err
	}
	l.Role, l.Workspaces, l.CreatedBy, l.UpdatedAt = as.Role, as.Workspaces, o.Actor.UserID, o.Now
	return nil
}

// issueLink gives l a new token and returns it.
func (s *Service) issueLink(o *membership.Op, l *Link) (string, error) {
	tok, err := newToken(s.opts.Rand, KindLink)
	if err != nil {
		return "", err
	}
	sealed, keyID, err := s.keys.seal(s.opts.Rand, KindLink, l.ID, tok)
	if err != nil {
		return "", err
	}
	l.TokenHash, l.SealedToken, l.KeyID, l.UpdatedAt = hashToken(tok), sealed, keyID, o.Now
	return tok, nil
}

// linkDomains normalizes allowed domains: ASCII (IDNA) form, lower case,
// no trailing dot, de-duplicated, sorted.
func linkDomains(in []string) ([]string, error) {
	if len(in) > maxLinkDomains {
		return nil, fmt.Errorf("%w: at most %d allowed domains", ErrInvalidInput, maxLinkDomains)
	}
	var out []string
	for _, d := range in {
		d = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(d), "@"), ".")
		if err := checkEntry(d); err != nil {
			return nil, fmt.Errorf("%w: allowed domain %q: %v", ErrInvalidInput, clipEntry(d), reason(err))
		}
		ascii, err := checkDomain(d)
		if err != nil {
			return nil, fmt.Errorf("%w: allowed domain %q: %v", ErrInvalidInput, clipEntry(d), reason(err))
		}
		out = append(out, ascii)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// domainAllowed reports whether domain is one of allowed or under one.
func domainAllowed(domain string, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	for _, a := range allowed {
		if domain == a || strings.HasSuffix(domain, "."+a) {
			return true
		}
	}
	return false
}

func linkRecord(action string, l Link) membership.Record {
	exp := ""
	if !l.ExpiresAt.IsZero() {
		exp = l.ExpiresAt.Format(time.RFC3339)
	}
	return membership.Record{Action: action, Target: l.ID.String(), After: map[string]string{
		"link":            l.ID.String(),
		"role":            string(l.Role),
		"workspaces":      workspaceList(l.Workspaces),
		"max_uses":        strconv.Itoa(l.MaxUses),
		"uses":            strconv.Itoa(l.Uses),
		"expires_at":      exp,
		"allowed_domains": strings.Join(l.AllowedDomains, ","),
		"created_by":      l.CreatedBy,
		"revoked":         strconv.FormatBool(l.Revoked),
	}}
}
