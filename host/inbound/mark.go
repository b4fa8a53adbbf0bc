package inbound

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
)

// TestMarkKind is the document kind of test marks: the record that a custom
// definition passed a test, which Save requires. Marks live in the store
// rather than in memory so that a restart, or another host over the same
// store, does not send the admin back to test again.
const TestMarkKind = "inbound-test-mark"

// TestMarkTTL is how long a passed test authorises a save. A day covers a
// test in the morning and a save after review the same day, across
// restarts; after that the app may have changed, so the fields it reported
// are no longer worth trusting without a new test.
const TestMarkTTL = 24 * time.Hour

// maxMarks bounds the marks kept in the store; only the newest are worth
// keeping, since an admin saves soon after testing.
const maxMarks = 256

// testMark is the stored proof of a passed test. It is keyed by the digest
// of the definition and its integration, so it applies to exactly the
// definition that was tested, and it holds what Save needs from the test:
// the fields found and when. The exchange is not kept: it may be large and
// Save has no use for it.
type testMark struct {
	IntegrationID string          `json:"integrationId"`
	EndpointID    string          `json:"endpointId"`
	Digest        string          `json:"digest"`
	Passed        time.Time       `json:"passed"`
	Fields        []mapping.Field `json:"fields"`
}

func markID(integrationID, digest string) string { return integrationID + "/" + digest }

// expired says whether a mark passed at t is too old to authorise a save.
func (s *Service) expired(t time.Time) bool {
	return s.cfg.Now().Sub(t) > TestMarkTTL
}

// markPassed records a passed test so that Save accepts its definition. A
// failed write is returned: a test that cannot be saved afterwards must not
// look like one that can. Sweeping old marks is housekeeping, so its
// failures are logged and retried at the next mark.
func (s *Service) markPassed(ctx context.Context, res *TestResult) error {
	m := testMark{IntegrationID: res.IntegrationID, EndpointID: res.EndpointID, Digest: res.Digest,
		Passed: s.cfg.Now().UTC(), Fields: res.Fields}
	if err := s.cfg.Docs.Put(ctx, TestMarkKind, markID(res.IntegrationID, res.Digest), m); err != nil {
		return fmt.Errorf("%w (endpoint %q): %w", ErrTestNotRecorded, res.EndpointID, err)
	}
	if err := s.sweepMarks(ctx); err != nil {
		s.cfg.Logger.Warn("could not remove old inbound test marks; retrying at the next test", "error", err)
	}
	return nil
}

// passedMark returns the unexpired mark of the definition with digest, or
// ErrNotTested. An expired mark found on the way is removed.
func (s *Service) passedMark(ctx context.Context, integrationID, endpointID, digest string) (*testMark, error) {
	var m testMark
	id := markID(integrationID, digest)
	switch err := s.cfg.Docs.Get(ctx, TestMarkKind, id, &m); {
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("%w (endpoint %q)", ErrNotTested, endpointID)
	case err != nil:
		return nil, fmt.Errorf("read the test mark of endpoint %q: %w", endpointID, err)
	}
	// The id already names the digest; checking the body too keeps a
	// hand-edited or misfiled document from authorising another definition.
	if m.Digest != digest || m.IntegrationID != integrationID {
		return nil, fmt.Errorf("%w (endpoint %q)", ErrNotTested, endpointID)
	}
	if s.expired(m.Passed) {
		if err := s.cfg.Docs.Delete(ctx, TestMarkKind, id); err != nil {
			s.cfg.Logger.Warn("could not remove an expired inbound test mark", "integration", integrationID, "endpoint", endpointID, "error", err)
		}
		return nil, fmt.Errorf("%w (endpoint %q: its test passed at %s, more than %g hours ago)",
			ErrNotTested, endpointID, m.Passed.Format(time.RFC3339), TestMarkTTL.Hours())
	}
	return &m, nil
}

// sweepMarks removes expired marks and, past maxMarks, the oldest ones.
func (s *Service) sweepMarks(ctx context.Context) error {
	type aged struct {
		id     string
		passed time.Time
	}
	var live []aged
	var stale []string
	err := s.cfg.Docs.List(ctx, TestMarkKind, func(id string, decode func(any) error) error {
		var m struct {
			Passed time.Time `json:"passed"`
		}
		if err := decode(&m); err != nil || s.expired(m.Passed) {
			// An unreadable mark authorises nothing; drop it with the old.
			stale = append(stale, id)
			return nil
		}
		live = append(live, aged{id, m.Passed})
		return nil
	})
	if err != nil {
		return fmt.Errorf("list inbound test marks: %w", err)
	}
	if len(live) > maxMarks {
		sort.Slice(live, func(i, j int) bool { return live[i].passed.After(live[j].passed) })
		for _, a := range live[maxMarks:] {
			stale = append(stale, a.id)
		}
	}
	var errs []error
	for _, id := range stale {
		if err := s.cfg.Docs.Delete(ctx, TestMarkKind, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
