package cli

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/store/postgres"
)

func init() { register(newServeCmd) }

// serveFlags are the command line of `idbridge serve`.
type serveFlags struct {
	data, listen, level string
	logJSON             bool
	catalogs            []string
	hostnames           []string
	demoDir             bool
	demoDirListen       string
	dirURL, dirBind     string
	dirPasswordFile     string
	dirBase, dirCA      string
	dirPlain            bool
	watchInterval       time.Duration
	watchMode           string
	noConsole           bool
	secureCookies       bool
	tlsCert, tlsKey     string
	journalRetention    time.Duration
	storeURL            string
	storePasswordFile   string
}

// newServeCmd runs the long-lived host. It stops gracefully on SIGINT and
// SIGTERM: the listener closes, running API calls finish, the watcher and
// the engine's workers stop (actions in flight stay leased in the queue and
// resume at the next start), then every plugin exits.
func newServeCmd(g *Globals) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the idbridge host (API, console, plugins, automations)",
		Long: `Run the idbridge host until SIGINT or SIGTERM.

On first start the host writes an admin API token to DATA/admin.token (mode
0600) and a master key to DATA/master.key (unless IDBRIDGE_MASTER_KEY is set);
export the token as IDBRIDGE_TOKEN for the other commands.

The directory is given with --directory-url, --directory-bind,
--directory-password-file, --directory-base and --directory-ca, or with the
environment variables IDBRIDGE_DIRECTORY_URL, _BIND, _PASSWORD_FILE, _BASE and
_CA. --demo-directory runs the embedded demo directory instead. Without a
directory the host serves extensions, integrations and inbound endpoints only.

Endpoints: /v1/ (REST API, OpenAPI at /v1/openapi.json), / (web console),
/healthz, /readyz, /metrics (Prometheus; no token on a loopback listener,
an auditor token otherwise).

With --tls-cert and --tls-key (or IDBRIDGE_TLS_CERT and IDBRIDGE_TLS_KEY) the
host serves HTTPS (TLS 1.2 or later) and its console cookies are Secure; the key
file must be readable by its owner only. The files are read at start: restart
the host after renewing the certificate. Without them the host serves plain
HTTP, and warns when it listens beyond loopback.

By default the host keeps its state in DATA/idbridge.db (SQLite). With
--store postgres://USER@HOST:PORT/DATABASE (or IDBRIDGE_STORE) it keeps it in
PostgreSQL instead, and any number of hosts, each with its own data folder and
the same master key, share it: see "Running several hosts" in the admin guide.
The database password comes from --store-password-file
(IDBRIDGE_STORE_PASSWORD_FILE) or PostgreSQL's own PGPASSWORD or ~/.pgpass,
never from the URL.`,
		Example: `  idbridge serve --data /var/lib/idbridge --demo-directory
  idbridge serve --data ./data --listen 0.0.0.0:8443 \
      --tls-cert /etc/idbridge/tls.crt --tls-key /etc/idbridge/tls.key
  idbridge serve --data ./data --store postgres://idbridge@db1.example.com:5432/idbridge \
      --store-password-file /etc/idbridge/db-password --directory-url ldaps://dc1.example.com ...
  idbridge serve --data ./data --directory-url ldaps://dc1.example.com \
      --directory-bind svc-idbridge@EXAMPLE.COM --directory-password-file /run/secrets/ad \
      --catalog https://extensions.example.com/catalog.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := f.options(g)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			opts.Logger = app.NewLogger(g.Err, f.logJSON, f.level)
			a, err := app.New(ctx, opts)
			if err != nil {
				return err
			}
			if err := a.Run(ctx); err != nil && ctx.Err() == nil {
				a.Close()
				return &ExitError{Code: ExitUnavailable, Err: err}
			}
			return nil // stopped by a signal: a clean stop
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "data folder (env IDBRIDGE_DATA, default ./idbridge-data)")
	fl.StringVar(&f.listen, "listen", app.DefaultListen, "API address; keep it on loopback unless TLS is on (--tls-cert) or a TLS proxy fronts it")
	fl.StringVar(&f.level, "log-level", "info", "log level: trace, debug, info, warn or error")
	fl.BoolVar(&f.logJSON, "log-json", false, "log one JSON object per line")
	fl.StringArrayVar(&f.catalogs, "catalog", nil, "extension catalog to configure, URL or NAME=URL (repeatable)")
	fl.StringArrayVar(&f.hostnames, "hostname", nil, "a name clients reach the host by, besides its listen address and localhost; /metrics without a token answers only these (repeatable)")
	fl.BoolVar(&f.demoDir, "demo-directory", false, "run the embedded demo directory (seeded users, OUs, groups) and use it")
	fl.StringVar(&f.demoDirListen, "demo-directory-listen", "", "address of the embedded demo directory (default: a free loopback port)")
	fl.StringVar(&f.dirURL, "directory-url", "", "directory URL, ldaps://host or ldap://host (StartTLS) (env IDBRIDGE_DIRECTORY_URL)")
	fl.StringVar(&f.dirBind, "directory-bind", "", "service account DN or user@REALM (env IDBRIDGE_DIRECTORY_BIND)")
	fl.StringVar(&f.dirPasswordFile, "directory-password-file", "", "file holding the service account's password (env IDBRIDGE_DIRECTORY_PASSWORD_FILE)")
	fl.StringVar(&f.dirBase, "directory-base", "", "base DN searched (env IDBRIDGE_DIRECTORY_BASE; default: the naming context)")
	fl.StringVar(&f.dirCA, "directory-ca", "", "PEM file of the CA that signed the directory's certificate (env IDBRIDGE_DIRECTORY_CA)")
	fl.BoolVar(&f.dirPlain, "directory-plaintext", false, "do not encrypt an ldap:// connection (test directories only)")
	fl.DurationVar(&f.watchInterval, "watch-interval", 0, "time between polls of the directory for changes (default 2s)")
	fl.StringVar(&f.watchMode, "watch", app.WatchPoll, "how directory changes are found: poll (uSNChanged on AD, entryCSN/modifyTimestamp elsewhere), dirsync (AD's DirSync control; needs Replicating Directory Changes) or off (no change events; schedules and apply-now still run)")
	fl.BoolVar(&f.noConsole, "no-console", false, "serve the API without the web console")
	fl.BoolVar(&f.secureCookies, "secure-cookies", false, "mark console cookies Secure on plain HTTP, when a TLS proxy sits in front (implied by --tls-cert)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate chain; needs --tls-key (env IDBRIDGE_TLS_CERT)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "PEM private key of --tls-cert, readable by its owner only (env IDBRIDGE_TLS_KEY)")
	fl.StringVar(&f.storeURL, "store", "", "shared PostgreSQL store, postgres://USER@HOST:PORT/DATABASE without password (env IDBRIDGE_STORE; default: SQLite in the data folder)")
	fl.StringVar(&f.storePasswordFile, "store-password-file", "", "file holding the --store role's password (env IDBRIDGE_STORE_PASSWORD_FILE; default: PGPASSWORD or ~/.pgpass)")
	app.AddJournalRetentionFlag(fl, &f.journalRetention)
	_ = cmd.MarkFlagDirname("data")
	_ = cmd.MarkFlagFilename("directory-password-file")
	_ = cmd.MarkFlagFilename("store-password-file")
	_ = cmd.MarkFlagFilename("directory-ca", "pem", "crt")
	_ = cmd.MarkFlagFilename("tls-cert", "pem", "crt")
	_ = cmd.MarkFlagFilename("tls-key", "pem", "key")
	return cmd
}

// options turns the flags and environment into the host's options.
func (f *serveFlags) options(g *Globals) (app.Options, error) {
	env := func(v *string, name string) {
		if *v == "" {
			*v = g.Env(name)
		}
	}
	env(&f.data, "IDBRIDGE_DATA")
	if f.data == "" {
		f.data = "idbridge-data"
	}
	env(&f.dirURL, "IDBRIDGE_DIRECTORY_URL")
	env(&f.dirBind, "IDBRIDGE_DIRECTORY_BIND")
	env(&f.dirPasswordFile, "IDBRIDGE_DIRECTORY_PASSWORD_FILE")
	env(&f.dirBase, "IDBRIDGE_DIRECTORY_BASE")
	env(&f.dirCA, "IDBRIDGE_DIRECTORY_CA")
	env(&f.tlsCert, "IDBRIDGE_TLS_CERT")
	env(&f.tlsKey, "IDBRIDGE_TLS_KEY")
	env(&f.storeURL, "IDBRIDGE_STORE")
	env(&f.storePasswordFile, "IDBRIDGE_STORE_PASSWORD_FILE")
	if f.storeURL != "" && !postgres.IsURL(f.storeURL) {
		return app.Options{}, fmt.Errorf("--store %q: want postgres://USER@HOST:PORT/DATABASE (leave it out to keep the store in the data folder)", f.storeURL)
	}
	if f.storePasswordFile != "" && f.storeURL == "" {
		return app.Options{}, errors.New("--store-password-file needs --store postgres://USER@HOST:PORT/DATABASE")
	}
	opts := app.Options{DataDir: f.data, StoreURL: f.storeURL, StorePasswordFile: f.storePasswordFile, Listen: f.listen, Catalogs: f.catalogs, Hostnames: f.hostnames, DemoDirectory: f.demoDir,
		DemoDirectoryListen: f.demoDirListen, WatchInterval: f.watchInterval, WatchMode: f.watchMode, NoConsole: f.noConsole, SecureCookies: f.secureCookies, Getenv: g.Env}
	opts.Engine.JournalRetention = f.journalRetention
	if f.tlsCert != "" || f.tlsKey != "" {
		cfg, err := app.LoadTLS(f.tlsCert, f.tlsKey)
		if err != nil {
			return opts, err
		}
		opts.TLS = cfg
	}
	if f.dirURL == "" {
		return opts, nil
	}
	if f.demoDir {
		return opts, fmt.Errorf("--demo-directory and --directory-url exclude each other: choose one directory")
	}
	cfg := &directory.Config{URL: f.dirURL, BindDN: f.dirBind, BaseDN: f.dirBase, PlainText: f.dirPlain}
	if f.dirPasswordFile == "" {
		return opts, fmt.Errorf("--directory-url needs --directory-password-file (or IDBRIDGE_DIRECTORY_PASSWORD_FILE): the password is never taken on the command line")
	}
	raw, err := os.ReadFile(f.dirPasswordFile)
	if err != nil {
		return opts, fmt.Errorf("read --directory-password-file: %w", err)
	}
	cfg.Password = strings.TrimRight(string(raw), "\r\n")
	if f.dirCA != "" {
		pem, err := os.ReadFile(f.dirCA)
		if err != nil {
			return opts, fmt.Errorf("read --directory-ca: %w", err)
		}
		cfg.CAPEM = string(pem)
	}
	opts.Directory = cfg
	return opts, nil
}
