// Package templates holds the lifecycle templates shipped in the SCIM
// extension's templates/ folder (onboarding, move, offboarding, return),
// in the format of marketplace/templates; the host reads them from the
// installed extension. FS is here for this connector's own tests.
package templates

import "embed"

// FS holds the template files, one JSON document per template.
//
//go:embed *.json
var FS embed.FS
