package demodir

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Seed is the initial content of a directory. It is plain data so a demo
// can keep it in a JSON file; DNs in it are relative to the base DN
// ("OU=Engineering,OU=Staff"), full DNs ending in the base DN work too.
type Seed struct {
	// OUs are created in order of depth, parents first.
	OUs []string `json:"ous"`
	// Users are created before groups so groups can list them.
	Users []SeedUser `json:"users"`
	// Groups may list users and other groups (nesting) as members.
	Groups []SeedGroup `json:"groups"`
}

// SeedUser is one user account.
type SeedUser struct {
	// OU is where the user lives, relative to the base DN.
	OU string `json:"ou"`
	// SAMAccountName is the logon name (at most 20 characters); the UPN
	// is <sAMAccountName>@<DNS domain of the base DN>.
	SAMAccountName string `json:"sAMAccountName"`
	// GivenName and Surname become givenName and sn.
	GivenName string `json:"givenName,omitempty"`
	Surname   string `json:"sn,omitempty"`
	// CN defaults to "GivenName Surname"; displayName follows it.
	CN string `json:"cn,omitempty"`
	// Mail is the address apps such as Clockify know the person by.
	Mail string `json:"mail,omitempty"`
	// Department and Title drive group and field mappings.
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
	// EmployeeID is the HR key many joins use.
	EmployeeID string `json:"employeeID,omitempty"`
	// Manager is the sAMAccountName of the user's manager.
	Manager string `json:"manager,omitempty"`
	// Disabled sets userAccountControl to 514 instead of 512.
	Disabled bool `json:"disabled,omitempty"`
	// Password lets the account bind; accounts without one cannot,
	// except service accounts, which get the administrator's password.
	Password string `json:"password,omitempty"`
	// Service marks the account the product binds as: it may write,
	// like an account with delegated rights on AD.
	Service bool `json:"service,omitempty"`
	// Attributes adds any other schema attribute.
	Attributes map[string][]string `json:"attributes,omitempty"`
}

// SeedGroup is one global security group.
type SeedGroup struct {
	// Name is the group's CN and sAMAccountName.
	Name string `json:"name"`
	// OU is where the group lives, relative to the base DN.
	OU string `json:"ou"`
	// Description is shown by admin tools.
	Description string `json:"description,omitempty"`
	// Members are sAMAccountNames of users or names of groups.
	Members []string `json:"members,omitempty"`
}

// load adds the seed to a fresh directory. Seeded objects get stable
// objectGUIDs derived from their DN, so a demo shows the same IDs on
// every run.
func (s *Seed) load(d *directory, adminPassword string) error {
	abs := func(rel string) string {
		rel = strings.TrimSpace(rel)
		if rel == "" {
			return d.base.text
		}
		if strings.HasSuffix(strings.ToLower(rel), d.base.key) {
			return rel
		}
		return rel + "," + d.base.text
	}
	wrap := func(what string, err error) error {
		return fmt.Errorf("%w: %s: %w", ErrInvalidSeed, what, err)
	}
	ous := append([]string(nil), s.OUs...)
	sort.SliceStable(ous, func(i, j int) bool { return strings.Count(ous[i], "=") < strings.Count(ous[j], "=") })
	for _, ou := range ous {
		dn := abs(ou)
		if err := d.add(dn, map[string][]string{"objectClass": {"top", "organizationalUnit"}}, addOptions{internal: true, guid: stableGUID(dn)}); err != nil {
			return wrap("OU "+ou, err)
		}
	}
	bySam := make(map[string]string)
	for _, u := range s.Users {
		cn := u.CN
		if cn == "" {
			cn = strings.TrimSpace(u.GivenName + " " + u.Surname)
		}
		if cn == "" || u.SAMAccountName == "" {
			return wrap("user", fmt.Errorf("every user needs sAMAccountName and a name (cn or givenName/sn)"))
		}
		dn := "CN=" + escapeRDNValue(cn) + "," + abs(u.OU)
		uac := uacNormalAccount
		if u.Disabled {
			uac |= uacAccountDisable
		}
		attrs := map[string][]string{
			"objectClass":        {"top", "person", "organizationalPerson", "user"},
			"sAMAccountName":     {u.SAMAccountName},
			"userPrincipalName":  {u.SAMAccountName + "@" + d.dnsDomain},
			"displayName":        {cn},
			"userAccountControl": {strconv.Itoa(uac)},
		}
		for k, v := range map[string]string{"givenName": u.GivenName, "sn": u.Surname, "mail": u.Mail,
			"department": u.Department, "title": u.Title, "employeeID": u.EmployeeID} {
			if v != "" {
				attrs[k] = []string{v}
			}
		}
		for k, v := range u.Attributes {
			attrs[k] = v
		}
		pw := u.Password
		if pw == "" && u.Service {
			pw = adminPassword
		}
		if err := d.add(dn, attrs, addOptions{internal: true, guid: stableGUID(dn), password: pw, writer: u.Service}); err != nil {
			return wrap("user "+u.SAMAccountName, err)
		}
		bySam[strings.ToLower(u.SAMAccountName)] = dn
	}
	for _, u := range s.Users {
		if u.Manager == "" {
			continue
		}
		mgr, ok := bySam[strings.ToLower(u.Manager)]
		if !ok {
			return wrap("user "+u.SAMAccountName, fmt.Errorf("manager %q is not a seeded user", u.Manager))
		}
		if err := d.modify(bySam[strings.ToLower(u.SAMAccountName)], []change{{op: modReplace, attr: "manager", vals: []string{mgr}}}); err != nil {
			return wrap("user "+u.SAMAccountName, err)
		}
	}
	groups := make(map[string]string)
	for _, g := range s.Groups {
		dn := "CN=" + escapeRDNValue(g.Name) + "," + abs(g.OU)
		attrs := map[string][]string{
			"objectClass":    {"top", "group"},
			"sAMAccountName": {g.Name},
		}
		if g.Description != "" {
			attrs["description"] = []string{g.Description}
		}
		if err := d.add(dn, attrs, addOptions{internal: true, guid: stableGUID(dn)}); err != nil {
			return wrap("group "+g.Name, err)
		}
		groups[strings.ToLower(g.Name)] = dn
	}
	for _, g := range s.Groups {
		if len(g.Members) == 0 {
			continue
		}
		var members []string
		for _, m := range g.Members {
			dn, ok := bySam[strings.ToLower(m)]
			if !ok {
				dn, ok = groups[strings.ToLower(m)]
			}
			if !ok {
				return wrap("group "+g.Name, fmt.Errorf("member %q is neither a seeded user nor a group", m))
			}
			members = append(members, dn)
		}
		if err := d.modify(groups[strings.ToLower(g.Name)], []change{{op: modReplace, attr: "member", vals: members}}); err != nil {
			return wrap("group "+g.Name, err)
		}
	}
	return nil
}

// seedNamespace scopes stable GUIDs to this package.
var seedNamespace = uuid.MustParse("6f1c2a8e-3d4b-4c5e-9f60-7a8b9c0d1e2f")

func stableGUID(dn string) []byte {
	return guidBytes(uuid.NewSHA1(seedNamespace, []byte(strings.ToLower(dn))))
}
