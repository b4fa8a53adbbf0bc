package sdk

import (
	"fmt"
	"reflect"
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
		{[]string{"id", "memberships[].membershipStatus", "a.b.c"},
			projection{"id": nil, "memberships": {"membershipStatus": nil}, "a": {"b": {"c": nil}}}},
		{[]string{"a.b", "a"}, projection{"a": nil}},              // the whole field wins
		{[]string{"a", "a.b"}, projection{"a": nil}},              // in either order
		{[]string{"users[email=x].id"}, projection{"users": nil}}, // a selector reads other fields
		{[]string{"id", "[email=x].id"}, nil},                     // a selector on the record itself needs everything
	}
	for _, c := range cases {
		if got := newProjection(c.paths); !reflect.DeepEqual(got, c.want) {
			t.Errorf("newProjection(%v) = %v; want %v", c.paths, got, c.want)
		}
	}
}

// TestFetchProjectsInsideLists: a path through a list keeps only that
// field of each element, in both encodings.
func TestFetchProjectsInsideLists(t *testing.T) {
	for _, preEncoded := range []bool{false, true} {
		base, _ := usersApp(t, 2, true)
		cl := dialMode(t, testConnector(base), preEncoded)
		msgs, err := fetchAll(t, cl, &connectorv1.FetchRequest{
			Settings: testSettings(base),
			Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"},
			Fields:   []string{"id", "m[].b"},
		})
		if err != nil {
			t.Fatalf("preEncoded=%v: %v", preEncoded, err)
		}
		r := msgs[0].GetRecords()[0]
		m := r.GetFields()["m"].GetListValue().GetValues()[0].GetStructValue().GetFields()
		if len(r.GetFields()) != 2 || len(m) != 0 {
			t.Fatalf("preEncoded=%v: record %v; want id and m with its elements pruned to b (absent here)", preEncoded, r)
		}
		msgs, err = fetchAll(t, cl, &connectorv1.FetchRequest{
			Settings: testSettings(base),
			Endpoint: &connectorv1.FetchRequest_EndpointId{EndpointId: "list-users"},
			Fields:   []string{"m[].a"},
		})
		if err != nil {
			t.Fatal(err)
		}
		m = msgs[0].GetRecords()[0].GetFields()["m"].GetListValue().GetValues()[0].GetStructValue().GetFields()
		if _, ok := m["a"]; !ok || len(m) != 1 {
			t.Fatalf("preEncoded=%v: element %v; want exactly a kept", preEncoded, m)
		}
	}
}

func TestFieldFilterFindsNamesShortAndLong(t *testing.T) {
	for _, count := range []int{3, linearNames + 8} {
		var paths []string
		for i := range count {
			paths = append(paths, fmt.Sprintf("f%d", i))
		}
		paths = append(paths, "nested.inner")
		f := newProjection(paths).compile()
		for _, p := range paths[:count] {
			if sub, ok := f.find([]byte(p)); !ok || sub != nil {
				t.Errorf("%d names: %q: kept=%v sub=%v; want kept whole", count, p, ok, sub)
			}
		}
		sub, ok := f.find([]byte("nested"))
		if !ok || sub == nil {
			t.Fatalf("%d names: nested must be kept with a filter below it", count)
		}
		if _, ok := sub.find([]byte("inner")); !ok {
			t.Errorf("%d names: nested.inner not kept", count)
		}
		for _, absent := range []string{"f", "nested.inner", "F0", ""} {
			if _, ok := f.find([]byte(absent)); ok {
				t.Errorf("%d names: %q kept", count, absent)
			}
		}
	}
}
