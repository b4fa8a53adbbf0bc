package directory_test

import (
	"context"
	"testing"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
)

// TestSearchKeepsItsPagingWhileAnotherSearchRuns starts a second paged
// search between two pages of a first, on the same client, as a data
// source's validation did while the watcher read its first snapshot.
// slapd keeps one paged result set per connection; on a shared connection
// the first search's next page failed with "paged results cookie is
// invalid or old".
func TestSearchKeepsItsPagingWhileAnotherSearchRuns(t *testing.T) {
	servers(t, func(t *testing.T, c *directory.Client) {
		ctx := context.Background()
		ou := dirtest.NewOU(t, c)
		dirtest.SeedUsers(t, c, ou, dirtest.UniqueName("pg"), 7)

		cfg := c.Config()
		cfg.PageSize = 2
		small := dirtest.Connect(t, cfg)

		outer, inner := 0, 0
		err := small.Users(ctx, directory.UserQuery{Base: ou}, func(directory.User) error {
			outer++
			if outer != 1 {
				return nil
			}
			return small.Users(ctx, directory.UserQuery{Base: ou}, func(directory.User) error { inner++; return nil })
		})
		if err != nil {
			t.Fatalf("outer search broken by the inner one: %v", err)
		}
		if outer != 7 || inner != 7 {
			t.Errorf("outer read %d users, inner %d; want 7 each", outer, inner)
		}
		// The connections went back to the pool; the client still works
		// after the burst, and after Close it refuses.
		if _, err := small.RootDSE(ctx); err != nil {
			t.Fatalf("rootDSE after nested searches: %v", err)
		}
	})
}
