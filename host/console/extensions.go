package console

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The shapes below mirror the API's JSON; the console decodes answers
// into them rather than importing the services, so it depends on the
// contract clients see and on nothing else.

type extensionSummary struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Version      string `json:"version"`
	Publisher    string `json:"publisher"`
	Signature    string `json:"signature"`
	KeyID        string `json:"key_id"`
	Integrations []struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Enabled bool   `json:"enabled"`
	} `json:"integrations"`
}

type catalogEntry struct {
	Name     string    `json:"name"`
	Location string    `json:"location"`
	Added    time.Time `json:"added"`
}

type availableExtension struct {
	Catalog     string `json:"catalog"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	Publisher   string `json:"publisher"`
	Description string `json:"description"`
	Versions    []struct {
		Version   string   `json:"version"`
		KeyID     string   `json:"key_id"`
		Platforms []string `json:"platforms"`
	} `json:"versions"`
	// Installed is the installed version, filled by the page.
	Installed string `json:"-"`
}

type trustedKey struct {
	KeyID string    `json:"key_id"`
	Name  string    `json:"name"`
	Added time.Time `json:"added"`
}

// extensionsData is the Marketplace page.
type extensionsData struct {
	Installed    []extensionSummary
	InstalledErr string
	Catalogs     []catalogEntry
	Available    []availableExtension
	BrowseErr    string
	Keys         []trustedKey
	// Can* say which controls the role and the route table allow.
	CanInstall, CanUninstall, CanUpgrade, CanCatalogs, CanKeys bool
}

func (c *Console) extensionsPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has("GET", "/v1/extensions") {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "extensions", "Marketplace", "the extension manager"))
		return
	}
	role := s.principal.Role
	d := extensionsData{
		CanInstall:   rt.allows(role, "POST", "/v1/extensions") || rt.allows(role, "POST", "/v1/extensions/archive"),
		CanUninstall: rt.allows(role, "DELETE", "/v1/extensions/{id}"),
		CanUpgrade:   rt.allows(role, "POST", "/v1/extensions/{id}/upgrade"),
		CanCatalogs:  rt.allows(role, "POST", "/v1/catalogs"),
		CanKeys:      rt.allows(role, "POST", "/v1/extension-keys"),
	}
	ctx := r.Context()
	if a := c.api.call(ctx, r, s.token, "GET", "/v1/extensions", nil, ""); a.ok() {
		_ = a.decode(&d.Installed)
	} else {
		d.InstalledErr = a.Err
	}
	if a := c.api.call(ctx, r, s.token, "GET", "/v1/catalogs", nil, ""); a.ok() {
		_ = a.decode(&d.Catalogs)
	}
	if len(d.Catalogs) > 0 {
		if a := c.api.call(ctx, r, s.token, "GET", "/v1/catalogs/extensions", nil, ""); a.ok() {
			_ = a.decode(&d.Available)
		} else {
			d.BrowseErr = a.Err
		}
	}
	installed := map[string]string{}
	for _, e := range d.Installed {
		installed[e.ID] = e.Version
	}
	for i := range d.Available {
		d.Available[i].Installed = installed[d.Available[i].ID]
	}
	if a := c.api.call(ctx, r, s.token, "GET", "/v1/extension-keys", nil, ""); a.ok() {
		_ = a.decode(&d.Keys)
	}
	c.render(w, http.StatusOK, "extensions", c.newPage(s, "extensions", "Marketplace", d))
}

func (c *Console) installFromCatalog(w http.ResponseWriter, r *http.Request, s *session) {
	body := map[string]string{"name": r.PostFormValue("name")}
	if v := r.PostFormValue("version"); v != "" {
		body["version"] = v
	}
	a := c.api.callJSON(r.Context(), r, s.token, "POST", "/v1/extensions", body)
	c.done(w, r, s, a, "Installed "+r.PostFormValue("name")+".", "/extensions")
}

// installUpload streams an uploaded .ext to the API without holding it in
// memory. The form's first part must be the CSRF token, which browsers
// send first because it comes first in the form.
func (c *Console) installUpload(w http.ResponseWriter, r *http.Request, s *session) {
	mr, err := r.MultipartReader()
	if err != nil {
		c.refuse(w, r, s, http.StatusBadRequest, "Choose an .ext file to upload.")
		return
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != csrfField {
		c.refuse(w, r, s, http.StatusForbidden, "The form's security token is missing or out of date. Reload the page and try again.")
		return
	}
	tok, _ := io.ReadAll(io.LimitReader(part, 256))
	r.Header.Set(csrfHeader, string(tok))
	if !validCSRF(r, s.csrf) {
		c.refuse(w, r, s, http.StatusForbidden, "The form's security token is missing or out of date. Reload the page and try again.")
		return
	}
	for {
		part, err = mr.NextPart()
		if err != nil {
			msg := "Choose an .ext file to upload."
			if !errors.Is(err, io.EOF) {
				msg = "The upload was cut short: " + err.Error()
			}
			c.refuse(w, r, s, http.StatusBadRequest, msg)
			return
		}
		if part.FormName() == "archive" && part.FileName() != "" {
			break
		}
	}
	name := part.FileName()
	a := c.api.call(r.Context(), r, s.token, "POST", "/v1/extensions/archive", part, "application/octet-stream")
	c.done(w, r, s, a, "Installed "+name+".", "/extensions")
}

func (c *Console) upgradeExtension(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.api.callJSON(r.Context(), r, s.token, "POST", "/v1/extensions/"+url.PathEscape(id)+"/upgrade", map[string]any{})
	c.done(w, r, s, a, "Upgraded "+id+".", "/extensions")
}

func (c *Console) uninstallExtension(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	q := url.Values{}
	if r.PostFormValue("force") == "on" {
		q.Set("force", "true")
	}
	path := "/v1/extensions/" + url.PathEscape(id)
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	a := c.api.call(r.Context(), r, s.token, "DELETE", path, nil, "")
	c.done(w, r, s, a, "Uninstalled "+id+"; the integrations' configuration is kept.", "/extensions")
}

func (c *Console) addCatalog(w http.ResponseWriter, r *http.Request, s *session) {
	body := map[string]string{"name": strings.TrimSpace(r.PostFormValue("name")), "location": strings.TrimSpace(r.PostFormValue("location"))}
	if k := strings.TrimSpace(r.PostFormValue("public_key")); k != "" {
		body["public_key"] = k + "\n"
	}
	a := c.api.callJSON(r.Context(), r, s.token, "POST", "/v1/catalogs", body)
	c.done(w, r, s, a, "Added catalog "+body["name"]+".", "/extensions")
}

func (c *Console) removeCatalog(w http.ResponseWriter, r *http.Request, s *session) {
	name := r.PathValue("name")
	a := c.api.call(r.Context(), r, s.token, "DELETE", "/v1/catalogs/"+url.PathEscape(name), nil, "")
	c.done(w, r, s, a, "Removed catalog "+name+".", "/extensions")
}

func (c *Console) trustKey(w http.ResponseWriter, r *http.Request, s *session) {
	body := map[string]string{"name": strings.TrimSpace(r.PostFormValue("name")), "public_key": strings.TrimSpace(r.PostFormValue("public_key")) + "\n"}
	a := c.api.callJSON(r.Context(), r, s.token, "POST", "/v1/extension-keys", body)
	c.done(w, r, s, a, "Trusted key "+body["name"]+".", "/extensions")
}
