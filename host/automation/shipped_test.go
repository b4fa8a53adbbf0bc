package automation_test

import (
	"os"
	"path/filepath"

	"github.com/idbridge/idbridge/marketplace/templates"
)

// clockifyTemplates reads the Clockify extension's template files from
// the checkout, as the host reads them from an installed extension's
// templates/ folder: by format, not through the connector's code.
func clockifyTemplates() ([]templates.Template, error) {
	return templates.Load(os.DirFS(filepath.Join("..", "..", "plugins", "clockify", "templates")))
}
