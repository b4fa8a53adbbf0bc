package sync

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/inbound"
	"github.com/idbridge/idbridge/host/mapping"
)

// RunOptions tune one plan or apply.
type RunOptions struct {
	// Progress, when set, hears about the run as it goes. It is called
	// from one goroutine at a time and must return quickly.
	Progress func(Progress)
	// Sample, when above zero, keeps only the first Sample objects of each
	// category in the preview's plan (in the plan's order); the summary
	// still counts them all. A 100,000-user plan then answers in a few
	// kilobytes. See decision 0211.
	Sample int
	// Items, when set, receives every object of the plan as it is found
	// (in the planner's order, not sorted) and the preview's plan holds
	// none: the caller streams them on. An error from Items stops the plan.
	Items func(mapping.Item) error
}

// Preview is a dry run's answer: the plan and how long it took to make.
type Preview struct {
	DataSource string        `json:"dataSource"`
	Plan       *mapping.Plan `json:"plan"`
	Started    time.Time     `json:"started"`
	// ReadMS is the time spent reading the app and the directory (they are
	// read at the same time); PlanMS the time spent planning after.
	ReadMS int64 `json:"readMs"`
	PlanMS int64 `json:"planMs"`
}

// Plan runs a data source without writing anything: fetch, join, read the
// directory, match and plan.
func (s *Service) Plan(ctx context.Context, id string, opts RunOptions) (*Preview, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, d, &reporter{fn: opts.Progress}, opts)
}

// scanner is a Directory that can read a whole OU faster than Search
// (*directory.Client decodes entries straight from the wire); a plan reads
// every user of the data source, so it uses Scan when it can.
type scanner interface {
	Scan(ctx context.Context, q directory.Query, fn func(directory.Entry) error) error
}

func (s *Service) plan(ctx context.Context, d *DataSource, rep *reporter, opts RunOptions) (*Preview, error) {
	started := s.cfg.Now()
	p, err := mapping.NewPlanner(d.DataSource)
	if err != nil {
		return nil, fmt.Errorf("data source %q: %w (save it again to see every problem)", d.ID, err)
	}
	g, gctx := errgroup.WithContext(ctx)
	if d.Roles != nil {
		g.Go(func() error {
			rm, err := s.roleMembers(gctx, d)
			if err != nil {
				return err
			}
			p.SetRoleMembers(rm)
			return nil
		})
	}
	keys := recordKeys(d.DataSource)
	for _, ep := range d.Endpoints {
		opts := inbound.FetchOptions{BatchSize: s.cfg.BatchSize}
		if keys != nil {
			opts.Keep = keys[ep.Alias]
		}
		g.Go(func() error {
			return s.cfg.Endpoints.Fetch(gctx, ep.IntegrationID, ep.EndpointID, opts, func(batch []map[string]any) error {
				if err := p.AddRecords(ep.Alias, batch); err != nil {
					return err
				}
				rep.update(func(pr *Progress) { pr.Phase, pr.Records = PhaseRead, pr.Records+len(batch) })
				return nil
			})
		})
	}
	g.Go(func() error {
		n := 0
		dir := s.cfg.Directory
		read := dir.Search
		if sc, ok := dir.(scanner); ok {
			read = sc.Scan
		}
		err := read(gctx, d.userQuery(dir, p.Attributes()), func(e directory.Entry) error {
			u := dir.EntryToUser(e)
			p.AddUser(mapping.ADUser{ID: u.ID, DN: u.DN, Attributes: u.Attributes, Enabled: u.Enabled()})
			if n++; n%500 == 0 {
				rep.update(func(pr *Progress) { pr.Phase, pr.Users = PhaseRead, pr.Users+500 })
			}
			return nil
		})
		rep.update(func(pr *Progress) { pr.Users += n % 500 })
		if err != nil {
			return fmt.Errorf("read the directory users of %q: %w", d.ID, err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	read := s.cfg.Now()
	rep.update(func(pr *Progress) { pr.Phase = PhasePlan })
	plan, err := planWith(ctx, p, opts)
	if err != nil {
		return nil, err
	}
	return &Preview{DataSource: d.ID, Plan: plan, Started: started.UTC(),
		ReadMS: read.Sub(started).Milliseconds(), PlanMS: s.cfg.Now().Sub(read).Milliseconds()}, nil
}

// planWith makes the plan in the form opts ask for: whole, sampled, or
// handed out object by object.
func planWith(ctx context.Context, p *mapping.Planner, opts RunOptions) (*mapping.Plan, error) {
	switch {
	case opts.Items != nil:
		return p.PlanTo(ctx, opts.Items)
	case opts.Sample > 0:
		sample := mapping.NewSample(opts.Sample)
		plan, err := p.PlanTo(ctx, func(it mapping.Item) error { sample.Add(it); return nil })
		if err != nil {
			return nil, err
		}
		sample.Fill(plan)
		plan.Limit = opts.Sample
		return plan, nil
	}
	return p.Plan(ctx)
}
