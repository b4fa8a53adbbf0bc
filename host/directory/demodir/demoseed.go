package demodir

// DemoSeed returns a small company: a Staff OU with one sub-OU per
// department, a Leavers OU with disabled accounts, a group per department
// (nested in "All Staff"), managers, and the service account the product
// binds as. Departments and mail addresses line up with the Clockify
// sandbox's default workspace, so a dry run shows accounts to create
// (new hires), accounts to keep, and stale ones (leavers).
func DemoSeed() *Seed {
	const (
		eng     = "OU=Engineering,OU=Staff"
		sales   = "OU=Sales,OU=Staff"
		finance = "OU=Finance,OU=Staff"
		support = "OU=Support,OU=Staff"
		leavers = "OU=Leavers"
	)
	user := func(ou, sam, given, sn, dept, title, id, manager string) SeedUser {
		return SeedUser{OU: ou, SAMAccountName: sam, GivenName: given, Surname: sn,
			Mail: sam + "@example.com", Department: dept, Title: title, EmployeeID: id, Manager: manager}
	}
	users := []SeedUser{
		user(eng, "ada.owner", "Ada", "Owner", "Engineering", "Head of Engineering", "E1001", ""),
		user(eng, "linus.lead", "Linus", "Lead", "Engineering", "Engineering Lead", "E1002", "ada.owner"),
		user(eng, "barbara.dev", "Barbara", "Dev", "Engineering", "Software Engineer", "E1003", "linus.lead"),
		user(eng, "max.member", "Max", "Member", "Engineering", "Software Engineer", "E1004", "linus.lead"),
		user(eng, "grace.admin", "Grace", "Admin", "Engineering", "Platform Engineer", "E1005", "ada.owner"),
		user(eng, "nora.quinn", "Nora", "Quinn", "Engineering", "Software Engineer", "E1006", "linus.lead"),
		user(eng, "omar.haddad", "Omar", "Haddad", "Engineering", "QA Engineer", "E1007", "linus.lead"),
		user(sales, "priya.raman", "Priya", "Raman", "Sales", "Sales Manager", "E2001", ""),
		user(sales, "ken.sales", "Ken", "Sales", "Sales", "Account Executive", "E2002", "priya.raman"),
		user(sales, "tom.becker", "Tom", "Becker", "Sales", "Account Executive", "E2003", "priya.raman"),
		user(finance, "fiona.walsh", "Fiona", "Walsh", "Finance", "Financial Controller", "E3001", ""),
		user(finance, "henrik.berg", "Henrik", "Berg", "Finance", "Accountant", "E3002", "fiona.walsh"),
		user(finance, "paul.meyer", "Paul", "Meyer", "Finance", "Accountant", "E3003", "fiona.walsh"),
		user(support, "lena.novak", "Lena", "Novak", "Support", "Support Lead", "E4001", ""),
		user(support, "kiosk.worker", "Kiosk", "Worker", "Support", "Support Agent", "E4002", "lena.novak"),
		user(support, "said.no", "Said", "No", "Support", "Support Agent", "E4003", "lena.novak"),
		user(leavers, "dennis.left", "Dennis", "Left", "Sales", "Account Executive", "E2004", ""),
		user(leavers, "margaret.gone", "Margaret", "Gone", "Engineering", "Software Engineer", "E1008", ""),
	}
	// On leave: still in Staff, but disabled.
	users[12].Disabled = true
	users[16].Disabled = true
	users[17].Disabled = true
	users = append(users, SeedUser{
		OU: "OU=Service Accounts", SAMAccountName: "svc-idbridge", CN: "idbridge service",
		Title: "Service account", Service: true,
		Attributes: map[string][]string{"description": {"Account idbridge binds as; may write"}},
	})
	return &Seed{
		OUs:   []string{"OU=Staff", eng, sales, finance, support, leavers, "OU=Groups", "OU=Service Accounts"},
		Users: users,
		Groups: []SeedGroup{
			{Name: "Engineering", OU: "OU=Groups", Description: "Everyone in Engineering",
				Members: []string{"ada.owner", "linus.lead", "barbara.dev", "max.member", "grace.admin", "nora.quinn", "omar.haddad"}},
			{Name: "Sales", OU: "OU=Groups", Description: "Everyone in Sales",
				Members: []string{"priya.raman", "ken.sales", "tom.becker"}},
			{Name: "Finance", OU: "OU=Groups", Description: "Everyone in Finance",
				Members: []string{"fiona.walsh", "henrik.berg", "paul.meyer"}},
			{Name: "Support", OU: "OU=Groups", Description: "Everyone in Support",
				Members: []string{"lena.novak", "kiosk.worker", "said.no"}},
			{Name: "All Staff", OU: "OU=Groups", Description: "Department groups; use the in-chain rule to list people",
				Members: []string{"Engineering", "Sales", "Finance", "Support"}},
			{Name: "Clockify Users", OU: "OU=Groups", Description: "People who should have a Clockify account",
				Members: []string{"Engineering", "Sales", "Support"}},
		},
	}
}
