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

// ErrNoMasterKey is returned by ReadMasterKey when neither the environment
// nor the data folder holds a key: the folder is not a host's data folder,
// or its key was kept elsewhere.
var ErrNoMasterKey = errors.New("no master key: neither " + MasterKeyEnv + " is set nor " + MasterKeyFile +
	" is in the data folder; point at the host's data folder, or set " + MasterKeyEnv + " as the host has it")

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

// ReadMasterKey returns the master key the host would start with, like
// LoadMasterKey, but never creates one: tools that work on an existing
// data folder (key rotation) must not invent a key. It fails with
// ErrNoMasterKey when there is none.
func ReadMasterKey(dataDir string, getenv func(string) string) ([]byte, KeySource, error) {
	if v := strings.TrimSpace(getenv(MasterKeyEnv)); v != "" {
		key, err := decodeKey(v)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", MasterKeyEnv, err)
		}
		return key, FromEnv, nil
	}
	key, err := readKeyFile(filepath.Join(dataDir, MasterKeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", ErrNoMasterKey
	}
	if err != nil {
		return nil, "", err
	}
	return key, FromFile, nil
}

// ParseKey decodes a master key written as base64 of KeySize bytes, the
// form of master.key and IDBRIDGE_MASTER_KEY. Surrounding white space is
// ignored, so a file ending in a newline is fine.
func ParseKey(text string) ([]byte, error) {
	return decodeKey(strings.TrimSpace(text))
}

// WriteMasterKeyFile replaces dataDir/master.key with key. The key goes to
// a synced temporary file (mode 0600) that is renamed over the old one, so
// a crash leaves either the old key or the new one, never a torn file.
func WriteMasterKeyFile(dataDir string, key []byte) error {
	if len(key) != KeySize {
		return fmt.Errorf("master key has %d bytes; it must be %d random bytes", len(key), KeySize)
	}
	tmp, err := writeTempKey(dataDir, key)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Rename(tmp, filepath.Join(dataDir, MasterKeyFile)); err != nil {
		return fmt.Errorf("install master key: %w", err)
	}
	syncDir(dataDir)
	return nil
}

// syncDir makes a rename in dir durable where the platform allows it;
// failing to is not an error, the rename itself already happened.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
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
	tmp, err := writeTempKey(filepath.Dir(path), key)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("create master key: %w", err)
	}
	return key, nil
}

// writeTempKey writes key in base64 to a new synced file of mode 0600 in
// dir and returns its path; the caller links or renames it into place and
// removes it.
func writeTempKey(dir string, key []byte) (string, error) {
	tmp, err := os.CreateTemp(dir, ".master.key-*")
	if err != nil {
		return "", fmt.Errorf("create master key: %w", err)
	}
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write master key: %w", err)
	}
	return tmp.Name(), nil
}
