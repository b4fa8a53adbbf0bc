package pluginhost

import "github.com/hashicorp/go-hclog"

// pluginLogger is the logger handed to go-plugin for one connector. go-plugin
// writes the connector's own log lines to Named(<binary file name>) and
// passes the connector's "@module" along as a field, which in JSON output
// replaces the host's module name. This wrapper keeps every line under the
// connector's name as the host knows it (host.<name>), whatever the binary
// is called or calls itself, and keeps the connector's own name as the
// field "connector_logger".
type pluginLogger struct {
	hclog.Logger
}

// Named returns the same logger: the connector's name is already in it.
func (l pluginLogger) Named(string) hclog.Logger { return l }

// With keeps the wrapper around the derived logger.
func (l pluginLogger) With(args ...any) hclog.Logger { return pluginLogger{l.Logger.With(args...)} }

// Log implements hclog.Logger.
func (l pluginLogger) Log(level hclog.Level, msg string, args ...any) {
	l.Logger.Log(level, msg, renameModule(args)...)
}

// Trace implements hclog.Logger.
func (l pluginLogger) Trace(msg string, args ...any) { l.Log(hclog.Trace, msg, args...) }

// Debug implements hclog.Logger.
func (l pluginLogger) Debug(msg string, args ...any) { l.Log(hclog.Debug, msg, args...) }

// Info implements hclog.Logger.
func (l pluginLogger) Info(msg string, args ...any) { l.Log(hclog.Info, msg, args...) }

// Warn implements hclog.Logger.
func (l pluginLogger) Warn(msg string, args ...any) { l.Log(hclog.Warn, msg, args...) }

// Error implements hclog.Logger.
func (l pluginLogger) Error(msg string, args ...any) { l.Log(hclog.Error, msg, args...) }

// renameModule renames the "@module" key of a key/value list.
func renameModule(args []any) []any {
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == "@module" {
			out := append([]any(nil), args...)
			out[i] = "connector_logger"
			return out
		}
	}
	return args
}
