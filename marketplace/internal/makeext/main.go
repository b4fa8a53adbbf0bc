// Command makeext is what `make ext` runs, once per shipped extension: it
// builds the connector named by -id (clockify by default) for every shipped
// platform and writes dist/ID-VERSION.ext, signed with the development key
// under .data/ (created on first use, never committed).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/marketplace/extbuild"
)

func main() {
	var opts extbuild.Options
	var platforms string
	flag.StringVar(&opts.ModuleRoot, "root", ".", "repository root")
	flag.StringVar(&opts.ID, "id", "clockify", "extension id (names the packaging template)")
	flag.StringVar(&opts.Version, "version", "", "release version (default: the VERSION file)")
	flag.StringVar(&opts.OutDir, "out", "", "output folder (default: dist)")
	flag.StringVar(&opts.KeyPath, "key", "", "private signing key (default: .data/marketplace-dev.key, created if missing)")
	flag.StringVar(&opts.LDFlags, "ldflags", "", "flags for go build -ldflags")
	flag.StringVar(&platforms, "platforms", strings.Join(extbuild.DefaultPlatforms, ","), "comma-separated os/arch list")
	flag.Parse()
	opts.Platforms = strings.Split(platforms, ",")
	if opts.Version == "" {
		raw, err := os.ReadFile(opts.ModuleRoot + "/VERSION")
		if err != nil {
			fmt.Fprintln(os.Stderr, "makeext: no -version and no VERSION file:", err)
			os.Exit(2)
		}
		opts.Version = strings.TrimSpace(string(raw))
	}
	opts.Logger = hclog.New(&hclog.LoggerOptions{Name: "make-ext", Output: os.Stderr, Level: hclog.Info})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := extbuild.Build(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "makeext:", err)
		os.Exit(1)
	}
	fmt.Printf("%s (key %s; trust %s.pub on hosts that install it)\n", res.Path, res.KeyID, res.KeyPath)
}
