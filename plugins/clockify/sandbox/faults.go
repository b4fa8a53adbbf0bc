package sandbox

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// faultState holds the injected faults; the 429 burst counts down.
type faultState struct {
	mu sync.Mutex
	f  Faults
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	fs.f = f
	fs.mu.Unlock()
}

// faultKind is what happens to one request.
type faultKind int

const (
	faultNone faultKind = iota
	faultDrop
	fault429
	fault5xx
)

// next decides the fate of one request and returns the latency to add.
func (fs *faultState) next() (faultKind, time.Duration, time.Duration) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := &fs.f
	retry := f.RetryAfter
	if retry <= 0 {
		retry = time.Second
	}
	switch {
	case f.DropRate > 0 && rand.Float64() < f.DropRate:
		return faultDrop, f.Latency, retry
	case f.Burst429 > 0:
		f.Burst429--
		return fault429, f.Latency, retry
	case f.ErrorRate > 0 && rand.Float64() < f.ErrorRate:
		return fault5xx, f.Latency, retry
	}
	return faultNone, f.Latency, retry
}

// fiveXX are the statuses an overloaded gateway or backend answers with.
var fiveXX = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}

// faultMiddleware applies injected faults before the API sees the request.
func (s *Server) faultMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind, latency, retry := s.faults.next()
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch kind {
		case faultDrop:
			setFault(r.Context(), "drop")
			// ErrAbortHandler makes net/http close the connection without
			// writing a response, which is what a dropped connection looks like.
			panic(http.ErrAbortHandler)
		case fault429:
			setFault(r.Context(), "429")
			tooManyRequests(w, retry)
		case fault5xx:
			setFault(r.Context(), "5xx")
			writeError(w, fiveXX[rand.IntN(len(fiveXX))], codeServerError, "Internal server error")
		default:
			next.ServeHTTP(w, r)
		}
	})
}
