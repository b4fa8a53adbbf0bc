package automation

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/idbridge/idbridge/host/directory"
)

// Run drives schedules and held runs until ctx ends: run it in its own
// goroutine next to the watcher. Each schedule automation runs for every
// user in its scope at its cron times; a run still listing its scope when
// the next time comes makes that time skipped, not queued. Run returns
// once the scheduled runs it started have handed their work to the runner,
// so nothing it started still reads the directory or starts runs after it.
func (s *Service) Run(ctx context.Context) error {
	next := map[string]time.Time{}
	busy := map[string]bool{}
	done := make(chan string, 16)
	var started sync.WaitGroup
	defer started.Wait()
	heldTick := time.NewTicker(s.cfg.HeldRetry)
	defer heldTick.Stop()
	for {
		all, err := s.all(ctx)
		if err != nil {
			s.log.Warn("cannot read automations; retrying", "error", err)
		}
		now := s.cfg.Now().In(s.cfg.Location)
		scheduled := map[string]cron.Schedule{}
		for _, a := range all {
			if !a.Enabled || a.Trigger.Type != TriggerSchedule {
				continue
			}
			sch, err := ParseSchedule(a.Trigger.Schedule)
			if err != nil {
				continue // refused at save; only a hand-edited store gets here
			}
			scheduled[a.ID] = sch
			at, ok := next[a.ID]
			if !ok {
				next[a.ID] = sch.Next(now)
				continue
			}
			if now.Before(at) {
				continue
			}
			next[a.ID] = sch.Next(now)
			if busy[a.ID] {
				s.log.Warn("schedule skipped: the previous run is still listing its scope", "automation", a.ID)
				continue
			}
			busy[a.ID] = true
			started.Add(1)
			go func(a Automation) {
				defer started.Done()
				if _, err := s.runScheduled(ctx, a); err != nil && ctx.Err() == nil {
					s.log.Error("scheduled run failed", "automation", a.ID, "error", err)
				}
				select {
				case done <- a.ID:
				case <-ctx.Done(): // Run is returning and reads no more
				}
			}(a)
		}
		for id := range next {
			if scheduled[id] == nil {
				delete(next, id)
			}
		}
		wait := time.Minute
		for _, at := range next {
			wait = min(wait, at.Sub(now))
		}
		timer := time.NewTimer(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		case <-s.wake:
			timer.Stop()
		case id := <-done:
			timer.Stop()
			delete(busy, id)
		case <-heldTick.C:
			timer.Stop()
			if err := s.ResumeHeld(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("held runs not started yet", "error", err)
			}
		}
	}
}

// runScheduled runs a for every user in its scope.
func (s *Service) runScheduled(ctx context.Context, a Automation) ([]string, error) {
	if a.Action.Sync != "" {
		return s.start(ctx, a, RunBySchedule, nil)
	}
	objs, err := s.scopeObjects(ctx, a.Scope)
	if err != nil {
		return nil, err
	}
	if len(objs) == 0 {
		s.log.Debug("schedule: nobody in scope", "automation", a.ID)
		return nil, nil
	}
	return s.start(ctx, a, RunBySchedule, objs)
}

// scopeObjects lists the users in scope as run objects.
func (s *Service) scopeObjects(ctx context.Context, sc Scope) ([]Object, error) {
	var objs []Object
	err := sc.members(ctx, s.cfg.Directory, func(u directory.User) error {
		objs = append(objs, objectOf(u))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the scope: %w", err)
	}
	return objs, nil
}

func objectOf(u directory.User) Object {
	return Object{ID: u.ID, DN: u.DN, Attributes: u.Attributes, Enabled: u.Enabled()}
}
