package watch

import (
	"testing"
	"time"
)

// TestTimestampFilterSettles: on a directory without entryCSN the newest
// second is read again only while a change could still land in it.
func TestTimestampFilterSettles(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	w := &Watcher{now: func() time.Time { return now }}
	cases := []struct {
		cur  Cursor
		want string
	}{
		{Cursor{Timestamp: "20261128115959Z"}, "(modifyTimestamp>=20261128115959Z)"},
		{Cursor{Timestamp: "20261128114000Z"}, "(&(modifyTimestamp>=20261128114000Z)(!(modifyTimestamp=20261128114000Z)))"},
		{Cursor{Timestamp: "20261128114000.0Z"}, "(&(modifyTimestamp>=20261128114000.0Z)(!(modifyTimestamp=20261128114000.0Z)))"},
		{Cursor{Timestamp: "20261128114000Z", CSN: "20261128114000.123456Z#000000#000#000000"},
			"(&(entryCSN>=20261128114000.123456Z#000000#000#000000)(!(entryCSN=20261128114000.123456Z#000000#000#000000)))"},
	}
	for _, c := range cases {
		if got, _ := w.changeFilter(c.cur); got != c.want {
			t.Errorf("cursor %+v: filter %s, want %s", c.cur, got, c.want)
		}
	}
	for _, bad := range []string{"2026)(objectClass=*", "20261128114000Z#0#0#0)", "short"} {
		if validCSN(bad) {
			t.Errorf("validCSN(%q) = true", bad)
		}
	}
}
