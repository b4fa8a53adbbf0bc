package demodir

import (
	"sort"
	"strings"
)

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
	oid    string // AD's attributeID, published in the subschema
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
		{name: "objectClass", oid: "2.5.4.0"},
		{name: "objectCategory", oid: "1.2.840.113556.1.4.782", syntax: synDN, single: true},
		{name: "cn", oid: "2.5.4.3", single: true},
		{name: "name", oid: "1.2.840.113556.1.4.1", single: true, system: true},
		{name: "ou", oid: "2.5.4.11", single: true},
		{name: "dc", oid: "0.9.2342.19200300.100.1.25", single: true},
		{name: "distinguishedName", oid: "2.5.4.49", syntax: synDN, single: true, system: true},
		{name: "objectGUID", oid: "1.2.840.113556.1.4.2", syntax: synBinary, single: true, system: true},
		{name: "objectSid", oid: "1.2.840.113556.1.4.146", syntax: synBinary, single: true, system: true},
		{name: "invocationId", oid: "1.2.840.113556.1.2.115", syntax: synBinary, single: true, system: true},
		{name: "sAMAccountName", oid: "1.2.840.113556.1.4.221", single: true},
		{name: "userPrincipalName", oid: "1.2.840.113556.1.4.656", single: true},
		{name: "mail", oid: "0.9.2342.19200300.100.1.3", single: true},
		{name: "givenName", oid: "2.5.4.42", single: true},
		{name: "sn", oid: "2.5.4.4", single: true},
		{name: "initials", oid: "2.5.4.43", single: true},
		{name: "displayName", oid: "1.2.840.113556.1.2.13", single: true},
		{name: "description", oid: "2.5.4.13"},
		{name: "department", oid: "1.2.840.113556.1.2.141", single: true},
		{name: "title", oid: "2.5.4.12", single: true},
		{name: "company", oid: "1.2.840.113556.1.2.146", single: true},
		{name: "employeeID", oid: "1.2.840.113556.1.4.35", single: true},
		{name: "employeeNumber", oid: "1.2.840.113556.1.2.610", single: true},
		{name: "employeeType", oid: "1.2.840.113556.1.2.613", single: true},
		{name: "physicalDeliveryOfficeName", oid: "2.5.4.19", single: true},
		{name: "telephoneNumber", oid: "2.5.4.20", single: true},
		{name: "mobile", oid: "0.9.2342.19200300.100.1.41", single: true},
		{name: "l", oid: "2.5.4.7", single: true},
		{name: "co", oid: "1.2.840.113556.1.2.131", single: true},
		{name: "c", oid: "2.5.4.6", single: true},
		{name: "st", oid: "2.5.4.8", single: true},
		{name: "streetAddress", oid: "2.5.4.9", single: true},
		{name: "postalCode", oid: "2.5.4.17", single: true},
		{name: "info", oid: "1.2.840.113556.1.2.81", single: true},
		{name: "manager", oid: "0.9.2342.19200300.100.1.10", syntax: synDN, single: true},
		{name: "member", oid: "2.5.4.31", syntax: synDN},
		{name: "memberOf", oid: "1.2.840.113556.1.2.102", syntax: synDN, system: true},
		{name: "groupType", oid: "1.2.840.113556.1.4.750", syntax: synInt, single: true},
		{name: "userAccountControl", oid: "1.2.840.113556.1.4.8", syntax: synInt, single: true},
		{name: "accountExpires", oid: "1.2.840.113556.1.4.159", syntax: synInt, single: true},
		{name: "pwdLastSet", oid: "1.2.840.113556.1.4.96", syntax: synInt, single: true},
		{name: "instanceType", oid: "1.2.840.113556.1.2.1", syntax: synInt, single: true, system: true},
		{name: "whenCreated", oid: "1.2.840.113556.1.2.2", syntax: synTime, single: true, system: true},
		{name: "whenChanged", oid: "1.2.840.113556.1.2.3", syntax: synTime, single: true, system: true},
		{name: "uSNCreated", oid: "1.2.840.113556.1.2.19", syntax: synInt, single: true, system: true},
		{name: "uSNChanged", oid: "1.2.840.113556.1.2.120", syntax: synInt, single: true, system: true},
		{name: "isCriticalSystemObject", oid: "1.2.840.113556.1.4.868", syntax: synBool, single: true},
		{name: "unicodePwd", oid: "1.2.840.113556.1.4.90", syntax: synBinary, single: true, secret: true},
		{name: "createTimestamp", oid: "2.5.18.1", syntax: synTime, single: true, system: true, operational: true},
		{name: "modifyTimestamp", oid: "2.5.18.2", syntax: synTime, single: true, system: true, operational: true},
		{name: "canonicalName", oid: "1.2.840.113556.1.4.916", single: true, system: true, operational: true},
		{name: "isDeleted", oid: "1.2.840.113556.1.2.48", syntax: synBool, single: true, system: true},
		{name: "lastKnownParent", oid: "1.2.840.113556.1.4.781", syntax: synDN, single: true, system: true},
		{name: "subschemaSubentry", oid: "2.5.18.10", syntax: synDN, single: true, system: true, operational: true},
		{name: "attributeTypes", oid: "2.5.21.5", system: true},
		{name: "objectClasses", oid: "2.5.21.6", system: true},
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

// syntaxOIDs are the LDAP syntaxes published for each kind of value.
var syntaxOIDs = map[syntax]string{
	synString: "1.3.6.1.4.1.1466.115.121.1.15", // Directory String
	synInt:    "1.3.6.1.4.1.1466.115.121.1.27", // INTEGER
	synTime:   "1.3.6.1.4.1.1466.115.121.1.24", // Generalized Time
	synBinary: "1.3.6.1.4.1.1466.115.121.1.40", // Octet String
	synDN:     "1.3.6.1.4.1.1466.115.121.1.12", // DN
	synBool:   "1.3.6.1.4.1.1466.115.121.1.7",  // Boolean
}

// objectClassDefs are the classes the directory creates, as RFC 4512
// definitions with AD's governsIDs.
var objectClassDefs = []string{
	"( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
	"( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST cn MAY ( sn $ telephoneNumber $ description ) )",
	"( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY ( title $ l $ st $ postalCode $ streetAddress $ physicalDeliveryOfficeName $ givenName $ initials $ department $ company $ manager $ mobile $ co $ c $ employeeID ) )",
	"( 1.2.840.113556.1.5.9 NAME 'user' SUP organizationalPerson STRUCTURAL MAY ( sAMAccountName $ userPrincipalName $ mail $ displayName $ userAccountControl $ accountExpires $ pwdLastSet $ unicodePwd $ employeeNumber $ employeeType $ info $ memberOf ) )",
	"( 1.2.840.113556.1.5.8 NAME 'group' SUP top STRUCTURAL MUST groupType MAY ( member $ sAMAccountName $ description $ mail $ displayName $ info $ memberOf ) )",
	"( 2.5.6.5 NAME 'organizationalUnit' SUP top STRUCTURAL MUST ou MAY ( description $ l $ st ) )",
	"( 1.2.840.113556.1.3.23 NAME 'container' SUP top STRUCTURAL MUST cn MAY description )",
	"( 1.2.840.113556.1.5.67 NAME 'domainDNS' SUP domain STRUCTURAL )",
	"( 1.2.840.113556.1.5.7000.47 NAME 'nTDSDSA' SUP applicationSettings STRUCTURAL MAY invocationId )",
}

// attributeTypeDefs renders the schema as RFC 4512 attribute type
// definitions, so a client can check attribute names before it writes.
func attributeTypeDefs() []string {
	out := make([]string, 0, len(schema))
	for _, at := range schema {
		def := "( " + at.oid + " NAME '" + at.name + "' SYNTAX '" + syntaxOIDs[at.syntax] + "'"
		if at.single {
			def += " SINGLE-VALUE"
		}
		if at.system {
			def += " NO-USER-MODIFICATION"
		}
		out = append(out, def+" )")
	}
	sort.Strings(out)
	return out
}
