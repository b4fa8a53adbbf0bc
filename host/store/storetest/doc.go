// Package storetest is the conformance suite of store backends: every
// backend (SQLite, the in-memory one, a future PostgreSQL one) runs the same
// behavioural tests, so code written against the store interfaces behaves
// the same on all of them.
//
// A backend's test calls Run with a function that opens a fresh, empty
// backend:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, now func() time.Time) store.Backend { ... })
//	}
package storetest
