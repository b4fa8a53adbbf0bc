package templates

import (
	"embed"

	"github.com/idbridge/idbridge/marketplace/templates"
)

// FS holds the template files, one JSON document per template, for packing
// into the .ext's templates/ folder.
//
//go:embed *.json
var FS embed.FS

// All returns every shipped template, ordered by id.
func All() ([]templates.Template, error) { return templates.Load(FS) }

// Get returns the shipped template with id.
func Get(id string) (templates.Template, error) {
	all, err := All()
	if err != nil {
		return templates.Template{}, err
	}
	return templates.Find(all, id)
}
