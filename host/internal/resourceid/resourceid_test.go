package resourceid

import (
	"strings"
	"testing"
)

func TestFromName(t *testing.T) {
	cases := []struct {
		name string
		max  int
		want string
	}{
		{"HR: new joiners", 0, "hr-new-joiners"},
		{"  Clockify (EU)  ", 0, "clockify-eu"},
		{"--a--b--", 0, "a-b"},
		{"Ünïcode ok", 0, "n-code-ok"},
		{"***", 0, ""},
		{"abc def", 5, "abc-d"},
		{"abcd efg", 5, "abcd"},
		{strings.Repeat("x", 70), 0, strings.Repeat("x", 70)},
		{strings.Repeat("x", 70), MaxLen, strings.Repeat("x", MaxLen)},
	}
	for _, c := range cases {
		if got := FromName(c.name, c.max); got != c.want {
			t.Errorf("FromName(%q, %d) = %q, want %q", c.name, c.max, got, c.want)
		}
	}
}

func TestValid(t *testing.T) {
	for _, id := range []string{"a", "clockify", "hr-new-joiners", "0x", strings.Repeat("a", MaxLen)} {
		if !Valid(id) {
			t.Errorf("Valid(%q) = false", id)
		}
	}
	for _, id := range []string{"", "-a", "A", "a_b", "a b", "é", strings.Repeat("a", MaxLen+1)} {
		if Valid(id) {
			t.Errorf("Valid(%q) = true", id)
		}
	}
}

// TestDerivedIDsAreValid holds FromName and Valid to the same alphabet.
func TestDerivedIDsAreValid(t *testing.T) {
	for _, name := range []string{"Clockify", "HR: new joiners", "x" + strings.Repeat(" y", 40), "9 to 5"} {
		if id := FromName(name, MaxLen); !Valid(id) {
			t.Errorf("FromName(%q, MaxLen) = %q, which Valid refuses", name, id)
		}
	}
}
