package extensions

import "errors"

// Refusals of the manager itself; the archive's own refusals come from
// marketplace/ext and are passed through wrapped.
var (
	// ErrNotInstalled: the extension id is not installed.
	ErrNotInstalled = errors.New("extension is not installed: the list of installed extensions shows what is")
	// ErrAlreadyInstalled: Install of an id that is installed.
	ErrAlreadyInstalled = errors.New("extension is already installed: use `idbridge ext upgrade` to change its version")
	// ErrDowngrade: Upgrade to an older (or the same) version without AllowDowngrade.
	ErrDowngrade = errors.New("refusing to downgrade or reinstall: pass --allow-downgrade if that is what you want")
	// ErrIDMismatch: Upgrade with an archive of another extension.
	ErrIDMismatch = errors.New("the archive is a different extension than the one being upgraded")
	// ErrInUse: Uninstall while an enabled integration uses the extension.
	ErrInUse = errors.New("extension is used by enabled integrations: disable them first, or pass --force")
	// ErrNoSource: an install request names no file, URL or catalog name.
	ErrNoSource = errors.New("say where to install from: a file, a URL, or a name from a catalog")
	// ErrInvalidCatalog: a catalog name or location cannot be used.
	ErrInvalidCatalog = errors.New("invalid catalog")
	// ErrPublisherChanged: an upgrade comes from another publisher than
	// the one the installed extension is pinned to.
	ErrPublisherChanged = errors.New("refusing to replace an extension with one from another publisher")
	// ErrSignerChanged: an upgrade is signed by another key than the
	// pinned one, and no rotation signed by the pinned key leads to it.
	ErrSignerChanged = errors.New("refusing to replace an extension with one signed by another key")
	// ErrNotAsked: the archive a catalog served is not the extension,
	// version or publisher the catalog listed or the admin asked for.
	ErrNotAsked = errors.New("the catalog served another extension than the one asked for")
	// ErrDownload: a URL or catalog download failed: an error status, no
	// answer, a stalled transfer, or more bytes than the limit.
	ErrDownload = errors.New("the download failed")
	// ErrCatalogUnavailable: no configured catalog could be read.
	ErrCatalogUnavailable = errors.New("no configured catalog could be read")
	// ErrUploadStalled: an uploaded archive stopped arriving.
	ErrUploadStalled = errors.New("the upload stalled: nothing arrived for too long; send it again")
	// ErrFilesChanged: an installed file no longer has its recorded hash.
	ErrFilesChanged = errors.New("installed files were changed on disk since they were installed: uninstall and install the extension again")
	// ErrStoredArchive: the archive another host kept in the shared store
	// is missing or is not the release its record describes, so this host
	// refuses to unpack it. See decision 0237.
	ErrStoredArchive = errors.New("the extension's archive in the shared store cannot be used on this host: upgrade or reinstall the extension through any host")
)
