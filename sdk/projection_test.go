package sdk

import (
	"slices"
	"testing"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// TestFetchProjectsFields checks that a host asking for some fields gets
// exactly their top-level fields, whole, in both encodings.
func TestFetchProjectsFields(t *testing.T) {
	for _, preEncoded := range []bool{false, true} {
		base, _ := usersApp(t, 3, true)
		cl := dialMode(t, testConnector(base), preEncoded)
		msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{
			Settings: testSettings(base),
			Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"},
			Fields:   []string{"email", "m[].a"},
		})
		if err != nil {
			t.Fatalf("preEncoded=%v: %v", preEncoded, err)
		}
		n := 0
		for _, m := range msgs {
			for _, r := range m.GetRecords() {
				n++
				var keys []string
				for k := range r.GetFields() {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				if !slices.Equal(keys, []string{"email", "m"}) {
					t.Fatalf("preEncoded=%v: record has fields %v; want exactly [email m]", preEncoded, keys)
				}
				if r.GetFields()["m"].GetListValue().GetValues()[0].GetStructValue().GetFields()["a"] == nil {
					t.Fatalf("preEncoded=%v: the projected field lost its inside: %v", preEncoded, r)
				}
			}
		}
		if n != 3 {
			t.Fatalf("preEncoded=%v: %d records; want 3", preEncoded, n)
		}
	}
}

func TestNewProjection(t *testing.T) {
	cases := []struct {
		paths []string
		want  projection
	}{
		{nil, nil},
		{[]string{"id", "memberships[].membershipStatus", "a.b.c"}, projection{"id": true, "memberships": true, "a": true}},
		{[]string{"id", "[email=x].id"}, nil}, // a selector on the record itself needs everything
	}
	for _, c := range cases {
		got := newProjection(c.paths)
		if len(got) != len(c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("newProjection(%v) = %v; want %v", c.paths, got, c.want)
			continue
		}
		for k := range c.want {
			if !got[k] {
				t.Errorf("newProjection(%v) lacks %q", c.paths, k)
			}
		}
	}
}
