package integrations

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/idbridge/idbridge/host/macro/condition"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// rowProblems checks a table setting row by row, so a mistyped value
// ("CN=Admins -> WORKSPACE_ADMN") is refused when it is saved instead of
// being ignored by every template and plan that reads the table. Rows are
// numbered as the admin wrote them, blank ones not counted, split by
// condition.TableLines as the templates split them. See decision 0219.
func rowProblems(key string, rows *connectorv1.SettingRows, v string) []Problem {
	name := rows.GetName()
	if name == "" {
		name = key
	}
	keyNoun := rows.GetKeyNoun()
	if keyNoun == "" {
		keyNoun = "key"
	}
	valueNoun := rows.GetValueNoun()
	if valueNoun == "" {
		valueNoun = "value"
	}
	use := "use " + orList(rows.GetValues())
	var problems []Problem
	n := 0
	for _, row := range condition.TableLines(v) {
		n++
		fail := func(format string, args ...any) {
			problems = append(problems, Problem{key, fmt.Sprintf("%s row %d: ", name, n) + fmt.Sprintf(format, args...)})
		}
		k, val, ok := strings.Cut(row, condition.RowArrow)
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		switch {
		case !ok:
			fail("%q gives no %s; write it as %q", row, firstWord(valueNoun), row+" "+condition.RowArrow+" "+firstValue(rows))
		case k == "":
			fail("names no %s before %s; write the %s's CN or full DN", keyNoun, condition.RowArrow, keyNoun)
		case strings.Contains(k, "=") && !parsesAsDN(k):
			fail("%q is not a DN that parses; write the %s's CN alone or its full DN, e.g. CN=Admins,OU=Groups,DC=example,DC=com", k, keyNoun)
		case val == "":
			fail("names no %s after %s; %s", firstWord(valueNoun), condition.RowArrow, use)
		case !containsFold(rows.GetValues(), val):
			fail("%s is not a %s; %s", val, valueNoun, use)
		}
	}
	return problems
}

func parsesAsDN(s string) bool {
	dn, err := ldap.ParseDN(s)
	return err == nil && len(dn.RDNs) > 0
}

func containsFold(list []string, v string) bool {
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// orList writes values as an admin reads them: "A, B or C".
func orList(values []string) string {
	switch len(values) {
	case 0:
		return "a value the connector declares"
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// firstWord is the noun of a value noun such as "role Clockify gives".
func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}

func firstValue(rows *connectorv1.SettingRows) string {
	if v := rows.GetValues(); len(v) > 0 {
		return v[0]
	}
	return "VALUE"
}
