package dirtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
)

// Connect opens a client for cfg and closes it when the test ends.
func Connect(t testing.TB, cfg directory.Config) *directory.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := directory.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to %s: %v", cfg.URL, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// NewOU creates OU=t-<test name>-<random> under the client's base DN and
// returns its DN. The OU is left in place when the test ends: deleting is
// slow on Samba and the servers live only for one test run.
func NewOU(t testing.TB, c *directory.Client) string {
	t.Helper()
	name := "t-" + slug(t.Name()) + "-" + randomHex(4)
	dn, err := c.CreateOU(context.Background(), c.BaseDN(), name)
	if err != nil {
		t.Fatalf("create test OU %s: %v", name, err)
	}
	return dn
}

// User describes a user to seed. Name becomes the CN and sAMAccountName (AD)
// or uid (LDAP); mail and userPrincipalName default to <name>@example.test.
type User struct {
	Name       string
	Attributes map[string][]string
	Disabled   bool
}

// AddUser creates the user in ou and fails the test on error.
func AddUser(t testing.TB, c *directory.Client, ou string, u User) directory.User {
	t.Helper()
	attrs := map[string][]string{
		"mail":        {u.Name + "@example.test"},
		"givenName":   {u.Name},
		"sn":          {"Test"},
		"displayName": {u.Name + " Test"},
	}
	if c.Flavor() == directory.FlavorAD {
		attrs["sAMAccountName"] = []string{u.Name}
		attrs["userPrincipalName"] = []string{u.Name + "@example.test"}
	} else {
		attrs["uid"] = []string{u.Name}
	}
	for k, v := range u.Attributes {
		attrs[k] = v
	}
	got, err := c.CreateUser(context.Background(), directory.NewUser{
		ParentDN: ou, CN: u.Name, Attributes: attrs, Enabled: !u.Disabled,
	})
	if err != nil {
		t.Fatalf("seed user %s: %v", u.Name, err)
	}
	return got
}

// AddGroup creates a group in ou with the given member DNs and returns its DN.
func AddGroup(t testing.TB, c *directory.Client, ou, name string, members ...string) string {
	t.Helper()
	dn, err := c.CreateGroup(context.Background(), ou, name, members...)
	if err != nil {
		t.Fatalf("seed group %s: %v", name, err)
	}
	return dn
}

// UniqueName returns prefix plus random hex, short enough for
// sAMAccountName (20 characters).
func UniqueName(prefix string) string {
	if len(prefix) > 11 {
		prefix = prefix[:11]
	}
	return prefix + randomHex(4)
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SeedUsers creates n users named <prefix><i> in ou over a few concurrent
// requests, for tests that need volume. It returns their DNs in order.
func SeedUsers(t testing.TB, c *directory.Client, ou, prefix string, n int) []string {
	t.Helper()
	const workers = 4
	dns := make([]string, n)
	errs := make(chan error, workers)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				name := fmt.Sprintf("%s%d", prefix, i)
				attrs := map[string][]string{"mail": {name + "@example.test"}, "sn": {"Seed"}}
				if c.Flavor() == directory.FlavorAD {
					attrs["sAMAccountName"] = []string{name}
				} else {
					attrs["uid"] = []string{name}
				}
				u, err := c.CreateUser(context.Background(), directory.NewUser{ParentDN: ou, CN: name, Attributes: attrs, Enabled: true})
				if err != nil {
					errs <- fmt.Errorf("seed user %s: %w", name, err)
					return
				}
				dns[i] = u.DN
			}
		}()
	}
	func() {
		defer close(next)
		for i := 0; i < n; i++ {
			select {
			case next <- i:
			case err := <-errs:
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	return dns
}
