package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/internal/resourceid"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
)

// Kind is the document kind data sources are stored under.
const Kind = "datasource"

// Scope is the part of the directory a data source matches against.
type Scope struct {
	// Base is the DN searched; empty means the directory's base DN.
	Base string `json:"base,omitempty"`
	// Filter narrows the users further, e.g. (department=Sales). It is an
	// admin's filter, combined with the directory's user filter.
	Filter string `json:"filter,omitempty"`
}

// DataSource is a mapping of an app's records onto directory users, as
// stored: the mapping definition, the directory scope and bookkeeping.
type DataSource struct {
	// ID is the handle used in URLs and run records.
	ID string `json:"id"`
	mapping.DataSource
	Scope   Scope     `json:"scope,omitzero"`
	Created time.Time `json:"created,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
}

// List returns every data source, ordered by id.
func (s *Service) List(ctx context.Context) ([]DataSource, error) {
	out := []DataSource{}
	err := s.cfg.Docs.List(ctx, Kind, func(id string, decode func(any) error) error {
		var d DataSource
		if err := decode(&d); err != nil {
			return fmt.Errorf("read data source %s: %w", id, err)
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

// Get returns one data source.
func (s *Service) Get(ctx context.Context, id string) (*DataSource, error) {
	var d DataSource
	if err := s.cfg.Docs.Get(ctx, Kind, id, &d); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("data source %q: %w (the list of data sources shows the ids)", id, err)
		}
		return nil, err
	}
	return &d, nil
}

// Create validates and stores a new data source. The id defaults to a
// slug of the name; an existing id is refused with store.ErrConflict.
func (s *Service) Create(ctx context.Context, d DataSource) (*DataSource, error) {
	if d.ID == "" {
		d.ID = resourceid.FromName(d.Name, resourceid.MaxLen)
	}
	if err := s.Validate(ctx, d); err != nil {
		return nil, err
	}
	var existing DataSource
	switch err := s.cfg.Docs.Get(ctx, Kind, d.ID, &existing); {
	case err == nil:
		return nil, fmt.Errorf("%w: a data source %q already exists; edit it instead", store.ErrConflict, d.ID)
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	now := s.cfg.Now().UTC()
	d.Created, d.Updated = now, now
	if err := s.cfg.Docs.Put(ctx, Kind, d.ID, d); err != nil {
		return nil, err
	}
	s.cfg.Logger.Info("created data source", "datasource", d.ID, "endpoints", len(d.Endpoints), "mappings", len(d.Mappings))
	return &d, nil
}

// Update validates and replaces an existing data source.
func (s *Service) Update(ctx context.Context, d DataSource) (*DataSource, error) {
	old, err := s.Get(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	if err := s.Validate(ctx, d); err != nil {
		return nil, err
	}
	d.Created, d.Updated = old.Created, s.cfg.Now().UTC()
	if err := s.cfg.Docs.Put(ctx, Kind, d.ID, d); err != nil {
		return nil, err
	}
	s.cfg.Logger.Info("updated data source", "datasource", d.ID)
	return &d, nil
}

// Delete removes a data source; its run records stay.
func (s *Service) Delete(ctx context.Context, id string) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	return s.cfg.Docs.Delete(ctx, Kind, id)
}

// Validate checks a data source as Create and Update do: its id and scope,
// then mapping.Validate against the fields each endpoint returns and the
// directory's schema. Every problem is reported at once in an
// *InvalidError.
func (s *Service) Validate(ctx context.Context, d DataSource) error {
	var problems []string
	var fields []api.FieldError
	// problem records one refusal: in words for the message, and under
	// the definition's path for the form. See decision 0229.
	problem := func(field, label, msg string) {
		problems = append(problems, label+": "+msg)
		fields = append(fields, api.FieldError{Field: field, Message: msg})
	}
	if !resourceid.Valid(d.ID) {
		problem("id", "Id", fmt.Sprintf("%q must be 1-63 lower-case letters, digits and dashes", d.ID))
	}
	if d.Scope.Filter != "" {
		if _, err := ldap.CompileFilter(d.Scope.Filter); err != nil {
			problem("scope.filter", "LDAP filter of the scope", fmt.Sprintf("%q is not an LDAP filter (%s): write it in parentheses, e.g. (department=Sales)", d.Scope.Filter, directory.Reason(err)))
		}
	}
	if d.Scope.Base != "" {
		if _, err := ldap.ParseDN(d.Scope.Base); err != nil {
			problem("scope.base", "Base of the scope", fmt.Sprintf("%q is not a DN (%s): write it as OU=Sales,DC=example,DC=com, or pick it with the search box", d.Scope.Base, directory.Reason(err)))
		}
	}
	schema := mapping.Schema{Fields: map[string][]string{}}
	for i, ep := range d.Endpoints {
		fields, err := s.cfg.Endpoints.Fields(ctx, ep.IntegrationID, ep.EndpointID)
		if err != nil {
			label := fmt.Sprintf("Endpoint '%s'", ep.Alias)
			if ep.Alias == "" {
				label = fmt.Sprintf("Endpoint %d", i+1)
			}
			problem(fmt.Sprintf("endpoints[%d]", i), label, err.Error())
			continue
		}
		schema.Fields[ep.Alias] = fields
	}
	var schemaErr error
	schema.HasAttribute = func(name string) bool {
		ok, err := s.cfg.Directory.AttributeExists(ctx, name)
		if err != nil && schemaErr == nil {
			schemaErr = err
		}
		return ok
	}
	verr := mapping.Validate(d.DataSource, schema)
	if schemaErr != nil {
		return fmt.Errorf("%w: %w", ErrSchemaUnchecked, schemaErr)
	}
	var ve *mapping.ValidationError
	if errors.As(verr, &ve) {
		for _, p := range ve.Problems {
			problems = append(problems, p.Error())
			fields = append(fields, api.FieldError{Field: p.Where, Message: p.Message()})
		}
	} else if verr != nil {
		return verr
	}
	if len(problems) > 0 {
		return &InvalidError{DataSource: d.ID, Problems: problems, Fields: fields, Err: verr}
	}
	return nil
}

// userQuery is the directory read of a data source: the users in its
// scope, with only the attributes the plan needs (the stable id, what says
// whether the account is enabled, and the planner's) rather than every
// user attribute, which halves what a large directory sends and the host
// decodes.
func (d DataSource) userQuery(dir Directory, planned []string) directory.Query {
	id := "entryUUID"
	if dir.Flavor() == directory.FlavorAD {
		id = "objectGUID"
	}
	attrs := []string{id, "userAccountControl"}
	if da := dir.Config().DisabledAttribute; da != "" {
		attrs = append(attrs, da)
	}
	for _, a := range planned {
		if !slices.ContainsFunc(attrs, func(s string) bool { return strings.EqualFold(s, a) }) {
			attrs = append(attrs, a)
		}
	}
	filter := dir.UserFilter()
	if d.Scope.Filter != "" {
		filter = directory.And(filter, d.Scope.Filter)
	}
	return directory.Query{Base: d.Scope.Base, Scope: directory.ScopeSubtree, Filter: filter, Attributes: attrs}
}
