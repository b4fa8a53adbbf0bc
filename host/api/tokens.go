package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// TokenKind is the store.Docs kind under which tokens are kept.
const TokenKind = "api-token"

// AdminTokenFile is the name, inside the data folder, of the file holding
// the admin token created on first start.
const AdminTokenFile = "admin.token"

// tokenPrefix marks idbridge tokens so that secret scanners and people can
// recognise one in a leaked file.
const tokenPrefix = "idb_"

// Principal is the identity behind a token.
type Principal struct {
	// TokenID is the short public id of the token (not the secret).
	TokenID string `json:"token_id"`
	// Name is the label given when the token was created.
	Name string `json:"name"`
	// Role is what the token may do.
	Role Role `json:"role"`
}

// Authenticator resolves a bearer token to a principal. It returns an error
// for an unknown token; the server answers 401 whatever that error is.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Principal, error)
}

// TokenRecord describes a stored token. The document id is the sha256 of
// the secret, which is never stored, so a copy of the store does not leak
// usable tokens.
type TokenRecord struct {
	// ID is the short public id: the first 12 hex digits of the hash.
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
}

// ErrUnknownToken is returned by Authenticate for a token that is not
// stored (never created, or revoked).
var ErrUnknownToken = errors.New("unknown or revoked API token")

// Tokens creates, checks and revokes API tokens kept in a store.Docs.
type Tokens struct {
	docs store.Docs
	now  func() time.Time
}

// NewTokens returns the token registry backed by docs.
func NewTokens(docs store.Docs) *Tokens {
	return &Tokens{docs: docs, now: time.Now}
}

var _ Authenticator = (*Tokens)(nil)

// hashToken is the document id of a token: its sha256 in hex. Looking a
// token up by its hash needs no comparison of secrets, so there is no
// timing side channel to guard.
func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newSecret returns a fresh random token with 256 bits of entropy.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Create makes a new token and returns its secret, which is shown once and
// never stored.
func (t *Tokens) Create(ctx context.Context, name string, role Role) (string, TokenRecord, error) {
	if role < RoleAuditor || role > RoleAdmin {
		return "", TokenRecord{}, fmt.Errorf("token %q: role must be admin, operator or auditor", name)
	}
	secret, err := newSecret()
	if err != nil {
		return "", TokenRecord{}, err
	}
	rec, err := t.store(ctx, secret, name, role)
	return secret, rec, err
}

func (t *Tokens) store(ctx context.Context, secret, name string, role Role) (TokenRecord, error) {
	h := hashToken(secret)
	rec := TokenRecord{ID: h[:12], Name: name, Role: role, Created: t.now().UTC()}
	if err := t.docs.Put(ctx, TokenKind, h, rec); err != nil {
		return TokenRecord{}, fmt.Errorf("save token %q: %w", name, err)
	}
	return rec, nil
}

// Authenticate implements Authenticator.
func (t *Tokens) Authenticate(ctx context.Context, token string) (Principal, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return Principal{}, ErrUnknownToken
	}
	var rec TokenRecord
	if err := t.docs.Get(ctx, TokenKind, hashToken(token), &rec); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Principal{}, ErrUnknownToken
		}
		return Principal{}, fmt.Errorf("look up token: %w", err)
	}
	return Principal{TokenID: rec.ID, Name: rec.Name, Role: rec.Role}, nil
}

// List returns every token, without secrets, ordered by hash.
func (t *Tokens) List(ctx context.Context) ([]TokenRecord, error) {
	out := []TokenRecord{}
	err := t.docs.List(ctx, TokenKind, func(_ string, decode func(any) error) error {
		var rec TokenRecord
		if err := decode(&rec); err != nil {
			return err
		}
		out = append(out, rec)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// Revoke deletes the token whose public id is id. It returns an error
// wrapping store.ErrNotFound when no token has that id.
func (t *Tokens) Revoke(ctx context.Context, id string) error {
	var hash string
	err := t.docs.List(ctx, TokenKind, func(h string, _ func(any) error) error {
		if len(h) >= 12 && h[:12] == id {
			hash = h
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if hash == "" {
		return fmt.Errorf("token %q: %w (GET /v1/tokens lists the ids)", id, store.ErrNotFound)
	}
	return t.docs.Delete(ctx, TokenKind, hash)
}

// Bootstrap makes sure an admin can reach a new host. When the store holds
// no token at all, it registers the admin token from dataDir/admin.token,
// creating that file (mode 0600) with a fresh token when it does not exist.
// It returns the file's path and whether a new token was written.
//
// Re-adopting an existing file keeps the admin's IDBRIDGE_TOKEN valid when
// the store was reset; whoever can read the data folder controls the host
// anyway.
func (t *Tokens) Bootstrap(ctx context.Context, dataDir string) (string, bool, error) {
	path := filepath.Join(dataDir, AdminTokenFile)
	recs, err := t.List(ctx)
	if err != nil {
		return path, false, err
	}
	if len(recs) > 0 {
		return path, false, nil
	}
	if raw, err := os.ReadFile(path); err == nil {
		secret := strings.TrimSpace(string(raw))
		if !strings.HasPrefix(secret, tokenPrefix) {
			return path, false, fmt.Errorf("%s does not hold an idbridge token: delete it and restart to get a new one", path)
		}
		_, err := t.store(ctx, secret, "admin (bootstrap)", RoleAdmin)
		return path, false, err
	} else if !errors.Is(err, os.ErrNotExist) {
		return path, false, fmt.Errorf("read admin token: %w", err)
	}
	secret, err := newSecret()
	if err != nil {
		return path, false, err
	}
	if err := writeFileAtomic(path, []byte(secret+"\n"), 0o600); err != nil {
		return path, false, fmt.Errorf("write admin token: %w", err)
	}
	_, err = t.store(ctx, secret, "admin (bootstrap)", RoleAdmin)
	return path, err == nil, err
}

// writeFileAtomic writes through a temporary file created with the final
// mode, so the secret is never readable by others, even for a moment, and a
// crash leaves either no file or a whole one.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
