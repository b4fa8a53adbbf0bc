package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/postgres"
	"github.com/idbridge/idbridge/host/store/storecopy"
)

func init() { register(newStoreCmd) }

// copyFlags are the command line of `idbridge store copy`.
type copyFlags struct {
	from, to, passwordFile string
}

// newStoreCmd groups the commands that work on a store directly, offline.
func newStoreCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "store", Short: "Work on a store directly (move an install to PostgreSQL)"}
	var f copyFlags
	cp := &cobra.Command{
		Use:   "copy --from DATA_FOLDER --to postgres://USER@HOST:PORT/DATABASE",
		Short: "Copy a stopped host's SQLite store into a PostgreSQL store",
		Long: `Copy everything a stopped host keeps in DATA_FOLDER/idbridge.db (configuration, integrations
with their sealed secrets, runs, the queue, the audit log) into a PostgreSQL store, so the
install can run on several hosts with serve --store.

Stop the host first: the command holds the data folder and refuses to run while a host has it.
Secrets are copied sealed, never opened; hosts on the new store need the data folder's master
key (master.key, or IDBRIDGE_MASTER_KEY), and the store records the key's id so a host with
another key is refused. The command can be run again: rows already copied are replaced by the
source's version or kept, never doubled. A target that holds another install's state is refused.

The database password comes from --to-password-file (or IDBRIDGE_STORE_PASSWORD_FILE), or
PGPASSWORD or ~/.pgpass, never from the URL.`,
		Example: `  idbridge store copy --from /var/lib/idbridge --to postgres://idbridge@db1.example.com:5432/idbridge \
      --to-password-file /etc/idbridge/db-password`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, g) },
	}
	fl := cp.Flags()
	fl.StringVar(&f.from, "from", "", "the stopped host's data folder")
	fl.StringVar(&f.to, "to", "", "the PostgreSQL store, postgres://USER@HOST:PORT/DATABASE without password")
	fl.StringVar(&f.passwordFile, "to-password-file", "", "file holding the --to role's password (env IDBRIDGE_STORE_PASSWORD_FILE)")
	_ = cp.MarkFlagDirname("from")
	_ = cp.MarkFlagFilename("to-password-file")
	cmd.AddCommand(cp)
	return cmd
}

// CopyResult is what `store copy` prints.
type CopyResult struct {
	// From is the data folder copied.
	From string `json:"from"`
	storecopy.Result
	// Next says what the admin does now.
	Next string `json:"next"`
}

func (f *copyFlags) run(cmd *cobra.Command, g *Globals) error {
	ctx := cmd.Context()
	if f.passwordFile == "" {
		f.passwordFile = g.Env("IDBRIDGE_STORE_PASSWORD_FILE")
	}
	if f.from == "" || f.to == "" {
		return &ExitError{Code: ExitUsage, Err: errors.New("store copy needs --from DATA_FOLDER and --to postgres://USER@HOST:PORT/DATABASE")}
	}
	if !postgres.IsURL(f.to) {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--to %q: want postgres://USER@HOST:PORT/DATABASE", f.to)}
	}
	// Hold the folder for the whole copy: a host starting half-way would
	// change what is being copied.
	folder, err := holdOfflineFolder(ctx, f.from, "--from", g.Env)
	if err != nil {
		return err
	}
	defer folder.release()
	log := hclog.New(&hclog.LoggerOptions{Name: "idbridge", Output: g.Err, Level: hclog.Warn})
	src, err := folder.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, f.to, postgres.Options{PasswordFile: f.passwordFile, Logger: log.Named("store")})
	if err != nil {
		return &ExitError{Code: ExitUnavailable, Err: err}
	}
	defer dst.Close()
	res, err := storecopy.Copy(ctx, src, dst, secrets.KeyID(folder.key))
	if err != nil {
		return err
	}
	out := &CopyResult{From: f.from, Result: *res,
		Next: "start the hosts with --store and this data folder's master key; keep this folder's host stopped, or start it with --store too"}
	return g.Print(out, func(w io.Writer) error {
		fmt.Fprintf(w, "Copied %s to the PostgreSQL store (master key id %s):\n", f.from, res.KeyID)
		for _, t := range []string{"docs", "runs", "run_entries", "actions", "audit"} {
			fmt.Fprintf(w, "  %-12s %d\n", t, res.Rows[t])
		}
		fmt.Fprintln(w, out.Next)
		return nil
	})
}
