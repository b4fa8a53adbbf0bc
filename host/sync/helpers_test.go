package sync_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/directory/dirtest"
	"github.com/idbridge/idbridge/host/mapping"
	"github.com/idbridge/idbridge/host/store"
	idsync "github.com/idbridge/idbridge/host/sync"
	"github.com/idbridge/idbridge/host/sync/synctest"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

const integ = synctest.IntegrationID

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// clockifyID makes a 24-hex id, as the sandbox wants.
func clockifyID() string { return randHex(12) }

// seedWith returns the default seed with its workspace's members replaced
// by users. The first two users take over the admin's and the member's ids
// so the API keys keep working.
func seedWith(users ...sandbox.User) *sandbox.Seed {
	s := sandbox.DefaultSeed()
	ws := &s.Workspaces[0]
	users[0].ID, users[0].Roles = sandbox.DefaultAdminUserID, ws.Users[0].Roles
	if len(users) > 1 {
		users[1].ID = sandbox.DefaultMemberUserID
	}
	for i := 2; i < len(users); i++ {
		if users[i].ID == "" {
			users[i].ID = clockifyID()
		}
	}
	ws.Users = users
	for i := range ws.Groups {
		ws.Groups[i].UserIDs = nil
	}
	return s
}

// sandboxApp starts a Clockify sandbox holding seed (nil: the default
// seed) as an env's app; when into is not nil it receives the sandbox, so
// a test can read the requests it served. The sandbox comes in here, in
// test files, because the host's packages never import a connector's code
// (decision 0206).
func sandboxApp(seed *sandbox.Seed, into **sandbox.Server) synctest.StartApp {
	return func(ctx context.Context, apiKey string) (synctest.App, error) {
		if seed == nil {
			seed = sandbox.DefaultSeed()
		}
		seed.APIKeys[0].Key = apiKey
		srv, err := sandbox.Start(ctx, sandbox.Options{Seed: seed, Rate: -1})
		if err != nil {
			return synctest.App{}, err
		}
		if into != nil {
			*into = srv
		}
		return synctest.App{Settings: map[string]string{"baseUrl": srv.BaseURL(), "workspaceId": sandbox.DefaultWorkspaceID}, Close: srv.Close}, nil
	}
}

// startEnv starts an env against a fresh Clockify sandbox holding seed
// (nil: the default seed).
func startEnv(t testing.TB, seed *sandbox.Seed) *synctest.Env {
	t.Helper()
	return synctest.Start(t, synctest.Options{StartApp: sandboxApp(seed, nil)})
}

// newService wires the sync service to the env and a directory.
func newService(t testing.TB, env *synctest.Env, dir idsync.Directory) *idsync.Service {
	t.Helper()
	svc, err := idsync.New(idsync.Config{Docs: env.Store, Runs: env.Store.Runs(), Endpoints: env.Inbound, Directory: dir,
		Masker: env.Masker, Logger: env.Logger.Named("sync")})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// usersAndWorkers is a two-endpoint data source: List Users joined with
// List Workers on the Clockify user id, matched on mail.
func usersAndWorkers(id, ou string, category mapping.Category) idsync.DataSource {
	return idsync.DataSource{
		ID: id,
		DataSource: mapping.DataSource{
			Name: "Clockify people " + id, Category: category,
			Endpoints: []mapping.EndpointRef{
				{Alias: "users", IntegrationID: integ, EndpointID: "list-users", PrimaryKey: "id"},
				{Alias: "workers", IntegrationID: integ, EndpointID: "list-workers", PrimaryKey: "id"},
			},
			Mappings: []mapping.Mapping{
				{Field: mapping.FieldRef{Endpoint: "users", Path: "name"}, Attribute: "displayName"},
				{Field: mapping.FieldRef{Endpoint: "workers", Path: "settings.timeZone"}, Attribute: "physicalDeliveryOfficeName"},
			},
			Match: mapping.MatchRule{Field: mapping.FieldRef{Endpoint: "users", Path: "email"}, Attribute: "mail", CaseInsensitive: true},
			Options: mapping.Options{
				Active: &mapping.ActiveRule{Field: mapping.FieldRef{Endpoint: "users", Path: "memberships[].membershipStatus"}, Values: []string{"ACTIVE"}},
			},
		},
		Scope: idsync.Scope{Base: ou},
	}
}

// entries returns every entry of a run.
func entries(t testing.TB, runs store.Runs, runID string) []store.RunEntry {
	t.Helper()
	var out []store.RunEntry
	after := ""
	for {
		page, next, err := runs.Entries(context.Background(), runID, store.EntryFilter{Page: store.Page{After: after, Limit: store.MaxPageSize}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		after = next
	}
}

func byOutcome(es []store.RunEntry) map[string][]store.RunEntry {
	m := map[string][]store.RunEntry{}
	for _, e := range es {
		m[e.Outcome] = append(m[e.Outcome], e)
	}
	return m
}

// userByMail reads the one user with mail, with the attributes the
// tests map.
func userByMail(t testing.TB, c *directory.Client, mail string) directory.User {
	t.Helper()
	var us []directory.User
	err := c.Users(context.Background(), directory.UserQuery{Filter: directory.Equal("mail", mail), Extra: []string{"physicalDeliveryOfficeName"}},
		func(u directory.User) error { us = append(us, u); return nil })
	if err != nil || len(us) != 1 {
		t.Fatalf("find %s: %d users, %v", mail, len(us), err)
	}
	return us[0]
}

// eachDirectory runs fn against Samba AD and OpenLDAP, each in its own
// subtest.
func eachDirectory(t *testing.T, fn func(t *testing.T, dir *directory.Client)) {
	for _, flavor := range []struct {
		name string
		cfg  func(testing.TB) directory.Config
	}{{"samba-ad", dirtest.AD}, {"openldap", dirtest.OpenLDAP}} {
		t.Run(flavor.name, func(t *testing.T) { fn(t, dirtest.Connect(t, flavor.cfg(t))) })
	}
}

func mustPlan(t testing.TB, svc *idsync.Service, id string) *mapping.Plan {
	t.Helper()
	pv, err := svc.Plan(ctxT(t), id, idsync.RunOptions{})
	if err != nil {
		t.Fatalf("plan %s: %v", id, err)
	}
	return pv.Plan
}

func summary(p *mapping.Plan) string {
	s := p.Summary
	return fmt.Sprintf("updates %d, creates %d, no change %d, orphans %d, conflicts %d", s.Updates, s.Creates, s.NoChange, s.Orphans, s.Conflicts)
}
