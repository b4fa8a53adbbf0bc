package secrets_test

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/idbridge/idbridge/host/integrations"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store"
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// noPlugins satisfies the integrations service; the test never starts a
// connector because the record carries a cached description.
type noPlugins struct{}

func (noPlugins) Start(context.Context, string, integrations.Binary) (connectorv1.ConnectorClient, error) {
	return nil, errors.New("no plugins in this test")
}
func (noPlugins) Stop(context.Context, string) error { return nil }
func (noPlugins) BinaryPath(context.Context, string) (string, string, error) {
	return "", "", errors.New("no plugins in this test")
}

func key(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, secrets.KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func service(t *testing.T, docs store.Docs, k []byte) *integrations.Service {
	t.Helper()
	box, err := secrets.NewBox(k)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := integrations.New(integrations.Config{Docs: docs, Box: box, Runner: noPlugins{}, Binaries: noPlugins{}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestStoredLocationsMatchIntegrations guards StoredLocations against the
// integrations package: secrets sealed by that package, rotated through
// the locations, must open in that package under the new key alone. If
// integrations ever changes where or how it binds its secrets, this fails
// instead of a rotation silently skipping them.
func TestStoredLocationsMatchIntegrations(t *testing.T) {
	ctx := context.Background()
	oldKey, newKey := key(t), key(t)
	docs := store.NewMemoryDocs()
	described, err := protojson.Marshal(&connectorv1.DescribeResponse{Settings: []*connectorv1.SettingSpec{
		{Key: "apiKey", Secret: true, Required: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := docs.Put(ctx, integrations.Kind, "clockify-main", integrations.Integration{
		ID: "clockify-main", ExtensionID: "clockify", Name: "Clockify", Described: described}); err != nil {
		t.Fatal(err)
	}
	if _, err := service(t, docs, oldKey).SetAuthorization(ctx, "clockify-main", map[string]string{"apiKey": "ck-rotate-me-1234"}); err != nil {
		t.Fatal(err)
	}

	r, err := secrets.NewRotator(oldKey, newKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := secrets.ResealDocs(ctx, docs, r, secrets.ResealOptions{})
	if err != nil || rep.Resealed != 1 || len(rep.Failed) != 0 {
		t.Fatalf("rotation = %+v, %v; want the integration's key re-sealed", rep, err)
	}
	got, err := service(t, docs, newKey).Settings(ctx, "clockify-main")
	if err != nil || got["apiKey"] != "ck-rotate-me-1234" {
		t.Fatalf("integrations under the new key reads %q, %v", got["apiKey"], err)
	}
	if _, err := service(t, docs, oldKey).Settings(ctx, "clockify-main"); !errors.Is(err, secrets.ErrWrongKey) {
		t.Fatalf("the old key still opens the rotated secret: %v", err)
	}
}
