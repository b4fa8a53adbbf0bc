package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/macro/condition"
	"github.com/idbridge/idbridge/host/mapping"
)

// ErrRoleTable means a data source's role table cannot be read: its
// setting is not one of the integration's, or names no row.
var ErrRoleTable = errors.New("the data source's role table cannot be read")

// Settings reads an integration's plain settings (defaults applied, never
// secrets); outbound.ServiceIntegrations implements it.
type Settings interface {
	PlainSettings(ctx context.Context, id string) (map[string]string, error)
}

// RoleRuns applies the automation a role rule names to users now;
// *automation.Service does, through the host's adapter.
type RoleRuns interface {
	// ApplyRoles runs automation for the users (DNs) and returns the ids
	// of the runs it started.
	ApplyRoles(ctx context.Context, automation string, users []string) ([]string, error)
}

// GroupMembers resolves the groups of a role table; *directory.Client
// implements it.
type GroupMembers interface {
	// GroupsNamed lists the groups a CN or DN names.
	GroupsNamed(ctx context.Context, entry string) ([]string, error)
	// NestedMembers lists the users of a group, nested groups included.
	NestedMembers(ctx context.Context, dn string) ([]string, error)
}

// roleMembers reads the data source's role table and asks the directory,
// once per group of the table, which users each group holds, nested
// groups included: a plan of 100,000 users costs a search per group (one
// on Active Directory, a short walk elsewhere), not one per user. See
// decision 0262.
func (s *Service) roleMembers(ctx context.Context, d *DataSource) (mapping.RoleMembers, error) {
	r := d.Roles
	table := r.Table
	if r.TableSetting != "" {
		integ := d.Endpoints[0].IntegrationID
		if s.cfg.Settings == nil {
			return mapping.RoleMembers{}, fmt.Errorf("%w: this host cannot read integration settings; write the rows in the data source instead", ErrRoleTable)
		}
		settings, err := s.cfg.Settings.PlainSettings(ctx, integ)
		if err != nil {
			return mapping.RoleMembers{}, fmt.Errorf("read the role table %q of integration %s: %w", r.TableSetting, integ, err)
		}
		v, ok := settings[r.TableSetting]
		if !ok {
			return mapping.RoleMembers{}, fmt.Errorf("%w: integration %s has no setting %q; name one of its settings (the Clockify connector's is roleTable), or write the rows in the data source", ErrRoleTable, integ, r.TableSetting)
		}
		table = v
	}
	dir, ok := s.cfg.Directory.(GroupMembers)
	if !ok {
		return mapping.RoleMembers{}, fmt.Errorf("%w: this directory cannot list the members of groups", ErrRoleTable)
	}
	rm := mapping.RoleMembers{Members: map[string][]string{}}
	for _, row := range condition.GroupRows(table) {
		role := strings.ToUpper(row.Value)
		if role == "" {
			continue
		}
		rm.Managed = append(rm.Managed, role)
		groups, err := dir.GroupsNamed(ctx, row.Group)
		if err != nil {
			return mapping.RoleMembers{}, fmt.Errorf("find the group %q of the role table: %w", row.Group, err)
		}
		for _, g := range groups {
			users, err := dir.NestedMembers(ctx, g)
			if err != nil {
				return mapping.RoleMembers{}, fmt.Errorf("list the members of %s (role %s): %w", g, role, err)
			}
			rm.Members[role] = append(rm.Members[role], users...)
		}
	}
	return rm, nil
}

// errNoRoleRuns is why a hand-over fails on a host wired without
// automations.
var errNoRoleRuns = errors.New("this host runs no automations, so role drift cannot be handed over; apply the roles automation to the users yourself")

// handRoles gives the accounts with role drift to the automation the role
// rule names (apply-now for their DNs) and records it in the run: one
// entry naming the runs started, or the failure, which makes the apply
// partial. See decision 0262.
func (s *Service) handRoles(ctx context.Context, rec recorder, d *DataSource, plan *mapping.Plan, res *Result) error {
	a := d.Roles.Automation
	dns := make([]string, len(plan.Roles))
	for i, r := range plan.Roles {
		dns[i] = r.DN
	}
	req := EntryRequest{Reason: fmt.Sprintf("apply automation %s to the %d users with role drift", a, len(dns))}
	runs, err := []string(nil), errNoRoleRuns
	if s.cfg.RoleRuns != nil {
		runs, err = s.cfg.RoleRuns.ApplyRoles(ctx, a, dns)
	}
	if err != nil {
		res.Counts["failed"]++
		return rec.append(ctx, rec.entry("", a, StepRoles, OutcomeFailed, req, err.Error()))
	}
	res.Counts["roles handed over"] = len(dns)
	if len(runs) == 0 {
		req.Reason += "; the runs wait until the automation's integration is enabled"
	} else {
		req.Reason += "; runs " + strings.Join(runs, ", ")
	}
	return rec.append(ctx, rec.entry("", a, StepRoles, OutcomeOK, req, ""))
}
