package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// Opener opens a fresh, empty backend whose clock is now (time.Now when
// nil). It registers the backend's Close with t.Cleanup.
type Opener func(t *testing.T, now func() time.Time) store.Backend

// Run runs the whole suite against the backends open returns.
func Run(t *testing.T, open Opener) {
	for name, test := range map[string]func(*testing.T, Opener){
		"DocsRoundTrip":                     testDocsRoundTrip,
		"EnqueueIsIdempotentByKey":          testEnqueueIsIdempotentByKey,
		"ActionKeyDoesNotCollide":           testActionKeyDoesNotCollide,
		"ClaimCompleteHappyPath":            testClaimCompleteHappyPath,
		"ClaimRespectsLaneAndNotBefore":     testClaimRespectsLaneAndNotBefore,
		"CrashRecovery":                     testCrashRecovery,
		"MarkSendingRefusesExpiredLease":    testMarkSendingRefusesExpiredLease,
		"ReleaseFreesAWorkersLeasesAtOnce":  testReleaseFreesAWorkersLeasesAtOnce,
		"FailRetriesThenDeadLetters":        testFailRetriesThenDeadLetters,
		"FailBeforeSendingCountsAnAttempt":  testFailBeforeSendingCountsAnAttempt,
		"DeadLetterAndListAndCounts":        testDeadLetterAndListAndCounts,
		"LanesAndNextDue":                   testLanesAndNextDue,
		"ConcurrentWorkersDoEachActionOnce": testConcurrentWorkersDoEachActionOnce,
		"ListWhatAWorkerHolds":              testListWhatAWorkerHolds,
		"RunsLifecycle":                     testRunsLifecycle,
		"RunsListNewestFirstWithPaging":     testRunsListNewestFirstWithPaging,
		"RunEntries":                        testRunEntries,
		"AuditAppendListAndFilters":         testAuditAppendListAndFilters,
		"SettleWritesEverythingAtOnce":      testSettleWritesEverythingAtOnce,
		"SettleDeadLetters":                 testSettleDeadLetters,
		"SettleAfterLeaseLostKeepsTheCall":  testSettleAfterLeaseLostKeepsTheCall,
		"SettleWritesNothingOnError":        testSettleWritesNothingOnError,
		"SettleCountsAnUnmarkedCall":        testSettleCountsAnUnmarkedCall,
	} {
		t.Run(name, func(t *testing.T) { test(t, open) })
	}
}

// clock is a settable clock, so lease expiry is tested without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock forward.
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// allPages follows a listing's cursors from the first page to the last and
// returns every item in order; list reads the page after a cursor.
func allPages[T any](t *testing.T, list func(after string) ([]T, string, error)) []T {
	t.Helper()
	var all []T
	cursor := ""
	for {
		page, next, err := list(cursor)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		cursor = next
	}
}
