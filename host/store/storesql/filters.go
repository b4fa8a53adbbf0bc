package storesql

import (
	"github.com/idbridge/idbridge/host/store"
)

// The conditions of the listings' filters, on the columns both backends'
// tables share. A listing's cursor is a position in its order, checked by
// store.ParseCursor: a bad cursor is the caller's error, returned as is.

// runs adds the conditions of a run listing, newest first: the runs before
// the page's cursor that match f.
func (w *Where) runs(f store.RunFilter) error {
	before, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return err
	}
	if before > 0 {
		w.Add(`seq < ?`, before)
	}
	if f.Automation != "" {
		w.Add(`automation = ?`, f.Automation)
	}
	if f.Kind != "" {
		w.Add(`kind = ?`, f.Kind)
	}
	if f.Status != "" {
		w.Add(`status = ?`, string(f.Status))
	}
	return nil
}

// entries adds the conditions of a listing of run runID's entries, in
// append order: those after the page's cursor that match f.
func (w *Where) entries(runID string, f store.EntryFilter) error {
	after, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return err
	}
	w.Add(`run_id = ?`, runID)
	w.Add(`seq > ?`, after)
	if f.ObjectID != "" {
		w.Add(`object_id = ?`, f.ObjectID)
	}
	if f.Outcome != "" {
		w.Add(`outcome = ?`, f.Outcome)
	}
	return nil
}

// actions adds the conditions of an action listing, in id order: the
// actions after the page's cursor that match f.
func (w *Where) actions(f store.ActionFilter) error {
	after, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return err
	}
	w.Add(`id > ?`, after)
	if f.RunID != "" {
		w.Add(`run_id = ?`, f.RunID)
	}
	if f.Lane != "" {
		w.Add(`lane = ?`, f.Lane)
	}
	if f.Worker != "" {
		w.Add(`worker = ? AND state IN ('claimed', 'sending')`, f.Worker)
	}
	if f.State != "" {
		w.Add(`state = ?`, string(f.State))
	}
	return nil
}

// audit adds the conditions of an audit listing, newest first: the
// entries before the page's cursor that match f, but for f.Target, whose
// prefix match each dialect writes its own way (Dialect.StartsWith).
func (w *Where) audit(f store.AuditFilter) error {
	before, err := store.ParseCursor(f.Page.After)
	if err != nil {
		return err
	}
	if before > 0 {
		w.Add(`seq < ?`, before)
	}
	if f.Actor != "" {
		w.Add(`actor = ?`, f.Actor)
	}
	if f.Action != "" {
		w.Add(`action = ?`, f.Action)
	}
	if !f.Since.IsZero() {
		w.Add(`at >= ?`, store.UnixMillis(f.Since))
	}
	if !f.Until.IsZero() {
		w.Add(`at < ?`, store.UnixMillis(f.Until))
	}
	return nil
}
