package secrets

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// MasterKeyFile is the master key's name in the data folder.
const MasterKeyFile = "master.key"

// MasterKeyEnv is the environment variable that supplies the master key in
// base64 instead of the file.
const MasterKeyEnv = "IDBRIDGE_MASTER_KEY"

// ErrKeyFileExposed is returned when master.key can be read by other users.
var ErrKeyFileExposed = errors.New("the master key file is readable by other users: run chmod 600 on it (and check who could have read it)")

// KeySource says where LoadMasterKey found the key, for the start-up log.
type KeySource string

// The places a master key comes from.
const (
	FromEnv     KeySource = "environment"
	FromFile    KeySource = "file"
	CreatedFile KeySource = "created"
)

// LoadMasterKey returns the master key: from IDBRIDGE_MASTER_KEY when
// getenv has it (the file is then neither read nor created), else from
// dataDir/master.key, creating it with a new random key on first start.
// getenv is os.Getenv in the host; tests pass their own.
func LoadMasterKey(dataDir string, getenv func(string) string) ([]byte, KeySource, error) {
	if v := strings.TrimSpace(getenv(MasterKeyEnv)); v != "" {
		key, err := decodeKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", MasterKeyEnv, err)
		}
		return key, FromEnv, nil
	}
	path := filepath.Join(dataDir, MasterKeyFile)
	key, err := readKeyFile(path)
	if err == nil {
		return key, FromFile, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	key, err = createKeyFile(path)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it first; use theirs.
		key, err = readKeyFile(path)
		return key, FromFile, err
	}
	return key, CreatedFile, err
}

// OpenBox loads the master key as LoadMasterKey does and returns a Box.
func OpenBox(dataDir string, getenv func(string) string) (*Box, KeySource, error) {
	key, src, err := LoadMasterKey(dataDir, getenv)
	if err != nil {
		return nil, "", err
	}
	b, err := NewBox(key)
	return b, src, err
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KeySize {
				return nil, fmt.Errorf("the key has %d bytes; it must be %d random bytes in base64 (e.g. head -c %d /dev/urandom | base64)", len(k), KeySize, KeySize)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("the key is not base64; it must be %d random bytes in base64 (e.g. head -c %d /dev/urandom | base64)", KeySize, KeySize)
}

func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s has mode %04o: %w", path, fi.Mode().Perm(), ErrKeyFileExposed)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	key, err := decodeKey(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w; restore it from a backup, or supply the key in %s", path, err, MasterKeyEnv)
	}
	return key, nil
}

// createKeyFile writes a new key to a temporary file, syncs it and links it
// into place, so the key file is either absent or complete, and a
// concurrent creator loses cleanly with fs.ErrExist.
func createKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate master key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".master.key-*")
	if err != nil {
		return nil, fmt.Errorf("create master key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create master key: %w", err)
	}
	if _, err := tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write master key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write master key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write master key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("create master key: %w", err)
	}
	return key, nil
}
