package secrets

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

func TestMasterKeyFileCreatedOnceWith0600(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, src, err := LoadMasterKey(dir, noEnv)
	if err != nil || src != CreatedFile || len(k1) != KeySize {
		t.Fatalf("first load = %d bytes, %s, %v", len(k1), src, err)
	}
	fi, err := os.Stat(filepath.Join(dir, MasterKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("master.key mode = %04o, want 0600", fi.Mode().Perm())
	}
	k2, src, err := LoadMasterKey(dir, noEnv)
	if err != nil || src != FromFile || string(k1) != string(k2) {
		t.Fatalf("second load = %s, %v, same key %v", src, err, string(k1) == string(k2))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".master.key-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary key files left behind: %v", leftovers)
	}
}

func TestMasterKeyFileReadableByOthersIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions do not apply on Windows")
	}
	dir := t.TempDir()
	if _, _, err := LoadMasterKey(dir, noEnv); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, MasterKeyFile)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadMasterKey(dir, noEnv); !errors.Is(err, ErrKeyFileExposed) {
		t.Fatalf("load of a 0644 key file: %v, want ErrKeyFileExposed", err)
	}
}

func TestMasterKeyFileCorrupt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, MasterKeyFile), []byte("not base64!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadMasterKey(dir, noEnv); err == nil || !strings.Contains(err.Error(), MasterKeyEnv) {
		t.Fatalf("corrupt key file: %v; want an error that names the way out", err)
	}
}

func TestMasterKeyFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	want := newKey(t)
	env := func(k string) string {
		if k == MasterKeyEnv {
			return base64.StdEncoding.EncodeToString(want)
		}
		return ""
	}
	got, src, err := LoadMasterKey(dir, env)
	if err != nil || src != FromEnv || string(got) != string(want) {
		t.Fatalf("env key = %s, %v", src, err)
	}
	if _, err := os.Stat(filepath.Join(dir, MasterKeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a key file was created although the key came from the environment")
	}
	for name, v := range map[string]string{
		"short":      base64.StdEncoding.EncodeToString([]byte("short")),
		"not base64": "%%%",
	} {
		bad := func(string) string { return v }
		if _, _, err := LoadMasterKey(dir, bad); err == nil || !strings.Contains(err.Error(), MasterKeyEnv) {
			t.Errorf("%s env key: %v; want an error naming %s", name, err, MasterKeyEnv)
		}
	}
}

func TestOpenBoxUsesTheStoredKey(t *testing.T) {
	dir := t.TempDir()
	b1, _, err := OpenBox(dir, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := b1.Seal([]byte("v"), nil)
	b2, _, err := OpenBox(dir, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b2.Open(s, nil); err != nil || string(got) != "v" {
		t.Fatalf("a restarted host cannot open its values: %v", err)
	}
}

func TestReadMasterKeyNeverCreates(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := ReadMasterKey(dir, noEnv); !errors.Is(err, ErrNoMasterKey) {
		t.Fatalf("empty folder: %v, want ErrNoMasterKey", err)
	}
	if _, err := os.Stat(filepath.Join(dir, MasterKeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("ReadMasterKey created a key file")
	}
	want, _, _ := LoadMasterKey(dir, noEnv)
	got, src, err := ReadMasterKey(dir, noEnv)
	if err != nil || src != FromFile || string(got) != string(want) {
		t.Fatalf("ReadMasterKey = %s, %v", src, err)
	}
	envKey := newKey(t)
	env := func(string) string { return base64.StdEncoding.EncodeToString(envKey) }
	if got, src, err := ReadMasterKey(dir, env); err != nil || src != FromEnv || string(got) != string(envKey) {
		t.Fatalf("with %s set: %s, %v; the environment must win as it does for the host", MasterKeyEnv, src, err)
	}
}

func TestWriteMasterKeyFileReplacesTheKey(t *testing.T) {
	dir := t.TempDir()
	old, _, _ := LoadMasterKey(dir, noEnv)
	next := newKey(t)
	if err := WriteMasterKeyFile(dir, next); err != nil {
		t.Fatal(err)
	}
	got, src, err := LoadMasterKey(dir, noEnv)
	if err != nil || src != FromFile || string(got) == string(old) || string(got) != string(next) {
		t.Fatalf("after WriteMasterKeyFile the host loads %s, %v, new key %v", src, err, string(got) == string(next))
	}
	fi, _ := os.Stat(filepath.Join(dir, MasterKeyFile))
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %04o, want 0600", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".master.key-*")); len(leftovers) != 0 {
		t.Fatalf("temporary key files left behind: %v", leftovers)
	}
	if err := WriteMasterKeyFile(dir, []byte("short")); err == nil {
		t.Fatal("a short key was written")
	}
}

func TestParseKey(t *testing.T) {
	k := newKey(t)
	if got, err := ParseKey("  " + base64.StdEncoding.EncodeToString(k) + "\n"); err != nil || string(got) != string(k) {
		t.Fatalf("ParseKey = %v", err)
	}
	if _, err := ParseKey("c2hvcnQ="); err == nil || !strings.Contains(err.Error(), "32 random bytes") {
		t.Fatalf("short key: %v", err)
	}
}
