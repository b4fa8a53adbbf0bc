package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/idbridge/idbridge/marketplace/ext"
)

// ErrNotInCatalog: no configured catalog has the extension, or none has a
// version that fits this host.
var ErrNotInCatalog = errors.New("not found in any configured catalog")

// ErrBadRequest: the name or version asked for cannot be looked up.
var ErrBadRequest = errors.New("invalid request")

// Host is what a candidate version must fit.
type Host struct {
	// Version is the idbridge version; pre-releases are judged by their
	// release number.
	Version string
	// Protocols are the connector protocol versions the host speaks.
	Protocols []int
	// Platform is "os/arch".
	Platform string
}

// Candidate is a version found in a catalog.
type Candidate struct {
	// Catalog is the location it was found in.
	Catalog string
	// Extension is its index entry.
	Extension Extension
	// Version is the chosen version.
	Version Version
}

// Named is a catalog location with its fetched index.
type Named struct {
	// Location is the catalog's URL or folder.
	Location string
	// Index is its index.
	Index *Index
}

// Resolve picks the version of id (matched against ids, then names,
// without case) to install: exactly version when given, otherwise the
// newest that fits host. Catalogs earlier in the list win ties.
func Resolve(catalogs []Named, id, version string, host Host) (*Candidate, error) {
	var want *semver.Version
	if version != "" {
		if err := ext.CheckVersion(version); err != nil {
			return nil, fmt.Errorf("%w: --version %v", ErrBadRequest, err)
		}
		want = semver.MustParse(version)
	}
	hostRelease := semver.New(0, 0, 0, "", "")
	if hv, err := semver.NewVersion(host.Version); err == nil {
		r, _ := hv.SetPrerelease("")
		hostRelease = &r
	}
	var best *Candidate
	var bestV *semver.Version
	var seen, unfit []string
	for _, c := range catalogs {
		for _, e := range c.Index.Extensions {
			if !strings.EqualFold(e.ID, id) && !strings.EqualFold(e.Name, id) {
				continue
			}
			for _, v := range e.Versions {
				sv, err := semver.NewVersion(v.Version)
				if err != nil {
					continue
				}
				seen = append(seen, v.Version)
				if want != nil && !sv.Equal(want) {
					continue
				}
				if why := fits(v, host, hostRelease); why != "" {
					unfit = append(unfit, v.Version+" ("+why+")")
					continue
				}
				if best == nil || sv.GreaterThan(bestV) {
					best, bestV = &Candidate{Catalog: c.Location, Extension: e, Version: v}, sv
				}
			}
		}
	}
	switch {
	case best != nil:
		return best, nil
	case len(seen) == 0:
		return nil, fmt.Errorf("extension %q: %w (%d catalogs searched; add one with `idbridge marketplace add`)", id, ErrNotInCatalog, len(catalogs))
	case len(unfit) > 0:
		return nil, fmt.Errorf("extension %q: %w: no version fits this host: %s", id, ErrNotInCatalog, strings.Join(unfit, "; "))
	default:
		return nil, fmt.Errorf("extension %q version %s: %w; the catalogs have %s", id, version, ErrNotInCatalog, strings.Join(seen, ", "))
	}
}

// fits says why v cannot run on host, or "" when it can.
func fits(v Version, host Host, hostRelease *semver.Version) string {
	// A script runs wherever its interpreter does; install checks that.
	if v.Runtime == nil && !slices.Contains(v.Platforms, host.Platform) {
		return "no " + host.Platform + " binary"
	}
	if !slices.ContainsFunc(v.ProtocolVersions, func(p int) bool { return slices.Contains(host.Protocols, p) }) {
		return fmt.Sprintf("speaks protocol %v", v.ProtocolVersions)
	}
	if c, err := semver.NewConstraint(v.HostVersion); err != nil || !c.Check(hostRelease) {
		return "needs idbridge " + v.HostVersion
	}
	return ""
}
