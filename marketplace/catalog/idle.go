package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// errStalled is the cancellation cause of a transfer that received
// nothing for the idle timeout.
var errStalled = errors.New("the transfer stalled")

// idleTimer cancels a transfer when no byte arrived for d. Each read that
// returns data pushes the deadline back. See decision 0184.
type idleTimer struct {
	d     time.Duration
	mu    sync.Mutex
	timer *time.Timer
}

func newIdleTimer(d time.Duration, cancel context.CancelCauseFunc) *idleTimer {
	t := &idleTimer{d: d}
	t.timer = time.AfterFunc(d, func() {
		cancel(fmt.Errorf("%w: nothing received for %s", errStalled, d))
	})
	return t
}

func (t *idleTimer) touch() {
	t.mu.Lock()
	t.timer.Reset(t.d)
	t.mu.Unlock()
}

func (t *idleTimer) stop() { t.timer.Stop() }

// reader returns r with every successful read pushing the deadline back.
func (t *idleTimer) reader(r io.Reader) io.Reader { return &idleReader{r: r, t: t} }

type idleReader struct {
	r io.Reader
	t *idleTimer
}

func (i *idleReader) Read(p []byte) (int, error) {
	n, err := i.r.Read(p)
	if n > 0 {
		i.t.touch()
	}
	return n, err
}

// ContextReader returns r reading only while ctx lasts, so copying a
// large archive from a file or an upload stops when the install is
// canceled or runs out of time.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return &ctxReader{ctx: ctx, r: r} }

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
