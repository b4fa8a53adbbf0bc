package demodir

import "strings"

// syntax says how values of an attribute compare in filters and how writes
// are validated.
type syntax int

const (
	synString syntax = iota // case-insensitive text
	synInt                  // signed decimal integer
	synTime                 // generalized time, "20261128002637.0Z"
	synBinary               // raw bytes, compared exactly
	synDN                   // a distinguished name, compared normalised
	synBool                 // TRUE / FALSE
)

// attrType is one entry of the built-in schema.
type attrType struct {
	name   string // the spelling AD uses, returned to clients
	syntax syntax
	single bool
	// system marks attributes only the directory writes (AD's systemOnly):
	// clients that try get unwillingToPerform.
	system bool
	// operational attributes are constructed and returned only when asked
	// for by name or with "+".
	operational bool
	// secret attributes are write-only: never returned by a search.
	secret bool
}

// schema is the fixed set of attributes the directory knows. Writes that
// name anything else fail with undefinedAttributeType, as on AD.
var schema = func() map[string]*attrType {
	list := []attrType{
		{name: "objectClass"},
		{name: "objectCategory", syntax: synDN, single: true},
		{name: "cn", single: true},
		{name: "name", single: true, system: true},
		{name: "ou", single: true},
		{name: "dc", single: true},
		{name: "distinguishedName", syntax: synDN, single: true, system: true},
		{name: "objectGUID", syntax: synBinary, single: true, system: true},
		{name: "objectSid", syntax: synBinary, single: true, system: true},
		{name: "invocationId", syntax: synBinary, single: true, system: true},
		{name: "sAMAccountName", single: true},
		{name: "userPrincipalName", single: true},
		{name: "mail", single: true},
		{name: "givenName", single: true},
		{name: "sn", single: true},
		{name: "initials", single: true},
		{name: "displayName", single: true},
		{name: "description"},
		{name: "department", single: true},
		{name: "title", single: true},
		{name: "company", single: true},
		{name: "employeeID", single: true},
		{name: "employeeNumber", single: true},
		{name: "employeeType", single: true},
		{name: "physicalDeliveryOfficeName", single: true},
		{name: "telephoneNumber", single: true},
		{name: "mobile", single: true},
		{name: "l", single: true},
		{name: "co", single: true},
		{name: "c", single: true},
		{name: "st", single: true},
		{name: "streetAddress", single: true},
		{name: "postalCode", single: true},
		{name: "info", single: true},
		{name: "manager", syntax: synDN, single: true},
		{name: "member", syntax: synDN},
		{name: "memberOf", syntax: synDN, system: true},
		{name: "groupType", syntax: synInt, single: true},
		{name: "userAccountControl", syntax: synInt, single: true},
		{name: "accountExpires", syntax: synInt, single: true},
		{name: "pwdLastSet", syntax: synInt, single: true},
		{name: "instanceType", syntax: synInt, single: true, system: true},
		{name: "whenCreated", syntax: synTime, single: true, system: true},
		{name: "whenChanged", syntax: synTime, single: true, system: true},
		{name: "uSNCreated", syntax: synInt, single: true, system: true},
		{name: "uSNChanged", syntax: synInt, single: true, system: true},
		{name: "isCriticalSystemObject", syntax: synBool, single: true},
		{name: "unicodePwd", syntax: synBinary, single: true, secret: true},
		{name: "createTimestamp", syntax: synTime, single: true, system: true, operational: true},
		{name: "modifyTimestamp", syntax: synTime, single: true, system: true, operational: true},
		{name: "canonicalName", single: true, system: true, operational: true},
	}
	m := make(map[string]*attrType, len(list))
	for i := range list {
		m[strings.ToLower(list[i].name)] = &list[i]
	}
	return m
}()

// lookupAttr returns the schema entry for a name in any case, or nil.
func lookupAttr(name string) *attrType {
	return schema[strings.ToLower(name)]
}

// Well-known values of userAccountControl and groupType.
const (
	uacAccountDisable = 0x0002
	uacNormalAccount  = 0x0200
	// uacNewUserDefault is what AD gives a user added without
	// userAccountControl: disabled, password not required.
	uacNewUserDefault = 0x0222

	groupTypeGlobalSecurity = -2147483646
)
