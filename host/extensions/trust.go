package extensions

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/idbridge/idbridge/host/store"
	"github.com/idbridge/idbridge/marketplace/ext"
)

// TrustKey adds a public key (PEM) to the keys whose signatures this host
// accepts, and returns its record. name is the admin's label for it.
func (m *Manager) TrustKey(ctx context.Context, name string, publicKeyPEM []byte) (*TrustedKey, error) {
	pub, err := ext.ParsePublicKey(publicKeyPEM)
	if err != nil {
		return nil, err
	}
	k := &TrustedKey{KeyID: ext.KeyID(pub), Name: strings.TrimSpace(name), PublicKey: string(publicKeyPEM), Added: time.Now().UTC()}
	if k.Name == "" {
		k.Name = k.KeyID
	}
	if err := m.cfg.Docs.Put(ctx, kindTrustedKey, k.KeyID, k); err != nil {
		return nil, fmt.Errorf("save trusted key: %w", err)
	}
	m.log.Info("trusting signing key", "key_id", k.KeyID, "name", k.Name)
	return k, nil
}

// DistrustKey removes a trusted key. Extensions it signed stay installed
// but their next upgrade needs a key the host trusts.
func (m *Manager) DistrustKey(ctx context.Context, keyID string) error {
	var k TrustedKey
	if err := m.cfg.Docs.Get(ctx, kindTrustedKey, keyID, &k); err != nil {
		return fmt.Errorf("trusted key %q: %w", keyID, err)
	}
	return m.cfg.Docs.Delete(ctx, kindTrustedKey, keyID)
}

// TrustedKeys lists the trusted keys by id.
func (m *Manager) TrustedKeys(ctx context.Context) ([]TrustedKey, error) {
	out := []TrustedKey{}
	err := m.cfg.Docs.List(ctx, kindTrustedKey, func(_ string, decode func(any) error) error {
		var k TrustedKey
		if err := decode(&k); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	})
	return out, err
}

// AllowPublisher lets unsigned or untrusted extensions of publisher be
// installed; allow false withdraws that. Meant for connector development:
// the publisher name comes from an unverified manifest.
func (m *Manager) AllowPublisher(ctx context.Context, publisher string, allow bool) error {
	if !allow {
		return m.cfg.Docs.Delete(ctx, kindPublisher, publisher)
	}
	if publisher == "" {
		return errors.New("name the publisher to allow")
	}
	m.log.Warn("allowing unverified extensions from publisher", "publisher", publisher)
	return m.cfg.Docs.Put(ctx, kindPublisher, publisher, AllowedPublisher{Publisher: publisher, Added: time.Now().UTC()})
}

// AllowedPublishers lists publishers allowed without a trusted signature.
func (m *Manager) AllowedPublishers(ctx context.Context) ([]AllowedPublisher, error) {
	out := []AllowedPublisher{}
	err := m.cfg.Docs.List(ctx, kindPublisher, func(_ string, decode func(any) error) error {
		var p AllowedPublisher
		if err := decode(&p); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// publisherAllowed answers a 404 for a publisher that is not allowed, so
// withdrawing a misspelt name is not reported as done.
func (m *Manager) publisherAllowed(ctx context.Context, publisher string) error {
	var p AllowedPublisher
	if err := m.cfg.Docs.Get(ctx, kindPublisher, publisher, &p); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("publisher %q is not allowed; GET /v1/extension-publishers lists those that are: %w", publisher, store.ErrNotFound)
		}
		return err
	}
	return nil
}

// policy assembles the trust policy from the store at the moment of use,
// so a key removed a second ago is no longer trusted.
func (m *Manager) policy(ctx context.Context) (ext.TrustPolicy, error) {
	p := ext.TrustPolicy{Keys: map[string]ed25519.PublicKey{}, AllowedPublishers: map[string]bool{}}
	keys, err := m.TrustedKeys(ctx)
	if err != nil {
		return p, fmt.Errorf("read trusted keys: %w", err)
	}
	for _, k := range keys {
		pub, err := ext.ParsePublicKey([]byte(k.PublicKey))
		if err != nil {
			m.log.Warn("ignoring unreadable trusted key", "key_id", k.KeyID, "error", err)
			continue
		}
		if ext.KeyID(pub) != k.KeyID {
			m.log.Warn("ignoring trusted key whose id does not match its content", "key_id", k.KeyID)
			continue
		}
		p.Keys[k.KeyID] = pub
	}
	pubs, err := m.AllowedPublishers(ctx)
	if err != nil {
		return p, fmt.Errorf("read allowed publishers: %w", err)
	}
	for _, a := range pubs {
		p.AllowedPublishers[a.Publisher] = true
	}
	return p, nil
}
