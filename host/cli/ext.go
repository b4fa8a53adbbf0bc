package cli

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/extbuild"
)

func init() { register(newExtCmd) }

// DefaultDevKey is where `idbridge ext keygen` and `make ext` keep the
// development signing key: inside the git-ignored .data folder.
const DefaultDevKey = ".data/marketplace-dev.key"

// newExtCmd groups the extension commands. install, list, show, upgrade,
// uninstall and trust talk to the host's API; pack, sign and keygen are
// publisher tools that work on local files only.
func newExtCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "ext", Short: "Install and manage extensions; pack and sign them"}
	cmd.AddCommand(extInstallCmd(g), extListCmd(g), extShowCmd(g), extUpgradeCmd(g), extUninstallCmd(g),
		extTrustCmd(g), extAllowPublisherCmd(g), extPackCmd(g), extSignCmd(g), extKeygenCmd(g))
	return cmd
}

// sourceFor turns the SOURCE argument into an API source: an existing
// local file is uploaded, an http(s) URL is fetched by the host, anything
// else is a name looked up in the host's catalogs.
func sourceFor(arg, ver string, onHost bool) (extensions.Source, string, error) {
	switch {
	case onHost:
		return extensions.Source{File: arg}, "", nil
	case strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://"):
		return extensions.Source{URL: arg}, "", nil
	}
	if st, err := os.Stat(arg); err == nil && st.Mode().IsRegular() {
		return extensions.Source{}, arg, nil
	}
	if strings.HasSuffix(arg, ".ext") || strings.ContainsAny(arg, `/\`) {
		return extensions.Source{}, "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: no such file (to install by name from a catalog, give the extension id)", arg)}
	}
	return extensions.Source{Name: arg, Version: ver}, "", nil
}

func extInstallCmd(g *Globals) *cobra.Command {
	var ver string
	var onHost bool
	c := &cobra.Command{
		Use:   "install FILE|URL|NAME",
		Short: "Install an extension from a local .ext file, a URL, or by name from the host's catalogs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, upload, err := sourceFor(args[0], ver, onHost)
			if err != nil {
				return err
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			var rec extensions.Record
			if upload != "" {
				rec, err = uploadArchive(cmd.Context(), c, (*apiclient.Client).PostExtensionsArchive, upload)
			} else {
				stop := c.bars.spinner("downloading and installing " + args[0])
				rec, err = c.PostExtensions(cmd.Context(), src)
				stop()
			}
			if err != nil {
				return err
			}
			return g.Print(rec, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Installed %s %s from %s (signature: %s).\n", rec.ID, rec.Version, rec.Publisher, signatureText(rec.Signature, rec.KeyID))
				return err
			})
		},
	}
	c.Flags().StringVar(&ver, "version", "", "version to install from the catalogs (default: the newest that fits the host)")
	c.Flags().BoolVar(&onHost, "on-host", false, "FILE is a path on the host machine rather than a file to upload")
	return c
}

func extListCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List installed extensions",
		Args:  cobra.NoArgs,
		RunE: showing(g, list((*apiclient.Client).GetExtensions), func(w io.Writer, list []extensions.Summary) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tVERSION\tPUBLISHER\tSIGNATURE\tINTEGRATIONS")
			for _, s := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Version, s.Publisher, signatureText(s.Signature, s.KeyID), usageText(s.Integrations))
			}
			return tw.Flush()
		}),
	}
}

// runtimeModules lists the modules an interpreted connector needs.
func runtimeModules(rt *ext.Runtime) string {
	if len(rt.Modules) == 0 {
		return ""
	}
	names := make([]string, 0, len(rt.Modules))
	for _, m := range rt.Modules {
		names = append(names, m.Name)
	}
	return " with " + strings.Join(names, ", ")
}

func extShowCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show an installed extension",
		Args:  cobra.ExactArgs(1),
		RunE: showing(g, one((*apiclient.Client).GetExtensionsID), func(w io.Writer, d extensions.Details) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "ID:\t%s\nName:\t%s\nVersion:\t%s\nPublisher:\t%s\nDescription:\t%s\n", d.ID, d.Name, d.Version, d.Publisher, d.Description)
			fmt.Fprintf(tw, "Signature:\t%s\nProtocols:\t%v\nHost versions:\t%s\nOutbound hosts:\t%s\n", signatureText(d.Signature, d.KeyID), d.ProtocolVersions, d.HostVersion, strings.Join(d.OutboundHosts, ", "))
			if rt := d.Runtime; rt != nil {
				fmt.Fprintf(tw, "Runtime:\t%s %s or later%s\nEntry script:\t%s (sha256 %s)\n", rt.Name, rt.MinVersion, runtimeModules(rt), d.Binary.Path, d.Binary.SHA256)
			} else {
				fmt.Fprintf(tw, "Platform:\t%s\nBinary:\t%s (sha256 %s)\n", d.Platform, d.Binary.Path, d.Binary.SHA256)
			}
			fmt.Fprintf(tw, "Installed:\t%s from %s\nIntegrations:\t%s\n", d.Installed.Format("2006-01-02 15:04"), d.Source, usageText(d.Integrations))
			return tw.Flush()
		}),
	}
}

func extUpgradeCmd(g *Globals) *cobra.Command {
	var ver string
	var onHost, allow bool
	c := &cobra.Command{
		Use:   "upgrade ID [FILE|URL]",
		Short: "Upgrade an installed extension, from the catalogs by default; integrations keep their configuration",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			opts := extensions.UpgradeOptions{AllowDowngrade: allow}
			upload := ""
			if len(args) == 2 {
				var err error
				if opts.Source, upload, err = sourceFor(args[1], ver, onHost); err != nil {
					return err
				}
			} else if ver != "" {
				opts.Source = extensions.Source{Name: id, Version: ver}
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			var rec extensions.Record
			if upload != "" {
				rec, err = uploadArchive(cmd.Context(), c, func(c *apiclient.Client, ctx context.Context, o ...apiclient.Option) (extensions.Record, error) {
					return c.PostExtensionsIDUpgradeArchive(ctx, id, append(o, apiclient.Query(url.Values{"allow_downgrade": {fmt.Sprint(allow)}}))...)
				}, upload)
			} else {
				rec, err = c.PostExtensionsIDUpgrade(cmd.Context(), id, opts)
			}
			if err != nil {
				return err
			}
			return g.Print(rec, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "%s is now at %s (signature: %s).\n", rec.ID, rec.Version, signatureText(rec.Signature, rec.KeyID))
				return err
			})
		},
	}
	c.Flags().StringVar(&ver, "version", "", "version to take from the catalogs (default: the newest that fits the host)")
	c.Flags().BoolVar(&onHost, "on-host", false, "FILE is a path on the host machine rather than a file to upload")
	c.Flags().BoolVar(&allow, "allow-downgrade", false, "permit an older or the same version")
	return c
}

func extUninstallCmd(g *Globals) *cobra.Command {
	var force, purge bool
	c := &cobra.Command{
		Use:   "uninstall ID",
		Short: "Uninstall an extension; integrations keep their configuration unless --purge",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			q := url.Values{}
			if force {
				q.Set("force", "true")
			}
			if purge {
				q.Set("purge", "true")
			}
			if err := c.DeleteExtensionsID(cmd.Context(), args[0], apiclient.Query(q)); err != nil {
				return err
			}
			return g.Print(map[string]any{"uninstalled": args[0], "purged": purge}, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Uninstalled %s.\n", args[0])
				return err
			})
		},
	}
	c.Flags().BoolVar(&force, "force", false, "uninstall even while enabled integrations use it")
	c.Flags().BoolVar(&purge, "purge", false, "also delete the configuration of the integrations using it")
	return c
}

func extTrustCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "trust", Short: "Manage the public keys trusted to sign extensions (admin)"}
	var name string
	add := &cobra.Command{
		Use:   "add PUBLIC_KEY_FILE",
		Short: "Trust a signing key (the .pub file the marketplace publishes)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pem, err := os.ReadFile(args[0])
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			c, err := g.Client()
			if err != nil {
				return err
			}
			k, err := c.PostExtensionKeys(cmd.Context(), extensions.TrustKeyRequest{Name: name, PublicKey: string(pem)})
			if err != nil {
				return err
			}
			return g.Print(k, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Trusting key %s (%s).\n", k.KeyID, k.Name)
				return err
			})
		},
	}
	add.Flags().StringVar(&name, "name", "", "label for the key, e.g. the marketplace it belongs to")
	cmd.AddCommand(add, &cobra.Command{
		Use:   "list",
		Short: "List trusted signing keys",
		Args:  cobra.NoArgs,
		RunE: showing(g, list((*apiclient.Client).GetExtensionKeys), func(w io.Writer, keys []extensions.TrustedKey) error {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY ID\tNAME\tADDED")
			for _, k := range keys {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", k.KeyID, k.Name, k.Added.Format("2006-01-02 15:04"))
			}
			return tw.Flush()
		}),
	}, &cobra.Command{
		Use:   "remove KEY_ID",
		Short: "Stop trusting a signing key",
		Args:  cobra.ExactArgs(1),
		RunE: removing(g, "removed", removeOne((*apiclient.Client).DeleteExtensionKeysKeyID), func(args []string) string {
			return fmt.Sprintf("No longer trusting key %s.", args[0])
		}),
	})
	return cmd
}

func extAllowPublisherCmd(g *Globals) *cobra.Command {
	var revoke bool
	c := &cobra.Command{
		Use:   "allow-publisher PUBLISHER",
		Short: "Allow unsigned or untrusted extensions from one publisher (connector development only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Client()
			if err != nil {
				return err
			}
			if revoke {
				err = c.DeleteExtensionPublishersPublisher(cmd.Context(), args[0])
			} else {
				err = c.PutExtensionPublishersPublisher(cmd.Context(), args[0])
			}
			if err != nil {
				return err
			}
			return g.Print(map[string]any{"publisher": args[0], "allowed": !revoke}, func(w io.Writer) error {
				if revoke {
					_, err := fmt.Fprintf(w, "Extensions from %s need a trusted signature again.\n", args[0])
					return err
				}
				_, err := fmt.Fprintf(w, "Unsigned and untrusted extensions from %s are now accepted.\n", args[0])
				return err
			})
		},
	}
	c.Flags().BoolVar(&revoke, "revoke", false, "withdraw the allowance")
	return c
}

func extPackCmd(g *Globals) *cobra.Command {
	var out, key string
	var skipDescribe bool
	c := &cobra.Command{
		Use:   "pack DIR -o FILE.ext",
		Short: "Pack a folder (manifest.json, binaries, README, icon) into an .ext; works locally",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The binary for this machine is run and must describe the
			// manifest's id, version and protocol (decision 0204).
			opts := ext.PackOptions{Describe: extbuild.Describe}
			if skipDescribe {
				opts.Describe = nil
			}
			if key != "" {
				k, err := ext.ReadPrivateKeyFile(key)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				opts.Key = k
			}
			m, err := ext.PackFile(cmd.Context(), args[0], out, opts)
			if err != nil {
				return err
			}
			return g.Print(m, func(w io.Writer) error {
				state := "unsigned; sign it with `idbridge ext sign`"
				if key != "" {
					state = "signed"
				}
				runs := fmt.Sprintf("for %d platforms", len(m.Platforms))
				if m.Runtime != nil {
					runs = fmt.Sprintf("on %s %s or later", m.Runtime.Name, m.Runtime.MinVersion)
				}
				_, err := fmt.Fprintf(w, "Wrote %s: %s %s %s (%s).\n", out, m.ID, m.Version, runs, state)
				return err
			})
		},
	}
	c.Flags().StringVar(&out, "out", "", "the .ext file to write (also accepted as -o FILE.ext)")
	c.Flags().StringVar(&key, "key", "", "sign with this private key in the same step")
	c.Flags().BoolVar(&skipDescribe, "skip-describe", false, "do not run this platform's binary to compare its Describe with the manifest (the host still compares at first launch)")
	// -o is the global --output flag; for pack a value other than text or
	// json is the archive to write, so the documented `pack DIR -o FILE.ext`
	// works. This hook replaces the root's, so it resolves the globals too.
	c.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if g.Output != OutputText && g.Output != OutputJSON {
			if out != "" {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("give the archive once: -o %s or --out %s", g.Output, out)}
			}
			out, g.Output = g.Output, OutputText
		}
		if out == "" {
			return &ExitError{Code: ExitUsage, Err: errors.New("say where to write the archive: -o FILE.ext")}
		}
		return g.resolve(cmd)
	}
	return c
}

func extSignCmd(g *Globals) *cobra.Command {
	var key string
	var previous []string
	c := &cobra.Command{
		Use:   "sign FILE.ext --key KEY [--previous-key OLD_KEY]...",
		Short: "Sign an .ext with a private key, replacing any signature; works locally",
		Long: `Sign an .ext with a private key, replacing any signature.

Hosts pin an installed extension to the key that signed it. After moving to a
new key, sign with --key NEW and --previous-key OLD (oldest first when there
were several changes): the old key endorses the new one inside manifest.sig, so
hosts that pinned the old key accept the upgrade.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := ext.ReadPrivateKeyFile(key)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			var rotations []ext.KeyRotation
			chain := []ed25519.PrivateKey{}
			for _, p := range previous {
				old, err := ext.ReadPrivateKeyFile(p)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				chain = append(chain, old)
			}
			for i, old := range chain {
				next := k.Public().(ed25519.PublicKey)
				if i+1 < len(chain) {
					next = chain[i+1].Public().(ed25519.PublicKey)
				}
				rotations = append(rotations, ext.EndorseKey(old, next))
			}
			sig, err := ext.SignFile(cmd.Context(), args[0], k, rotations...)
			if err != nil {
				return err
			}
			return g.Print(map[string]string{"file": args[0], "key_id": sig.KeyID}, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Signed %s with key %s.\n", args[0], sig.KeyID)
				return err
			})
		},
	}
	c.Flags().StringVar(&key, "key", "", "the private signing key (PEM)")
	c.Flags().StringArrayVar(&previous, "previous-key", nil, "a key this one replaces, to endorse the new key for hosts that pinned it (repeat, oldest first)")
	_ = c.MarkFlagRequired("key")
	return c
}

func extKeygenCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "keygen [KEY_FILE]",
		Short: "Create an ed25519 signing key pair (KEY_FILE and KEY_FILE.pub); default " + DefaultDevKey,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := DefaultDevKey
			if len(args) == 1 {
				p = args[0]
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return err
			}
			k, err := ext.GenerateKey()
			if err != nil {
				return err
			}
			if err := ext.WriteKeyPair(p, k); err != nil {
				return &ExitError{Code: ExitConflict, Err: err}
			}
			id := ext.KeyID(k.Public().(ed25519.PublicKey))
			return g.Print(map[string]string{"private_key": p, "public_key": p + ".pub", "key_id": id}, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Wrote %s (keep it private) and %s (key %s): hosts trust it with `idbridge ext trust add %s.pub`.\n", p, p+".pub", id, p)
				return err
			})
		},
	}
}

// uploadArchive sends a local .ext as the body of an archive route, with
// a progress bar on a terminal.
func uploadArchive(ctx context.Context, c *Client, send func(*apiclient.Client, context.Context, ...apiclient.Option) (extensions.Record, error), file string) (extensions.Record, error) {
	f, err := os.Open(file)
	if err != nil {
		return extensions.Record{}, &ExitError{Code: ExitUsage, Err: err}
	}
	defer f.Close()
	var body io.Reader = f
	if st, err := f.Stat(); err == nil {
		var done func()
		body, done = c.bars.reader(f, st.Size(), "uploading "+filepath.Base(file))
		defer done()
	}
	return send(c.Client, ctx, apiclient.Body(body, "application/zip"))
}

func signatureText(s ext.SignatureStatus, keyID string) string {
	if keyID == "" {
		return string(s)
	}
	return string(s) + " (" + keyID + ")"
}

func usageText(uses []extensions.Usage) string {
	if len(uses) == 0 {
		return "-"
	}
	parts := make([]string, len(uses))
	for i, u := range uses {
		state := "disabled"
		if u.Enabled {
			state = "enabled"
		}
		parts[i] = u.Name + " (" + state + ")"
	}
	return strings.Join(parts, ", ")
}

// errNoCatalogs is shown when the host has no catalog yet.
var errNoCatalogs = errors.New("no catalog is configured on the host: add one with `idbridge marketplace add NAME URL --key KEY.pub`")
