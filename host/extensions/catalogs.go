package extensions

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/idbridge/idbridge/marketplace/catalog"
)

var catalogName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// AddCatalog configures a catalog under name, replacing one of the same
// name. Catalogs are searched in name order when installing by name.
func (m *Manager) AddCatalog(ctx context.Context, name, location string) (*Catalog, error) {
	if !catalogName.MatchString(name) {
		return nil, fmt.Errorf("%w: name %q: use lower-case letters, digits, '.', '_' or '-'", ErrInvalidCatalog, name)
	}
	if err := catalog.CheckLocation(location); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCatalog, err)
	}
	c := &Catalog{Name: name, Location: location, Added: time.Now().UTC()}
	if err := m.cfg.Docs.Put(ctx, kindCatalog, name, c); err != nil {
		return nil, fmt.Errorf("save catalog: %w", err)
	}
	return c, nil
}

// RemoveCatalog forgets a catalog; installed extensions stay.
func (m *Manager) RemoveCatalog(ctx context.Context, name string) error {
	var c Catalog
	if err := m.cfg.Docs.Get(ctx, kindCatalog, name, &c); err != nil {
		return fmt.Errorf("catalog %q: %w", name, err)
	}
	return m.cfg.Docs.Delete(ctx, kindCatalog, name)
}

// Catalogs lists the configured catalogs in name order.
func (m *Manager) Catalogs(ctx context.Context) ([]Catalog, error) {
	out := []Catalog{}
	err := m.cfg.Docs.List(ctx, kindCatalog, func(_ string, decode func(any) error) error {
		var c Catalog
		if err := decode(&c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// Browse returns each configured catalog's index; a catalog that cannot be
// read is reported in the error but does not hide the others.
func (m *Manager) Browse(ctx context.Context) ([]catalog.Named, error) {
	cats, err := m.Catalogs(ctx)
	if err != nil {
		return nil, err
	}
	var out []catalog.Named
	var errs []error
	for _, c := range cats {
		idx, err := m.cat.FetchIndex(ctx, c.Location)
		if err != nil {
			errs = append(errs, fmt.Errorf("catalog %s: %w", c.Name, err))
			continue
		}
		out = append(out, catalog.Named{Location: c.Location, Index: idx})
	}
	return out, errors.Join(errs...)
}
