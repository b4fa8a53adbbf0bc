// Package extensions is the host's extension manager: it installs .ext
// archives from a file, a URL or a configured catalog, keeps the record of
// what is installed, upgrades and uninstalls, and tells the plugin
// supervisor which binary to run and which hash to pin.
//
// Layout under the data folder:
//
//	extensions/
//	  .staging/<random>/       unpacking happens here, never elsewhere
//	  <id>/<version>-<random>/ one folder per installed release
//
// An install fetches the archive into staging and unpacks it there,
// verifying the signature and every hash, without holding the manager's
// lock (decision 0184); then, under the lock, it checks the current
// record (already installed, downgrade, and the publisher and key the
// extension is pinned to, decision 0180), renames the staging folder to
// its versioned name (atomic on one file system), and only then replaces
// the extension's record in the store, which is the pointer everything
// else follows. Until that record is
// written the previous release keeps running; if anything fails the new
// folder is removed. Folders no record points to are swept when the
// manager starts.
package extensions
