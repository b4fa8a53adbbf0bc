package inbound

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
)

// migrationKind and samplesMasked record that the stored field samples
// were masked once; hosts before decision 0194 stored them raw.
const (
	migrationKind = "inbound-migration"
	samplesMasked = "samples-masked-v1"
)

// Start masks, once, the field samples stored by hosts that did not mask
// them: those of tested endpoints and of passed-test marks. It runs after
// the integrations service has taught the Masker every stored secret.
func (s *Service) Start(ctx context.Context) error {
	var done struct{ At time.Time }
	switch err := s.cfg.Docs.Get(ctx, migrationKind, samplesMasked, &done); {
	case err == nil:
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("inbound: read the sample migration's record: %w", err)
	}
	n, err := s.RemaskSamples(ctx)
	if err != nil {
		return fmt.Errorf("inbound: mask stored field samples: %w", err)
	}
	if n > 0 {
		s.cfg.Logger.Warn("masked secrets in stored field samples of inbound endpoints", "documents", n)
	}
	done.At = s.cfg.Now().UTC()
	return s.cfg.Docs.Put(ctx, migrationKind, samplesMasked, done)
}

// RemaskSamples passes every stored field sample through the Masker and
// rewrites the documents that change. It returns how many it rewrote.
func (s *Service) RemaskSamples(ctx context.Context) (int, error) {
	n, err := remaskKind(ctx, s, Kind, func(e *Endpoint) []mapping.Field { return e.Fields })
	if err != nil {
		return n, err
	}
	m, err := remaskKind(ctx, s, TestMarkKind, func(t *testMark) []mapping.Field { return t.Fields })
	return n + m, err
}

// remaskKind rewrites the documents of one kind whose samples the Masker
// changes: it lists them first and rewrites after, so no write happens
// while the listing reads. It returns how many it rewrote.
func remaskKind[T any](ctx context.Context, s *Service, kind string, fields func(*T) []mapping.Field) (int, error) {
	var ids []string
	if err := s.cfg.Docs.List(ctx, kind, func(id string, decode func(any) error) error {
		var v T
		if err := decode(&v); err != nil {
			return err
		}
		if s.maskFields(fields(&v)) {
			ids = append(ids, id)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		var v T
		if err := s.cfg.Docs.Get(ctx, kind, id, &v); err != nil {
			return n, err
		}
		s.maskFields(fields(&v))
		if err := s.cfg.Docs.Put(ctx, kind, id, v); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// maskFields masks the samples in place and reports whether any changed.
func (s *Service) maskFields(fields []mapping.Field) bool {
	changed := false
	for i := range fields {
		if m := s.cfg.Masker.String(fields[i].Sample); m != fields[i].Sample {
			fields[i].Sample, changed = m, true
		}
	}
	return changed
}
