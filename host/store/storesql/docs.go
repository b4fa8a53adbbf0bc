package storesql

import (
	"encoding/json"
	"fmt"
)

// docName is how errors name document id of kind.
func docName(kind, id string) string { return fmt.Sprintf("%s %q", kind, id) }

// decode decodes the stored body of document id of kind into v.
func decode(kind, id string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode %s: %w", docName(kind, id), err)
	}
	return nil
}

// walk calls fn for each of the documents of kind read by a listing, as
// store.Docs.List does. The listing reads them all first, so fn may itself
// read or write the store.
func walk(kind string, docs []storedDoc, fn func(id string, decode func(v any) error) error) error {
	for _, d := range docs {
		err := fn(d.ID, func(v any) error { return decode(kind, d.ID, d.Body, v) })
		if err != nil {
			return err
		}
	}
	return nil
}

// Encode encodes v as the body of document id of kind.
func Encode(kind, id string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", docName(kind, id), err)
	}
	return body, nil
}
