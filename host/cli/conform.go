package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/app"
	"github.com/idbridge/idbridge/host/pluginhost"
	"github.com/idbridge/idbridge/host/runtimes"
	"github.com/idbridge/idbridge/marketplace/ext"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/connectortest"
)

// conformOptions are the command line of `plugin conform`.
type conformOptions struct {
	appURL         string
	baseURLSetting string
	sets           []string
	secrets        []string
	samples        string
	timeout        time.Duration
	verbose        bool
}

// ErrConformFailed says that a connector did not pass the conformance kit;
// the failing checks were printed above it.
var ErrConformFailed = errors.New("the connector failed the conformance kit: fix the checks reported above and run it again")

// newPluginConformCmd runs the SDK's conformance kit against a connector
// command in any language, so that an author writing Python or TypeScript
// gets the same verdict as a Go author running the kit from go test. It
// runs locally against the author's test server and needs no host.
// See decision 0241.
func newPluginConformCmd(g *Globals) *cobra.Command {
	var o conformOptions
	cmd := &cobra.Command{
		Use:   "conform PATH --app-url URL [--set KEY=VALUE...] [--secret KEY=@FILE...] [--samples FILE]",
		Short: "Run the conformance kit against a connector executable, in any language",
		Long: `Launches the connector at PATH exactly as the host does (go-plugin handshake,
pinned sha256, mutual TLS) and runs the conformance kit against it, with the
app's test server at --app-url: Describe is well formed, every endpoint fetches,
every webhook invokes with the samples, app errors map to the right kinds,
5xx answers are retried, custom endpoints on other hosts are refused, and the
declared rate limit never lets a 429 through. PATH is an executable (a binary,
or a script whose first line names its interpreter), or an extension folder
whose manifest.json names a runtime and its entry script: the script then runs
on the interpreter the host would choose.

Webhooks change the test server's state: start a fresh one for each run.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return conform(cmd.Context(), g, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.appURL, "app-url", "", "base URL of the app's test server (required)")
	f.StringVar(&o.baseURLSetting, "base-url-setting", "", "the setting that holds the base URL; default: the connector's one URL setting")
	f.StringArrayVar(&o.sets, "set", nil, "setting KEY=VALUE for the test server, e.g. tenant=acme (repeatable)")
	f.StringArrayVar(&o.secrets, "secret", nil, "secret setting KEY=@FILE or KEY=- for stdin, e.g. the test server's API key (repeatable)")
	f.StringVar(&o.samples, "samples", "", `JSON file of macro values per webhook: {"add-user": {"email": "a@example.com"}}`)
	f.DurationVar(&o.timeout, "timeout", 60*time.Second, "how long one call may take")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "list every check as it runs and show the connector's log")
	_ = cmd.MarkFlagRequired("app-url")
	return cmd
}

func conform(ctx context.Context, g *Globals, path string, o conformOptions) error {
	usage := func(err error) error { return &ExitError{Code: ExitUsage, Err: err} }
	settings, err := keyValues(o.sets, false)
	if err != nil {
		return err
	}
	secrets, err := keyValues(o.secrets, true)
	if err != nil {
		return err
	}
	for k, v := range secrets {
		settings[k] = v
	}
	samples := map[string]map[string]string{}
	if o.samples != "" {
		raw, err := os.ReadFile(o.samples)
		if err != nil {
			return usage(fmt.Errorf("--samples: %w", err))
		}
		if err := json.Unmarshal(raw, &samples); err != nil {
			return usage(fmt.Errorf("--samples %s: not a JSON object of webhook ids to macro values: %w", o.samples, err))
		}
	}
	target, err := connectorTarget(ctx, path)
	if err != nil {
		return usage(err)
	}

	log := hclog.NewNullLogger()
	if o.verbose {
		log = app.NewLogger(g.Err, false, "debug")
	}
	sup := pluginhost.NewSupervisor(pluginhost.Config{Logger: log, StartTimeout: o.timeout, CrashLoopAfter: 3})
	defer sup.Shutdown(context.WithoutCancel(ctx))
	h, err := sup.Add("conform", target)
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, o.timeout)
	d, err := h.Describe(dctx, &connectorv1.DescribeRequest{})
	cancel()
	if err != nil {
		return fmt.Errorf("describe %s: %w", path, err)
	}
	key := o.baseURLSetting
	if key == "" {
		if key, err = urlSetting(d); err != nil {
			return usage(err)
		}
	}
	settings[key] = o.appURL

	cfg := connectortest.Config{
		Settings:       settings,
		BaseURLSetting: key,
		Samples:        samples,
		Timeout:        o.timeout,
	}
	fmt.Fprintf(g.Out, "Conformance of %s (%s %s) against %s\n", d.GetInfo().GetName(), d.GetInfo().GetId(), d.GetInfo().GetVersion(), o.appURL)
	if !connectortest.Check(cfg, h, g.Out, o.verbose) {
		return ErrConformFailed
	}
	_, err = fmt.Fprintf(g.Out, "PASS: %s conforms to connector protocol v%d\n", d.GetInfo().GetId(), d.GetProtocolVersion())
	return err
}

// connectorTarget is what `plugin describe` and `plugin conform` launch for
// PATH: an executable, or an extension folder whose manifest.json names a runtime and its entry
// script (run on the interpreter the host would choose) or this
// platform's binary.
func connectorTarget(ctx context.Context, path string) (pluginhost.Plugin, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return pluginhost.Plugin{}, err
	}
	p := pluginhost.Plugin{Name: filepath.Base(abs), Path: abs}
	if st, err := os.Stat(abs); err == nil && st.IsDir() {
		raw, err := os.ReadFile(filepath.Join(abs, ext.ManifestName))
		if err != nil {
			return p, fmt.Errorf("%s is a folder without %s: give the connector's executable or its extension folder", path, ext.ManifestName)
		}
		var m ext.Manifest
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return p, fmt.Errorf("%s: %w", filepath.Join(path, ext.ManifestName), err)
		}
		switch {
		case m.Runtime != nil:
			in, err := (&runtimes.Finder{}).Find(ctx, *m.Runtime)
			if err != nil {
				return p, err
			}
			p.Name, p.Path, p.Dir, p.Interpreter = m.ID, filepath.Join(abs, filepath.FromSlash(m.Runtime.Entry)), abs, in.Command()
		case m.Platforms[ext.HostPlatform()].Path != "":
			p.Name, p.Path = m.ID, filepath.Join(abs, filepath.FromSlash(m.Platforms[ext.HostPlatform()].Path))
		default:
			return p, fmt.Errorf("%s names neither a runtime nor a binary for %s", filepath.Join(path, ext.ManifestName), ext.HostPlatform())
		}
	}
	if p.SHA256, err = pluginhost.FileSHA256(p.Path); err != nil {
		return p, fmt.Errorf("read the connector: %w", err)
	}
	return p, nil
}

// urlSetting finds the connector's base URL setting: its one URL setting.
func urlSetting(d *connectorv1.DescribeResponse) (string, error) {
	var keys []string
	for _, s := range d.GetSettings() {
		if s.GetType() == connectorv1.SettingType_SETTING_TYPE_URL {
			keys = append(keys, s.GetKey())
		}
	}
	if len(keys) != 1 {
		return "", fmt.Errorf("the connector declares %d URL settings %v: name the base URL one with --base-url-setting", len(keys), keys)
	}
	return keys[0], nil
}
