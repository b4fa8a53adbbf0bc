package demodir

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// formatTime writes a time the way AD writes whenCreated and whenChanged:
// whole seconds followed by a literal ".0Z".
func formatTime(t time.Time) string {
	return t.UTC().Format("20060102150405") + ".0Z"
}

// firstUSN is where the change counter starts, roughly where a freshly
// provisioned domain is, so clients never see a suspiciously small USN.
const firstUSN = 4096

// directory is the in-memory tree. One RWMutex guards everything: writes are
// rare and small, and searches copy what they return while holding the read
// lock, so a client never sees half of a write.
type directory struct {
	mu      sync.RWMutex
	entries map[string]*entry // by dname.key
	// unique indexes the attributes AD keeps unique in a domain
	// (sAMAccountName, userPrincipalName): attr+NUL+lower(value) -> key.
	unique map[string]string
	usn    uint64

	base      dname
	configKey string // the configuration naming context, outside domain searches
	dsService string // DN of the NTDS Settings object (rootDSE dsServiceName)
	deleted   dname  // CN=Deleted Objects: where tombstones go
	subschema string // DN of the subschema entry (rootDSE subschemaSubentry)
	adminKey  string
	adminText string
	adminPass string

	domainSID []byte
	nextRID   uint32
	netbios   string // "DEMO" for DC=demo,...: the DOMAIN\user bind form
	dnsDomain string // "demo.idbridge.test": the UPN suffix
	now       func() time.Time
}

// addOptions carries what only the directory itself may set on an add.
type addOptions struct {
	// internal is for bootstrapping and seeding, before the server
	// serves: system attributes are allowed, the base needs no parent,
	// and the lock is not taken (the caller is the only user).
	internal bool
	guid     []byte // objectGUID to use instead of a random one (stable seeds)
	password string
	writer   bool
}

// newDirectory creates the naming context head, the configuration objects
// a client reads through the rootDSE, and the administrator.
func newDirectory(base dname, adminDN dname, adminPass string, now func() time.Time) (*directory, error) {
	d := &directory{
		entries:   make(map[string]*entry),
		unique:    make(map[string]string),
		usn:       firstUSN,
		base:      base,
		adminKey:  adminDN.key,
		adminText: adminDN.text,
		adminPass: adminPass,
		nextRID:   1100,
		now:       now,
	}
	var labels []string
	for _, r := range base.parsed.RDNs {
		if a := r.Attributes[0]; strings.EqualFold(a.Type, "dc") {
			labels = append(labels, a.Value)
		}
	}
	d.dnsDomain = strings.ToLower(strings.Join(labels, "."))
	if len(labels) > 0 {
		d.netbios = strings.ToUpper(labels[0])
	}
	d.domainSID = newDomainSID()

	config := "CN=Configuration," + base.text
	d.configKey = strings.ToLower(config)
	server := "CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites," + config
	d.dsService = "CN=NTDS Settings," + server
	invocation := uuid.New()
	d.deleted, _ = parseDN("CN=Deleted Objects," + base.text)
	d.subschema = "CN=Aggregate,CN=Schema," + config

	boot := []struct {
		dn    string
		attrs map[string][]string
	}{
		{base.text, map[string][]string{"objectClass": {"top", "domain", "domainDNS"}}},
		{"CN=Users," + base.text, map[string][]string{"objectClass": {"top", "container"}, "description": {"Default container for upgraded user accounts"}}},
		{d.deleted.text, map[string][]string{"objectClass": {"top", "container"}, "isDeleted": {"TRUE"}, "isCriticalSystemObject": {"TRUE"}}},
		{config, map[string][]string{"objectClass": {"top", "configuration"}}},
		{"CN=Schema," + config, map[string][]string{"objectClass": {"top", "dMD"}}},
		{d.subschema, map[string][]string{"objectClass": {"top", "subSchema"}, "attributeTypes": attributeTypeDefs(), "objectClasses": objectClassDefs}},
		{"CN=Sites," + config, map[string][]string{"objectClass": {"top", "sitesContainer"}}},
		{"CN=Default-First-Site-Name,CN=Sites," + config, map[string][]string{"objectClass": {"top", "site"}}},
		{"CN=Servers,CN=Default-First-Site-Name,CN=Sites," + config, map[string][]string{"objectClass": {"top", "serversContainer"}}},
		{server, map[string][]string{"objectClass": {"top", "server"}}},
		{d.dsService, map[string][]string{
			"objectClass":  {"top", "applicationSettings", "nTDSDSA"},
			"invocationId": {string(guidBytes(invocation))},
		}},
	}
	for _, b := range boot {
		if err := d.add(b.dn, b.attrs, addOptions{internal: true}); err != nil {
			return nil, err
		}
	}
	if isUnder(adminDN.key, base.key) && adminDN.key != base.key {
		if _, ok := d.entries[adminDN.parent().key]; ok {
			_, cn := adminDN.rdn()
			err := d.add(adminDN.text, map[string][]string{
				"objectClass":            {"top", "person", "organizationalPerson", "user"},
				"sAMAccountName":         {cn},
				"userPrincipalName":      {strings.ToLower(cn) + "@" + d.dnsDomain},
				"userAccountControl":     {"66048"}, // normal account, password never expires
				"isCriticalSystemObject": {"TRUE"},
				"description":            {"Built-in account for administering the directory"},
			}, addOptions{internal: true, password: adminPass, writer: true})
			if err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// guidBytes lays a UUID out the way AD stores objectGUID: the first three
// fields little-endian, the rest as is.
func guidBytes(u uuid.UUID) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b[0:4], binary.BigEndian.Uint32(u[0:4]))
	binary.LittleEndian.PutUint16(b[4:6], binary.BigEndian.Uint16(u[4:6]))
	binary.LittleEndian.PutUint16(b[6:8], binary.BigEndian.Uint16(u[6:8]))
	copy(b[8:], u[8:])
	return b
}

// newDomainSID returns S-1-5-21-a-b-c with random sub-authorities, as a
// freshly provisioned domain has.
func newDomainSID() []byte {
	var r [12]byte
	_, _ = rand.Read(r[:])
	b := []byte{1, 4, 0, 0, 0, 0, 0, 5}
	b = binary.LittleEndian.AppendUint32(b, 21)
	return append(b, r[:]...)
}

// nextSID appends the next RID to the domain SID.
func (d *directory) nextSID() string {
	d.nextRID++
	b := append([]byte(nil), d.domainSID...)
	b[1]++ // one more sub-authority
	return string(binary.LittleEndian.AppendUint32(b, d.nextRID))
}

// stamp records a write on an entry: the global USN moves on and the entry
// takes it, which is what delta readers (uSNChanged>=N) rely on.
func (d *directory) stamp(e *entry) {
	d.usn++
	e.attrs["usnchanged"] = []string{strconv.FormatUint(d.usn, 10)}
	e.attrs["whenchanged"] = []string{formatTime(d.now())}
}

// highestUSN is the rootDSE's highestCommittedUSN.
func (d *directory) highestUSN() uint64 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.usn
}

// closestExisting returns the nearest existing ancestor of a DN, for the
// matchedDN of a noSuchObject result.
func (d *directory) closestExisting(dn dname) string {
	for p := dn; len(p.parsed.RDNs) > 0; p = p.parent() {
		if e, ok := d.entries[p.key]; ok {
			return e.dn.text
		}
	}
	return ""
}

// findAccount resolves a bind name the ways AD accepts: a DN, a UPN or
// DOMAIN\sAMAccountName.
func (d *directory) findAccount(name string) *entry {
	if i := strings.IndexByte(name, '\\'); i > 0 && !strings.Contains(name, "=") {
		if !strings.EqualFold(name[:i], d.netbios) {
			return nil
		}
		return d.findBy("samaccountname", name[i+1:])
	}
	if strings.Contains(name, "@") && !strings.Contains(name, "=") {
		return d.findBy("userprincipalname", name)
	}
	dn, err := parseDN(name)
	if err != nil {
		return nil
	}
	return d.entries[dn.key]
}

// uniqueKeys are the attributes indexed for uniqueness and bind lookups.
var uniqueKeys = [...]string{"samaccountname", "userprincipalname"}

// findBy returns the entry whose unique attribute equals v,
// case-insensitively.
func (d *directory) findBy(key, v string) *entry {
	return d.entries[d.unique[key+"\x00"+strings.ToLower(v)]]
}

// index adds (or with add=false removes) an entry's unique values.
func (d *directory) index(e *entry, add bool) {
	for _, key := range uniqueKeys {
		v := e.first(key)
		if v == "" {
			continue
		}
		k := key + "\x00" + strings.ToLower(v)
		if add {
			d.unique[k] = e.dn.key
		} else if d.unique[k] == e.dn.key {
			delete(d.unique, k)
		}
	}
}

// authenticate checks a simple bind. It returns whether the account may
// write, or invalidCredentials with AD's sub-code in the message.
func (d *directory) authenticate(name, password string) (writer bool, err error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if dn, perr := parseDN(name); perr == nil && dn.key == d.adminKey && strings.Contains(name, "=") {
		if password == d.adminPass {
			return true, nil
		}
		return false, invalidCredentials()
	}
	e := d.findAccount(name)
	if e == nil || e.password == "" || e.password != password {
		return false, invalidCredentials()
	}
	if e.uac()&uacAccountDisable != 0 {
		// AD sub-code 533: account disabled.
		return false, resultErr(49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 533, v4563")
	}
	return e.writer, nil
}

// invalidCredentials is AD's answer to an unknown user or a wrong password
// (sub-code 52e), deliberately the same for both.
func invalidCredentials() error {
	return resultErr(49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563")
}

// fileTime converts a time to a Windows FILETIME (100 ns since 1601), the
// unit of pwdLastSet and accountExpires.
func fileTime(t time.Time) int64 {
	const epochDiff = 116444736000000000 // 1601-01-01 to 1970-01-01 in 100 ns
	return t.UnixNano()/100 + epochDiff
}

// canWrite reports whether a bind name (already authenticated) may write.
func (d *directory) canWrite(name string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if dn, err := parseDN(name); err == nil && dn.key == d.adminKey {
		return true
	}
	e := d.findAccount(name)
	return e != nil && e.writer
}

// count is the number of objects, for logs.
func (d *directory) count() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.entries)
}

// adminDNText returns the administrator DN in the directory's spelling.
func (d *directory) adminDNText() string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if e := d.entries[d.adminKey]; e != nil {
		return e.dn.text
	}
	return d.adminText
}

// isDeleted reports whether an entry is a tombstone (or the Deleted
// Objects container), invisible without the show-deleted control.
func isDeleted(e *entry) bool {
	return e.first("isdeleted") == "TRUE"
}

// live returns the entry under key unless it is missing or deleted.
func (d *directory) live(key string) *entry {
	if e := d.entries[key]; e != nil && !isDeleted(e) {
		return e
	}
	return nil
}

// formatGUID renders AD objectGUID bytes in the usual string form.
func formatGUID(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(b[0:4]),
		binary.LittleEndian.Uint16(b[4:6]), binary.LittleEndian.Uint16(b[6:8]), b[8:10], b[10:16])
}
