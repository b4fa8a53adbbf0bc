package secrets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/host/store"
)

// record is the part of a stored integration the tests look at; the
// other members must survive a rotation untouched.
type record struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Settings      map[string]string `json:"settings,omitempty"`
	Authorization map[string]string `json:"authorization,omitempty"`
}

// plaintexts are the secrets of the seeded integrations, by id and key.
var plaintexts = map[string]map[string]string{
	"alpha": {"apiKey": "alpha-api-key-0001", "webhookSecret": "alpha-hook-secret"},
	"beta":  {"apiKey": "beta-api-key-0002"},
	"gamma": {"apiKey": "gamma-api-key-0003", "password": "gamma-password"},
}

// seed stores the integrations with their secrets sealed under key, and a
// document of another kind that a rotation must not touch.
func seed(t *testing.T, docs store.Docs, key []byte) {
	t.Helper()
	b, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for id, secrets := range plaintexts {
		rec := record{ID: id, Name: "Integration " + id, Settings: map[string]string{"workspace": id + "-ws"},
			Authorization: map[string]string{}}
		for k, v := range secrets {
			rec.Authorization[k], err = b.Seal([]byte(v), Binding("integration", id, k))
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := docs.Put(ctx, "integration", id, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := docs.Put(ctx, "catalog", "main", map[string]string{"authorization": "not sealed, not ours"}); err != nil {
		t.Fatal(err)
	}
}

// checkAllUnder asserts every seeded secret opens with key alone, to its
// original value, and that the plain members are unchanged.
func checkAllUnder(t *testing.T, docs store.Docs, key []byte) {
	t.Helper()
	only, _ := NewBox(key)
	for id, secrets := range plaintexts {
		var rec record
		if err := docs.Get(context.Background(), "integration", id, &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Name != "Integration "+id || rec.Settings["workspace"] != id+"-ws" {
			t.Errorf("%s: plain members changed: %+v", id, rec)
		}
		if len(rec.Authorization) != len(secrets) {
			t.Errorf("%s: %d secrets after rotation, want %d", id, len(rec.Authorization), len(secrets))
		}
		for k, want := range secrets {
			got, err := only.Open(rec.Authorization[k], Binding("integration", id, k))
			if err != nil || string(got) != want {
				t.Errorf("%s/%s opens with the new key alone to %q, %v; want %q", id, k, got, err, want)
			}
		}
	}
	var other map[string]string
	_ = docs.Get(context.Background(), "catalog", "main", &other)
	if other["authorization"] != "not sealed, not ours" {
		t.Errorf("a document of another kind changed: %v", other)
	}
}

func TestResealDocsMovesEveryValue(t *testing.T) {
	oldKey, newKeyBytes := newKey(t), newKey(t)
	docs := store.NewMemoryDocs()
	seed(t, docs, oldKey)
	var logs bytes.Buffer
	r, _ := NewRotator(oldKey, newKeyBytes, nil)
	rep, err := ResealDocs(context.Background(), docs, r, ResealOptions{
		Logger: hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Trace})})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Resealed != 5 || rep.AlreadyCurrent != 0 || len(rep.Failed) != 0 || rep.Documents != 3 {
		t.Fatalf("report = %+v, want 5 re-sealed in 3 documents", rep)
	}
	checkAllUnder(t, docs, newKeyBytes)
	for _, secrets := range plaintexts {
		for _, v := range secrets {
			if strings.Contains(logs.String(), v) {
				t.Fatalf("a secret value reached the log: %s", logs.String())
			}
		}
	}

	rep, err = ResealDocs(context.Background(), docs, r, ResealOptions{})
	if err != nil || rep.Resealed != 0 || rep.AlreadyCurrent != 5 || rep.Documents != 0 {
		t.Fatalf("second run = %+v, %v; want everything already current and nothing written", rep, err)
	}
}

// failingDocs fails every Put after the first n, like a rotation killed
// part way.
type failingDocs struct {
	store.Docs
	n int
}

func (f *failingDocs) Put(ctx context.Context, kind, id string, v any) error {
	if f.n == 0 {
		return errors.New("disk full")
	}
	f.n--
	return f.Docs.Put(ctx, kind, id, v)
}

func TestResealDocsRerunFinishesAnInterruptedRotation(t *testing.T) {
	oldKey, newKeyBytes := newKey(t), newKey(t)
	docs := store.NewMemoryDocs()
	seed(t, docs, oldKey)
	r, _ := NewRotator(oldKey, newKeyBytes, nil)
	_, err := ResealDocs(context.Background(), &failingDocs{Docs: docs, n: 1}, r, ResealOptions{})
	if err == nil || !strings.Contains(err.Error(), "run the rotation again") {
		t.Fatalf("interrupted run: %v; want an error saying to run again", err)
	}
	// "alpha" (two values) was written before the failure.
	rep, err := ResealDocs(context.Background(), docs, r, ResealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Resealed != 3 || rep.AlreadyCurrent != 2 || len(rep.Failed) != 0 {
		t.Fatalf("re-run = %+v, want 3 re-sealed and 2 already current", rep)
	}
	checkAllUnder(t, docs, newKeyBytes)
}

func TestResealDocsReportsAndKeepsUnopenableValues(t *testing.T) {
	oldKey, newKeyBytes, lostKey := newKey(t), newKey(t), newKey(t)
	docs := store.NewMemoryDocs()
	seed(t, docs, oldKey)
	ctx := context.Background()
	var beta record
	_ = docs.Get(ctx, "integration", "beta", &beta)
	lost := mustSeal(t, lostKey, Binding("integration", "beta", "legacyToken"))
	beta.Authorization["legacyToken"] = lost
	_ = docs.Put(ctx, "integration", "beta", beta)
	_ = docs.Put(ctx, "integration", "broken", map[string]any{"id": "broken", "authorization": []string{"x"}})

	r, _ := NewRotator(oldKey, newKeyBytes, nil)
	rep, err := ResealDocs(ctx, docs, r, ResealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Resealed != 5 || len(rep.Failed) != 2 {
		t.Fatalf("report = %+v, want 5 re-sealed and 2 failures", rep)
	}
	var f Failure
	for _, x := range rep.Failed {
		if x.ID == "beta" {
			f = x
		}
	}
	if f.Kind != "integration" || f.Key != "legacyToken" || f.KeyID != KeyID(lostKey) || !errors.Is(f.Err, ErrUnknownKey) {
		t.Fatalf("failure = %+v, want integration beta legacyToken under the lost key", f)
	}
	if !strings.Contains(f.String(), "integration beta, setting legacyToken") {
		t.Errorf("failure text %q does not say where the value is", f.String())
	}
	_ = docs.Get(ctx, "integration", "beta", &beta)
	if beta.Authorization["legacyToken"] != lost {
		t.Fatal("the value no key opens was changed")
	}
	delete(beta.Authorization, "legacyToken")
	_ = docs.Put(ctx, "integration", "beta", beta)
	checkAllUnder(t, docs, newKeyBytes)

	var broken map[string]any
	_ = docs.Get(ctx, "integration", "broken", &broken)
	if fmt.Sprint(broken["authorization"]) != "[x]" {
		t.Fatalf("a document whose secrets do not decode was changed: %v", broken)
	}
}

func TestResealDocsDryRunWritesNothing(t *testing.T) {
	oldKey, newKeyBytes := newKey(t), newKey(t)
	docs := store.NewMemoryDocs()
	seed(t, docs, oldKey)
	var before record
	_ = docs.Get(context.Background(), "integration", "alpha", &before)
	r, _ := NewRotator(oldKey, newKeyBytes, nil)
	rep, err := ResealDocs(context.Background(), docs, r, ResealOptions{DryRun: true})
	if err != nil || rep.Resealed != 5 || rep.Documents != 0 {
		t.Fatalf("dry run = %+v, %v", rep, err)
	}
	var after record
	_ = docs.Get(context.Background(), "integration", "alpha", &after)
	a, _ := json.Marshal(after)
	b, _ := json.Marshal(before)
	if !bytes.Equal(a, b) {
		t.Fatal("a dry run changed a document")
	}
}
