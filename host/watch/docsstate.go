package watch

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"sync"

	"github.com/idbridge/idbridge/host/store"
)

// snapshotChunks is how many store documents hold the snapshot. A user's
// change rewrites the one chunk that holds it (about 400 users at
// 100,000); the first snapshot writes each chunk once instead of one
// document per user.
const snapshotChunks = 256

// DocsState persists the state in the host store, under the kinds
// "watch.<name>.cursor" and "watch.<name>.snapshot", so several watchers
// (one per directory) can share a store. The snapshot is kept in
// snapshotChunks documents, each a compressed JSON map of its users;
// PutObject and DeleteObject change the chunk in memory and SaveCursor
// writes the changed chunks, then the cursor, so the cursor never moves
// past an unsaved object. See decision 0213.
type DocsState struct {
	docs       store.Docs
	cursorKind string
	chunkKind  string
	legacyKind string

	mu     sync.Mutex
	chunks []map[string]ObjectState
	dirty  map[int]bool
	// legacy lists the one-document-per-user records of earlier
	// versions, deleted once their users are in chunks.
	legacy []string
}

// NewDocsState returns a State kept in docs under name.
func NewDocsState(docs store.Docs, name string) *DocsState {
	d := &DocsState{docs: docs, cursorKind: "watch." + name + ".cursor", chunkKind: "watch." + name + ".snapshot",
		legacyKind: "watch." + name + ".object", dirty: map[int]bool{}}
	d.chunks = make([]map[string]ObjectState, snapshotChunks)
	for i := range d.chunks {
		d.chunks[i] = map[string]ObjectState{}
	}
	return d
}

// chunkDoc is one stored chunk: the users' states as flate-compressed
// JSON (DNs and group DNs repeat their suffixes and compress well).
type chunkDoc struct {
	Version int    `json:"v"`
	Data    []byte `json:"data"`
}

func chunkOf(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % snapshotChunks)
}

func chunkID(i int) string { return fmt.Sprintf("%03d", i) }

// LoadCursor implements State; a missing cursor is the zero Cursor.
func (d *DocsState) LoadCursor(ctx context.Context) (Cursor, error) {
	var c Cursor
	err := d.docs.Get(ctx, d.cursorKind, "cursor", &c)
	if errors.Is(err, store.ErrNotFound) {
		return Cursor{}, nil
	}
	if err != nil {
		return Cursor{}, fmt.Errorf("load watch cursor: %w", err)
	}
	return c, nil
}

// SaveCursor implements State: the changed chunks first, then the cursor.
func (d *DocsState) SaveCursor(ctx context.Context, c Cursor) error {
	if err := d.flush(ctx); err != nil {
		return err
	}
	if err := d.docs.Put(ctx, d.cursorKind, "cursor", c); err != nil {
		return fmt.Errorf("save watch cursor: %w", err)
	}
	return nil
}

// flush writes the chunks changed since the last flush, then drops the
// records of earlier versions that the chunks now hold.
func (d *DocsState) flush(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := make([]int, 0, len(d.dirty))
	for i := range d.dirty {
		ids = append(ids, i)
	}
	sort.Ints(ids)
	var buf bytes.Buffer
	for _, i := range ids {
		buf.Reset()
		zw, err := flate.NewWriter(&buf, flate.BestSpeed)
		if err != nil {
			return err
		}
		if err := json.NewEncoder(zw).Encode(d.chunks[i]); err != nil {
			return fmt.Errorf("encode watch snapshot chunk %d: %w", i, err)
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := d.docs.Put(ctx, d.chunkKind, chunkID(i), chunkDoc{Version: 1, Data: buf.Bytes()}); err != nil {
			return fmt.Errorf("save watch snapshot: %w", err)
		}
		delete(d.dirty, i)
	}
	for len(d.legacy) > 0 {
		id := d.legacy[len(d.legacy)-1]
		if err := d.docs.Delete(ctx, d.legacyKind, id); err != nil {
			return fmt.Errorf("drop an old watch record: %w", err)
		}
		d.legacy = d.legacy[:len(d.legacy)-1]
	}
	return nil
}

// LoadObjects implements State.
func (d *DocsState) LoadObjects(ctx context.Context, fn func(string, ObjectState) error) error {
	d.mu.Lock()
	err := d.docs.List(ctx, d.chunkKind, func(id string, decode func(any) error) error {
		var doc chunkDoc
		if err := decode(&doc); err != nil {
			return fmt.Errorf("decode watch snapshot chunk %s: %w", id, err)
		}
		var objs map[string]ObjectState
		if err := json.NewDecoder(flate.NewReader(bytes.NewReader(doc.Data))).Decode(&objs); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("decode watch snapshot chunk %s: %w", id, err)
		}
		for oid, o := range objs {
			d.chunks[chunkOf(oid)][oid] = o
		}
		return nil
	})
	if err == nil {
		err = d.docs.List(ctx, d.legacyKind, func(id string, decode func(any) error) error {
			var o ObjectState
			if err := decode(&o); err != nil {
				return fmt.Errorf("decode watch state of %s: %w", id, err)
			}
			c := chunkOf(id)
			d.chunks[c][id] = o
			d.dirty[c] = true
			d.legacy = append(d.legacy, id)
			return nil
		})
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	var all []struct {
		id string
		o  ObjectState
	}
	for _, ch := range d.chunks {
		for id, o := range ch {
			all = append(all, struct {
				id string
				o  ObjectState
			}{id, o})
		}
	}
	d.mu.Unlock()
	for _, x := range all {
		if err := fn(x.id, x.o); err != nil {
			return err
		}
	}
	return nil
}

// PutObject implements State; the object is written at the next
// SaveCursor.
func (d *DocsState) PutObject(_ context.Context, id string, o ObjectState) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := chunkOf(id)
	d.chunks[c][id] = o
	d.dirty[c] = true
	return nil
}

// DeleteObject implements State; the deletion is written at the next
// SaveCursor.
func (d *DocsState) DeleteObject(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := chunkOf(id)
	if _, ok := d.chunks[c][id]; ok {
		delete(d.chunks[c], id)
		d.dirty[c] = true
	}
	return nil
}
