package extensions

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/runtimes"
	"github.com/idbridge/idbridge/marketplace/catalog"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/templates"
)

// TrustKeyRequest is the body of POST /v1/extension-keys.
type TrustKeyRequest struct {
	// Name labels the key, e.g. the marketplace it belongs to.
	Name string `json:"name"`
	// PublicKey is the PEM "PUBLIC KEY" block.
	PublicKey string `json:"public_key"`
}

// AddCatalogRequest is the body of POST /v1/catalogs.
type AddCatalogRequest struct {
	// Name labels the catalog.
	Name string `json:"name"`
	// Location is an http(s) URL, a file:// URL or a folder path on the host.
	Location string `json:"location"`
	// PublicKey, when set, is trusted too: the catalog's marketplace signs
	// what it publishes with the matching private key.
	PublicKey string `json:"public_key,omitempty"`
}

// AddCatalogResponse answers POST /v1/catalogs.
type AddCatalogResponse struct {
	Catalog
	// Key is the trusted key added with the catalog, if any.
	Key *TrustedKey `json:"key,omitempty"`
}

// Available is one extension offered by the configured catalogs.
type Available struct {
	// Catalog is the location it was found in.
	Catalog string `json:"catalog"`
	catalog.Extension
}

// Routes are the extension manager's API operations: reading is open to
// auditors, everything that changes what runs on the host needs an admin.
func (m *Manager) Routes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Pattern: "/v1/extensions", MinRole: api.RoleAuditor,
			Summary:  "List installed extensions with their signature status and the integrations using them",
			Response: []Summary{},
			Handler: func(c *api.Call) (any, error) {
				out, err := m.List(c.Context())
				return out, m.apiError(err)
			}},
		{Method: http.MethodGet, Pattern: "/v1/extensions/{id}", MinRole: api.RoleAuditor,
			Summary: "Show one installed extension", Response: Details{}, Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				out, err := m.Show(c.Context(), c.PathValue("id"))
				return out, m.apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/extensions", MinRole: api.RoleAdmin,
			Summary: "Install an extension from a file on the host, a URL, or by name from the configured catalogs",
			Request: Source{}, Response: Record{}, Status: http.StatusCreated, Errors: installErrors,
			Handler: func(c *api.Call) (any, error) {
				var src Source
				if err := c.Decode(&src); err != nil {
					return nil, err
				}
				rec, err := m.Install(c.Context(), src)
				if err != nil {
					return nil, m.apiError(err)
				}
				c.AuditChange(nil, rec)
				return api.Created(rec), nil
			}},
		{Method: http.MethodPost, Pattern: "/v1/extensions/archive", MinRole: api.RoleAdmin, BodyTimeout: uploadTimeout,
			Summary: "Install an uploaded .ext (the request body is the archive)", Response: Record{}, Status: http.StatusCreated,
			Errors: installErrors,
			Handler: func(c *api.Call) (any, error) {
				body, release, err := m.uploadBody(c)
				if err != nil {
					return nil, err
				}
				defer release()
				rec, err := m.Install(c.Context(), Source{Archive: body})
				if err != nil {
					return nil, m.apiError(err)
				}
				c.AuditChange(nil, rec)
				return api.Created(rec), nil
			}},
		{Method: http.MethodPost, Pattern: "/v1/extensions/{id}/upgrade", MinRole: api.RoleAdmin,
			Summary: "Upgrade an installed extension from a file, a URL or the catalogs (newest by default)", Errors: installErrors,
			Request: UpgradeOptions{}, Response: Record{},
			Handler: func(c *api.Call) (any, error) {
				var opts UpgradeOptions
				if err := c.Decode(&opts); err != nil {
					return nil, err
				}
				return m.upgradeCall(c, opts)
			}},
		{Method: http.MethodPost, Pattern: "/v1/extensions/{id}/upgrade/archive", MinRole: api.RoleAdmin, BodyTimeout: uploadTimeout,
			Summary: "Upgrade an installed extension with an uploaded .ext; ?allow_downgrade=true permits older versions", Errors: installErrors,
			Response: Record{},
			Handler: func(c *api.Call) (any, error) {
				allow, _ := strconv.ParseBool(c.Query("allow_downgrade"))
				body, release, err := m.uploadBody(c)
				if err != nil {
					return nil, err
				}
				defer release()
				return m.upgradeCall(c, UpgradeOptions{Source: Source{Archive: body}, AllowDowngrade: allow})
			}},
		{Method: http.MethodDelete, Pattern: "/v1/extensions/{id}", MinRole: api.RoleAdmin,
			Summary: "Uninstall an extension; ?force=true even while integrations use it, ?purge=true also deletes their configuration", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				force, _ := strconv.ParseBool(c.Query("force"))
				purge, _ := strconv.ParseBool(c.Query("purge"))
				before, _ := m.record(c.Context(), c.PathValue("id"))
				if err := m.Uninstall(c.Context(), c.PathValue("id"), UninstallOptions{Force: force, Purge: purge}); err != nil {
					return nil, m.apiError(err)
				}
				c.AuditChange(before, nil)
				return nil, nil
			}},
		{Method: http.MethodGet, Pattern: "/v1/extension-keys", MinRole: api.RoleAuditor,
			Summary: "List the public keys trusted to sign extensions", Response: []TrustedKey{},
			Handler: func(c *api.Call) (any, error) {
				out, err := m.TrustedKeys(c.Context())
				return out, m.apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/extension-keys", MinRole: api.RoleAdmin,
			Summary: "Trust a public key to sign extensions", Request: TrustKeyRequest{}, Response: TrustedKey{}, Status: http.StatusCreated,
			Handler: func(c *api.Call) (any, error) {
				var req TrustKeyRequest
				if err := c.Decode(&req); err != nil {
					return nil, err
				}
				k, err := m.TrustKey(c.Context(), req.Name, []byte(req.PublicKey))
				if err != nil {
					return nil, m.apiError(err)
				}
				c.AuditChange(nil, k)
				return api.Created(k), nil
			}},
		{Method: http.MethodDelete, Pattern: "/v1/extension-keys/{key_id}", MinRole: api.RoleAdmin,
			Summary: "Stop trusting a signing key", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				return nil, m.apiError(m.DistrustKey(c.Context(), c.PathValue("key_id")))
			}},
		{Method: http.MethodGet, Pattern: "/v1/extension-publishers", MinRole: api.RoleAuditor,
			Summary: "List publishers whose unsigned or untrusted extensions are allowed", Response: []AllowedPublisher{},
			Handler: func(c *api.Call) (any, error) {
				out, err := m.AllowedPublishers(c.Context())
				return out, m.apiError(err)
			}},
		{Method: http.MethodPut, Pattern: "/v1/extension-publishers/{publisher}", MinRole: api.RoleAdmin,
			Summary: "Allow unsigned or untrusted extensions from a publisher (for connector development)",
			Handler: func(c *api.Call) (any, error) {
				return nil, m.apiError(m.AllowPublisher(c.Context(), c.PathValue("publisher"), true))
			}},
		{Method: http.MethodDelete, Pattern: "/v1/extension-publishers/{publisher}", MinRole: api.RoleAdmin,
			Summary: "Withdraw a publisher's allowance", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				if err := m.publisherAllowed(c.Context(), c.PathValue("publisher")); err != nil {
					return nil, err
				}
				return nil, m.apiError(m.AllowPublisher(c.Context(), c.PathValue("publisher"), false))
			}},
		{Method: http.MethodGet, Pattern: "/v1/catalogs", MinRole: api.RoleAuditor,
			Summary: "List the configured extension catalogs", Response: []Catalog{},
			Handler: func(c *api.Call) (any, error) {
				out, err := m.Catalogs(c.Context())
				return out, m.apiError(err)
			}},
		{Method: http.MethodPost, Pattern: "/v1/catalogs", MinRole: api.RoleAdmin,
			Summary: "Configure an extension catalog, optionally trusting its signing key", Request: AddCatalogRequest{}, Response: AddCatalogResponse{}, Status: http.StatusCreated,
			Handler: func(c *api.Call) (any, error) {
				var req AddCatalogRequest
				if err := c.Decode(&req); err != nil {
					return nil, err
				}
				var out AddCatalogResponse
				if req.PublicKey != "" {
					k, err := m.TrustKey(c.Context(), "catalog "+req.Name, []byte(req.PublicKey))
					if err != nil {
						return nil, m.apiError(err)
					}
					out.Key = k
				}
				cat, err := m.AddCatalog(c.Context(), req.Name, req.Location)
				if err != nil {
					return nil, m.apiError(err)
				}
				out.Catalog = *cat
				c.AuditChange(nil, out)
				return api.Created(out), nil
			}},
		{Method: http.MethodDelete, Pattern: "/v1/catalogs/{name}", MinRole: api.RoleAdmin,
			Summary: "Forget an extension catalog", Errors: []int{http.StatusNotFound},
			Handler: func(c *api.Call) (any, error) {
				return nil, m.apiError(m.RemoveCatalog(c.Context(), c.PathValue("name")))
			}},
		{Method: http.MethodGet, Pattern: "/v1/catalogs/extensions", MinRole: api.RoleAuditor,
			Summary: "List the extensions the configured catalogs offer", Response: []Available{},
			Handler: func(c *api.Call) (any, error) {
				named, err := m.Browse(c.Context())
				if len(named) == 0 && err != nil {
					return nil, &api.Error{Status: http.StatusBadGateway, Code: "catalog_unavailable", Message: err.Error(), Err: err}
				}
				out := []Available{}
				for _, n := range named {
					for _, e := range n.Index.Extensions {
						out = append(out, Available{Catalog: n.Location, Extension: e})
					}
				}
				return out, nil
			}},
	}
}

func (m *Manager) upgradeCall(c *api.Call, opts UpgradeOptions) (any, error) {
	before, _ := m.record(c.Context(), c.PathValue("id"))
	rec, err := m.Upgrade(c.Context(), c.PathValue("id"), opts)
	if err != nil {
		return nil, m.apiError(err)
	}
	c.AuditChange(before, rec)
	return rec, nil
}

// installErrors are the statuses an install or upgrade answers itself:
// a wrong request or source (400), nothing to upgrade or not in a catalog
// (404), a stalled upload (408), already installed, a downgrade or a pin
// (409), too large (413), a refused archive (422), and a catalog or URL
// that failed or served something else (502).
var installErrors = []int{http.StatusBadRequest, http.StatusNotFound, http.StatusRequestTimeout, http.StatusConflict,
	http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusBadGateway}

// codeArchiveTooLarge is the one error code of every archive that is
// larger than this host accepts, however the size was found out.
const codeArchiveTooLarge = "archive_too_large"

// refusals are the archive problems, answered 422 with code
// "extension_refused": the request was understood, the archive is not
// acceptable.
var refusals = []error{
	ext.ErrEmptyArchive, ext.ErrNotZip, ext.ErrCorrupt, ext.ErrAbsolutePath,
	ext.ErrPathTraversal, ext.ErrUnsafePath, ext.ErrSymlink, ext.ErrHardlink, ext.ErrSpecialFile,
	ext.ErrDuplicateEntry, ext.ErrTooManyFiles, ext.ErrTooManyBytes, ext.ErrCompressionRatio,
	ext.ErrCompressionMethod, ext.ErrNoManifest, ext.ErrManifestTooLarge, ext.ErrInvalidManifest,
	ext.ErrInvalidSignatureFile, ext.ErrBadSignature, ext.ErrMissingFile, ext.ErrUnlistedFile,
	ext.ErrHashMismatch, ext.ErrSizeMismatch, ext.ErrUnsupportedProtocol, ext.ErrHostVersion,
	ext.ErrNoPlatform, ext.ErrDirectoryTooLarge, ext.ErrOverlappingEntries, ErrIDMismatch, templates.ErrInvalid,
}

// statusOf is each expected failure's HTTP status and stable code, the
// field clients (the CLI's exit code among them) branch on. Anything not
// listed is unexpected: a 500 whose details go to the log only. See
// decision 0185.
var statusOf = []struct {
	err    error
	status int
	code   string
}{
	{ErrNotInstalled, http.StatusNotFound, "not_installed"},
	{ErrAlreadyInstalled, http.StatusConflict, "already_installed"},
	{ErrDowngrade, http.StatusConflict, "downgrade_refused"},
	{ErrPublisherChanged, http.StatusConflict, "pinned_publisher"},
	{ErrSignerChanged, http.StatusConflict, "pinned_key"},
	{ErrInUse, http.StatusConflict, "in_use"},
	{ErrNoSource, http.StatusBadRequest, "invalid_request"},
	{ext.ErrInvalidKey, http.StatusBadRequest, "invalid_request"},
	{ErrInvalidCatalog, http.StatusBadRequest, "invalid_request"},
	{catalog.ErrBadRequest, http.StatusBadRequest, "invalid_request"},
	{ext.ErrNoSuchFile, http.StatusBadRequest, "invalid_source"},
	{ext.ErrNotRegularFile, http.StatusBadRequest, "invalid_source"},
	{ext.ErrFileNotReadable, http.StatusBadRequest, "invalid_source"},
	{ErrUploadStalled, http.StatusRequestTimeout, "upload_stalled"},
	{ext.ErrArchiveTooLarge, http.StatusRequestEntityTooLarge, codeArchiveTooLarge},
	{ext.ErrUnsigned, http.StatusUnprocessableEntity, "untrusted_extension"},
	{ext.ErrUntrustedKey, http.StatusUnprocessableEntity, "untrusted_extension"},
	{runtimes.ErrMissing, http.StatusUnprocessableEntity, "runtime_missing"},
	{catalog.ErrNotInCatalog, http.StatusNotFound, "not_in_catalog"},
	{ErrNotAsked, http.StatusBadGateway, "catalog_broken"},
	{catalog.ErrDownloadMismatch, http.StatusBadGateway, "catalog_broken"},
	{catalog.ErrNoIndex, http.StatusBadGateway, "catalog_broken"},
	{catalog.ErrBadIndex, http.StatusBadGateway, "catalog_broken"},
	{catalog.ErrBadDownloadPath, http.StatusBadGateway, "catalog_broken"},
	{ErrDownload, http.StatusBadGateway, "download_failed"},
	{ErrCatalogUnavailable, http.StatusBadGateway, "catalog_unavailable"},
}

// apiError gives the manager's errors their HTTP status and stable code;
// the message is the error's own text, which says what to do, with the
// data folder's location taken out: answers never show where the host
// keeps its files.
func (m *Manager) apiError(err error) error {
	if err == nil {
		return nil
	}
	mk := func(status int, code string) error {
		return &api.Error{Status: status, Code: code, Message: m.hidePaths(err.Error()), Err: err}
	}
	for _, s := range statusOf {
		if errors.Is(err, s.err) {
			return mk(s.status, s.code)
		}
	}
	for _, r := range refusals {
		if errors.Is(err, r) {
			return mk(http.StatusUnprocessableEntity, "extension_refused")
		}
	}
	return err
}

// hidePaths replaces the data folder's path in msg.
func (m *Manager) hidePaths(msg string) string {
	for _, p := range []string{m.root, m.cfg.DataDir} {
		if p != "" && p != "." {
			msg = strings.ReplaceAll(msg, p, "<data folder>")
		}
	}
	return msg
}

// uploadTimeout is how long a client has to upload an archive: the
// largest allowed archive over a slow link, not the half minute a JSON
// body gets.
const uploadTimeout = 10 * time.Minute
