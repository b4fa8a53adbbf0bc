package macro

import "strings"

// Well-known namespaces. They are names, not a closed list: a place may
// declare others (the data-source planner adds one per endpoint alias).
const (
	// NamespaceAD holds the AD attributes of the object.
	NamespaceAD = "ad"
	// NamespacePrevious holds the AD attributes of the object as they were
	// before the change that started the run (e.g. the old department of a
	// user who moved), for templates that undo what the old values did.
	NamespacePrevious = "previous"
	// NamespaceIntegration holds the integration's settings.
	NamespaceIntegration = "integration"
	// NamespaceSteps holds outputs of earlier steps, as stepId.output.
	NamespaceSteps = "steps"
	// NamespaceObject holds facts about the object itself (dn, id).
	NamespaceObject = "object"
	// NamespaceRecord holds the fields of an app record in data sources.
	NamespaceRecord = "record"
)

// FieldInfo is one name inside a namespace, as the macro chooser shows it.
type FieldInfo struct {
	Name        string
	Description string
	// Multi marks a multi-valued attribute (memberOf, proxyAddresses), so
	// conditions see a list for it even when it holds one value today.
	Multi bool
}

// Namespace is a family of values available in a place.
type Namespace struct {
	Name        string
	Description string
	Fields      []FieldInfo
	// FoldCase accepts names in any letter case; LDAP attribute names are
	// case-insensitive, so %ad.Mail% and %ad.mail% are the same.
	FoldCase bool
	// Open accepts any name. Use it only when the names cannot be known at
	// save time; it gives up the save-time check for that namespace.
	Open bool
	// Has, when set, is asked about names not in Fields; the directory's
	// schema check (AttributeExists) plugs in here, so Fields can list the
	// common attributes for the chooser while any schema attribute is
	// accepted.
	Has func(name string) bool `json:"-"`
}

// lookup returns the declared spelling of name, if it exists.
func (n Namespace) lookup(name string) (string, bool) {
	for _, f := range n.Fields {
		if f.Name == name || (n.FoldCase && strings.EqualFold(f.Name, name)) {
			return f.Name, true
		}
	}
	if n.Has != nil && n.Has(name) {
		return name, true
	}
	return "", n.Open
}

// Accepts reports whether name is valid in the namespace: declared, known
// to Has, or any name when Open.
func (n Namespace) Accepts(name string) bool {
	_, ok := n.lookup(name)
	return ok
}

// WithMulti marks names as multi-valued; the directory schema knows which
// attributes are (isSingleValued is false).
func (n Namespace) WithMulti(names ...string) Namespace {
	fields := append([]FieldInfo(nil), n.Fields...)
	for i, f := range fields {
		for _, m := range names {
			if strings.EqualFold(f.Name, m) {
				fields[i].Multi = true
			}
		}
	}
	n.Fields = fields
	return n
}

// Field returns the declared field for name (case-insensitively when the
// namespace folds case).
func (n Namespace) Field(name string) (FieldInfo, bool) {
	for _, f := range n.Fields {
		if f.Name == name || (n.FoldCase && strings.EqualFold(f.Name, name)) {
			return f, true
		}
	}
	return FieldInfo{}, false
}

// Lookup returns the namespace with the given name.
func (s Scope) Lookup(name string) (Namespace, bool) { return s.namespace(name) }

// Closest returns the declared name nearest to a mistyped one, or "".
func (n Namespace) Closest(name string) string {
	all := make([]string, len(n.Fields))
	for i, f := range n.Fields {
		all[i] = f.Name
	}
	return Suggest(name, all)
}

// Scope lists what a template may reference in one place: a webhook body of
// an orchestration step sees AD attributes, the integration's settings and
// the outputs of the steps before it; a data-source format sees record
// fields. Check validates against it; Available lists it.
type Scope struct {
	Namespaces []Namespace
	// NoNow forbids now, for places where a changing value would make every
	// run differ (data-source mappings compare old and new values).
	NoNow bool
}

// NewScope builds a Scope from namespaces.
func NewScope(ns ...Namespace) Scope { return Scope{Namespaces: ns} }

func (s Scope) namespace(name string) (Namespace, bool) {
	for _, n := range s.Namespaces {
		if n.Name == name {
			return n, true
		}
	}
	return Namespace{}, false
}

// AD declares the directory attributes known to the schema. Names are
// case-insensitive as in LDAP.
func AD(attributes ...string) Namespace {
	return Namespace{
		Name:        NamespaceAD,
		Description: "Attributes of the AD object",
		Fields:      names(attributes, "AD attribute "),
		FoldCase:    true,
	}
}

// Previous declares the object's earlier attribute values, with the same
// attributes and rules as ad (the namespace an automation's move template
// reads the old department from).
func Previous(ad Namespace) Namespace {
	ad.Name = NamespacePrevious
	ad.Description = "Attributes of the AD object before the change that started the run"
	fields := make([]FieldInfo, len(ad.Fields))
	for i, f := range ad.Fields {
		f.Description = strings.Replace(f.Description, "AD attribute", "Earlier AD attribute", 1)
		fields[i] = f
	}
	ad.Fields = fields
	return ad
}

// Integration declares the settings keys of the integration (never its
// secrets: those are added by the connector, not rendered into templates).
func Integration(keys ...string) Namespace {
	return Namespace{
		Name:        NamespaceIntegration,
		Description: "Settings of the integration",
		Fields:      names(keys, "Integration setting "),
	}
}

// Step is an earlier step of an orchestration template and the outputs it
// declares.
type Step struct {
	ID      string
	Outputs []string
}

// Steps declares the outputs of earlier steps as step-id.output, e.g.
// %steps.addUser.id%. Only steps that run before the current one belong
// here; that is how a template cannot read the future.
func Steps(steps ...Step) Namespace {
	ns := Namespace{Name: NamespaceSteps, Description: "Outputs of earlier steps"}
	for _, st := range steps {
		for _, o := range st.Outputs {
			ns.Fields = append(ns.Fields, FieldInfo{
				Name:        st.ID + "." + o,
				Description: "Output " + o + " of step " + st.ID,
			})
		}
	}
	return ns
}

// GroupsField is object.groups: every group of the user, nested ones
// included. Runs fill it only for templates that read it, since it costs a
// directory search per user. See decision 0215.
const GroupsField = "groups"

// ReadsGroups reports whether a condition or macro source reads
// object.groups, so a run knows to look the groups up.
func ReadsGroups(src string) bool {
	return strings.Contains(src, NamespaceObject+"."+GroupsField)
}

// Object declares the facts every run knows about the object it works on.
func Object() Namespace {
	return Namespace{
		Name:        NamespaceObject,
		Description: "The object the run works on",
		Fields: []FieldInfo{
			{Name: "dn", Description: "Distinguished name"},
			{Name: "id", Description: "Stable id (objectGUID, or entryUUID on OpenLDAP)"},
			{Name: "kind", Description: "user or group"},
			{Name: "parent", Description: "DN of the OU or container holding the object"},
			{Name: GroupsField, Multi: true, Description: "Every group the user is in, directly or through nested groups (filled for templates that read it)"},
		},
	}
}

// Record declares the fields of app records, as flattened paths
// (memberships[].status), for data-source formats.
func Record(paths ...string) Namespace {
	return Namespace{
		Name:        NamespaceRecord,
		Description: "Fields of the app record",
		Fields:      names(paths, "App field "),
	}
}

func names(list []string, prefix string) []FieldInfo {
	out := make([]FieldInfo, len(list))
	for i, n := range list {
		out[i] = FieldInfo{Name: n, Description: prefix + n}
	}
	return out
}
