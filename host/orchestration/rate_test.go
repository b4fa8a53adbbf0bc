package orchestration

import (
	"context"
	"testing"
	"time"
)

// TestPauseHoldsCallsAlreadyWaitingForAToken: a lane paused by a 429's
// Retry-After lets no call through before the pause ends, also a call that
// was already waiting for its rate-limit token when the pause began.
func TestPauseHoldsCallsAlreadyWaitingForAToken(t *testing.T) {
	e := newEnv(t, envOptions{rateLimit: "1"}) // one token a second
	ctx := context.Background()
	if _, err := e.eng.limiters.wait(ctx, integ); err != nil { // spends the token
		t.Fatal(err)
	}
	released := make(chan time.Time, 1)
	go func() {
		if _, err := e.eng.limiters.wait(ctx, integ); err != nil {
			t.Error(err)
		}
		released <- time.Now()
	}()
	until := time.Now().Add(1500 * time.Millisecond) // after the next token
	e.eng.limiters.pause(integ, until)
	select {
	case at := <-released:
		if at.Before(until) {
			t.Fatalf("a call went out %s before the Retry-After window ended", until.Sub(at))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the waiting call was never released")
	}
}
