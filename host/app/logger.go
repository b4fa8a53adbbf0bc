package app

import (
	"io"

	"github.com/hashicorp/go-hclog"
)

// NewLogger returns the host logger: human-readable lines by default, one
// JSON object per line with asJSON for log collectors. level is trace,
// debug, info, warn or error; an unknown level means info.
func NewLogger(w io.Writer, asJSON bool, level string) hclog.Logger {
	lv := hclog.LevelFromString(level)
	if lv == hclog.NoLevel {
		lv = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:       "idbridge",
		Level:      lv,
		Output:     w,
		JSONFormat: asJSON,
	})
}
