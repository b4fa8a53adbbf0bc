package demodir

import (
	"strconv"
	"strings"
	"time"
)

// OIDs the rootDSE advertises. Only what the server really does is listed:
// a client that looks for DirSync (1.2.840.113556.1.4.841) will not find it
// and falls back to uSNChanged, which is supported.
const (
	oidPagedResults = "1.2.840.113556.1.4.319"
	oidShowDeleted  = "1.2.840.113556.1.4.417"
	oidTreeDelete   = "1.2.840.113556.1.4.805"
	capActiveDir    = "1.2.840.113556.1.4.800"  // LDAP_CAP_ACTIVE_DIRECTORY_OID
	capActiveDirV51 = "1.2.840.113556.1.4.1670" // Windows Server 2003 and later
	capActiveDirV60 = "1.2.840.113556.1.4.1935" // Windows Server 2008 and later
	capActiveDirV61 = "1.2.840.113556.1.4.2080" // Windows Server 2008 R2 and later
)

// rootDSE builds the server's root entry, with the values of the moment.
func (d *directory) rootDSE(now time.Time) map[string][]string {
	config := "CN=Configuration," + d.base.text
	host := "dc1." + d.dnsDomain
	return map[string][]string{
		"objectClass":                   {"top"},
		"defaultNamingContext":          {d.base.text},
		"rootDomainNamingContext":       {d.base.text},
		"configurationNamingContext":    {config},
		"schemaNamingContext":           {"CN=Schema," + config},
		"namingContexts":                {d.base.text, config, "CN=Schema," + config},
		"dsServiceName":                 {d.dsService},
		"subschemaSubentry":             {d.subschema},
		"serverName":                    {strings.TrimPrefix(d.dsService, "CN=NTDS Settings,")},
		"dnsHostName":                   {host},
		"ldapServiceName":               {d.dnsDomain + ":dc1$@" + strings.ToUpper(d.dnsDomain)},
		"highestCommittedUSN":           {strconv.FormatUint(d.highestUSN(), 10)},
		"currentTime":                   {formatTime(now)},
		"isSynchronized":                {"TRUE"},
		"isGlobalCatalogReady":          {"FALSE"},
		"supportedLDAPVersion":          {"3"},
		"supportedControl":              {oidPagedResults, oidShowDeleted, oidTreeDelete},
		"supportedCapabilities":         {capActiveDir, capActiveDirV51, capActiveDirV60, capActiveDirV61},
		"supportedSASLMechanisms":       {},
		"supportedLDAPPolicies":         {"MaxPageSize"},
		"domainFunctionality":           {"7"},
		"forestFunctionality":           {"7"},
		"domainControllerFunctionality": {"7"},
		"vendorName":                    {},
	}
}

// selectRootDSE applies a search's attribute list to the rootDSE.
func selectRootDSE(all map[string][]string, attrs []string) []resultAttr {
	sel := newSelection(attrs)
	var out []resultAttr
	for name, vals := range all {
		if len(vals) == 0 {
			continue
		}
		want := sel.all || sel.operational
		for _, n := range sel.named {
			if n == strings.ToLower(name) {
				want = true
			}
		}
		if want {
			out = append(out, resultAttr{name: name, vals: vals})
		}
	}
	return out
}
