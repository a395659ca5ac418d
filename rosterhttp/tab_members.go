package rosterhttp

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rosterkit/roster/invite"
	"github.com/rosterkit/roster/membership"
	"github.com/rosterkit/roster/roles"
	"github.com/rosterkit/roster/storage"
)

// tabPageSize is the number of members on a page of the tab.
const tabPageSize = 50

// membersView is the data of the members page.
type membersView struct {
	Base      string
	Org       membership.Organization
	Viewer    membership.Member
	CanManage bool
	CanInvite bool
	CanAudit  bool
	// Keys links the API keys view (the Handler has a key Service).
	Keys bool
	Rows []memberRow
	// Filters as typed, and the menus that choose them.
	Q, Role, Kind string
	RoleFilter    []option
	KindFilter    []option
	NextURL       string
	FirstURL      string
	Invitations   []invitationRow
	Seats         membership.SeatUsage
	Invite        inviteForm
	// BulkRoles are the roles the viewer may give several members at once.
	BulkRoles []option
	// AccessWorkspaces and AccessRoles are the options of a row's
	// workspace-access menus, the same on every row: escaped once.
	AccessWorkspaces, AccessRoles template.HTML
	Flash                         string
	FlashErr                      bool
}

// memberRow is one row of the member list. Its fields are its own (no
// embedded struct): templates find them without a search.
type memberRow struct {
	UserID, Email, Label string // Label: the name, or the email
	Role                 roles.Role
	Guest, Deactivated   bool
	Self                 bool
	AllWorkspaces        bool
	Workspaces           []membership.MemberWorkspace
	JoinedAt             time.Time
	Roles                []option // empty: the viewer may not change the role
	CanRemove            bool
	RemoveURL            string
	// CanAccess shows the workspace-access form (not for owners and
	// admins, who hold every workspace).
	CanAccess bool
}

// invitationRow is one pending invitation.
type invitationRow struct {
	ID             uuid.UUID
	Email, Inviter string
	Role           roles.Role
	ExpiresAt      time.Time
	Expired        bool
}

// inviteForm is the Invite dialog: what was typed and what was wrong.
type inviteForm struct {
	Open       bool
	Emails     string
	Roles      []option
	Workspaces []workspaceChoice
	Grants     []grantChoice
	BatchLimit int
	Error      string
	Entries    []EntryError
}

// workspaceChoice is one workspace of the Invite dialog.
type workspaceChoice struct {
	ID    uuid.UUID
	Name  string
	Roles []option // first is "no access"
}

// grantChoice is one extra permission the viewer may give.
type grantChoice struct {
	Name    string
	Checked bool
}

func (h *Handler) membersPage(t *tabCall) {
	v, err := h.membersView(t, inviteForm{})
	if err != nil {
		h.errorPage(t.w, t.r, err)
		return
	}
	v.Flash, v.FlashErr = flash(t.r.URL.Query())
	h.render(t.w, t.r, http.StatusOK, "members", "Members of "+v.Org.Name, v)
}

// membersView reads everything the members page shows. It fails when the
// viewer may not see the member list.
func (h *Handler) membersView(t *tabCall, form inviteForm) (*membersView, error) {
	ctx := t.r.Context()
	q := t.r.URL.Query()
	f := membership.MemberFilter{Prefix: strings.TrimSpace(q.Get("q")), Role: roles.Role(q.Get("role")), Kind: membership.Kind(q.Get("kind"))}
	rows, next, err := h.ms.MemberViews(ctx, t.user.ID, t.org, f, storage.Page{After: q.Get("after"), Limit: tabPageSize})
	if err != nil {
		return nil, err
	}
	viewer, err := h.ms.Member(ctx, t.user.ID, t.org, t.user.ID)
	if err != nil {
		return nil, err
	}
	org, err := h.ms.Organization(ctx, t.org)
	if err != nil {
		return nil, err
	}
	actor, err := h.standing(viewer)
	if err != nil {
		return nil, err
	}
	perms := h.cat.OrgPerms(viewer.Role, viewer.Grants)
	v := &membersView{Base: t.base, Org: org, Viewer: viewer, Q: f.Prefix, Role: string(f.Role), Kind: string(f.Kind),
		CanManage: perms.Has(roles.PermManageMembers), CanAudit: perms.Has(roles.PermViewAudit), Keys: h.keys != nil}
	v.CanInvite, err = h.ms.CanInvite(ctx, t.org, t.user.ID)
	if err != nil {
		return nil, err
	}
	v.RoleFilter = []option{{Value: "", Label: "Any role", Selected: f.Role == ""}}
	for _, def := range h.cat.OrgRoles() {
		v.RoleFilter = append(v.RoleFilter, option{Value: string(def.Name), Label: string(def.Name), Selected: def.Name == f.Role})
	}
	v.KindFilter = []option{{Value: "", Label: "Everyone", Selected: f.Kind == ""},
		{Value: string(membership.KindCoworker), Label: "Co-workers", Selected: f.Kind == membership.KindCoworker},
		{Value: string(membership.KindGuest), Label: "Guests", Selected: f.Kind == membership.KindGuest}}
	var ws []workspaceChoice
	if v.CanManage || v.CanInvite {
		if ws, err = h.workspaceChoices(t, viewer); err != nil {
			return nil, err
		}
	}
	if v.CanManage {
		v.BulkRoles = h.roleOptions(actor, nil, h.cat.DefaultOrgRole())
		wsMenu, roleMenu := accessMenus(ws)
		if len(wsMenu) > 0 {
			v.AccessWorkspaces, v.AccessRoles = optionsHTML(wsMenu), optionsHTML(roleMenu)
		}
	}
	for _, m := range rows {
		row := memberRow{UserID: m.UserID, Email: m.Email, Label: m.Name, Role: m.Role, Guest: m.Kind == membership.KindGuest,
			Deactivated: m.Deactivated, Self: m.UserID == viewer.UserID, AllWorkspaces: m.AllWorkspaces,
			Workspaces: m.Workspaces, JoinedAt: m.JoinedAt}
		if row.Label == "" {
			row.Label = m.Email
		}
		if v.CanManage && !row.Self {
			mem := m.Member
			row.Roles = h.roleOptions(actor, &mem, m.Role)
			from, err := h.standing(m.Member)
			row.CanRemove = err == nil && roles.Ceiling(actor, &from, nil) == nil
			row.RemoveURL = t.base + "/members/remove?" + url.Values{"user": {m.UserID}}.Encode()
			row.CanAccess = !m.AllWorkspaces
		}
		v.Rows = append(v.Rows, row)
	}
	filters := url.Values{}
	for k, val := range map[string]string{"q": f.Prefix, "role": string(f.Role), "kind": string(f.Kind)} {
		if val != "" {
			filters.Set(k, val)
		}
	}
	if next != "" {
		nq := url.Values{}
		for k, vs := range filters {
			nq[k] = vs
		}
		nq.Set("after", next)
		v.NextURL = t.base + "/members?" + nq.Encode()
	}
	if q.Get("after") != "" {
		v.FirstURL = t.base + "/members?" + filters.Encode()
	}
	if v.Seats, err = h.ms.SeatUsage(ctx, t.user.ID, t.org); err != nil {
		return nil, err
	}
	if v.CanInvite {
		invs, _, err := h.iv.InvitationViews(ctx, t.user.ID, t.org, invite.InvitationFilter{Statuses: invite.Pending()}, storage.Page{Limit: tabPageSize})
		if err != nil {
			return nil, err
		}
		now := h.ms.Clock().Now()
		for _, inv := range invs {
			r := invitationRow{ID: inv.ID, Email: inv.Email, Role: inv.Role, Inviter: inv.InviterName,
				ExpiresAt: inv.ExpiresAt, Expired: inv.StatusAt(now) == invite.StatusExpired}
			if r.Inviter == "" {
				r.Inviter = inv.InviterEmail
			}
			v.Invitations = append(v.Invitations, r)
		}
		v.Invite = h.inviteChoices(t, ws, actor, form)
	}
	return v, nil
}

// inviteChoices fills the Invite dialog's menus with what the viewer may
// give, keeping what form had chosen.
func (h *Handler) inviteChoices(t *tabCall, ws []workspaceChoice, actor roles.Standing, form inviteForm) inviteForm {
	chosenRole := roles.Role(t.r.PostFormValue("role"))
	if chosenRole == "" {
		chosenRole = h.cat.DefaultOrgRole()
	}
	form.Roles = h.roleOptions(actor, nil, chosenRole)
	form.BatchLimit = h.batchLimit
	for _, c := range ws {
		chosen := t.r.PostFormValue("ws." + c.ID.String())
		c.Roles = slices.Clone(c.Roles)
		for i := range c.Roles {
			c.Roles[i].Selected = c.Roles[i].Value == chosen
		}
		form.Workspaces = append(form.Workspaces, c)
	}
	checked := map[string]bool{}
	for _, g := range t.r.PostForm["grant"] {
		checked[g] = true
	}
	for _, p := range h.cat.Grantable().Permissions() {
		if actor.Perms.Has(p) {
			name := h.cat.PermissionName(p)
			form.Grants = append(form.Grants, grantChoice{Name: name, Checked: checked[name]})
		}
	}
	return form
}

// workspaceChoices lists the workspaces the viewer reaches (at most
// maxInviteWorkspaces), each with "No access" and the workspace roles the
// viewer may give there; workspaces where it may give none are left out.
func (h *Handler) workspaceChoices(t *tabCall, viewer membership.Member) ([]workspaceChoice, error) {
	ctx := t.r.Context()
	access := map[uuid.UUID]roles.Role{}
	as, err := h.ms.MemberAccess(ctx, t.user.ID, t.org, t.user.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		access[a.WorkspaceID] = a.Role
	}
	var out []workspaceChoice
	n := 0
	for w, err := range h.ms.AllWorkspaces(ctx, t.user.ID, t.org) {
		if err != nil {
			return nil, err
		}
		if n++; n > maxInviteWorkspaces {
			break
		}
		ws, err := h.cat.WorkspaceStanding(viewer.Role, access[w.ID])
		if err != nil {
			continue
		}
		c := workspaceChoice{ID: w.ID, Name: w.Name, Roles: []option{{Value: "", Label: "No access"}}}
		for _, def := range h.cat.WorkspaceRoles() {
			to, err := h.cat.WorkspaceStanding(h.cat.DefaultOrgRole(), def.Name)
			if err != nil || roles.Ceiling(ws, nil, &to) != nil {
				continue
			}
			c.Roles = append(c.Roles, option{Value: string(def.Name), Label: string(def.Name)})
		}
		if len(c.Roles) > 1 {
			out = append(out, c)
		}
	}
	return out, nil
}

// accessMenus are the two menus of a row's workspace-access form: the
// workspaces, and the roles the viewer may give in every one of them
// ("" removes access).
func accessMenus(ws []workspaceChoice) (workspaces, roleMenu []option) {
	if len(ws) == 0 {
		return nil, nil
	}
	count := map[string]int{}
	for _, c := range ws {
		workspaces = append(workspaces, option{Value: c.ID.String(), Label: c.Name})
		for _, r := range c.Roles {
			count[r.Value]++
		}
	}
	for _, r := range ws[0].Roles {
		if r.Value != "" && count[r.Value] == len(ws) {
			roleMenu = append(roleMenu, r)
		}
	}
	// Taking access away is the last choice, never the one preselected.
	return workspaces, append(roleMenu, option{Value: "", Label: "No access (remove)"})
}

// optionsHTML writes the <option> elements of a menu, escaped.
func optionsHTML(opts []option) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(o.Value))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(o.Label))
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String())
}

// maxInviteWorkspaces bounds the workspaces the Invite dialog lists.
const maxInviteWorkspaces = 200

// invitePost sends the Invite dialog's batch. A refused batch shows the
// page again with each bad entry beside the list and nothing saved.
func (h *Handler) invitePost(t *tabCall) {
	r := t.r
	if err := r.ParseForm(); err != nil {
		t.done("", 0, errInput("unreadable form"))
		return
	}
	req := invite.Request{Emails: r.PostFormValue("emails"), Role: roles.Role(r.PostFormValue("role")), Workspaces: map[uuid.UUID]roles.Role{}}
	var err error
	for key, vals := range r.PostForm {
		id, ok := strings.CutPrefix(key, "ws.")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		wid, perr := uuid.Parse(id)
		if perr != nil {
			err = errInput("workspace is not an ID")
			break
		}
		req.Workspaces[wid] = roles.Role(vals[0])
	}
	if err == nil {
		req.Grants, err = h.grants(r.PostForm["grant"])
	}
	var res invite.Result
	if err == nil {
		res, err = h.iv.Invite(r.Context(), t.user.ID, t.org, req)
	}
	if err == nil {
		n := 0
		for _, a := range res.Addresses {
			if a.Outcome == invite.Invited || a.Outcome == invite.Reinvited {
				n++
			}
		}
		t.done("invited", n, nil)
		return
	}
	form := inviteForm{Open: true, Emails: req.Emails, Error: messageOf(membership.CodeOf(err))}
	var be *invite.BatchError
	if errors.As(err, &be) {
		form.Error = "Fix the addresses marked below; nothing was sent."
		for _, e := range be.Entries {
			form.Entries = append(form.Entries, EntryError{Index: e.Index, Entry: e.Entry, Detail: entryReason(e.Err)})
		}
	}
	status := problemOf(err).Status
	if status >= 500 {
		h.errorPage(t.w, r, err)
		return
	}
	v, verr := h.membersView(t, form)
	if verr != nil {
		h.errorPage(t.w, r, verr)
		return
	}
	h.render(t.w, r, status, "members", "Members of "+v.Org.Name, v)
}

// entryReason is why an entry is not an address, without the library's
// prefix.
func entryReason(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}
