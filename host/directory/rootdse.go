package directory

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/go-ldap/ldap/v3"
)

// capActiveDirectory is LDAP_CAP_ACTIVE_DIRECTORY_OID, which every AD (and
// Samba AD) domain controller lists in supportedCapabilities.
const capActiveDirectory = "1.2.840.113556.1.4.800"

// RootDSE is what the server says about itself. The change watcher reads it
// on every poll for the USN high-water mark and the server's identity.
type RootDSE struct {
	DefaultNamingContext  string
	NamingContexts        []string
	SubschemaSubentry     string
	DSServiceName         string
	DNSHostName           string
	HighestCommittedUSN   int64
	ForestFunctionality   string
	SupportedCapabilities []string
	SupportedControls     []string
	VendorName            string
}

// Flavor reports AD when the server announces the AD capability or a forest
// functional level, and generic LDAP otherwise.
func (r RootDSE) Flavor() Flavor {
	if slices.Contains(r.SupportedCapabilities, capActiveDirectory) || r.ForestFunctionality != "" {
		return FlavorAD
	}
	return FlavorLDAP
}

// SupportsControl reports whether the server lists the control OID.
func (r RootDSE) SupportsControl(oid string) bool {
	return slices.Contains(r.SupportedControls, oid)
}

// SupportsDirSync reports whether the server offers AD's DirSync control,
// which the watcher's dirsync mode needs.
func (r RootDSE) SupportsDirSync() bool { return r.SupportsControl(ldap.ControlTypeDirSync) }

// RootDSE reads the server's rootDSE afresh.
func (c *Client) RootDSE(ctx context.Context) (RootDSE, error) {
	req := ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{
			"defaultNamingContext", "namingContexts", "subschemaSubentry", "dsServiceName",
			"dnsHostName", "highestCommittedUSN", "forestFunctionality", "supportedCapabilities",
			"supportedControl", "vendorName",
		}, nil)
	var r RootDSE
	err := c.do(ctx, "read rootDSE", true, func(conn *ldap.Conn) error {
		res, err := conn.Search(req)
		if err != nil {
			return err
		}
		if len(res.Entries) != 1 {
			return errors.New("the server returned no rootDSE")
		}
		e := res.Entries[0]
		r = RootDSE{
			DefaultNamingContext:  e.GetAttributeValue("defaultNamingContext"),
			NamingContexts:        e.GetAttributeValues("namingContexts"),
			SubschemaSubentry:     e.GetAttributeValue("subschemaSubentry"),
			DSServiceName:         e.GetAttributeValue("dsServiceName"),
			DNSHostName:           e.GetAttributeValue("dnsHostName"),
			ForestFunctionality:   e.GetAttributeValue("forestFunctionality"),
			SupportedCapabilities: e.GetAttributeValues("supportedCapabilities"),
			SupportedControls:     e.GetAttributeValues("supportedControl"),
			VendorName:            e.GetAttributeValue("vendorName"),
		}
		if v := e.GetAttributeValue("highestCommittedUSN"); v != "" {
			r.HighestCommittedUSN, _ = strconv.ParseInt(v, 10, 64)
		}
		return nil
	})
	return r, err
}

// InvocationID reads the invocationId of the domain controller's NTDS
// Settings object (named by the rootDSE's dsServiceName). It changes when a
// DC is restored from backup or replaced, which makes USN cursors invalid.
func (c *Client) InvocationID(ctx context.Context, dsServiceName string) (string, error) {
	if dsServiceName == "" {
		return "", newError("read invocationId", ErrUnsupported, "only Active Directory has an invocationId", errors.New("no dsServiceName"))
	}
	req := ldap.NewSearchRequest(dsServiceName, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"invocationId"}, nil)
	var id string
	err := c.do(ctx, "read invocationId", true, func(conn *ldap.Conn) error {
		res, err := conn.Search(req)
		if err != nil {
			return err
		}
		if len(res.Entries) != 1 {
			return ldap.NewError(ldap.LDAPResultNoSuchObject, errors.New("no NTDS Settings object"))
		}
		raw := res.Entries[0].GetRawAttributeValue("invocationId")
		if len(raw) != 16 {
			return ldap.NewError(ldap.LDAPResultNoSuchAttribute, errors.New("NTDS Settings has no invocationId"))
		}
		id = FormatGUID(raw)
		return nil
	})
	return id, err
}
