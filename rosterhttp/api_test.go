package rosterhttp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// endpointCase is one request to the API and the answer it must get: a
// status, and for errors the problem's stable code.
type endpointCase struct {
	name         string
	user         string
	method, path string
	body         string
	status       int
	code         string
}

// TestEveryEndpoint walks every route of the API: what each role may do,
// what it may not (403), IDs of another organization (404), bad input
// (400/422), and the library's conflicts (409) and dead tokens (410). Each
// case runs on a fresh fixture.
func TestEveryEndpoint(t *testing.T) {
	const api = "/roster/api"
	cases := []endpointCase{
		// Organizations.
		{"my organizations", "ann", "GET", api + "/orgs", "", 200, ""},
		{"my organizations needs a user", "", "GET", api + "/orgs", "", 401, "unauthenticated"},
		{"create organization", "eve", "POST", api + "/orgs", `{"name":"Eve Co","slug":"eve-co"}`, 201, ""},
		{"create organization with a taken slug", "eve", "POST", api + "/orgs", `{"name":"Acme 2","slug":"acme"}`, 409, "conflict"},
		{"create organization with a bad slug", "eve", "POST", api + "/orgs", `{"name":"X","slug":"Not A Slug"}`, 400, "invalid_input"},
		{"create organization with unknown field", "eve", "POST", api + "/orgs", `{"name":"X","slug":"x","owner":"eve"}`, 400, "invalid_input"},
		{"create organization with broken JSON", "eve", "POST", api + "/orgs", `{"name":`, 400, "invalid_input"},
		{"get organization", "bob", "GET", api + "/orgs/{acme}", "", 200, ""},
		{"get organization of others", "ann", "GET", api + "/orgs/{other}", "", 403, "forbidden"},
		{"get organization that does not exist", "ann", "GET", api + "/orgs/0190b4b2-0000-7000-8000-000000000000", "", 404, "not_found"},
		{"get organization with a bad ID", "ann", "GET", api + "/orgs/nope", "", 400, "invalid_input"},
		{"rename organization as admin", "ada", "PATCH", api + "/orgs/{acme}", `{"name":"Acme Inc"}`, 200, ""},
		{"rename organization as member", "bob", "PATCH", api + "/orgs/{acme}", `{"name":"Bob Inc"}`, 403, "forbidden"},
		{"change seats as admin (billing)", "ada", "PATCH", api + "/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":50}}`, 403, "forbidden"},
		{"change seats as owner", "ann", "PATCH", api + "/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":50}}`, 200, ""},
		{"seats below members", "ann", "PATCH", api + "/orgs/{acme}", `{"settings":{"domains":["acme.com"],"seats":2}}`, 409, "seat_limit"},
		{"rename organization of others", "ann", "PATCH", api + "/orgs/{other}", `{"name":"Mine"}`, 403, "forbidden"},
		{"delete organization as admin", "ada", "DELETE", api + "/orgs/{acme}", "", 403, "forbidden"},
		{"delete organization as owner", "ann", "DELETE", api + "/orgs/{acme}", "", 204, ""},
		{"delete organization of others", "ann", "DELETE", api + "/orgs/{other}", "", 403, "forbidden"},
		{"seat usage", "ann", "GET", api + "/orgs/{acme}/seats", "", 200, ""},
		{"seat usage of others", "ann", "GET", api + "/orgs/{other}/seats", "", 403, "forbidden"},
		{"may I upload in Marketing", "bob", "GET", api + "/orgs/{acme}/permissions?workspace={ws}&permission=upload", "", 200, ""},
		{"may I at org scope", "bob", "GET", api + "/orgs/{acme}/permissions?permission=members.invite", "", 200, ""},
		{"may I with an unknown permission", "bob", "GET", api + "/orgs/{acme}/permissions?permission=fly", "", 400, "invalid_role"},
		{"may I in a workspace of others", "ann", "GET", api + "/orgs/{acme}/permissions?workspace={otherws}&permission=view", "", 404, "not_found"},
		{"may I in an organization of others", "ann", "GET", api + "/orgs/{other}/permissions", "", 403, "forbidden"},

		// Workspaces.
		{"list workspaces", "bob", "GET", api + "/orgs/{acme}/workspaces", "", 200, ""},
		{"list workspaces of others", "ann", "GET", api + "/orgs/{other}/workspaces", "", 403, "forbidden"},
		{"list workspaces with a bad limit", "ann", "GET", api + "/orgs/{acme}/workspaces?limit=-1", "", 400, "invalid_input"},
		{"list workspaces with a bad cursor", "ann", "GET", api + "/orgs/{acme}/workspaces?after=garbage", "", 400, "invalid_cursor"},
		{"create workspace", "ada", "POST", api + "/orgs/{acme}/workspaces", `{"name":"Sales"}`, 201, ""},
		{"create workspace as member", "bob", "POST", api + "/orgs/{acme}/workspaces", `{"name":"Sales"}`, 403, "forbidden"},
		{"create workspace with a taken name", "ann", "POST", api + "/orgs/{acme}/workspaces", `{"name":"Marketing"}`, 409, "conflict"},
		{"create workspace without name", "ann", "POST", api + "/orgs/{acme}/workspaces", `{"name":""}`, 400, "invalid_input"},
		{"get workspace", "bob", "GET", api + "/orgs/{acme}/workspaces/{ws}", "", 200, ""},
		{"get workspace of others", "ann", "GET", api + "/orgs/{acme}/workspaces/{otherws}", "", 404, "not_found"},
		{"rename workspace", "ada", "PATCH", api + "/orgs/{acme}/workspaces/{ws}", `{"name":"Brand"}`, 200, ""},
		{"rename workspace as member", "bob", "PATCH", api + "/orgs/{acme}/workspaces/{ws}", `{"name":"Brand"}`, 403, "forbidden"},
		{"rename workspace of others", "ann", "PATCH", api + "/orgs/{acme}/workspaces/{otherws}", `{"name":"Brand"}`, 404, "not_found"},
		{"delete workspace", "ann", "DELETE", api + "/orgs/{acme}/workspaces/{ws}", "", 204, ""},
		{"delete workspace as member", "bob", "DELETE", api + "/orgs/{acme}/workspaces/{ws}", "", 403, "forbidden"},
		{"delete workspace of others", "ann", "DELETE", api + "/orgs/{acme}/workspaces/{otherws}", "", 404, "not_found"},
		{"workspace members", "ann", "GET", api + "/orgs/{acme}/workspaces/{ws}/members", "", 200, ""},
		{"workspace members as guest", "gus", "GET", api + "/orgs/{acme}/workspaces/{ws}/members", "", 403, "forbidden"},
		{"workspace members of others", "ann", "GET", api + "/orgs/{acme}/workspaces/{otherws}/members", "", 404, "not_found"},

		// Members.
		{"list members", "ada", "GET", api + "/orgs/{acme}/members?role=member&q=bo&active=true", "", 200, ""},
		{"list members as guest", "gus", "GET", api + "/orgs/{acme}/members", "", 403, "forbidden"},
		{"list members of others", "ann", "GET", api + "/orgs/{other}/members", "", 403, "forbidden"},
		{"list members with an unknown role", "ann", "GET", api + "/orgs/{acme}/members?role=king", "", 400, "invalid_role"},
		{"list members with a bad flag", "ann", "GET", api + "/orgs/{acme}/members?licensed=maybe", "", 400, "invalid_input"},
		{"get member", "ada", "GET", api + "/orgs/{acme}/members/bob", "", 200, ""},
		{"get myself as guest", "gus", "GET", api + "/orgs/{acme}/members/gus", "", 200, ""},
		{"get member of others", "ann", "GET", api + "/orgs/{acme}/members/oz", "", 404, "not_found"},
		{"change role", "ada", "PUT", api + "/orgs/{acme}/members/bob/role", `{"role":"admin"}`, 200, ""},
		{"change role above mine", "ada", "PUT", api + "/orgs/{acme}/members/bob/role", `{"role":"owner"}`, 403, "forbidden"},
		{"change role as member", "bob", "PUT", api + "/orgs/{acme}/members/ada/role", `{"role":"member"}`, 403, "forbidden"},
		{"change role to an unknown one", "ann", "PUT", api + "/orgs/{acme}/members/bob/role", `{"role":"king"}`, 400, "invalid_role"},
		{"demote the last owner", "ann", "PUT", api + "/orgs/{acme}/members/ann/role", `{"role":"admin"}`, 409, "last_owner"},
		{"change role of others", "ann", "PUT", api + "/orgs/{acme}/members/oz/role", `{"role":"admin"}`, 404, "not_found"},
		{"set grants", "ann", "PUT", api + "/orgs/{acme}/members/bob/grants", `{"grants":["billing.view"]}`, 200, ""},
		{"set unknown grants", "ann", "PUT", api + "/orgs/{acme}/members/bob/grants", `{"grants":["fly"]}`, 400, "invalid_role"},
		{"set grants as member", "bob", "PUT", api + "/orgs/{acme}/members/bob/grants", `{"grants":["billing.view"]}`, 403, "forbidden"},
		{"set grants of others", "ann", "PUT", api + "/orgs/{acme}/members/oz/grants", `{"grants":[]}`, 404, "not_found"},
		{"set SSO", "ann", "PUT", api + "/orgs/{acme}/members/bob/sso", `{"on":true}`, 200, ""},
		{"set SSO as member", "bob", "PUT", api + "/orgs/{acme}/members/bob/sso", `{"on":true}`, 403, "forbidden"},
		{"set kind", "ann", "PUT", api + "/orgs/{acme}/members/gus/kind", `{"kind":"coworker"}`, 200, ""},
		{"set an unknown kind", "ann", "PUT", api + "/orgs/{acme}/members/gus/kind", `{"kind":"alien"}`, 400, "invalid_input"},
		{"assign licence", "ann", "PUT", api + "/orgs/{acme}/members/bob/licence", "", 200, ""},
		{"assign licence as member", "bob", "PUT", api + "/orgs/{acme}/members/bob/licence", "", 403, "forbidden"},
		{"assign licence of others", "ann", "PUT", api + "/orgs/{acme}/members/oz/licence", "", 404, "not_found"},
		{"unassign licence", "ann", "DELETE", api + "/orgs/{acme}/members/bob/licence", "", 200, ""},
		{"deactivate", "ada", "POST", api + "/orgs/{acme}/members/bob/deactivate", "", 200, ""},
		{"deactivate the owner as admin", "ada", "POST", api + "/orgs/{acme}/members/ann/deactivate", "", 403, "forbidden"},
		{"deactivate of others", "ann", "POST", api + "/orgs/{acme}/members/oz/deactivate", "", 404, "not_found"},
		{"reactivate", "ada", "POST", api + "/orgs/{acme}/members/bob/reactivate", "", 200, ""},
		{"reactivate as member", "bob", "POST", api + "/orgs/{acme}/members/bob/reactivate", "", 403, "forbidden"},
		{"remove member", "ada", "DELETE", api + "/orgs/{acme}/members/bob", "", 204, ""},
		{"remove the owner as admin", "ada", "DELETE", api + "/orgs/{acme}/members/ann", "", 403, "forbidden"},
		{"remove member as member", "bob", "DELETE", api + "/orgs/{acme}/members/gus", "", 403, "forbidden"},
		{"remove member of others", "ann", "DELETE", api + "/orgs/{acme}/members/oz", "", 404, "not_found"},
		{"give workspace access", "ada", "PUT", api + "/orgs/{acme}/members/gus/workspaces/{ws}", `{"role":"viewer"}`, 200, ""},
		{"give workspace access as member", "bob", "PUT", api + "/orgs/{acme}/members/gus/workspaces/{ws}", `{"role":"viewer"}`, 403, "forbidden"},
		{"give access to a workspace of others", "ann", "PUT", api + "/orgs/{acme}/members/gus/workspaces/{otherws}", `{"role":"viewer"}`, 404, "not_found"},
		{"give an unknown workspace role", "ann", "PUT", api + "/orgs/{acme}/members/gus/workspaces/{ws}", `{"role":"king"}`, 400, "invalid_role"},
		{"take workspace access", "ada", "DELETE", api + "/orgs/{acme}/members/bob/workspaces/{ws}", "", 204, ""},
		{"take workspace access of others", "ann", "DELETE", api + "/orgs/{acme}/members/bob/workspaces/{otherws}", "", 404, "not_found"},
		{"bulk role change", "ann", "POST", api + "/orgs/{acme}/members/bulk-role", `{"changes":[{"user_id":"bob","role":"admin"},{"user_id":"ada","role":"member"}]}`, 200, ""},
		{"bulk role change with one above me", "ada", "POST", api + "/orgs/{acme}/members/bulk-role", `{"changes":[{"user_id":"bob","role":"admin"},{"user_id":"ann","role":"member"}]}`, 403, "forbidden"},
		{"bulk role change with one of others", "ann", "POST", api + "/orgs/{acme}/members/bulk-role", `{"changes":[{"user_id":"oz","role":"admin"}]}`, 404, "not_found"},
		{"bulk remove", "ann", "POST", api + "/orgs/{acme}/members/bulk-remove", `{"user_ids":["bob","gus"]}`, 204, ""},
		{"bulk remove as member", "bob", "POST", api + "/orgs/{acme}/members/bulk-remove", `{"user_ids":["gus"]}`, 403, "forbidden"},
		{"bulk remove with one of others", "ann", "POST", api + "/orgs/{acme}/members/bulk-remove", `{"user_ids":["bob","oz"]}`, 404, "not_found"},
		{"leave", "bob", "POST", api + "/orgs/{acme}/leave", "", 204, ""},
		{"leave as last owner", "ann", "POST", api + "/orgs/{acme}/leave", "", 409, "last_owner"},
		{"leave an organization of others", "ann", "POST", api + "/orgs/{other}/leave", "", 404, "not_found"},
		{"transfer ownership", "ann", "POST", api + "/orgs/{acme}/transfer-ownership", `{"user_id":"ada"}`, 204, ""},
		{"transfer ownership as admin", "ada", "POST", api + "/orgs/{acme}/transfer-ownership", `{"user_id":"bob"}`, 403, "forbidden"},
		{"transfer ownership to others", "ann", "POST", api + "/orgs/{acme}/transfer-ownership", `{"user_id":"oz"}`, 404, "not_found"},

		// Invitations.
		{"list invitations", "ada", "GET", api + "/orgs/{acme}/invitations", "", 200, ""},
		{"list past invitations", "ada", "GET", api + "/orgs/{acme}/invitations?status=past", "", 200, ""},
		{"list invitations with a bad status", "ada", "GET", api + "/orgs/{acme}/invitations?status=maybe", "", 400, "invalid_input"},
		{"list invitations as guest", "gus", "GET", api + "/orgs/{acme}/invitations", "", 403, "forbidden"},
		{"list invitations of others", "ann", "GET", api + "/orgs/{other}/invitations", "", 403, "forbidden"},
		{"send a batch", "ada", "POST", api + "/orgs/{acme}/invitations", `{"emails":"dan@acme.com; Eli <eli@acme.com>","role":"member","workspaces":{"{ws}":"viewer"}}`, 201, ""},
		{"send a batch with bad entries", "ada", "POST", api + "/orgs/{acme}/invitations", `{"emails":"dan@acme,com, ok@acme.com, x@"}`, 400, "invalid_email"},
		{"send an empty batch", "ada", "POST", api + "/orgs/{acme}/invitations", `{"emails":"  "}`, 422, "empty_batch"},
		{"send a batch too large", "ada", "POST", api + "/orgs/{acme}/invitations", `{"emails":"a1@acme.com a2@acme.com a3@acme.com a4@acme.com a5@acme.com a6@acme.com a7@acme.com a8@acme.com a9@acme.com a10@acme.com a11@acme.com"}`, 422, "batch_too_large"},
		{"send a batch as guest", "gus", "POST", api + "/orgs/{acme}/invitations", `{"emails":"dan@acme.com"}`, 403, "forbidden"},
		{"send a batch giving owner as admin", "ada", "POST", api + "/orgs/{acme}/invitations", `{"emails":"dan@acme.com","role":"owner"}`, 403, "forbidden"},
		{"send a batch into a workspace of others", "ann", "POST", api + "/orgs/{acme}/invitations", `{"emails":"dan@acme.com","workspaces":{"{otherws}":"viewer"}}`, 404, "not_found"},
		{"send a batch with a bad workspace ID", "ann", "POST", api + "/orgs/{acme}/invitations", `{"emails":"dan@acme.com","workspaces":{"nope":"viewer"}}`, 400, "invalid_input"},
		{"get invitation", "ada", "GET", api + "/orgs/{acme}/invitations/{inv}", "", 200, ""},
		{"get invitation of others", "ann", "GET", api + "/orgs/{acme}/invitations/{otherinv}", "", 404, "not_found"},
		{"update invitation", "ann", "PATCH", api + "/orgs/{acme}/invitations/{inv}", `{"role":"admin","grants":["billing.view"],"workspaces":{"{ws}":"viewer"}}`, 200, ""},
		{"update invitation above me", "ada", "PATCH", api + "/orgs/{acme}/invitations/{inv}", `{"role":"owner"}`, 403, "forbidden"},
		{"update invitation of others", "ann", "PATCH", api + "/orgs/{acme}/invitations/{otherinv}", `{"role":"admin"}`, 404, "not_found"},
		{"resend invitation", "ada", "POST", api + "/orgs/{acme}/invitations/{inv}/resend", "", 200, ""},
		{"resend invitation as member", "bob", "POST", api + "/orgs/{acme}/invitations/{inv}/resend", "", 403, "forbidden"},
		{"resend invitation of others", "ann", "POST", api + "/orgs/{acme}/invitations/{otherinv}/resend", "", 404, "not_found"},
		{"copy invitation URL", "ann", "POST", api + "/orgs/{acme}/invitations/{inv}/url", "", 200, ""},
		{"copy invitation URL as guest", "gus", "POST", api + "/orgs/{acme}/invitations/{inv}/url", "", 403, "forbidden"},
		{"copy invitation URL of others", "ann", "POST", api + "/orgs/{acme}/invitations/{otherinv}/url", "", 404, "not_found"},
		{"revoke invitation", "ada", "DELETE", api + "/orgs/{acme}/invitations/{inv}", "", 204, ""},
		{"revoke invitation as member", "bob", "DELETE", api + "/orgs/{acme}/invitations/{inv}", "", 403, "forbidden"},
		{"revoke invitation of others", "ann", "DELETE", api + "/orgs/{acme}/invitations/{otherinv}", "", 404, "not_found"},
		{"preview", "carl", "POST", api + "/invitations/preview", `{"token":"{carltok}"}`, 200, ""},
		{"preview a mistyped token", "carl", "POST", api + "/invitations/preview", `{"token":"rsti_nope"}`, 404, "invalid_token"},
		{"accept", "carl", "POST", api + "/invitations/accept", `{"token":"{carltok}"}`, 200, ""},
		{"accept for another address", "eve", "POST", api + "/invitations/accept", `{"token":"{carltok}"}`, 403, "email_mismatch"},
		{"accept needs a user", "", "POST", api + "/invitations/accept", `{"token":"{carltok}"}`, 401, "unauthenticated"},
		{"decline", "carl", "POST", api + "/invitations/decline", `{"token":"{carltok}"}`, 204, ""},
		{"decline for another address", "eve", "POST", api + "/invitations/decline", `{"token":"{carltok}"}`, 403, "email_mismatch"},

		// Links.
		{"list links", "ada", "GET", api + "/orgs/{acme}/links", "", 200, ""},
		{"list links of others", "ann", "GET", api + "/orgs/{other}/links", "", 403, "forbidden"},
		{"create link", "ada", "POST", api + "/orgs/{acme}/links", `{"role":"member","max_uses":5,"allowed_domains":["acme.com"]}`, 201, ""},
		{"create link as guest", "gus", "POST", api + "/orgs/{acme}/links", `{}`, 403, "forbidden"},
		{"create link with bad uses", "ann", "POST", api + "/orgs/{acme}/links", `{"max_uses":-1}`, 400, "invalid_input"},
		{"get link", "ada", "GET", api + "/orgs/{acme}/links/{link}", "", 200, ""},
		{"get link of others", "ann", "GET", api + "/orgs/{acme}/links/{otherlink}", "", 404, "not_found"},
		{"regenerate link", "ann", "POST", api + "/orgs/{acme}/links/{link}/regenerate", "", 200, ""},
		{"regenerate link of others", "ann", "POST", api + "/orgs/{acme}/links/{otherlink}/regenerate", "", 404, "not_found"},
		{"copy link URL", "ann", "POST", api + "/orgs/{acme}/links/{link}/url", "", 200, ""},
		{"copy link URL of others", "ann", "POST", api + "/orgs/{acme}/links/{otherlink}/url", "", 404, "not_found"},
		{"revoke link", "ada", "DELETE", api + "/orgs/{acme}/links/{link}", "", 204, ""},
		{"revoke link as member", "bob", "DELETE", api + "/orgs/{acme}/links/{link}", "", 403, "forbidden"},
		{"revoke link of others", "ann", "DELETE", api + "/orgs/{acme}/links/{otherlink}", "", 404, "not_found"},

		// Audit.
		{"audit", "ann", "GET", api + "/orgs/{acme}/audit?action=member.added", "", 200, ""},
		{"audit as member", "bob", "GET", api + "/orgs/{acme}/audit", "", 403, "forbidden"},
		{"audit of others", "ann", "GET", api + "/orgs/{other}/audit", "", 403, "forbidden"},

		// Anything else.
		{"unknown endpoint", "ann", "GET", api + "/nothing", "", 404, "not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			w := f.call(t, c.user, c.method, c.path, c.body)
			require.Equal(t, c.status, w.Code, w.Body.String())
			require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
			if c.code != "" {
				p := problemOf(t, w)
				require.Equal(t, c.code, p.Code)
				require.Equal(t, http.StatusText(c.status), p.Title)
			} else if c.status != http.StatusNoContent {
				require.Equal(t, "application/json", w.Header().Get("Content-Type"))
			}
		})
	}
}
