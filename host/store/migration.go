package store

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ErrSchemaTooNew is returned when a database was written by a newer
// idbridge: reading it with older code could corrupt it.
var ErrSchemaTooNew = errors.New("the store was written by a newer idbridge; upgrade idbridge, or restore a backup taken before the upgrade")

// Migration is one numbered SQL file of a database backend's schema.
type Migration struct {
	// Version is the file's number, counted from 1 without gaps.
	Version int
	// Name is the file's base name, kept in the schema_version table.
	Name string
	// SQL is the file's statements.
	SQL string
}

// LoadMigrations reads the numbered files migrations/NNNN_title.sql of fsys
// in order and checks that they are numbered 1, 2, 3... without gaps, so a
// missing file is caught at the first open of a development build rather
// than in the field. Both database backends keep their schema this way.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_title.sql", base)
		}
		body, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d; migrations must be numbered without gaps or repeats", m.Name, i+1)
		}
	}
	return ms, nil
}

// Pending returns the migrations of ms that a database at schema version
// current lacks, in order, or ErrSchemaTooNew when a newer idbridge wrote
// it.
func Pending(ms []Migration, current int) ([]Migration, error) {
	if current > len(ms) {
		return nil, fmt.Errorf("store schema version %d, this idbridge knows up to %d: %w", current, len(ms), ErrSchemaTooNew)
	}
	return ms[current:], nil
}
