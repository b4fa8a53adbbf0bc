package mapping

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchDef is a realistic two-endpoint data source: users joined with
// profiles, four mappings (one a format), matched on mail without case.
func benchDef() DataSource {
	return DataSource{
		Name: "bench", Category: CategoryUpdateUsers,
		Endpoints: []EndpointRef{{Alias: "users", PrimaryKey: "id"}, {Alias: "profiles", PrimaryKey: "userId"}},
		Mappings: []Mapping{
			{Field: FieldRef{Path: "title"}, Attribute: "title"},
			{Field: FieldRef{Endpoint: "profiles", Path: "department"}, Attribute: "department"},
			{Format: `%concat(record.firstName, " ", record.lastName)%`, Attribute: "displayName"},
			{Field: FieldRef{Endpoint: "profiles", Path: "employeeNumber"}, Attribute: "employeeID"},
		},
		Match:   MatchRule{Field: FieldRef{Path: "email"}, Attribute: "mail", CaseInsensitive: true},
		Options: Options{Active: &ActiveRule{Field: FieldRef{Path: "memberships[].membershipStatus"}, Values: []string{"ACTIVE"}}},
	}
}

// streamRecords feeds n synthetic records per endpoint in batches of 500,
// generated on the fly like a connector stream, so only the planner holds
// data between batches. Every 10th record's title differs from AD (an
// update); every 20th has no AD user (an orphan).
func streamRecords(tb testing.TB, p *Planner, n int) time.Duration {
	var inPlanner time.Duration
	const batch = 500
	for start := 0; start < n; start += batch {
		users := make([]map[string]any, 0, batch)
		profiles := make([]map[string]any, 0, batch)
		for i := start; i < start+batch && i < n; i++ {
			title := "Engineer"
			if i%10 == 0 {
				title = "Senior Engineer"
			}
			users = append(users, map[string]any{
				"id":          fmt.Sprintf("5f%022x", i),
				"email":       fmt.Sprintf("User.%d@Example.com", i),
				"firstName":   "User",
				"lastName":    fmt.Sprintf("Number %d", i),
				"title":       title,
				"status":      "ACTIVE",
				"settings":    map[string]any{"weekStart": "MONDAY", "timeZone": "Europe/Berlin"},
				"memberships": []any{map[string]any{"membershipStatus": "ACTIVE", "targetId": "ws1", "membershipType": "WORKSPACE"}},
			})
			profiles = append(profiles, map[string]any{
				"userId":         fmt.Sprintf("5f%022x", i),
				"department":     fmt.Sprintf("Department %d", i%50),
				"employeeNumber": float64(100000 + i),
				"workCapacity":   "PT8H",
			})
		}
		t0 := time.Now()
		must(tb, p.AddRecords("users", users))
		must(tb, p.AddRecords("profiles", profiles))
		inPlanner += time.Since(t0)
	}
	return inPlanner
}

// streamUsers feeds n synthetic AD users the way a paged search delivers
// them, with the attributes a directory returns beyond the needed ones.
func streamUsers(p *Planner, n int) time.Duration {
	var inPlanner time.Duration
	for i := 0; i < n; i++ {
		mail := fmt.Sprintf("user.%d@example.com", i)
		if i%20 == 0 {
			mail = fmt.Sprintf("someone.else.%d@example.com", i)
		}
		u := ADUser{
			ID:      fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i),
			DN:      fmt.Sprintf("CN=User Number %d,OU=Staff,OU=People,DC=example,DC=com", i),
			Enabled: true,
			Attributes: map[string][]string{
				"mail":              {mail},
				"title":             {"Engineer"},
				"department":        {fmt.Sprintf("Department %d", i%50)},
				"displayName":       {fmt.Sprintf("User Number %d", i)},
				"employeeID":        {fmt.Sprintf("%d", 100000+i)},
				"sAMAccountName":    {fmt.Sprintf("user%d", i)},
				"userPrincipalName": {fmt.Sprintf("user%d@example.com", i)},
				"givenName":         {"User"},
				"sn":                {fmt.Sprintf("Number %d", i)},
				"memberOf":          {"CN=Staff,OU=Groups,DC=example,DC=com", "CN=Engineering,OU=Groups,DC=example,DC=com"},
				"whenChanged":       {"20260101120000.0Z"},
				"uSNChanged":        {fmt.Sprintf("%d", 50000+i)},
			},
		}
		t0 := time.Now()
		p.AddUser(u)
		inPlanner += time.Since(t0)
	}
	return inPlanner
}

// peakHeap samples HeapInuse until stopped and returns the highest value.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkPlan100kx100k builds a full dry-run plan for 100,000 app
// records (two joined endpoints, so 200,000 records streamed) against
// 100,000 AD users, and reports time, peak heap in use and total
// allocation. Users and records are streamed concurrently, as the engine
// does.
func BenchmarkPlan100kx100k(b *testing.B) {
	const n = 100_000
	var peakMB, allocMB, retainedMB, feedMS, intakeMS, planMS float64
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := peakHeap()
		start := time.Now()

		p, err := NewPlanner(benchDef())
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		var inUsers time.Duration
		wg.Add(1)
		go func() { defer wg.Done(); inUsers = streamUsers(p, n) }()
		inRecords := streamRecords(b, p, n)
		wg.Wait()
		fed := time.Now()
		plan, err := p.Plan(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		done := time.Now()

		peak := stop()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		// What the planner and the plan hold once the input's garbage is
		// gone: the compact records, the user index and the plan itself.
		runtime.GC()
		var live runtime.MemStats
		runtime.ReadMemStats(&live)
		retainedMB = float64(live.HeapInuse-before.HeapInuse) / (1 << 20)
		runtime.KeepAlive(p)
		s := plan.Summary
		if s.Records != n || s.Updates != n/10-n/20 || s.NoChange != n-n/10 || s.Orphans != n/20 {
			b.Fatalf("unexpected plan: %+v", s)
		}
		peakMB = max(peakMB, float64(peak)/(1<<20))
		allocMB = float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
		feedMS = float64(fed.Sub(start).Milliseconds())
		intakeMS = float64((inUsers + inRecords).Milliseconds())
		planMS = float64(done.Sub(fed).Milliseconds())
		runtime.KeepAlive(plan)
		b.Logf("100k records × 100k users: feed %v (of which inside AddUser/AddRecords %v; the rest is generating the synthetic input), plan %v, peak heap in use %.0f MB, held by planner and plan %.0f MB, allocated %.0f MB; %+v",
			fed.Sub(start).Round(time.Millisecond), (inUsers + inRecords).Round(time.Millisecond), done.Sub(fed).Round(time.Millisecond), peakMB, retainedMB, allocMB, s)
	}
	b.ReportMetric(peakMB, "peak-heap-MB")
	b.ReportMetric(allocMB, "alloc-MB")
	b.ReportMetric(retainedMB, "retained-MB")
	b.ReportMetric(feedMS, "feed-ms")
	b.ReportMetric(intakeMS, "intake-ms")
	b.ReportMetric(planMS, "plan-ms")
}
