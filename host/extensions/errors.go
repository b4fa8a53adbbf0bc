package extensions

import "errors"

// Refusals of the manager itself; the archive's own refusals come from
// marketplace/ext and are passed through wrapped.
var (
	// ErrNotInstalled: the extension id is not installed.
	ErrNotInstalled = errors.New("extension is not installed: `idbridge ext list` shows what is")
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
	// ErrFilesChanged: an installed file no longer has its recorded hash.
	ErrFilesChanged = errors.New("installed files were changed on disk since they were installed: uninstall and install the extension again")
)
