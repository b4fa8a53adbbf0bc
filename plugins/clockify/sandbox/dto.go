package sandbox

// The JSON shapes Clockify sends, named after the official schemas. Field
// order follows no rule on the wire, so none is kept here either.

type rateDTO struct {
	Amount   int    `json:"amount"`
	Currency string `json:"currency"`
}

func rateOf(r *Rate) *rateDTO {
	if r == nil {
		return nil
	}
	return &rateDTO{Amount: r.Amount, Currency: r.Currency}
}

// membershipDTO is MembershipDtoV1. Rates are null when unset, as observed
// live.
type membershipDTO struct {
	UserID           string   `json:"userId"`
	TargetID         string   `json:"targetId"`
	MembershipType   string   `json:"membershipType"`
	MembershipStatus string   `json:"membershipStatus"`
	HourlyRate       *rateDTO `json:"hourlyRate"`
	CostRate         *rateDTO `json:"costRate"`
}

// customFieldValueDTO is UserCustomFieldValueDtoV1.
type customFieldValueDTO struct {
	CustomFieldID   string `json:"customFieldId"`
	CustomFieldName string `json:"customFieldName"`
	CustomFieldType string `json:"customFieldType"`
	UserID          string `json:"userId"`
	Value           any    `json:"value"`
}

type summaryReportSettingsDTO struct {
	Group    string `json:"group"`
	Subgroup string `json:"subgroup"`
}

// settingsDTO is the part of UserSettingsDtoV1 the sandbox fills: the
// schema's required fields plus the week start.
type settingsDTO struct {
	DateFormat            string                   `json:"dateFormat"`
	TimeFormat            string                   `json:"timeFormat"`
	TimeZone              string                   `json:"timeZone"`
	WeekStart             string                   `json:"weekStart"`
	SummaryReportSettings summaryReportSettingsDTO `json:"summaryReportSettings"`
}

// roleEntityDTO and roleGroupDTO are the include-roles extension of a user,
// in the shape the Clockify CLI decodes.
type roleEntityDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type roleGroupDTO struct {
	Role     string          `json:"role"`
	Entities []roleEntityDTO `json:"entities"`
}

// userDTO is UserDtoV1. Name is null for members who never set one.
type userDTO struct {
	ID               string                `json:"id"`
	Email            string                `json:"email"`
	Name             *string               `json:"name"`
	Status           string                `json:"status"`
	ProfilePicture   string                `json:"profilePicture"`
	ActiveWorkspace  string                `json:"activeWorkspace"`
	DefaultWorkspace string                `json:"defaultWorkspace"`
	Memberships      []membershipDTO       `json:"memberships"`
	CustomFields     []customFieldValueDTO `json:"customFields"`
	Settings         settingsDTO           `json:"settings"`
	Roles            []roleGroupDTO        `json:"roles,omitempty"`
}

type currencyDTO struct {
	ID        string `json:"id"`
	Code      string `json:"code"`
	IsDefault bool   `json:"isDefault"`
}

type subdomainDTO struct {
	Enabled bool    `json:"enabled"`
	Name    *string `json:"name"`
}

type workspaceSettingsDTO struct {
	TimeRoundingInReports              bool   `json:"timeRoundingInReports"`
	OnlyAdminsSeeBillableRates         bool   `json:"onlyAdminsSeeBillableRates"`
	OnlyAdminsCreateProject            bool   `json:"onlyAdminsCreateProject"`
	OnlyAdminsSeeDashboard             bool   `json:"onlyAdminsSeeDashboard"`
	DefaultBillableProjects            bool   `json:"defaultBillableProjects"`
	IsProjectPublicByDefault           bool   `json:"isProjectPublicByDefault"`
	OnlyAdminsSeeAllTimeEntries        bool   `json:"onlyAdminsSeeAllTimeEntries"`
	ForceProjects                      bool   `json:"forceProjects"`
	ForceTasks                         bool   `json:"forceTasks"`
	ForceTags                          bool   `json:"forceTags"`
	ForceDescription                   bool   `json:"forceDescription"`
	TimeTrackingMode                   string `json:"timeTrackingMode"`
	MultiFactorEnabled                 bool   `json:"multiFactorEnabled"`
	NumberFormat                       string `json:"numberFormat"`
	CurrencyFormat                     string `json:"currencyFormat"`
	DurationFormat                     string `json:"durationFormat"`
	ProjectFavorites                   bool   `json:"projectFavorites"`
	CanSeeTimeSheet                    bool   `json:"canSeeTimeSheet"`
	CanSeeTracker                      bool   `json:"canSeeTracker"`
	ProjectPickerSpecialFilter         bool   `json:"projectPickerSpecialFilter"`
	OnlyAdminsCreateTag                bool   `json:"onlyAdminsCreateTag"`
	OnlyAdminsCreateTask               bool   `json:"onlyAdminsCreateTask"`
	ActiveBillableHours                bool   `json:"activeBillableHours"`
	OnlyAdminsSeePublicProjectsEntries bool   `json:"onlyAdminsSeePublicProjectsEntries"`
}

// workspaceDTO is WorkspaceDtoV1, with one WORKSPACE membership per member.
type workspaceDTO struct {
	ID                      string               `json:"id"`
	Name                    string               `json:"name"`
	ImageURL                string               `json:"imageUrl"`
	CakeOrganizationID      string               `json:"cakeOrganizationId"`
	CostRate                rateDTO              `json:"costRate"`
	HourlyRate              rateDTO              `json:"hourlyRate"`
	Currencies              []currencyDTO        `json:"currencies"`
	FeatureSubscriptionType string               `json:"featureSubscriptionType"`
	Features                []string             `json:"features"`
	Memberships             []membershipDTO      `json:"memberships"`
	Subdomain               subdomainDTO         `json:"subdomain"`
	WorkspaceSettings       workspaceSettingsDTO `json:"workspaceSettings"`
}

// userRedactedDTO is UserRedactedDtoV1, used for a group's team managers.
type userRedactedDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// groupDTO is UserGroupDtoV1; all five keys are always present.
type groupDTO struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	WorkspaceID  string            `json:"workspaceId"`
	UserIDs      []string          `json:"userIds"`
	TeamManagers []userRedactedDTO `json:"teamManagers"`
}

type roleSourceDTO struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type roleDTO struct {
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Source *roleSourceDTO `json:"source"`
}

// roleDetailsDTO is RoleDetailsDtoV1.
type roleDetailsDTO struct {
	UserID      string  `json:"userId"`
	WorkspaceID string  `json:"workspaceId"`
	Role        roleDTO `json:"role"`
}

// customFieldDTO is CustomFieldDtoV1 for a user custom field.
type customFieldDTO struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	Type                 string   `json:"type"`
	AllowedValues        []string `json:"allowedValues"`
	EntityType           string   `json:"entityType"`
	OnlyAdminCanEdit     bool     `json:"onlyAdminCanEdit"`
	Placeholder          string   `json:"placeholder"`
	ProjectDefaultValues []any    `json:"projectDefaultValues"`
	Required             bool     `json:"required"`
	Status               string   `json:"status"`
	WorkspaceDefault     any      `json:"workspaceDefaultValue"`
	WorkspaceID          string   `json:"workspaceId"`
}

// features is what a paid workspace reports; connectors only check for
// presence of user-related ones.
var workspaceFeatures = []string{"ADD_TIME_FOR_OTHERS", "ADMIN_PANEL", "CUSTOM_FIELDS", "MANAGER_ROLE", "USER_CUSTOM_FIELDS", "EDIT_MEMBER_PROFILE"}

// render* build DTOs from state. Callers hold the store's read lock.

func (w *wsState) memberships(u *User, kind string, groups map[string][]string) []membershipDTO {
	out := []membershipDTO{}
	if kind == "ALL" || kind == "WORKSPACE" {
		out = append(out, w.workspaceMembership(u))
	}
	if kind == "ALL" || kind == "USERGROUP" {
		for _, gid := range groups[u.ID] {
			out = append(out, membershipDTO{UserID: u.ID, TargetID: gid, MembershipType: "USERGROUP", MembershipStatus: "ACTIVE"})
		}
	}
	return out
}

func (w *wsState) workspaceMembership(u *User) membershipDTO {
	return membershipDTO{UserID: u.ID, TargetID: w.meta.ID, MembershipType: "WORKSPACE",
		MembershipStatus: u.MembershipStatus, HourlyRate: rateOf(u.HourlyRate), CostRate: rateOf(u.CostRate)}
}

func (w *wsState) renderUser(u *User, memberships []membershipDTO, withRoles bool) userDTO {
	d := userDTO{
		ID: u.ID, Email: u.Email, Status: u.Status,
		ActiveWorkspace: w.meta.ID, DefaultWorkspace: w.meta.ID,
		Memberships:  memberships,
		CustomFields: []customFieldValueDTO{},
		Settings: settingsDTO{DateFormat: "MM/DD/YYYY", TimeFormat: "HOUR12", TimeZone: "Etc/UTC", WeekStart: "MONDAY",
			SummaryReportSettings: summaryReportSettingsDTO{Group: "PROJECT", Subgroup: "CLIENT"}},
	}
	if u.Name != "" {
		name := u.Name
		d.Name = &name
	}
	if u.TimeZone != "" {
		d.Settings.TimeZone = u.TimeZone
	}
	for _, v := range u.CustomFields {
		d.CustomFields = append(d.CustomFields, w.renderFieldValue(u.ID, v))
	}
	if withRoles {
		d.Roles = w.renderRoleGroups(u)
	}
	return d
}

func (w *wsState) renderFieldValue(userID string, v CustomFieldValue) customFieldValueDTO {
	d := customFieldValueDTO{CustomFieldID: v.CustomFieldID, UserID: userID, Value: v.Value}
	if f := w.customField(v.CustomFieldID); f != nil {
		d.CustomFieldName, d.CustomFieldType = f.Name, f.Type
	}
	return d
}

// renderRoleGroups groups a user's roles by role name, naming each entity.
func (w *wsState) renderRoleGroups(u *User) []roleGroupDTO {
	out := []roleGroupDTO{}
	for _, r := range u.Roles {
		ent := roleEntityDTO{ID: r.EntityID, Name: w.entityName(r)}
		found := false
		for i := range out {
			if out[i].Role == r.Role {
				out[i].Entities = append(out[i].Entities, ent)
				found = true
			}
		}
		if !found {
			out = append(out, roleGroupDTO{Role: r.Role, Entities: []roleEntityDTO{ent}})
		}
	}
	return out
}

func (w *wsState) entityName(r Role) string {
	switch {
	case r.EntityID == w.meta.ID:
		return w.meta.Name
	case r.SourceType == "USER_GROUP":
		if g := w.group(r.EntityID); g != nil {
			return g.Name
		}
	case r.Role == "PROJECT_MANAGER":
		if p := w.project(r.EntityID); p != nil {
			return p.Name
		}
	default:
		if u := w.user(r.EntityID); u != nil {
			return u.Name
		}
	}
	return ""
}

func (w *wsState) renderWorkspace() workspaceDTO {
	d := workspaceDTO{
		ID: w.meta.ID, Name: w.meta.Name, CakeOrganizationID: w.cakeOrgID,
		CostRate:                rateDTO{Currency: w.meta.Currency},
		HourlyRate:              rateDTO{Currency: w.meta.Currency},
		Currencies:              []currencyDTO{{ID: w.meta.ID[:16] + "00000001", Code: w.meta.Currency, IsDefault: true}},
		FeatureSubscriptionType: w.meta.Plan,
		Features:                workspaceFeatures,
		Memberships:             make([]membershipDTO, 0, len(w.users)),
		WorkspaceSettings: workspaceSettingsDTO{TimeTrackingMode: "DEFAULT", NumberFormat: "COMMA_PERIOD",
			CurrencyFormat: "CURRENCY_SPACE_VALUE", DurationFormat: "FULL", CanSeeTimeSheet: true, CanSeeTracker: true},
	}
	for _, u := range w.users {
		d.Memberships = append(d.Memberships, w.workspaceMembership(u))
	}
	return d
}

func (w *wsState) renderGroup(g *Group, withManagers bool) groupDTO {
	d := groupDTO{ID: g.ID, Name: g.Name, WorkspaceID: w.meta.ID, UserIDs: append([]string{}, g.UserIDs...), TeamManagers: []userRedactedDTO{}}
	if withManagers {
		for _, m := range w.teamManagersOf(g.ID) {
			d.TeamManagers = append(d.TeamManagers, userRedactedDTO{ID: m.ID, Name: m.Name})
		}
	}
	return d
}

func (w *wsState) renderRole(userID string, r Role) roleDetailsDTO {
	d := roleDetailsDTO{UserID: userID, WorkspaceID: w.meta.ID, Role: roleDTO{ID: r.EntityID, Name: r.Role}}
	if r.SourceType != "" {
		d.Role.Source = &roleSourceDTO{ID: r.EntityID, Type: r.SourceType}
	}
	return d
}
