// Command makedeb is what `make package` runs last: it reads the package's
// nfpm description (host/cmd/idbridge/package/nfpm.yaml) and writes the
// Debian package with nfpm used as a library, so the build needs no nfpm
// binary and the nfpm release is pinned in this module's go.sum. It is a
// module of its own because nfpm's dependency tree (rpm, apk, changelog
// and git libraries) has no place in the host's go.mod. See decision 0239.
//
// The description may name ${VERSION}, ${ARCH} and ${STAGE} (the folder the
// build staged the binary and the extension in); nothing else is taken from
// the environment, so the same inputs give the same package.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var o options
	flag.StringVar(&o.Config, "config", "host/cmd/idbridge/package/nfpm.yaml", "nfpm description of the package")
	flag.StringVar(&o.Target, "target", "", "package file to write (required)")
	flag.StringVar(&o.Version, "version", "", "package version (required)")
	flag.StringVar(&o.Arch, "arch", "", "Go architecture of the staged binary, e.g. amd64 (required)")
	flag.StringVar(&o.Stage, "stage", "", "folder holding the staged binary and extension (required)")
	flag.Parse()
	if err := build(o); err != nil {
		fmt.Fprintln(os.Stderr, "makedeb:", err)
		os.Exit(1)
	}
	fmt.Println(o.Target)
}
