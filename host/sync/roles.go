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
