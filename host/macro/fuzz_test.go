package macro

import (
	"testing"
)

// FuzzParse checks that no input makes the parser panic, and that every
// parsed macro, written back with String, parses to the same thing: the
// console rewrites templates from the AST, so the two must agree.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"%ad.mail%", "a %% b", `%replace(ad.department, " ", "-")%`, `%date(now, "yyyy-MM-dd")%`,
		`%lower(concat(substring(ad.givenName, 0, 1), ad.sn, "\"q\"\\\n\t\%"))%`, "%steps.addUser.id%",
		"%", "%%%", `%"unterminated`, "%lower(%", "%a.b[].c%", "%split(x.y, \",\", -1)%", "\xff%ad.x%",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := Parse(src)
		if err != nil {
			return
		}
		for _, m := range tpl.Macros() {
			again, err := Parse("%" + m.Expr.String() + "%")
			if err != nil {
				t.Fatalf("%q: written back as %q, which does not parse: %v", m.Source, m.Expr.String(), err)
			}
			if got := again.Segments[0].Expr.String(); got != m.Expr.String() {
				t.Fatalf("%q: round trip gave %q, want %q", m.Source, got, m.Expr.String())
			}
		}
	})
}
