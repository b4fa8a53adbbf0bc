package mapping

// Plan is what a sync would do, per object, with the reason for each
// decision. It is deterministic: the same inputs give the same plan in the
// same order, so two dry runs can be compared and a plan can be reviewed
// before it is applied.
type Plan struct {
	DataSource string     `json:"dataSource"`
	Category   Category   `json:"category"`
	Updates    []Update   `json:"updates"`
	Creates    []Create   `json:"creates"`
	NoChange   []NoChange `json:"noChange"`
	Orphans    []Orphan   `json:"orphans"`
	Conflicts  []Conflict `json:"conflicts"`
	// Missing are enabled directory users in scope without an app account.
	Missing []MissingAccount `json:"missing"`
	// Roles are matched accounts whose roles differ from what their AD
	// groups give, when the data source compares roles.
	Roles   []RoleDrift `json:"roles,omitempty"`
	Summary Summary     `json:"summary"`
	// Limit, when set, says the lists hold only the first Limit objects
	// of each category; the summary counts them all.
	Limit int        `json:"limit,omitempty"`
	Join  JoinReport `json:"join"`
	// NeedsConfirmation is set when updates plus creates exceed the data
	// source's change limit: a bad mapping must not rewrite the directory
	// unattended. Reason says why.
	NeedsConfirmation  bool   `json:"needsConfirmation"`
	ConfirmationReason string `json:"confirmationReason,omitempty"`
}

// Summary counts the plan, for the run record and the console header.
type Summary struct {
	Records          int `json:"records"`
	Inactive         int `json:"inactive"`
	Users            int `json:"users"`
	UsersWithoutKey  int `json:"usersWithoutKey"`
	Updates          int `json:"updates"`
	AttributeChanges int `json:"attributeChanges"`
	Creates          int `json:"creates"`
	NoChange         int `json:"noChange"`
	Orphans          int `json:"orphans"`
	Conflicts        int `json:"conflicts"`
	Missing          int `json:"missing"`
	// RoleDrift counts the accounts in Roles.
	RoleDrift int `json:"roleDrift,omitempty"`
	Warnings  int `json:"warnings"`
}

// Change is one attribute of one AD user: from Old to New. Clear removes
// the attribute (only when the mapping asks for it).
type Change struct {
	Attribute string   `json:"attribute"`
	Old       []string `json:"old,omitempty"`
	New       string   `json:"new,omitempty"`
	Clear     bool     `json:"clear,omitempty"`
}

// Update changes attributes of a matched, enabled AD user.
type Update struct {
	// Key is the record's primary key; MatchValue what matched the user.
	Key        string   `json:"key"`
	MatchValue string   `json:"matchValue"`
	UserID     string   `json:"userId"`
	DN         string   `json:"dn"`
	Changes    []Change `json:"changes"`
	Warnings   []string `json:"warnings,omitempty"`
	Reason     string   `json:"reason"`
}

// AttributeValue is one attribute of a user to create.
type AttributeValue struct {
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
}

// Create adds an AD user for a record that matched none.
type Create struct {
	Key        string           `json:"key"`
	MatchValue string           `json:"matchValue"`
	DN         string           `json:"dn"`
	Attributes []AttributeValue `json:"attributes"`
	Warnings   []string         `json:"warnings,omitempty"`
	Reason     string           `json:"reason"`
}

// NoChange is a matched user whose attributes already agree.
type NoChange struct {
	Key        string   `json:"key"`
	MatchValue string   `json:"matchValue"`
	UserID     string   `json:"userId"`
	DN         string   `json:"dn"`
	Warnings   []string `json:"warnings,omitempty"`
	Reason     string   `json:"reason"`
}

// OrphanKind says why an app account has no active AD user.
type OrphanKind string

const (
	// OrphanNoUser: no AD user has the record's match value.
	OrphanNoUser OrphanKind = "no user"
	// OrphanDisabled: the AD user exists but is disabled; the app account is
	// stale access.
	OrphanDisabled OrphanKind = "user disabled"
	// OrphanNoMatchValue: the record has nothing to match on.
	OrphanNoMatchValue OrphanKind = "no match value"
	// OrphanCannotCreate: creation was allowed but the new user could not
	// be described (its name format has no value).
	OrphanCannotCreate OrphanKind = "cannot create"
)

// Orphan is an active app account with no active AD user.
type Orphan struct {
	Kind       OrphanKind `json:"kind"`
	Key        string     `json:"key"`
	MatchValue string     `json:"matchValue,omitempty"`
	// UserID and DN are set when the AD user exists but is disabled.
	UserID string `json:"userId,omitempty"`
	DN     string `json:"dn,omitempty"`
	Reason string `json:"reason"`
}

// ConflictKind says what is ambiguous.
type ConflictKind string

const (
	// ConflictSharedKey: several AD users have the record's match value.
	ConflictSharedKey ConflictKind = "users share a match value"
	// ConflictSeveralUsers: the record's match values (a list field) lead
	// to different AD users.
	ConflictSeveralUsers ConflictKind = "record matches several users"
	// ConflictSharedUser: several records match the same AD user.
	ConflictSharedUser ConflictKind = "records share a user"
	// ConflictBadValue: a value of the record holds a NUL or another
	// control character; the record is neither matched nor changed.
	ConflictBadValue ConflictKind = "record has an unusable value"
)

// UserRef names an AD user in a conflict.
type UserRef struct {
	ID string `json:"id"`
	DN string `json:"dn"`
}

// Conflict is a record (or records) the plan will not touch until an admin
// resolves the ambiguity.
type Conflict struct {
	Kind        ConflictKind `json:"kind"`
	Keys        []string     `json:"keys"`
	MatchValues []string     `json:"matchValues"`
	Users       []UserRef    `json:"users"`
	Reason      string       `json:"reason"`
}
