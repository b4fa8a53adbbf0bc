package macro

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var bob = Env{
	Object: "CN=Bob Smith,OU=Staff,DC=example,DC=com",
	Now:    time.Date(2026, 3, 7, 14, 5, 9, 0, time.UTC),
	Values: Data{
		"ad": {
			"mail":        {"Bob.Smith@Example.com"},
			"givenName":   {"Bob"},
			"sn":          {"Smith"},
			"department":  {"Research and Development"},
			"title":       {"  "},
			"memberOf":    {"CN=A,DC=x", "CN=B,DC=x"},
			"whenCreated": {"20240102150405.0Z"},
			"ext":         {"Ünïcødé"},
		},
		"integration": {"workspaceId": {"ws 1/2"}},
		"steps":       {"addUser.id": {"u-42"}},
	},
}

func render(t *testing.T, src string, c Context) (string, error) {
	t.Helper()
	tpl, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return tpl.Render(bob, c)
}

func TestRenderFunctions(t *testing.T) {
	cases := map[string]string{
		"%ad.mail%":                                            "Bob.Smith@Example.com",
		"%AD.MAIL%":                                            "", // namespaces are case-sensitive: missing
		"%ad.MAIL%":                                            "Bob.Smith@Example.com",
		"%lower(ad.mail)%":                                     "bob.smith@example.com",
		"%upper(ad.sn)%":                                       "SMITH",
		`%trim(concat("  ", ad.sn, " "))%`:                     "Smith",
		`%replace(ad.department, " ", "-")%`:                   "Research-and-Development",
		"%substring(ad.givenName, 0, 1)%":                      "B",
		"%substring(ad.ext, 1, 3)%":                            "nïc",
		"%substring(ad.sn, -2)%":                               "th",
		"%substring(ad.sn, 2, 100)%":                           "ith",
		`%concat(ad.givenName, " ", ad.sn)%`:                   "Bob Smith",
		`%split(ad.mail, "@", 0)%`:                             "Bob.Smith",
		`%split(ad.mail, "@", -1)%`:                            "Example.com",
		`%default(ad.title, "Staff")%`:                         "Staff",
		`%default(ad.employeeID, "none")%`:                     "none",
		`%default(ad.sn, "none")%`:                             "Smith",
		`%default(split(ad.mail, "@", 5), "x")%`:               "x",
		`%date(now, "yyyy-MM-dd HH:mm:ss")%`:                   "2026-03-07 14:05:09",
		`%date(now, "ddd d MMM yy, h:mm tt 'week'")%`:          "Sat 7 Mar 26, 2:05 PM week",
		`%date(ad.whenCreated, "dd.MM.yyyy")%`:                 "02.01.2024",
		`%join(ad.memberOf, ";")%`:                             "CN=A,DC=x;CN=B,DC=x",
		`%first(ad.memberOf)%`:                                 "CN=A,DC=x",
		`%lower(substring(ad.givenName, 0, 1))%%lower(ad.sn)%`: "bsmith",
		`/ws/%steps.addUser.id%`:                               "/ws/u-42",
	}
	for src, want := range cases {
		got, err := render(t, src, Text)
		if want == "" {
			if !errors.Is(err, ErrMissingValue) {
				t.Errorf("%s = %q, %v; want missing value", src, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", src, got, err, want)
		}
	}
}

func TestRenderStrictMissing(t *testing.T) {
	cases := []struct {
		src, want string
		kind      error
	}{
		{"%ad.employeeID%", "%ad.employeeID% has no value for CN=Bob Smith,OU=Staff,DC=example,DC=com", ErrMissingValue},
		{"%ad.title%", "%ad.title% has no value for CN=Bob Smith", ErrMissingValue},
		{"%lower(ad.employeeID)%", "%lower(ad.employeeID)% has no value for CN=Bob Smith,OU=Staff,DC=example,DC=com (ad.employeeID is missing or empty; wrap it in default(...)", ErrMissingValue},
		{`%split(ad.mail, "@", 3)%`, "has no value", ErrMissingValue},
		{`%substring(ad.sn, 10)%`, "has no value", ErrMissingValue},
		{`%replace(ad.sn, "Smith", "")%`, "has no value", ErrMissingValue},
		{"%ad.memberOf%", "%ad.memberOf% it has 2 values; use first(...) or join(..., \",\") for CN=Bob", ErrMultipleValues},
		{`%date(ad.mail, "yyyy")%`, "cannot be rendered", ErrFunction},
		{`%default(date(ad.mail, "yyyy"), "x")%`, "cannot be rendered", ErrFunction},
		{`%replace(ad.sn, "", "x")%`, "non-empty", ErrFunction},
		{`%split(ad.sn, "", 0)%`, "non-empty separator", ErrFunction},
		{`%substring(ad.sn, 0, -1)%`, "negative", ErrFunction},
		{`%substring(ad.sn, ad.mail)%`, "not a whole number", ErrFunction},
		{`%nope(ad.sn)%`, "cannot be rendered", ErrUnknownFunction},
		{`%lower(ad.sn, ad.sn)%`, "cannot be rendered", ErrArguments},
		{`%foo%`, "cannot be rendered", ErrUnknownMacro},
	}
	for _, c := range cases {
		got, err := render(t, "prefix "+c.src, Text)
		var re *RenderError
		if !errors.As(err, &re) || !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %q, %v; want %v containing %q", c.src, got, err, c.kind, c.want)
			continue
		}
		if got != "" {
			t.Errorf("%s rendered %q alongside an error", c.src, got)
		}
		if re.Macro != c.src {
			t.Errorf("error names macro %q, want %q", re.Macro, c.src)
		}
	}
}

func TestRenderWithoutValuesOrObject(t *testing.T) {
	_, err := MustParse("%ad.mail%").Render(Env{}, Text)
	if !errors.Is(err, ErrMissingValue) || !strings.Contains(err.Error(), "for this object") {
		t.Fatalf("err = %v", err)
	}
}

func TestRenderNowDefaultsToClock(t *testing.T) {
	out, err := MustParse(`%date(now, "yyyy")%`).Value(Env{})
	if err != nil || out != time.Now().UTC().Format("2006") {
		t.Fatalf("now = %q, %v", out, err)
	}
}

func TestParseTimeFormats(t *testing.T) {
	cases := map[string]string{
		"20240102150405.0Z":         "2024-01-02 15:04",
		"20240102150405Z":           "2024-01-02 15:04",
		"2024-01-02T15:04:05+02:00": "2024-01-02 13:04",
		"2024-01-02":                "2024-01-02 00:00",
		"133500000000000000":        "2024-01-17 21:20",
	}
	for in, want := range cases {
		tm, err := parseTime(in)
		if err != nil || formatDate(tm.UTC(), "yyyy-MM-dd HH:mm") != want {
			t.Errorf("parseTime(%q) = %v, %v; want %s", in, tm, err, want)
		}
	}
	for _, never := range []string{"000000000000000", "9223372036854775807"} {
		if _, err := parseTime(never); !errors.Is(err, ErrMissingValue) {
			t.Errorf("parseTime(%q) = %v: a FILETIME meaning never must be no value", never, err)
		}
	}
	if _, err := parseTime("yesterday"); !errors.Is(err, ErrFunction) {
		t.Errorf("parseTime(yesterday) = %v, want ErrFunction", err)
	}
}

func TestDateTokens(t *testing.T) {
	at := time.Date(2026, 12, 24, 0, 7, 3, 45_000_000, time.UTC)
	cases := map[string]string{
		"yyyy yy MMMM MMM MM M":   "2026 26 December Dec 12 12",
		"dddd ddd dd d":           "Thursday Thu 24 24",
		"HH H hh h mm m ss s fff": "00 0 12 12 07 7 03 3 045",
		"tt K 'yyyy' \\d":         "AM Z yyyy d",
		"yyyyMMddTHHmm":           "",
	}
	for layout, want := range cases {
		_, err := checkLayout(layout)
		if want == "" {
			if err == nil {
				t.Errorf("layout %q accepted: T is not a token and must be quoted", layout)
			}
			continue
		}
		if err != nil {
			t.Errorf("checkLayout(%q) = %v", layout, err)
		}
		if got := formatDate(at, layout); got != want {
			t.Errorf("formatDate(%q) = %q, want %q", layout, got, want)
		}
	}
	if got := formatDate(at.Add(13*time.Hour), "h tt"); got != "1 PM" {
		t.Errorf("afternoon = %q", got)
	}
}

func TestFirstAndJoinOfTime(t *testing.T) {
	for src, want := range map[string]string{
		`%date(first(now), "yyyy")%`: "2026",
		`%join(now, ",")%`:           "2026-03-07T14:05:09Z",
		`%first(ad.title)%`:          "",
	} {
		got, err := render(t, src, Text)
		if want == "" {
			if !errors.Is(err, ErrMissingValue) {
				t.Errorf("%s = %q, %v; want missing", src, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", src, got, err, want)
		}
	}
}
