package orchestration

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/host/store/sqlite"
	"github.com/idbridge/idbridge/plugins/clockify"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// employeeIDField is the sandbox seed's "Employee ID" user custom field.
const employeeIDField = "6650a1b2c3d4e5f6a7b8ca01"

// BenchmarkRateLimitedRun sends 10,000 outbound actions (set a user's
// Employee ID custom field, one per user) through the engine, the real
// connector and the sandbox limited to 500 requests a second, with the
// integration's rate limit at 500 too, and reports the share of the limit
// used and how many actions were lost or duplicated. The custom-field call
// is used because Clockify answers it with the value alone; add-user answers
// with the whole workspace, whose size would measure the sandbox rather
// than the engine. Run it with -benchtime=1x.
func BenchmarkRateLimitedRun(b *testing.B) {
	for _, backend := range []string{"sqlite", "memory"} {
		b.Run(backend, func(b *testing.B) {
			for b.Loop() {
				benchRun(b, backend, 10000, 500)
			}
		})
	}
}

func benchRun(b *testing.B, backend string, n int, limit float64) {
	var st store.Backend
	if backend == "sqlite" {
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		st = s
	}
	e := newEnv(b, envOptions{sandboxRate: limit, rateLimit: fmt.Sprint(limit), store: st, seed: sandbox.GenerateSeed(n),
		config: func(c *Config) { c.Concurrency = 64 }})
	mustSave(b, e, fieldTemplate())
	objs := fieldObjects(e.sb.Users(sandbox.DefaultWorkspaceID))
	id, err := e.eng.StartRun(context.Background(), RunRequest{TemplateID: "field", Objects: objs})
	if err != nil {
		b.Fatal(err)
	}
	e.start(b)
	v := e.wait(b, id, 10*time.Minute)
	var first, last time.Time
	puts := map[int]int{}
	for _, r := range e.sb.Requests() {
		if r.Method != "PUT" {
			continue
		}
		puts[r.Status]++
		if first.IsZero() || r.Time.Before(first) {
			first = r.Time
		}
		if r.Time.After(last) {
			last = r.Time
		}
	}
	want := map[string]string{}
	for _, o := range objs {
		want[o.ID] = o.Attributes["employeeID"][0]
	}
	set := 0
	for _, u := range e.sb.Users(sandbox.DefaultWorkspaceID) {
		for _, f := range u.CustomFields {
			if f.CustomFieldID == employeeIDField && f.Value == want[u.ID] && want[u.ID] != "" {
				set++
			}
		}
	}
	secs := last.Sub(first).Seconds()
	rate := float64(puts[201]) / secs
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(100*rate/limit, "%limit")
	b.ReportMetric(float64(len(objs)-set), "lost")
	b.ReportMetric(float64(puts[201]-set), "extra")
	b.ReportMetric(float64(puts[429]), "429s")
	b.Logf("%s: %d actions in %.1fs = %.0f req/s (%.1f%% of %v/s); run %s; lost %d; PUTs by status %v",
		backend, len(objs), secs, rate, 100*rate/limit, limit, v.Status, len(objs)-set, puts)
}

// fieldTemplate sets each user's Employee ID custom field: a call Clockify
// answers with the value alone, so the benchmarks measure the engine rather
// than the size of the answer.
func fieldTemplate() Template {
	return Template{ID: "field", Name: "Employee ID", Steps: []Step{{
		ID: "set", Kind: KindWebhook, Integration: integ, Webhook: clockify.WebhookSetCustomField,
		Inputs: map[string]string{"userId": "%object.id%", "customFieldId": employeeIDField, "value": "%ad.employeeID%"},
	}}}
}

// fieldObjects are the generated workspace's members but its first two
// (the seed's owner and admin), each with an employee id.
func fieldObjects(users []sandbox.User) []outbound.Object {
	var objs []outbound.Object
	for i, u := range users[2:] {
		objs = append(objs, outbound.Object{ID: u.ID, DN: fmt.Sprintf("CN=%s,OU=Staff,DC=corp,DC=example", u.ID),
			Attributes: map[string][]string{"employeeID": {fmt.Sprintf("E-%05d", i)}}})
	}
	return objs
}
