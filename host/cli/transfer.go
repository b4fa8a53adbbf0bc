package cli

import (
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// terminal reports whether w is a terminal, where progress may be drawn
// without spoiling a script's output or a log.
func terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// bars draws progress on stderr for long transfers and waits, only on a
// terminal and only for text output.
type bars struct {
	on  bool
	out io.Writer
}

func (g *Globals) bars() bars {
	return bars{on: !g.JSON() && terminal(g.Err), out: g.Err}
}

// reader wraps r, of size bytes, in a byte-count bar ("uploading").
func (b bars) reader(r io.Reader, size int64, desc string) (io.Reader, func()) {
	if !b.on {
		return r, func() {}
	}
	bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(b.out), progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true), progressbar.OptionClearOnFinish())
	pr := progressbar.NewReader(r, bar)
	return &pr, func() { _ = bar.Finish() }
}

// spinner shows that the host is working on something whose size the CLI
// cannot know (a download the host makes, an install); stop clears it.
func (b bars) spinner(desc string) (stop func()) {
	if !b.on {
		return func() {}
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(b.out), progressbar.OptionSetDescription(desc),
		progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish())
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			default:
				_ = bar.Add(1)
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()
	return func() { close(done); _ = bar.Finish() }
}
