package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/datalock"
	"github.com/idbridge/idbridge/host/secrets"
	"github.com/idbridge/idbridge/host/store/sqlite"
)

// rotationSecrets are the stored secrets, by integration id.
var rotationSecrets = map[string]string{"clockify-main": "ck-main-api-key-0001", "clockify-eu": "ck-eu-api-key-0002"}

// rotationData makes a stopped host's data folder: a store with two
// integrations whose API keys are sealed under master.key. extra, when
// set, is stored as a third integration's sealed value as is.
func rotationData(t *testing.T, extra string) (dir string, oldKey []byte) {
	t.Helper()
	dir = t.TempDir()
	oldKey, _, err := secrets.LoadMasterKey(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secrets.NewBox(oldKey)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for id, v := range rotationSecrets {
		sealed, err := box.Seal([]byte(v), secrets.Binding("integration", id, "apiKey"))
		if err != nil {
			t.Fatal(err)
		}
		put(t, st, id, sealed)
	}
	if extra != "" {
		put(t, st, "legacy", extra)
	}
	return dir, oldKey
}

func put(t *testing.T, st *sqlite.Store, id, sealed string) {
	t.Helper()
	doc := map[string]any{"id": id, "name": id, "authorization": map[string]string{"apiKey": sealed}}
	if err := st.Put(context.Background(), "integration", id, doc); err != nil {
		t.Fatal(err)
	}
}

// sealedIn returns the stored sealed API key of integration id.
func sealedIn(t *testing.T, dir, id string) string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, sqlite.FileName), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var doc struct {
		Authorization map[string]string `json:"authorization"`
	}
	if err := st.Get(context.Background(), "integration", id, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Authorization["apiKey"]
}

func newKeyFile(t *testing.T) (path string, key []byte) {
	t.Helper()
	key = make([]byte, secrets.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "new.key")
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, key
}

// openAll asserts every stored secret opens with key alone, to its value.
func openAll(t *testing.T, dir string, key []byte) {
	t.Helper()
	box, _ := secrets.NewBox(key)
	for id, want := range rotationSecrets {
		got, err := box.Open(sealedIn(t, dir, id), secrets.Binding("integration", id, "apiKey"))
		if err != nil || string(got) != want {
			t.Errorf("%s opens with the new key alone to %q, %v", id, got, err)
		}
	}
}

func noSecretsIn(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, v := range rotationSecrets {
			if strings.Contains(s, v) {
				t.Fatalf("a secret value was printed: %s", s)
			}
		}
	}
}

func TestRotateKeyReSealsAndInstallsTheNewKey(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	keyFile, newKey := newKeyFile(t)
	code, out, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile)
	if code != ExitOK {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for _, want := range []string{"re-sealed        2", "already current  0", "failed           0", "master.key now holds the new key (id " + secrets.KeyID(newKey) + ")"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	noSecretsIn(t, out, errOut)
	openAll(t, dir, newKey)
	installed, src, err := secrets.ReadMasterKey(dir, func(string) string { return "" })
	if err != nil || src != secrets.FromFile || string(installed) != string(newKey) {
		t.Fatalf("master.key after rotation: %s, %v, is the new key: %v", src, err, string(installed) == string(newKey))
	}
	if string(installed) == string(oldKey) {
		t.Fatal("master.key still holds the old key")
	}

	// Running again changes nothing and says so.
	code, out, _ = run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile, "-o", "json")
	var res RotateResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != ExitOK {
		t.Fatalf("second run exit %d, %v: %s", code, err, out)
	}
	if res.Resealed != 0 || res.AlreadyCurrent != 2 || len(res.Failed) != 0 || res.KeyInstalled {
		t.Fatalf("second run = %+v, want 2 already current and nothing installed", res)
	}
}

func TestRotateKeyFinishesAnInterruptedRotation(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	keyFile, newKey := newKeyFile(t)
	// An interrupted run: one of the two values already moved, master.key
	// still the old key.
	rot, _ := secrets.NewRotator(oldKey, newKey, nil)
	moved, _, err := rot.Reseal(sealedIn(t, dir, "clockify-eu"), secrets.Binding("integration", "clockify-eu", "apiKey"))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := sqlite.Open(context.Background(), filepath.Join(dir, sqlite.FileName), sqlite.Options{})
	put(t, st, "clockify-eu", moved)
	st.Close()

	code, out, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile, "-o", "json")
	var res RotateResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != ExitOK {
		t.Fatalf("exit %d, %v: %s%s", code, err, out, errOut)
	}
	if res.Resealed != 1 || res.AlreadyCurrent != 1 || !res.KeyInstalled {
		t.Fatalf("result = %+v, want 1 re-sealed, 1 already current, key installed", res)
	}
	openAll(t, dir, newKey)
}

func TestRotateKeyReportsValuesNoKeyOpens(t *testing.T) {
	lost := make([]byte, secrets.KeySize)
	_, _ = rand.Read(lost)
	lostBox, _ := secrets.NewBox(lost)
	foreign, _ := lostBox.Seal([]byte("legacy-secret"), secrets.Binding("integration", "legacy", "apiKey"))
	dir, _ := rotationData(t, foreign)
	keyFile, newKey := newKeyFile(t)

	code, out, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile)
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d: %s%s", code, ExitFailure, out, errOut)
	}
	for _, want := range []string{"re-sealed        2", "failed           1", "integration legacy, setting apiKey", secrets.KeyID(lost)} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "idbridge integration auth") || !strings.Contains(errOut, secrets.MasterKeyEnv) {
		t.Errorf("the error does not say how to fix it: %s", errOut)
	}
	if got := sealedIn(t, dir, "legacy"); got != foreign {
		t.Fatal("the value no key opens was changed")
	}
	openAll(t, dir, newKey)
}

func TestRotateKeyChangesNothingWhenTheCurrentKeyOpensNothing(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	keyFile, _ := newKeyFile(t)
	wrong := make([]byte, secrets.KeySize)
	_, _ = rand.Read(wrong)
	env := map[string]string{secrets.MasterKeyEnv: base64.StdEncoding.EncodeToString(wrong)}
	before := sealedIn(t, dir, "clockify-main")
	code, _, errOut := run(t, env, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile)
	if code != ExitFailure || !strings.Contains(errOut, "opens none of the 2 sealed values") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if sealedIn(t, dir, "clockify-main") != before {
		t.Fatal("a value changed")
	}
	if k, _, _ := secrets.ReadMasterKey(dir, func(string) string { return "" }); string(k) != string(oldKey) {
		t.Fatal("master.key was replaced although nothing could be rotated")
	}
}

func TestRotateKeyFromEnvironmentLeavesTheFolderKeyless(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	if err := os.Remove(filepath.Join(dir, secrets.MasterKeyFile)); err != nil {
		t.Fatal(err)
	}
	keyFile, newKey := newKeyFile(t)
	env := map[string]string{secrets.MasterKeyEnv: base64.StdEncoding.EncodeToString(oldKey)}
	code, out, errOut := run(t, env, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile)
	if code != ExitOK || !strings.Contains(out, "set "+secrets.MasterKeyEnv+" to the new key") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, secrets.MasterKeyFile)); !os.IsNotExist(err) {
		t.Fatal("the key was written into the data folder although the host takes it from the environment")
	}
	openAll(t, dir, newKey)
}

func TestRotateKeyRefusesWhileTheHostHasTheStore(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	keyFile, newKey := newKeyFile(t)
	hostStore, err := sqlite.Open(context.Background(), filepath.Join(dir, sqlite.FileName), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	_ = hostStore.Get(context.Background(), "integration", "clockify-main", &doc) // the host reads as it runs
	code, _, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile)
	if code != ExitFailure || !strings.Contains(errOut, "stop the host") {
		t.Fatalf("with the store open elsewhere: exit %d, %s", code, errOut)
	}
	if k, _, _ := secrets.ReadMasterKey(dir, func(string) string { return "" }); string(k) != string(oldKey) {
		t.Fatal("master.key changed while the host ran")
	}
	if err := hostStore.Close(); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile); code != ExitOK {
		t.Fatalf("after the host stopped: exit %d: %s%s", code, out, errOut)
	}
	openAll(t, dir, newKey)
}

// TestRotateKeyHoldsTheDataFolder: a rotation refuses a folder another
// process holds, and holds it itself while it runs, so a host cannot start
// half-way.
func TestRotateKeyHoldsTheDataFolder(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	keyFile, newKey := newKeyFile(t)
	held, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile)
	if code != ExitFailure || !strings.Contains(errOut, "another idbridge process") {
		t.Fatalf("with the folder held: exit %d, %s", code, errOut)
	}
	if k, _, _ := secrets.ReadMasterKey(dir, func(string) string { return "" }); string(k) != string(oldKey) {
		t.Fatal("master.key changed while another process held the folder")
	}
	if err := held.Release(); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile); code != ExitOK {
		t.Fatalf("after the folder was released: exit %d: %s%s", code, out, errOut)
	}
	openAll(t, dir, newKey)
	// The rotation let the folder go when it ended.
	again, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatalf("the rotation kept the folder: %v", err)
	}
	_ = again.Release()
}

func TestRotateKeyRefusesKeysOnTheCommandLine(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	k := make([]byte, secrets.KeySize)
	_, _ = rand.Read(k)
	inline := base64.StdEncoding.EncodeToString(k)
	exposed := writeTemp(t, inline)
	if err := os.Chmod(exposed, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"key as argument":        {[]string{"--data", dir, inline}, "make another one"},
		"key as the file name":   {[]string{"--data", dir, "--new-key-file", inline}, "looks like the key itself"},
		"any argument":           {[]string{"--data", dir, "--new-key-file", "x", "extra"}, "never on the command line"},
		"no key file":            {[]string{"--data", dir}, "--new-key-file FILE"},
		"key file not a key":     {[]string{"--data", dir, "--new-key-file", writeTemp(t, "not a key")}, "base64"},
		"key file others read":   {[]string{"--data", dir, "--new-key-file", exposed}, "other users can read it"},
		"folder without a store": {[]string{"--data", t.TempDir(), "--new-key-file", writeTemp(t, inline)}, "no store at"},
	} {
		if name == "key file others read" && runtime.GOOS == "windows" {
			continue // POSIX modes do not say who can read a file there
		}
		code, out, errOut := run(t, nil, append([]string{"secrets", "rotate-key"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %q; want %d and %q", name, code, errOut, ExitUsage, tc.want)
		}
		if strings.Contains(out+errOut, inline) {
			t.Errorf("%s: the key was echoed back: %s%s", name, out, errOut)
		}
	}
	if got, _, _ := secrets.ReadMasterKey(dir, func(string) string { return "" }); string(got) != string(oldKey) {
		t.Fatal("a refused command changed master.key")
	}
}

func TestRotateKeyDryRunWritesNothing(t *testing.T) {
	dir, oldKey := rotationData(t, "")
	keyFile, _ := newKeyFile(t)
	before := sealedIn(t, dir, "clockify-main")
	code, out, errOut := run(t, nil, "secrets", "rotate-key", "--data", dir, "--new-key-file", keyFile, "--dry-run")
	if code != ExitOK || !strings.Contains(out, "to re-seal       2") || !strings.Contains(out, "nothing was written") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if sealedIn(t, dir, "clockify-main") != before {
		t.Fatal("a dry run changed a value")
	}
	if k, _, _ := secrets.ReadMasterKey(dir, func(string) string { return "" }); string(k) != string(oldKey) {
		t.Fatal("a dry run replaced master.key")
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRotateKeyReadsTheNewKeyFromStdin(t *testing.T) {
	k := make([]byte, secrets.KeySize)
	_, _ = rand.Read(k)
	f := &rotateFlags{keyFile: "-"}
	got, err := f.readNewKey(strings.NewReader(base64.StdEncoding.EncodeToString(k) + "\n"))
	if err != nil || string(got) != string(k) {
		t.Fatalf("key from stdin: %v", err)
	}
	if _, err := f.readNewKey(strings.NewReader("")); ExitCode(err) != ExitUsage {
		t.Fatalf("empty stdin: %v, want a usage error", err)
	}
}
