package secrets

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/store"
)

// Location is one place in the store that holds sealed values: the JSON
// object Field of every document of Kind, whose members are sealed
// strings. Binding returns the associated data a member was sealed with,
// which the rotation needs to open it.
type Location struct {
	// Kind is the document kind, e.g. "integration".
	Kind string
	// Field is the top-level JSON member holding the sealed values.
	Field string
	// Binding returns the associated data of the value under key in the
	// document id.
	Binding func(id, key string) []byte
}

// StoredLocations returns every place the host keeps sealed values. It is
// the list a rotation walks: a package that starts storing sealed values
// elsewhere adds its Location here, or a rotation would leave its values
// under the old key.
func StoredLocations() []Location {
	return []Location{{
		// integrations seals each secret setting into Integration.Authorization,
		// bound with Binding("integration", id, setting).
		Kind:    "integration",
		Field:   "authorization",
		Binding: func(id, key string) []byte { return Binding("integration", id, key) },
	}}
}

// Failure is a sealed value a rotation could not move. It names where the
// value is, never the value.
type Failure struct {
	// Kind, ID and Key locate the value: document kind, document id and
	// the member of the location's field ("" when the whole document could
	// not be read).
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Key  string `json:"key,omitempty"`
	// KeyID is the master key the value names, when it names one.
	KeyID string `json:"key_id,omitempty"`
	// Reason says why and what to do.
	Reason string `json:"reason"`
	// Err is the cause, for errors.Is.
	Err error `json:"-"`
}

// String renders the failure on one line.
func (f Failure) String() string {
	where := f.Kind + " " + f.ID
	if f.Key != "" {
		where += ", setting " + f.Key
	}
	return where + ": " + f.Reason
}

// Report counts what a rotation did. Re-running a rotation moves
// Resealed into AlreadyCurrent and leaves Failed as it was.
type Report struct {
	// Resealed values were moved to the new key (or would be, in a dry run).
	Resealed int `json:"resealed"`
	// AlreadyCurrent values were under the new key already.
	AlreadyCurrent int `json:"already_current"`
	// Failed values opened with neither key and were left unchanged.
	Failed []Failure `json:"failed"`
	// Documents is how many documents were rewritten.
	Documents int `json:"documents_written"`
}

// ResealOptions tune ResealDocs.
type ResealOptions struct {
	// Locations are walked; nil means StoredLocations().
	Locations []Location
	// DryRun counts without writing anything.
	DryRun bool
	// Logger receives one line per rewritten document and per failure,
	// naming places and key ids only; nil discards.
	Logger hclog.Logger
}

// pending is a document whose sealed field changed and must be written.
type pending struct {
	id  string
	doc map[string]json.RawMessage
}

// ResealDocs moves every sealed value in docs from the rotator's current
// key to its new key. Each document is rewritten in one Put with all of
// its values moved at once, and only its sealed field changes, so an
// interruption leaves whole documents under one key or the other and a
// second run finishes the job. Values that fail are reported in the
// Report and left byte for byte as they were. The error is for the store
// failing; the Report then counts values of documents not yet written
// too, and running again sorts them out.
//
// Run it while nothing else writes the locations (the host stopped): a
// secret set during the walk could be overwritten with its old value.
func ResealDocs(ctx context.Context, docs store.Docs, r *Rotator, opts ResealOptions) (*Report, error) {
	locs := opts.Locations
	if locs == nil {
		locs = StoredLocations()
	}
	log := opts.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	rep := &Report{Failed: []Failure{}}
	for _, loc := range locs {
		var todo []pending
		err := docs.List(ctx, loc.Kind, func(id string, decode func(any) error) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var doc map[string]json.RawMessage
			if err := decode(&doc); err != nil {
				rep.fail(log, Failure{Kind: loc.Kind, ID: id, Err: err,
					Reason: fmt.Sprintf("the document does not decode (%v); left unchanged", err)})
				return nil
			}
			if changed := reseal(loc, id, doc, r, rep, log); changed {
				todo = append(todo, pending{id: id, doc: doc})
			}
			return nil
		})
		if err != nil {
			return rep, fmt.Errorf("read %s documents: %w", loc.Kind, err)
		}
		if opts.DryRun {
			continue
		}
		// Writes come after the walk: store.Docs does not promise that
		// List tolerates writes from inside its callback.
		for _, p := range todo {
			if err := docs.Put(ctx, loc.Kind, p.id, p.doc); err != nil {
				return rep, fmt.Errorf("write %s %q re-sealed: %w (run the rotation again: it continues where it stopped)", loc.Kind, p.id, err)
			}
			rep.Documents++
			log.Info("re-sealed", "kind", loc.Kind, "id", p.id, "key_id", r.NewKeyID())
		}
	}
	return rep, nil
}

// reseal moves the sealed values of one document in place and reports
// whether any changed.
func reseal(loc Location, id string, doc map[string]json.RawMessage, r *Rotator, rep *Report, log hclog.Logger) bool {
	raw, ok := doc[loc.Field]
	if !ok || string(raw) == "null" {
		return false
	}
	var values map[string]string
	if err := json.Unmarshal(raw, &values); err != nil {
		rep.fail(log, Failure{Kind: loc.Kind, ID: id, Err: err,
			Reason: fmt.Sprintf("%s is not a map of sealed values (%v); left unchanged", loc.Field, err)})
		return false
	}
	changed := false
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out, outcome, err := r.Reseal(values[k], loc.Binding(id, k))
		switch outcome {
		case Resealed:
			values[k] = out
			changed = true
			rep.Resealed++
		case AlreadyCurrent:
			rep.AlreadyCurrent++
		default:
			keyID, _ := SealedKeyID(values[k])
			rep.fail(log, Failure{Kind: loc.Kind, ID: id, Key: k, KeyID: keyID, Err: err, Reason: err.Error()})
		}
	}
	if !changed {
		return false
	}
	enc, _ := json.Marshal(values) // a map of strings always encodes
	doc[loc.Field] = enc
	return true
}

// fail records a failure and logs where it is.
func (rep *Report) fail(log hclog.Logger, f Failure) {
	rep.Failed = append(rep.Failed, f)
	log.Warn("sealed value left unchanged", "kind", f.Kind, "id", f.ID, "setting", f.Key, "key_id", f.KeyID, "reason", f.Reason)
}
