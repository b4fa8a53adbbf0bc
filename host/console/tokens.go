package console

import (
	"net/http"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/apiclient"
)

// tokensData is the API tokens page. It reads and shows the API's own
// types (api.TokenRecord, api.CreatedToken), so the page and the API
// cannot disagree on a field.
type tokensData struct {
	Tokens []api.TokenRecord
	Err    string
	// Created is the token just made, its secret shown this once.
	Created *api.CreatedToken
	Roles   []string
}

func (c *Console) tokensPage(w http.ResponseWriter, r *http.Request, s *session) {
	if !c.routeTable().has(apiclient.RouteGetTokens) {
		http.Redirect(w, r, "/s/tokens", http.StatusSeeOther)
		return
	}
	d := tokensData{Roles: []string{api.RoleAuditor.String(), api.RoleOperator.String(), api.RoleAdmin.String()}}
	tokens, a := typed(c.client(r, s).GetTokens(r.Context()))
	if a.Status == http.StatusForbidden {
		c.refuse(w, r, s, a.Status, a.Err)
		return
	}
	if a.ok() {
		d.Tokens = tokens
	} else {
		d.Err = a.Err
	}
	if f := c.sessions.peekFlash(s); f != nil {
		if ct, ok := f.Outcome.(*api.CreatedToken); ok {
			d.Created = ct
		}
	}
	c.render(w, http.StatusOK, "tokens", c.newPage(s, "tokens", "API tokens", d))
}

// createToken makes a token and redirects to the page that shows its
// secret once; the secret is never logged, and it leaves the session with
// that page.
func (c *Console) createToken(w http.ResponseWriter, r *http.Request, s *session) {
	req := map[string]string{"name": strings.TrimSpace(r.PostFormValue("name")), "role": r.PostFormValue("role")}
	a := c.api.call(r.Context(), r, s.token, apiclient.RoutePostTokens, nil, req)
	if !a.ok() {
		c.done(w, r, s, a, "", "/tokens")
		return
	}
	var ct api.CreatedToken
	if err := a.decode(&ct); err != nil {
		c.done(w, r, s, answer{Status: http.StatusBadGateway, Err: err.Error()}, "", "/tokens")
		return
	}
	c.sessions.setFlash(s, &flash{OK: true, Message: "Created the token " + ct.Name + ". Copy its secret now: it is shown only this once.", Outcome: &ct})
	http.Redirect(w, r, "/tokens#created", http.StatusSeeOther)
}

func (c *Console) revokeToken(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := done(c.client(r, s).DeleteTokensID(r.Context(), id))
	c.done(w, r, s, a, "Revoked the token "+id+": it no longer signs anything in, and its console sessions end.", "/tokens")
}
