package macro

import "testing"

// BenchmarkRenderJSONBody renders a typical webhook body for one user, the
// per-object cost an orchestration run pays for each step.
func BenchmarkRenderJSONBody(b *testing.B) {
	tpl := MustParse(`{"email": "%lower(ad.mail)%", "name": "%concat(ad.givenName, " ", ad.sn)%", "group": "%replace(ad.department, " ", "-")%", "since": "%date(ad.whenCreated, "yyyy-MM-dd")%"}`)
	env := bob
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Render(env, JSON); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck measures the save-time check of a multi-macro template.
func BenchmarkCheck(b *testing.B) {
	scope := stepScope()
	src := `/workspaces/%integration.workspaceId%/users/%steps.addUser.id%?email=%lower(ad.mail)%&name=%concat(ad.givenName, " ", ad.sn)%`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(src, scope); err != nil {
			b.Fatal(err)
		}
	}
}
