package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-hclog"
)

// loop runs a service's blocking Run method (engine workers, the watcher,
// the scheduler) as a Starter and Stopper: Start launches it, Stop cancels
// it and waits, so shutdown ends the loop before the store closes.
type loop struct {
	name string
	run  func(ctx context.Context) error
	log  hclog.Logger

	cancel context.CancelFunc
	done   chan struct{}
}

// newLoop wraps run under name for App.Add.
func newLoop(name string, log hclog.Logger, run func(ctx context.Context) error) *loop {
	return &loop{name: name, run: run, log: log}
}

// Start implements Starter.
func (l *loop) Start(ctx context.Context) error {
	ctx, l.cancel = context.WithCancel(ctx)
	l.done = make(chan struct{})
	go func() {
		defer close(l.done)
		if err := l.run(ctx); err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
			l.log.Error("background service stopped", "service", l.name, "error", err)
		}
	}()
	return nil
}

// Stop implements Stopper. Work the loop leaves unfinished stays durable
// (leased queue actions expire and are resumed by the next start).
func (l *loop) Stop(ctx context.Context) error {
	if l.cancel == nil {
		return nil
	}
	l.cancel()
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s did not stop in time: %w", l.name, ctx.Err())
	}
}

// closer adapts a Close method to Stopper.
type closer struct {
	name  string
	close func() error
}

// Stop implements Stopper.
func (c closer) Stop(context.Context) error {
	if err := c.close(); err != nil {
		return fmt.Errorf("close %s: %w", c.name, err)
	}
	return nil
}
