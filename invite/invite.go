package invite

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/internal/hostdata"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
)

// Request is one click of an "Invite" button: addresses and what they get.
type Request struct {
	// Emails is a typed list: addresses separated by commas, semicolons,
	// spaces or newlines, each "ann@acme.com" or "Ann <ann@acme.com>".
	Emails string
	// List holds more addresses, one per element.
	List []string
	// Role is the org role; "" means the catalog's default. People outside
	// the organization's co-worker domains get the guest role.
	Role roles.Role
	// Workspaces gives workspace roles, by workspace ID.
	Workspaces map[uuid.UUID]roles.Role
	// Grants are extra org permissions (billing, API access…).
	Grants roles.PermSet
	// Data is host data the invitation carries to whoever accepts it: it
	// comes back in Redeem's result and in the "invitation.accepted" and
	// "member.added" events (as "data.<key>"), e.g. a folder to share with
	// the newcomer or where to redirect after accepting. At most
	// MaxDataKeys keys of 1 to MaxDataKeyLen ASCII letters, digits, '.',
	// '_' or '-', each value at most MaxDataValueLen bytes of UTF-8
	// (ErrInvalidInput otherwise). It is not secret from the invitee's
	// host, and not put in the audit trail.
	Data map[string]string
}

// Bounds of host data (Request.Data, NewLink.Data).
const (
	MaxDataKeys     = hostdata.MaxKeys
	MaxDataKeyLen   = hostdata.MaxKeyLen
	MaxDataValueLen = hostdata.MaxValueLen
)

// checkData refuses host data beyond the bounds with ErrInvalidInput.
func checkData(d map[string]string) error {
	if err := hostdata.Check(d); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	return nil
}

// Outcome says what an invitation request did for one address.
type Outcome string

// Outcomes.
const (
	Invited       Outcome = "invited"        // a new invitation was sent
	Reinvited     Outcome = "reinvited"      // a pending one was refreshed and sent again
	AlreadyMember Outcome = "already_member" // nothing sent
	// AlreadyInvited: the address has a pending invitation the actor may
	// not manage (see Resend); it is left as it is and nothing is sent.
	AlreadyInvited Outcome = "already_invited"
)

// sends reports whether the outcome sends an invitation.
func (o Outcome) sends() bool { return o == Invited || o == Reinvited }

// Result reports an invitation request, one entry per distinct address, in
// the order typed.
type Result struct {
	Addresses []AddressResult
}

// AddressResult is the outcome for one address.
type AddressResult struct {
	Address Address
	Outcome Outcome
	// Invitation is the invitation sent (zero for AlreadyMember and
	// AlreadyInvited).
	Invitation Invitation
	// Token and URL accept the invitation. They are secrets meant for the
	// inviter only (to copy the URL); never log them.
	Token string
	URL   string
}

// Invite invites every address of req into org, on behalf of actor, in one
// transaction: all are invited or none. An address with a pending
// invitation is re-invited: its token is replaced (the old one stops
// working), its expiry extended and its role, workspaces and grants set to
// req's, if actor may manage that invitation (as for Resend: actor sent it,
// or manages members with at least its rank); otherwise it is reported as
// AlreadyInvited and left as it is. An address of a member is reported and
// skipped.
//
// actor must be allowed to invite (the invite permission by role or grant,
// or the org's "members may invite"; guests never) and to give everything
// in req (ErrForbidden). Whether actor may invite at all is checked first,
// then Options.Limiter is asked, and only then is the list parsed (in time
// linear in its length): a refused or throttled caller costs no parsing. Errors: ErrEmptyBatch, ErrBatchTooLarge, a
// *BatchError (ErrInvalidEmail) naming each bad entry, ErrInvalidRole,
// ErrNotFound (a workspace of another organization), ErrWorkspaceRequired,
// ErrGuestsNotAllowed, ErrSeatLimit (members plus pending invitations would
// exceed the seats), ErrRateLimited, ErrInvalidInput (req.Data beyond its
// bounds).
func (s *Service) Invite(ctx context.Context, actor string, org uuid.UUID, req Request) (Result, error) {
	if err := s.ready(ctx); err != nil {
		return Result{}, err
	}
	// Refuse whoever may not invite, then the host's Limiter, before any
	// work proportional to the request: the list is parsed last. The
	// authoritative check runs again under the organization's lock.
	if err := s.mayInviteBeforeParsing(ctx, actor, org); err != nil {
		return Result{}, err
	}
	if err := s.throttle(ctx, actor, org, EventInvitationCreated, addressBound(req)); err != nil {
		return Result{}, err
	}
	addrs, err := ParseBatch(req.Emails, req.List, s.opts.BatchLimit)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", EventInvitationCreated, err)
	}
	var res Result
	err = s.x.Mutate(ctx, actor, org, EventInvitationCreated, func(ctx context.Context, o *membership.Op) error {
		res = Result{Addresses: make([]AddressResult, 0, len(addrs))}
		o.Target(batchTarget(addrs))
		if err := s.x.MayInvite(o.Org, o.Actor); err != nil {
			return err
		}
		var extraSeats, sends int
		for _, a := range addrs {
			r, seat, err := s.plan(ctx, o, a, req)
			if err != nil {
				return err
			}
			if seat {
				extraSeats++
			}
			if r.Outcome.sends() {
				sends++
			}
			res.Addresses = append(res.Addresses, r)
		}
		if err := s.checkSeats(ctx, o, extraSeats); err != nil {
			return err
		}
		if err := s.spend(ctx, o, sends); err != nil {
			return err
		}
		for i := range res.Addresses {
			if err := s.send(ctx, o, &res.Addresses[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// mayInviteBeforeParsing reads org and actor's membership (no lock, no
// transaction of its own) and refuses, audited, an actor who may not
// invite there (ErrForbidden); ErrNotFound for an unknown organization,
// ErrInvalidInput for a malformed actor ID or a zero organization ID.
func (s *Service) mayInviteBeforeParsing(ctx context.Context, actor string, org uuid.UUID) error {
	const action = EventInvitationCreated
	if org == uuid.Nil {
		return fmt.Errorf("%s: %w: zero organization ID", action, ErrInvalidInput)
	}
	if err := checkUserID(actor); err != nil {
		return fmt.Errorf("%s: actor: %w", action, err)
	}
	o, err := s.ms.Organization(ctx, org)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	m, err := s.ms.Member(ctx, org, actor)
	switch {
	case errors.Is(err, ErrNotFound):
		err = fmt.Errorf("%w: %q is not an active member", ErrForbidden, actor)
	case err != nil:
		return fmt.Errorf("%s: %w", action, err)
	default:
		err = s.x.MayInvite(o, m)
	}
	if err != nil {
		s.x.RecordDenied(ctx, actor, org, action, "", err)
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}

// addressBound is an upper bound of the addresses of req, found without
// parsing it: the @ signs of Emails plus the non-blank elements of List.
// For a plain list of distinct addresses it is their number.
func addressBound(req Request) int {
	n := strings.Count(req.Emails, "@")
	for _, e := range req.List {
		if strings.TrimSpace(e) != "" {
			n++
		}
	}
	return n
}

// plan decides what to do for one address and prepares the invitation;
// seat reports whether it takes a seat not taken before.
func (s *Service) plan(ctx context.Context, o *membership.Op, a Address, req Request) (AddressResult, bool, error) {
	r := AddressResult{Address: a}
	if err := checkData(req.Data); err != nil {
		return r, false, err
	}
	as, kind, err := o.Resolve(ctx, o.Actor, membership.Assignment{
		Email: a.ASCII, Role: req.Role, Grants: req.Grants, Workspaces: req.Workspaces})
	if err != nil {
		return r, false, fmt.Errorf("inviting %q: %w", clipEntry(a.Email), err)
	}
	if _, found, err := s.memberByEmail(ctx, o.Org.ID, a); err != nil {
		return r, false, err
	} else if found {
		r.Outcome = AlreadyMember
		return r, false, nil
	}
	inv, err := s.st.PendingInvitation(ctx, o.Org.ID, a.Key)
	seat := false
	switch {
	case err == nil:
		if err := s.mayManage(o, inv.InvitedBy, inv.Role, inv.Grants); errors.Is(err, ErrForbidden) {
			r.Outcome = AlreadyInvited // someone else's: left as it is
			return r, false, nil
		} else if err != nil {
			return r, false, err
		}
		r.Outcome = Reinvited
		seat = inv.StatusAt(o.Now) == StatusExpired
		if a.Name != "" {
			inv.Name = a.Name
		}
	case errors.Is(err, ErrNotFound):
		r.Outcome, seat = Invited, true
		inv = Invitation{ID: newID(), OrgID: o.Org.ID, Email: a.Email, EmailKey: a.Key, Name: a.Name,
			Status: StatusPending, CreatedAt: o.Now}
	default:
		return r, false, err
	}
	inv.Role, inv.Kind, inv.Grants, inv.Workspaces = as.Role, kind, as.Grants, as.Workspaces
	inv.InvitedBy, inv.Data = o.Actor.UserID, hostdata.Clone(req.Data)
	r.Invitation = inv
	return r, seat, nil
}

// send gives r's invitation a fresh token and expiry, saves it, audits it
// and queues its email.
func (s *Service) send(ctx context.Context, o *membership.Op, r *AddressResult) error {
	if !r.Outcome.sends() {
		return nil
	}
	inv := &r.Invitation
	tok, err := s.issue(o, inv)
	if err != nil {
		return err
	}
	inv.Sends++
	inv.SentAt = o.Now
	action := EventInvitationCreated
	if r.Outcome == Invited {
		err = s.st.InsertInvitation(ctx, *inv)
	} else {
		action = EventInvitationRefreshed
		err = s.st.UpdateInvitation(ctx, *inv)
	}
	if err != nil {
		return fmt.Errorf("saving the invitation of %q: %w", clipEntry(inv.Email), err)
	}
	if err := o.Record(ctx, invitationRecord(action, *inv, nil)); err != nil {
		return err
	}
	if err := s.queueMail(ctx, o, *inv, tok, r.Outcome != Invited); err != nil {
		return err
	}
	r.Token, r.URL = tok, s.url(tok)
	return nil
}

// issue gives inv a new token: hash, sealed copy and expiry. It returns the
// token.
func (s *Service) issue(o *membership.Op, inv *Invitation) (string, error) {
	tok, err := newToken(s.opts.Rand, KindInvitation)
	if err != nil {
		return "", err
	}
	sealed, keyID, err := s.keys.seal(s.opts.Rand, KindInvitation, inv.ID, tok)
	if err != nil {
		return "", err
	}
	inv.TokenHash, inv.SealedToken, inv.KeyID = hashToken(tok), sealed, keyID
	inv.ExpiresAt = o.Now.Add(s.opts.TTL)
	inv.UpdatedAt = o.Now
	return tok, nil
}

// memberByEmail finds the member of org whose email has a's canonical key.
func (s *Service) memberByEmail(ctx context.Context, org uuid.UUID, a Address) (membership.Member, bool, error) {
	local := a.Email[:strings.LastIndexByte(a.Email, '@')+1]
	page := storagePage("", 100)
	for {
		ms, next, err := s.ms.Members(ctx, org, membership.MemberFilter{Prefix: local}, page)
		if err != nil {
			return membership.Member{}, false, err
		}
		for _, m := range ms {
			if ma, err := ParseEmail(m.Email); err == nil && ma.Key == a.Key {
				return m, true, nil
			}
		}
		if next == "" || len(ms) == 0 {
			return membership.Member{}, false, nil
		}
		page = storagePage(next, 100)
	}
}

// invitationRecord is the audit record of an invitation change: what it
// gives, never its token.
func invitationRecord(action string, inv Invitation, before map[string]string) membership.Record {
	return membership.Record{Action: action, Target: inv.EmailKey, Before: before, After: invitationFields(inv)}
}

func invitationFields(inv Invitation) map[string]string {
	return map[string]string{
		"invitation": inv.ID.String(),
		"email":      inv.EmailKey,
		"role":       string(inv.Role),
		"kind":       string(inv.Kind),
		"grants":     inv.Grants.String(),
		"workspaces": workspaceList(inv.Workspaces),
		"invited_by": inv.InvitedBy,
		"expires_at": inv.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"),
		"status":     string(inv.Status),
	}
}

// workspaceList renders workspace roles as "id=role,…" in ID order.
func workspaceList(ws map[uuid.UUID]roles.Role) string {
	ids := sortedIDs(ws)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String() + "=" + string(ws[id])
	}
	return strings.Join(parts, ",")
}

// batchTarget names a batch for the audit trail: its addresses, clipped.
func batchTarget(addrs []Address) string {
	keys := make([]string, len(addrs))
	for i, a := range addrs {
		keys[i] = a.Key
	}
	t := strings.Join(keys, ",")
	if len(t) > 500 {
		t = t[:500] + "…(" + strconv.Itoa(len(addrs)) + " addresses)"
	}
	return strings.ToValidUTF8(t, "")
}
