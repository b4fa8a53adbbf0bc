package sync

import (
	"reflect"
	"testing"

	"github.com/idbridge/idbridge/host/mapping"
)

func TestRecordKeysListsWhatTheDataSourceReads(t *testing.T) {
	d := mapping.DataSource{
		Endpoints: []mapping.EndpointRef{{Alias: "users", PrimaryKey: "id"}, {Alias: "workers", PrimaryKey: "userId"}},
		Mappings: []mapping.Mapping{
			{Field: mapping.FieldRef{Endpoint: "workers", Path: "settings.timeZone"}},
			{Format: `%lower(record.email)% %date(now, "yyyy")% %users.profile.title%`},
		},
		Match:   mapping.MatchRule{Field: mapping.FieldRef{Path: "email"}},
		Options: mapping.Options{Active: &mapping.ActiveRule{Field: mapping.FieldRef{Endpoint: "users", Path: "memberships[].membershipStatus"}}},
		Roles:   &mapping.RoleRule{Field: mapping.FieldRef{Endpoint: "workers", Path: "roles[].role"}, TableSetting: "roleTable"},
	}
	want := map[string][]string{
		"users":   {"id", "email", "profile.title", "memberships[].membershipStatus"},
		"workers": {"userId", "settings.timeZone", "email", "roles[].role"},
	}
	if got := recordKeys(d); !reflect.DeepEqual(got, want) {
		t.Fatalf("recordKeys = %v, want %v", got, want)
	}

	// A format the function cannot read keeps every key rather than risk
	// dropping a value the plan needs.
	for _, f := range []string{"%lower(record.email%", "%ad.mail%"} {
		d.Mappings[1].Format = f
		if got := recordKeys(d); got != nil {
			t.Errorf("format %q: recordKeys = %v, want nil (keep everything)", f, got)
		}
	}
}
