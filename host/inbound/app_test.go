package inbound_test

import (
	"context"
	"testing"

	"github.com/idbridge/idbridge/host/sync/synctest"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// startEnv starts the host side of a test against a fresh Clockify sandbox
// with the default seed. The sandbox comes in here, in test files, because
// the host's packages never import a connector's code (decision 0206).
func startEnv(t *testing.T) *synctest.Env {
	t.Helper()
	return synctest.Start(t, synctest.Options{StartApp: func(ctx context.Context, apiKey string) (synctest.App, error) {
		seed := sandbox.DefaultSeed()
		seed.APIKeys[0].Key = apiKey
		srv, err := sandbox.Start(ctx, sandbox.Options{Seed: seed, Rate: -1})
		if err != nil {
			return synctest.App{}, err
		}
		return synctest.App{Settings: map[string]string{"baseUrl": srv.BaseURL(), "workspaceId": sandbox.DefaultWorkspaceID}, Close: srv.Close}, nil
	}})
}
