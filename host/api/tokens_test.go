package api_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/store"
)

func TestTokensAreStoredHashed(t *testing.T) {
	ctx := context.Background()
	docs := store.NewMemoryDocs()
	tokens := api.NewTokens(docs)
	secret, rec, err := tokens.Create(ctx, "ci", api.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	err = docs.List(ctx, api.TokenKind, func(id string, decode func(any) error) error {
		var raw map[string]any
		if err := decode(&raw); err != nil {
			return err
		}
		for _, v := range raw {
			if s, ok := v.(string); ok && strings.Contains(s, secret) {
				t.Errorf("secret stored in field value")
			}
		}
		if strings.Contains(id, secret) {
			t.Errorf("secret used as document id")
		}
		found = true
		return nil
	})
	if err != nil || !found {
		t.Fatalf("token not stored: %v", err)
	}
	p, err := tokens.Authenticate(ctx, secret)
	if err != nil || p.Role != api.RoleOperator || p.Name != "ci" || p.TokenID != rec.ID {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}
	if err := tokens.Revoke(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Authenticate(ctx, secret); !errors.Is(err, api.ErrUnknownToken) {
		t.Fatalf("revoked token still accepted: %v", err)
	}
	if err := tokens.Revoke(ctx, rec.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second revoke: %v, want not found", err)
	}
}

func TestBootstrapWritesAdminTokenOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	docs := store.NewMemoryDocs()
	tokens := api.NewTokens(docs)
	path, created, err := tokens.Bootstrap(ctx, dir)
	if err != nil || !created {
		t.Fatalf("first Bootstrap: created=%v err=%v", created, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("admin.token mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	secret := strings.TrimSpace(string(raw))
	if p, err := tokens.Authenticate(ctx, secret); err != nil || p.Role != api.RoleAdmin {
		t.Fatalf("admin token not accepted: %+v %v", p, err)
	}

	// Second start on the same store: nothing new.
	if _, created, err := tokens.Bootstrap(ctx, dir); err != nil || created {
		t.Fatalf("second Bootstrap: created=%v err=%v", created, err)
	}
	if raw2, _ := os.ReadFile(path); string(raw2) != string(raw) {
		t.Errorf("admin.token rewritten")
	}

	// A fresh store with the same data folder re-adopts the file, so the
	// admin's IDBRIDGE_TOKEN keeps working.
	fresh := api.NewTokens(store.NewMemoryDocs())
	if _, created, err := fresh.Bootstrap(ctx, dir); err != nil || created {
		t.Fatalf("Bootstrap on a fresh store: created=%v err=%v", created, err)
	}
	if _, err := fresh.Authenticate(ctx, secret); err != nil {
		t.Fatalf("admin token not re-adopted: %v", err)
	}
}

func TestBootstrapRefusesForeignFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, api.AdminTokenFile), []byte("password123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := api.NewTokens(store.NewMemoryDocs()).Bootstrap(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("err = %v, want a refusal that says to delete the file", err)
	}
}

func TestTokenRoutes(t *testing.T) {
	ctx := context.Background()
	tokens := api.NewTokens(store.NewMemoryDocs())
	admin, _, _ := tokens.Create(ctx, "root", api.RoleAdmin)
	srv := api.NewServer(api.Options{Auth: tokens})
	if err := srv.Mount(tokens); err != nil {
		t.Fatal(err)
	}
	f := &fixture{api: srv}
	f.srv = newHTTPServer(t, srv)

	a := f.do(t, "POST", "/v1/tokens", admin, `{"name":"reader","role":"auditor"}`)
	if a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	secret, _ := a.body["token"].(string)
	id, _ := a.body["id"].(string)
	if r := f.do(t, "GET", "/v1/tokens", secret, ""); r.status != 403 {
		t.Errorf("auditor listed tokens: %d", r.status)
	}
	if r := f.do(t, "POST", "/v1/tokens", admin, `{"name":"x","role":"superuser"}`); r.status != 400 {
		t.Errorf("bad role accepted: %d %s", r.status, r.raw)
	}
	list := f.do(t, "GET", "/v1/tokens", admin, "")
	if list.status != 200 || strings.Contains(list.raw, secret) {
		t.Fatalf("list: %d %s", list.status, list.raw)
	}
	if r := f.do(t, "DELETE", "/v1/tokens/"+id, admin, ""); r.status != 204 {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := f.do(t, "GET", "/v1/openapi.json", secret, ""); r.status != 401 {
		t.Errorf("revoked token still works: %d", r.status)
	}
	if r := f.do(t, "DELETE", "/v1/tokens/"+id, admin, ""); r.status != 404 {
		t.Errorf("revoking twice: %d, want 404", r.status)
	}
}
