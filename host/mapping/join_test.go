package mapping

import (
	"errors"
	"strings"
	"testing"
)

func recs(t testing.TB, lines ...string) []map[string]any {
	out := make([]map[string]any, len(lines))
	for i, l := range lines {
		out[i] = decode(t, l)
	}
	return out
}

func joinDef() DataSource {
	return DataSource{
		Name:     "join",
		Category: CategoryUpdateUsers,
		Endpoints: []EndpointRef{
			{Alias: "users", PrimaryKey: "id"},
			{Alias: "profiles", PrimaryKey: "userId"},
		},
		Mappings: []Mapping{{Field: FieldRef{Path: "title"}, Attribute: "title"}},
		Match:    MatchRule{Field: FieldRef{Path: "email"}, Attribute: "mail"},
	}
}

func TestJoinReportsEveryRecord(t *testing.T) {
	p, err := NewPlanner(joinDef())
	if err != nil {
		t.Fatal(err)
	}
	// The secondary endpoint arrives first: the join must not depend on order.
	must(t, p.AddRecords("profiles", recs(t,
		`{"userId": "u1", "title": "Engineer"}`,
		`{"userId": "u9", "title": "Ghost"}`,
		`{"title": "no key"}`,
		`{"userId": "u1", "title": "Second"}`,
	)))
	must(t, p.AddRecords("users", recs(t,
		`{"id": "u1", "email": "a@x"}`,
		`{"id": "u2", "email": "b@x"}`,
	)))
	must(t, p.AddRecords("users", recs(t,
		`{"email": "nokey@x"}`,
		`{"id": "u2", "email": "dup@x"}`,
		`{"id": ["u3", "u4"], "email": "twokeys@x"}`,
	)))
	p.AddUser(ADUser{ID: "g1", DN: "CN=A", Enabled: true, Attributes: map[string][]string{"mail": {"a@x"}, "title": {"Engineer"}}})
	plan, err := p.Plan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	j := plan.Join
	u, pr := j.Endpoints[0], j.Endpoints[1]
	if u.Records != 5 || u.MissingKey != 2 || u.Duplicates != 1 || u.Unjoined != 0 {
		t.Errorf("users report = %+v", u)
	}
	if pr.Records != 4 || pr.MissingKey != 1 || pr.Duplicates != 1 || pr.Unjoined != 1 || pr.Missing != 1 {
		t.Errorf("profiles report = %+v", pr)
	}
	if j.Joined != 2 || j.Incomplete != 1 {
		t.Errorf("joined = %d incomplete = %d, want 2 and 1", j.Joined, j.Incomplete)
	}
	problems := map[string]bool{}
	for _, e := range j.Endpoints {
		for _, is := range e.Issues {
			problems[e.Alias+": "+is.Problem] = true
			if strings.HasPrefix(is.Problem, "no value for primary key") && !strings.Contains(is.Record, "nokey@x") && !strings.Contains(is.Record, "title") {
				t.Errorf("missing-key issue does not show the record: %+v", is)
			}
		}
	}
	for _, want := range []string{
		`users: no value for primary key "id"`,
		`users: primary key "id" has 2 values`,
		"users: duplicate primary key; the first record with it is used",
		`profiles: no value for primary key "userId"`,
		"profiles: duplicate primary key; the first record with it is used",
		"profiles: no record with this key in users; ignored",
	} {
		if !problems[want] {
			t.Errorf("report lacks %q; has %v", want, problems)
		}
	}
	// The first duplicate wins: u1's title is Engineer, so no change.
	if plan.Summary.NoChange != 1 || plan.NoChange[0].Key != "u1" {
		t.Errorf("plan = %+v", plan.Summary)
	}
	if plan.Summary.Records != 2 {
		t.Errorf("records = %d, want 2", plan.Summary.Records)
	}
}

func TestJoinKeyFoldAndNumbers(t *testing.T) {
	d := joinDef()
	d.KeyFold = true
	p, _ := NewPlanner(d)
	must(t, p.AddRecords("users", recs(t, `{"id": "ABC", "email": "a@x"}`, `{"id": 42, "email": "n@x"}`)))
	must(t, p.AddRecords("profiles", recs(t, `{"userId": "abc", "title": "T"}`, `{"userId": "42", "title": "N"}`)))
	plan, _ := p.Plan(t.Context())
	if plan.Join.Joined != 2 || plan.Join.Incomplete != 0 || plan.Join.Endpoints[1].Unjoined != 0 {
		t.Fatalf("join = %+v", plan.Join)
	}
	if len(plan.Orphans) != 2 || plan.Orphans[0].Key != "42" || plan.Orphans[1].Key != "ABC" {
		t.Errorf("orphans = %+v, want keys 42 and ABC (the primary endpoint's spelling)", plan.Orphans)
	}
}

func TestJoinIssuesAreCapped(t *testing.T) {
	p, _ := NewPlanner(joinDef())
	var batch []map[string]any
	for i := 0; i < 100; i++ {
		batch = append(batch, map[string]any{"email": "x"})
	}
	must(t, p.AddRecords("users", batch))
	plan, _ := p.Plan(t.Context())
	if r := plan.Join.Endpoints[0]; r.MissingKey != 100 || len(r.Issues) != maxIssues {
		t.Fatalf("missing = %d issues = %d", r.MissingKey, len(r.Issues))
	}
}

func TestAddRecordsUnknownEndpoint(t *testing.T) {
	p, _ := NewPlanner(joinDef())
	if err := p.AddRecords("groups", nil); !errors.Is(err, ErrUnknownEndpoint) {
		t.Fatalf("err = %v", err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestFeedConcurrently feeds users and records from two goroutines, as the
// engine does when it reads AD and the app at once; run with -race.
func TestFeedConcurrently(t *testing.T) {
	p, err := NewPlanner(benchDef())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); streamUsers(p, 2000) }()
	streamRecords(t, p, 2000)
	<-done
	plan, err := p.Plan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if s := plan.Summary; s.Records != 2000 || s.Users != 2000 || s.Updates != 100 || s.Orphans != 100 || s.NoChange != 1800 {
		t.Fatalf("summary = %+v", s)
	}
}
