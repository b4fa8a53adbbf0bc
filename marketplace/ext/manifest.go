package ext

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"
	jsonv2 "github.com/go-json-experiment/json"
)

// The names of the two entries every archive starts with.
const (
	// ManifestName is the manifest entry; it lists every other file.
	ManifestName = "manifest.json"
	// SignatureName is the detached signature of ManifestName's exact bytes.
	SignatureName = "manifest.sig"
)

// FormatVersion is the manifest format this build writes and reads. A
// newer format is refused with a message to upgrade the host, rather than
// half-understood.
const FormatVersion = 1

// DefaultMaxManifestBytes bounds manifest.json; a real one is a few KiB.
const DefaultMaxManifestBytes = 1 << 20

// Manifest describes an extension. Its exact bytes are what the publisher
// signs, so every field that affects what runs on the host is in here:
// the binaries and the hash of every file.
type Manifest struct {
	// FormatVersion is the manifest format, currently 1.
	FormatVersion int `json:"format_version"`
	// ID is the stable identifier integrations refer to, e.g. "clockify":
	// lower-case letters and digits, words joined by "-" or ".".
	ID string `json:"id"`
	// Name is shown to admins.
	Name string `json:"name"`
	// Version is the extension's release, a semantic version.
	Version string `json:"version"`
	// Publisher identifies who ships it, in the same form as ID; admins may
	// allow unsigned extensions per publisher.
	Publisher string `json:"publisher"`
	// Description is a sentence or two shown in the catalog.
	Description string `json:"description"`
	// ProtocolVersions are the connector protocol versions the binaries speak.
	ProtocolVersions []int `json:"protocol_versions"`
	// HostVersion is a semantic version constraint on the idbridge host,
	// e.g. ">= 0.1.0, < 2.0.0".
	HostVersion string `json:"host_version"`
	// Platforms maps "os/arch" (Go's names, e.g. "linux/amd64") to the
	// connector binary built for it. An interpreter-based extension has
	// Runtime instead.
	Platforms map[string]Binary `json:"platforms,omitempty"`
	// Runtime, for a connector written in an interpreted language, names
	// the interpreter and the entry script among Files; such an extension
	// runs on every platform that has the interpreter. See decision 0242.
	Runtime *Runtime `json:"runtime,omitempty"`
	// Files lists every other file in the archive except manifest.json and
	// manifest.sig, each with its hash.
	Files []File `json:"files"`
	// Readme is the path of the README among Files.
	Readme string `json:"readme"`
	// Icon is the path of the icon (.png or .svg) among Files.
	Icon string `json:"icon"`
	// OutboundHosts are the hosts the connector's outbound calls may reach:
	// names like "api.clockify.me" or wildcards like "*.clockify.me",
	// optionally with ":port". The host shows them to the admin and may
	// enforce them.
	OutboundHosts []string `json:"outbound_hosts"`
}

// Binary is the connector executable for one platform.
type Binary struct {
	// Path is where the binary is inside the archive.
	Path string `json:"path"`
	// SHA256 is the lower-case hex digest of its content.
	SHA256 string `json:"sha256"`
	// Size is its length in bytes.
	Size int64 `json:"size"`
}

// Runtime is the interpreter an interpreter-based connector runs on. The
// host checks at install that it finds the interpreter, at least
// MinVersion, able to load every module in Modules, and names the Debian
// packages to install when it does not.
type Runtime struct {
	// Name is the interpreter: "python3" or "node".
	Name string `json:"name"`
	// MinVersion is the oldest interpreter release the connector runs on,
	// e.g. "3.11" or "20".
	MinVersion string `json:"min_version"`
	// Entry is the script the interpreter runs, a path among Files.
	Entry string `json:"entry"`
	// Modules are what the connector imports beyond the language's standard
	// library and its own files, e.g. Python's "grpc".
	Modules []RuntimeModule `json:"modules,omitempty"`
}

// RuntimeModule is one module an interpreter-based connector needs.
type RuntimeModule struct {
	// Name is the module as the language imports it: "google.protobuf" in
	// Python, "@grpc/grpc-js" in Node.js.
	Name string `json:"name"`
	// DebianPackage provides the module on Debian, e.g. "python3-grpcio";
	// the host names it when the module is missing.
	DebianPackage string `json:"debian_package,omitempty"`
}

// Runtimes are the interpreters a manifest may name, with the Debian
// package that provides each.
var Runtimes = map[string]string{"python3": "python3", "node": "nodejs"}

// File is any other file carried by the extension.
type File struct {
	// Path is where the file is inside the archive.
	Path string `json:"path"`
	// SHA256 is the lower-case hex digest of its content.
	SHA256 string `json:"sha256"`
	// Size is its length in bytes.
	Size int64 `json:"size"`
}

var (
	idPattern       = regexp.MustCompile(`^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*$`)
	sha256Pattern   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	minVersionRE    = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+){0,2}$`)
	moduleRE        = regexp.MustCompile(`^@?[A-Za-z0-9_][A-Za-z0-9_./-]*$`)
	debianPackageRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	platformPattern = regexp.MustCompile(`^[a-z0-9]+/[a-z0-9]+$`)
	hostPattern     = regexp.MustCompile(`^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[0-9]{1,5})?$`)
)

// ParseManifest decodes and validates manifest.json. It is strict,
// because the bytes are signed and must mean exactly one thing to every
// reader: invalid UTF-8, a byte-order mark, a member name given twice in
// one object (also when the two differ only in case, which
// case-insensitive decoders merge), a member the Manifest type does not
// have (names match exactly, case included) and data after the object are
// all refused. Fields added to Manifest later are known by that alone.
// See decision 0181.
func ParseManifest(data []byte) (*Manifest, error) {
	if len(data) > DefaultMaxManifestBytes {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", ErrManifestTooLarge, len(data), DefaultMaxManifestBytes)
	}
	if !utf8.Valid(data) {
		return nil, &ManifestError{Problem: "not valid UTF-8; write the manifest as UTF-8 text"}
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return nil, &ManifestError{Problem: "starts with a byte-order mark; save it as UTF-8 without BOM"}
	}
	if err := checkDuplicateKeys(data); err != nil {
		return nil, err
	}
	var m Manifest
	if err := jsonv2.Unmarshal(data, &m, jsonv2.RejectUnknownMembers(true)); err != nil {
		var serr *jsonv2.SemanticError
		if errors.As(err, &serr) && errors.Is(serr.Err, jsonv2.ErrUnknownName) {
			ptr := string(serr.JSONPointer)
			return nil, &ManifestError{Field: strings.TrimPrefix(ptr, "/"), Problem: "unknown field: this host knows no such manifest field (names are case-sensitive); remove it, or upgrade idbridge if a newer format added it"}
		}
		return nil, &ManifestError{Problem: "not valid JSON for a manifest: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// jsonFrame is one open object or array while checkDuplicateKeys walks.
type jsonFrame struct {
	keys    map[string]string // folded -> as written; nil for arrays
	wantKey bool
}

// checkDuplicateKeys walks the JSON tokens and refuses an object that names
// the same member twice, compared without case: encoding/json would keep
// the last of "id" and "ID", other readers the first.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*jsonFrame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &ManifestError{Problem: "not valid JSON: " + err.Error()}
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil && stack[n-1].wantKey {
			if tok == json.Delim('}') {
				stack = stack[:n-1]
				valueDone()
				continue
			}
			key, _ := tok.(string)
			folded := foldName(key)
			if prev, dup := stack[n-1].keys[folded]; dup {
				if prev == key {
					return &ManifestError{Field: key, Problem: "appears twice in the same object"}
				}
				return &ManifestError{Field: key, Problem: fmt.Sprintf("appears twice in the same object, also written %q", prev)}
			}
			stack[n-1].keys[folded] = key
			stack[n-1].wantKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &jsonFrame{keys: map[string]string{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, &jsonFrame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}

// Validate checks every field and the relations between them, and returns
// the first problem as a *ManifestError naming the field.
func (m *Manifest) Validate() error {
	bad := func(field, format string, a ...any) error {
		return &ManifestError{Field: field, Problem: fmt.Sprintf(format, a...)}
	}
	switch {
	case m.FormatVersion == 0:
		return bad("format_version", "missing; this host reads format %d", FormatVersion)
	case m.FormatVersion > FormatVersion:
		return bad("format_version", "is %d but this host reads format %d: upgrade idbridge", m.FormatVersion, FormatVersion)
	case m.FormatVersion != FormatVersion:
		return bad("format_version", "is %d; this host reads format %d", m.FormatVersion, FormatVersion)
	}
	if len(m.ID) > MaxIDLength || !idPattern.MatchString(m.ID) {
		return bad("id", "%q must be 1-%d lower-case letters and digits, words joined by \"-\" or \".\", starting with a letter", clip(m.ID), MaxIDLength)
	}
	if IsWindowsReserved(m.ID) {
		return bad("id", "%q is a name Windows reserves for a device and cannot be a folder there; choose another id", m.ID)
	}
	if err := checkText(m.Name, 100); err != nil {
		return bad("name", "%v", err)
	}
	if err := CheckVersion(m.Version); err != nil {
		return bad("version", "%v", err)
	}
	if len(m.Publisher) > MaxIDLength || !idPattern.MatchString(m.Publisher) {
		return bad("publisher", "%q must be written like an id: 1-%d lower-case letters and digits, words joined by \"-\" or \".\"", clip(m.Publisher), MaxIDLength)
	}
	if err := checkText(m.Description, 2000); err != nil {
		return bad("description", "%v", err)
	}
	if len(m.ProtocolVersions) == 0 {
		return bad("protocol_versions", "must list at least one connector protocol version")
	}
	seenProto := map[int]bool{}
	for _, v := range m.ProtocolVersions {
		if v < 1 || seenProto[v] {
			return bad("protocol_versions", "%v must be distinct positive numbers", m.ProtocolVersions)
		}
		seenProto[v] = true
	}
	if strings.TrimSpace(m.HostVersion) == "" {
		return bad("host_version", "missing; write a range such as \">= 0.1.0, < 2.0.0\"")
	}
	if _, err := semver.NewConstraint(m.HostVersion); err != nil {
		return bad("host_version", "%q is not a version range: %v", m.HostVersion, err)
	}
	switch {
	case m.Runtime != nil && len(m.Platforms) > 0:
		return bad("runtime", "an extension has either platform binaries or a runtime, not both")
	case m.Runtime == nil && len(m.Platforms) == 0:
		return bad("platforms", "must name at least one platform and its binary (or a runtime and its entry script)")
	}
	names := newNameSet()
	names.files[ManifestName], names.files[SignatureName] = ManifestName, SignatureName
	claim := func(field, p string) error {
		if err := CheckPath(p); err != nil {
			return bad(field, "%v", err)
		}
		if p == ManifestName || p == SignatureName {
			return bad(field, "%q is reserved for the manifest and its signature", p)
		}
		if err := names.addFile(p); err != nil {
			return bad(field, "%v", err)
		}
		return nil
	}
	for _, plat := range sortedKeys(m.Platforms) {
		b := m.Platforms[plat]
		field := "platforms[" + plat + "]"
		if !platformPattern.MatchString(plat) {
			return bad(field, "platform must be written os/arch with Go's names, e.g. linux/amd64")
		}
		if err := claim(field+".path", b.Path); err != nil {
			return err
		}
		if !sha256Pattern.MatchString(b.SHA256) {
			return bad(field+".sha256", "must be 64 lower-case hex digits")
		}
		if b.Size <= 0 {
			return bad(field+".size", "must be the binary's length in bytes")
		}
	}
	for i, f := range m.Files {
		field := fmt.Sprintf("files[%d]", i)
		if err := claim(field+".path", f.Path); err != nil {
			return err
		}
		if !sha256Pattern.MatchString(f.SHA256) {
			return bad(field+".sha256", "must be 64 lower-case hex digits")
		}
		if f.Size < 0 {
			return bad(field+".size", "must not be negative")
		}
	}
	if m.Runtime != nil {
		if err := m.Runtime.validate(m.Files); err != nil {
			return err
		}
	}
	if m.Readme == "" || !slices.ContainsFunc(m.Files, func(f File) bool { return f.Path == m.Readme }) {
		return bad("readme", "%q must name a file listed in files", m.Readme)
	}
	if m.Icon == "" || !slices.ContainsFunc(m.Files, func(f File) bool { return f.Path == m.Icon }) {
		return bad("icon", "%q must name a file listed in files", m.Icon)
	}
	if ext := strings.ToLower(path.Ext(m.Icon)); ext != ".png" && ext != ".svg" {
		return bad("icon", "%q must be a .png or .svg file", m.Icon)
	}
	for i, h := range m.OutboundHosts {
		if len(h) > 260 || !hostPattern.MatchString(h) {
			return bad(fmt.Sprintf("outbound_hosts[%d]", i), "%q must be a lower-case host name, optionally \"*.\"-prefixed and with \":port\", without scheme or path", h)
		}
	}
	return nil
}

// validate checks a runtime against the files it may run.
func (r *Runtime) validate(files []File) error {
	bad := func(field, format string, a ...any) error {
		return &ManifestError{Field: "runtime." + field, Problem: fmt.Sprintf(format, a...)}
	}
	if _, ok := Runtimes[r.Name]; !ok {
		return bad("name", "%q is not an interpreter this host knows; use one of %s", r.Name, strings.Join(sortedKeys(Runtimes), ", "))
	}
	if !minVersionRE.MatchString(r.MinVersion) {
		return bad("min_version", "%q must be a release number such as \"3.11\" or \"20\"", r.MinVersion)
	}
	if r.Entry == "" || !slices.ContainsFunc(files, func(f File) bool { return f.Path == r.Entry }) {
		return bad("entry", "%q must name the script to run, a file listed in files", r.Entry)
	}
	for i, mod := range r.Modules {
		if len(mod.Name) > 200 || !moduleRE.MatchString(mod.Name) {
			return bad(fmt.Sprintf("modules[%d].name", i), "%q is not a module name", mod.Name)
		}
		if mod.DebianPackage != "" && !debianPackageRE.MatchString(mod.DebianPackage) {
			return bad(fmt.Sprintf("modules[%d].debian_package", i), "%q is not a Debian package name", mod.DebianPackage)
		}
	}
	return nil
}

// checkText accepts a non-empty single paragraph of at most max bytes.
func checkText(s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("missing")
	}
	if len(s) > max {
		return fmt.Errorf("longer than %d bytes", max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' || r == 0x7f {
			return errors.New("contains a control character")
		}
	}
	return nil
}

// HostBinary returns the binary for platform ("os/arch"), or an error
// wrapping ErrNoPlatform that lists what the extension does offer.
func (m *Manifest) HostBinary(platform string) (Binary, error) {
	if m.Runtime != nil {
		// A script runs wherever its interpreter does; the host checks the
		// interpreter at install.
		for _, f := range m.Files {
			if f.Path == m.Runtime.Entry {
				return Binary(f), nil
			}
		}
	}
	b, ok := m.Platforms[platform]
	if !ok {
		return Binary{}, fmt.Errorf("%w: this host is %s, the extension offers %s; ask the publisher for a %s build",
			ErrNoPlatform, platform, strings.Join(sortedKeys(m.Platforms), ", "), platform)
	}
	return b, nil
}

// CheckHost checks that the extension fits a host of the given version
// that speaks the given protocol versions. Pre-release hosts (e.g.
// "0.2.0-dev") are judged by their release number, so development builds
// accept the extensions their release will.
func (m *Manifest) CheckHost(hostVersion string, protocols []int) error {
	if !slices.ContainsFunc(m.ProtocolVersions, func(v int) bool { return slices.Contains(protocols, v) }) {
		return fmt.Errorf("%w: the extension speaks %v and this host speaks %v; install a release of the extension built for protocol v%d, or upgrade idbridge",
			ErrUnsupportedProtocol, m.ProtocolVersions, protocols, slices.Max(protocols))
	}
	hv, err := semver.NewVersion(hostVersion)
	if err != nil {
		return fmt.Errorf("%w: this host's own version %q is not a semantic version", ErrHostVersion, hostVersion)
	}
	release, _ := hv.SetPrerelease("")
	c, err := semver.NewConstraint(m.HostVersion)
	if err != nil {
		return &ManifestError{Field: "host_version", Problem: err.Error()}
	}
	if !c.Check(&release) {
		return fmt.Errorf("%w: it needs idbridge %s and this is %s; upgrade idbridge or pick another release of the extension",
			ErrHostVersion, m.HostVersion, hostVersion)
	}
	return nil
}

// SemVer returns the parsed version; Validate has already checked it.
func (m *Manifest) SemVer() *semver.Version {
	v, err := semver.StrictNewVersion(m.Version)
	if err != nil {
		return semver.New(0, 0, 0, "", "")
	}
	return v
}

// Marshal encodes the manifest the way Pack writes it: indented, with a
// trailing newline, Files sorted by path.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	c.Files = slices.Clone(m.Files)
	sort.Slice(c.Files, func(i, j int) bool { return c.Files[i].Path < c.Files[j].Path })
	// Version ranges are written as typed (">= 1.0"), not HTML-escaped.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
