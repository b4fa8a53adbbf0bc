package mapping

// Category is the automation category of a data source: what a sync of it
// is allowed to do.
type Category string

const (
	// CategoryUpdateUsers updates attributes of matched AD users.
	CategoryUpdateUsers Category = "update users"
	// CategoryCreateUsers also creates AD users for unmatched app records,
	// when Options.Create allows it.
	CategoryCreateUsers Category = "create users"
	// CategoryOrphansReport changes nothing in AD; the plan lists app
	// accounts without an active AD user (and conflicts).
	CategoryOrphansReport Category = "orphans report"
)

// Categories lists the known categories, for the console's picker.
func Categories() []Category {
	return []Category{CategoryUpdateUsers, CategoryCreateUsers, CategoryOrphansReport}
}

// DataSource is an LDAP attribute mapping as the admin saves it. It is
// stored as JSON (kind "datasource"), so field names are part of the format.
type DataSource struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Category    Category `json:"category"`
	// Endpoints are read and joined on their primary keys. The first is the
	// primary one: a record exists for the plan when it exists there; the
	// others add fields.
	Endpoints []EndpointRef `json:"endpoints"`
	// KeyFold compares primary keys case-insensitively (e-mail addresses
	// used as keys, for example).
	KeyFold  bool      `json:"keyFold,omitempty"`
	Mappings []Mapping `json:"mappings"`
	Match    MatchRule `json:"match"`
	Options  Options   `json:"options"`
	// Roles, when set, compares each matched account's roles in the app
	// with the roles its AD groups give, so a plan shows role drift.
	Roles *RoleRule `json:"roles,omitempty"`
}

// RoleRule says where an account's roles are in the app's records and
// which AD groups give which role: a table of rows "AD group -> role",
// inline or in a setting of the first endpoint's integration (the one the
// roles template reads, so both follow one table). Exactly one of Table
// and TableSetting is set. See decision 0262.
type RoleRule struct {
	// Field lists the account's roles, e.g. roles[].role.
	Field FieldRef `json:"field"`
	// Table holds the rows, separated by ";" or new lines.
	Table string `json:"table,omitempty"`
	// TableSetting names the integration setting holding the rows, e.g.
	// roleTable.
	TableSetting string `json:"tableSetting,omitempty"`
	// Automation, when set, is the automation whose template gives the
	// roles (one of the roles template): apply hands it the accounts with
	// role drift, so applying changes what the plan shows. Without it a
	// sync only reports role drift.
	Automation string `json:"automation,omitempty"`
}

// EndpointRef names an inbound endpoint of an integration and the field that
// identifies a record in it.
type EndpointRef struct {
	// Alias is the short name fields and formats use to point at this
	// endpoint (%profiles.title%); unique within the data source.
	Alias         string `json:"alias"`
	IntegrationID string `json:"integrationId"`
	// EndpointID is a preconfigured endpoint of the connector, or the id of
	// a custom endpoint when Custom is set.
	EndpointID string `json:"endpointId"`
	Custom     bool   `json:"custom,omitempty"`
	// PrimaryKey is the field path holding the join key, e.g. "id" or
	// "userId"; it must hold the same value in every endpoint.
	PrimaryKey string `json:"primaryKey"`
}

// FieldRef points at an app field. With Endpoint empty the field is taken
// from the first endpoint, in definition order, whose record has a value for
// it; with Endpoint set, from that endpoint only.
type FieldRef struct {
	Endpoint string `json:"endpoint,omitempty"`
	Path     string `json:"path"`
}

// String writes the reference as the console shows it: "path" or
// "alias:path".
func (f FieldRef) String() string {
	if f.Endpoint == "" {
		return f.Path
	}
	return f.Endpoint + ":" + f.Path
}

// IsZero reports an unset reference.
func (f FieldRef) IsZero() bool { return f.Path == "" }

// Mapping writes one LDAP attribute from an app field or a custom format
// (a macro template over the record, e.g. %lower(record.email)%). Exactly
// one of Field and Format is set.
type Mapping struct {
	Field     FieldRef `json:"field,omitzero"`
	Format    string   `json:"format,omitempty"`
	Attribute string   `json:"attribute"`
	// ClearWhenMissing removes the attribute from AD when the record has no
	// value. By default a missing value leaves AD unchanged, so a gap in the
	// app never blanks the directory.
	ClearWhenMissing bool `json:"clearWhenMissing,omitempty"`
}

// MatchRule says how a record finds its AD user: the record's value (field
// or format) equals the AD attribute's value.
type MatchRule struct {
	Field     FieldRef `json:"field,omitzero"`
	Format    string   `json:"format,omitempty"`
	Attribute string   `json:"attribute"`
	// CaseInsensitive compares lower-cased values; right for mail and
	// userPrincipalName, which AD itself compares without case.
	CaseInsensitive bool `json:"caseInsensitive,omitempty"`
}

// Options are the guard rails of a sync.
type Options struct {
	Create CreateOptions `json:"create,omitzero"`
	// ChangeLimit is the most updates plus creates one run may apply
	// without an admin's confirmation; 0 means no limit.
	ChangeLimit int `json:"changeLimit,omitempty"`
	// Active selects the app records that hold access. Others are ignored
	// (neither updated nor orphans). Nil counts every record as active.
	Active *ActiveRule `json:"active,omitempty"`
}

// CreateOptions govern creating AD users for unmatched records.
type CreateOptions struct {
	Allowed bool `json:"allowed,omitempty"`
	// OU is the DN of the container new users go to.
	OU string `json:"ou,omitempty"`
	// Name is the format of the new user's CN, e.g.
	// "%record.firstName% %record.lastName%".
	Name string `json:"name,omitempty"`
	// Attributes are written only when creating (sAMAccountName, for
	// example), in addition to the mappings.
	Attributes []Mapping `json:"attributes,omitempty"`
}

// ActiveRule counts a record as active when the field holds one of Values
// (for a list field such as memberships[].membershipStatus: any element).
type ActiveRule struct {
	Field           FieldRef `json:"field"`
	Values          []string `json:"values"`
	CaseInsensitive bool     `json:"caseInsensitive,omitempty"`
}
