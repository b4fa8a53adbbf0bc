package secrets

import (
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
)

// MaskingWriter returns a writer that masks secrets before passing data to
// w. hclog writes each log line in one Write, so a secret is never split
// across calls.
func MaskingWriter(w io.Writer, m *Masker) io.Writer {
	return &maskingWriter{w: w, m: m}
}

type maskingWriter struct {
	w io.Writer
	m *Masker
}

// Write implements io.Writer; it reports len(p) written so callers do not
// mistake the changed length for a short write.
func (mw *maskingWriter) Write(p []byte) (int, error) {
	if _, err := mw.w.Write(mw.m.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// NewLogger builds the host's root logger with its output behind
// MaskingWriter: whatever any package logs, and however it formats it, the
// bytes that reach the output are masked. opts.Output defaults to stderr.
func NewLogger(opts *hclog.LoggerOptions, m *Masker) hclog.Logger {
	o := *opts
	if o.Output == nil {
		o.Output = os.Stderr
	}
	o.Output = MaskingWriter(o.Output, m)
	return hclog.New(&o)
}

// WrapLogger masks the message and arguments of every call before they
// reach l, for loggers whose output this package does not control (for
// example one handed in by go-plugin). Prefer NewLogger for the root
// logger: it also covers formatting done inside hclog.
func WrapLogger(l hclog.Logger, m *Masker) hclog.Logger {
	return &maskedLogger{Logger: l, m: m}
}

type maskedLogger struct {
	hclog.Logger
	m *Masker
}

func (l *maskedLogger) args(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = l.value(a)
	}
	return out
}

// value masks one argument. Types that cannot hold text pass through so
// that JSON logs keep their numbers; anything else is rendered and, if
// rendering shows a secret, replaced by its masked text.
func (l *maskedLogger) value(a any) any {
	switch v := a.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64,
		time.Duration, time.Time, hclog.Level:
		return a
	case string:
		return l.m.String(v)
	case []byte:
		return l.m.Bytes(v)
	default:
		s := fmt.Sprintf("%+v", v)
		if masked := l.m.String(s); masked != s {
			return masked
		}
		return a
	}
}

// Log implements hclog.Logger, masking first.
func (l *maskedLogger) Log(level hclog.Level, msg string, args ...any) {
	l.Logger.Log(level, l.m.String(msg), l.args(args)...)
}

// Trace implements hclog.Logger, masking first.
func (l *maskedLogger) Trace(msg string, args ...any) { l.Log(hclog.Trace, msg, args...) }

// Debug implements hclog.Logger, masking first.
func (l *maskedLogger) Debug(msg string, args ...any) { l.Log(hclog.Debug, msg, args...) }

// Info implements hclog.Logger, masking first.
func (l *maskedLogger) Info(msg string, args ...any) { l.Log(hclog.Info, msg, args...) }

// Warn implements hclog.Logger, masking first.
func (l *maskedLogger) Warn(msg string, args ...any) { l.Log(hclog.Warn, msg, args...) }

// Error implements hclog.Logger, masking first.
func (l *maskedLogger) Error(msg string, args ...any) { l.Log(hclog.Error, msg, args...) }

// With implements hclog.Logger, masking first.
func (l *maskedLogger) With(args ...any) hclog.Logger {
	return &maskedLogger{Logger: l.Logger.With(l.args(args)...), m: l.m}
}

// Named implements hclog.Logger, masking first.
func (l *maskedLogger) Named(name string) hclog.Logger {
	return &maskedLogger{Logger: l.Logger.Named(name), m: l.m}
}

// ResetNamed implements hclog.Logger, masking first.
func (l *maskedLogger) ResetNamed(name string) hclog.Logger {
	return &maskedLogger{Logger: l.Logger.ResetNamed(name), m: l.m}
}

// StandardWriter implements hclog.Logger, masking first.
func (l *maskedLogger) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	return MaskingWriter(l.Logger.StandardWriter(opts), l.m)
}

// StandardLogger implements hclog.Logger, masking first.
func (l *maskedLogger) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(l.StandardWriter(opts), "", 0)
}
