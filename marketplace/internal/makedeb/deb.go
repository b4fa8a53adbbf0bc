package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
)

// options are what one package build needs; every field is required.
type options struct {
	Config, Target, Version, Arch, Stage string
}

// errMissingOption: a required flag was left out.
var errMissingOption = errors.New("-target, -version, -arch and -stage are required")

// build writes the Debian package described by o.Config to o.Target. A
// failed build removes the partial file, so a stale or broken package is
// never left where the check would install it.
func build(o options) (err error) {
	if o.Target == "" || o.Version == "" || o.Arch == "" || o.Stage == "" {
		return errMissingOption
	}
	vars := map[string]string{"VERSION": o.Version, "ARCH": o.Arch, "STAGE": o.Stage}
	cfg, err := nfpm.ParseFileWithEnvMapping(o.Config, func(name string) string { return vars[name] })
	if err != nil {
		return fmt.Errorf("read %s: %w", o.Config, err)
	}
	info, err := cfg.Get("deb")
	if err != nil {
		return fmt.Errorf("%s: %w", o.Config, err)
	}
	// deb.Package validates the description and lays out its contents.
	info = nfpm.WithDefaults(info)
	info.Target = o.Target
	f, err := os.Create(o.Target)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(o.Target)
		}
	}()
	if err := deb.Default.Package(info, f); err != nil {
		return fmt.Errorf("package %s: %w", o.Target, err)
	}
	return nil
}
