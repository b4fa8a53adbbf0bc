package watch

import (
	"hash/fnv"
	"slices"
	"strings"

	"github.com/idbridge/idbridge/host/directory"
)

// DefaultAttributes are the attributes whose changes make a UserChanged
// event: the ones lifecycle automations and mappings care about. Enabled
// state, DN and groups are tracked separately.
var DefaultAttributes = []string{
	"sAMAccountName", "userPrincipalName", "mail", "givenName", "sn", "displayName",
	"department", "title", "employeeID", "manager", "uid", "employeeNumber", "departmentNumber",
}

// snapshotOf reduces a user to what the watcher remembers.
func snapshotOf(u directory.User, attrs []string) ObjectState {
	o := ObjectState{DN: u.DN, Enabled: u.Enabled(), Attrs: map[string]uint64{}}
	for _, a := range attrs {
		if v := u.Values(a); len(v) > 0 {
			o.Attrs[a] = hashValues(v)
		}
	}
	for _, g := range u.Groups() {
		o.Groups = append(o.Groups, strings.ToLower(g))
	}
	slices.Sort(o.Groups)
	return o
}

// hashValues hashes an attribute's values independent of their order
// (multi-valued attributes are sets).
func hashValues(values []string) uint64 {
	v := slices.Clone(values)
	slices.Sort(v)
	h := fnv.New64a()
	for _, s := range v {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// diff returns the events that turn old into cur. attrs fixes the order of
// Changed.
func diff(old, cur ObjectState, attrs []string) (kinds []Kind, changed, added, removed []string) {
	if !strings.EqualFold(old.DN, cur.DN) {
		kinds = append(kinds, UserMoved)
	}
	if old.Enabled != cur.Enabled {
		if cur.Enabled {
			kinds = append(kinds, UserReEnabled)
		} else {
			kinds = append(kinds, UserDisabled)
		}
	}
	for _, a := range attrs {
		if old.Attrs[a] != cur.Attrs[a] {
			changed = append(changed, a)
		}
	}
	if len(changed) > 0 {
		kinds = append(kinds, UserChanged)
	}
	for _, g := range cur.Groups {
		if _, ok := slices.BinarySearch(old.Groups, g); !ok {
			added = append(added, g)
		}
	}
	for _, g := range old.Groups {
		if _, ok := slices.BinarySearch(cur.Groups, g); !ok {
			removed = append(removed, g)
		}
	}
	if len(added)+len(removed) > 0 {
		kinds = append(kinds, GroupMembershipChanged)
	}
	return kinds, changed, added, removed
}
