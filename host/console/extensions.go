package console

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/extensions"
)

// availableExtension is an extension a catalog offers, with the version
// installed here, if any. The page reads the API's own types through the
// typed client (decision 0266).
type availableExtension struct {
	extensions.Available
	// Installed is the installed version, filled by the page.
	Installed string
}

// extensionsData is the Marketplace page.
type extensionsData struct {
	Installed    []extensions.Summary
	InstalledErr string
	Catalogs     []extensions.Catalog
	Available    []availableExtension
	BrowseErr    string
	Keys         []extensions.TrustedKey
	// Can* say which controls the role and the route table allow.
	CanInstall, CanUninstall, CanUpgrade, CanCatalogs, CanKeys bool
}

func (c *Console) extensionsPage(w http.ResponseWriter, r *http.Request, s *session) {
	rt := c.routeTable()
	if !rt.has(apiclient.RouteGetExtensions) {
		c.render(w, http.StatusOK, "unavailable", c.newPage(s, "extensions", "Marketplace", "the extension manager"))
		return
	}
	role := s.principal.Role
	d := extensionsData{
		CanInstall:   rt.allows(role, apiclient.RoutePostExtensions) || rt.allows(role, apiclient.RoutePostExtensionsArchive),
		CanUninstall: rt.allows(role, apiclient.RouteDeleteExtensionsID),
		CanUpgrade:   rt.allows(role, apiclient.RoutePostExtensionsIDUpgrade),
		CanCatalogs:  rt.allows(role, apiclient.RoutePostCatalogs),
		CanKeys:      rt.allows(role, apiclient.RoutePostExtensionKeys),
	}
	ctx, cl := r.Context(), c.client(r, s)
	var a answer
	if d.Installed, a = typed(cl.GetExtensions(ctx)); !a.ok() {
		d.InstalledErr = a.Err
	}
	d.Catalogs, _ = typed(cl.GetCatalogs(ctx))
	if len(d.Catalogs) > 0 {
		offered, a := typed(cl.GetCatalogsExtensions(ctx))
		if !a.ok() {
			d.BrowseErr = a.Err
		}
		for _, e := range offered {
			d.Available = append(d.Available, availableExtension{Available: e})
		}
	}
	installed := map[string]string{}
	for _, e := range d.Installed {
		installed[e.ID] = e.Version
	}
	for i := range d.Available {
		d.Available[i].Installed = installed[d.Available[i].ID]
	}
	d.Keys, _ = typed(cl.GetExtensionKeys(ctx))
	c.render(w, http.StatusOK, "extensions", c.newPage(s, "extensions", "Marketplace", d))
}

func (c *Console) installFromCatalog(w http.ResponseWriter, r *http.Request, s *session) {
	src := extensions.Source{Name: r.PostFormValue("name"), Version: r.PostFormValue("version")}
	_, a := typed(c.client(r, s).PostExtensions(r.Context(), src))
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
	_, a := typed(c.client(r, s).PostExtensionsArchive(r.Context(), apiclient.Body(part, "application/octet-stream")))
	c.done(w, r, s, a, "Installed "+name+".", "/extensions")
}

func (c *Console) upgradeExtension(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	_, a := typed(c.client(r, s).PostExtensionsIDUpgrade(r.Context(), id, extensions.UpgradeOptions{}))
	c.done(w, r, s, a, "Upgraded "+id+".", "/extensions")
}

func (c *Console) uninstallExtension(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	q := url.Values{}
	if r.PostFormValue("force") == "on" {
		q.Set("force", "true")
	}
	a := done(c.client(r, s).DeleteExtensionsID(r.Context(), id, apiclient.Query(q)))
	c.done(w, r, s, a, "Uninstalled "+id+"; the integrations' configuration is kept.", "/extensions")
}

func (c *Console) addCatalog(w http.ResponseWriter, r *http.Request, s *session) {
	req := extensions.AddCatalogRequest{Name: strings.TrimSpace(r.PostFormValue("name")), Location: strings.TrimSpace(r.PostFormValue("location"))}
	if k := strings.TrimSpace(r.PostFormValue("public_key")); k != "" {
		req.PublicKey = k + "\n"
	}
	_, a := typed(c.client(r, s).PostCatalogs(r.Context(), req))
	c.done(w, r, s, a, "Added catalog "+req.Name+".", "/extensions")
}

func (c *Console) removeCatalog(w http.ResponseWriter, r *http.Request, s *session) {
	name := r.PathValue("name")
	a := done(c.client(r, s).DeleteCatalogsName(r.Context(), name))
	c.done(w, r, s, a, "Removed catalog "+name+".", "/extensions")
}

func (c *Console) trustKey(w http.ResponseWriter, r *http.Request, s *session) {
	req := extensions.TrustKeyRequest{Name: strings.TrimSpace(r.PostFormValue("name")), PublicKey: strings.TrimSpace(r.PostFormValue("public_key")) + "\n"}
	_, a := typed(c.client(r, s).PostExtensionKeys(r.Context(), req))
	c.done(w, r, s, a, "Trusted key "+req.Name+".", "/extensions")
}
