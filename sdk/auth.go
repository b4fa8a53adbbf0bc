package sdk

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
)

// Auth adds an app's credentials to a request. Implementations read secret
// settings; the SDK masks every value they add in reported exchanges.
type Auth interface {
	// Apply sets the credentials on h, or says which setting is missing.
	Apply(h http.Header, s Settings) error
	// Headers names the headers Apply sets, so that their values are
	// masked even when they are not settings verbatim (e.g. "Bearer x").
	Headers() []string
	// SecretSettings names the settings Apply reads; Describe checks that
	// each is declared secret.
	SecretSettings() []string
}

// TokenAuth is an Auth that asks a server of its own for the credentials
// it sets, as OAuth 2.0 trades client credentials for a token. The SDK
// calls ApplyWithClient instead of Apply, with the context of the call
// that needs the credentials and the HTTP client the connector's calls
// use (Connector.HTTPClient): token requests then share the connector's
// proxy, TLS settings, timeout and test transport, and end when the host
// cancels the call. See decision 0282.
type TokenAuth interface {
	Auth
	// ApplyWithClient is Apply, sending any request it needs through
	// client within ctx.
	ApplyWithClient(ctx context.Context, client *http.Client, h http.Header, s Settings) error
}

// applyAuth sets a's credentials on h, giving a TokenAuth the call's
// context and the connector's client.
func applyAuth(ctx context.Context, a Auth, client *http.Client, h http.Header, s Settings) error {
	if t, ok := a.(TokenAuth); ok {
		return t.ApplyWithClient(ctx, client, h, s)
	}
	return a.Apply(h, s)
}

// HeaderAuth sends a secret setting as the value of one header, as in
// Clockify's X-Api-Key.
func HeaderAuth(header, settingKey string) Auth {
	return headerAuth{header: http.CanonicalHeaderKey(header), key: settingKey}
}

type headerAuth struct{ header, key string }

// Apply implements Auth.
func (a headerAuth) Apply(h http.Header, s Settings) error {
	v := s.Get(a.key)
	if v == "" {
		return fmt.Errorf("%w: the credential setting %q is empty; enter it in the integration's authorization", ErrInvalidSettings, a.key)
	}
	h.Set(a.header, v)
	return nil
}

// Headers implements Auth.
func (a headerAuth) Headers() []string { return []string{a.header} }

// SecretSettings implements Auth.
func (a headerAuth) SecretSettings() []string { return []string{a.key} }

// BearerAuth sends a secret setting as "Authorization: Bearer <token>".
func BearerAuth(settingKey string) Auth { return bearerAuth{key: settingKey} }

type bearerAuth struct{ key string }

// Apply implements Auth.
func (a bearerAuth) Apply(h http.Header, s Settings) error {
	v := s.Get(a.key)
	if v == "" {
		return fmt.Errorf("%w: the token setting %q is empty; enter it in the integration's authorization", ErrInvalidSettings, a.key)
	}
	h.Set("Authorization", "Bearer "+v)
	return nil
}

// Headers implements Auth.
func (a bearerAuth) Headers() []string { return []string{"Authorization"} }

// SecretSettings implements Auth.
func (a bearerAuth) SecretSettings() []string { return []string{a.key} }

// BasicAuth sends HTTP basic credentials from two settings; only the
// password needs to be secret.
func BasicAuth(userKey, passwordKey string) Auth { return basicAuth{user: userKey, pass: passwordKey} }

type basicAuth struct{ user, pass string }

// Apply implements Auth.
func (a basicAuth) Apply(h http.Header, s Settings) error {
	if s.Get(a.user) == "" || s.Get(a.pass) == "" {
		return fmt.Errorf("%w: settings %q and %q are both needed for basic authentication", ErrInvalidSettings, a.user, a.pass)
	}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(s.Get(a.user)+":"+s.Get(a.pass))))
	return nil
}

// Headers implements Auth.
func (a basicAuth) Headers() []string { return []string{"Authorization"} }

// SecretSettings implements Auth.
func (a basicAuth) SecretSettings() []string { return []string{a.pass} }

// DescribedAuth is a, with the label and description admins see for the
// secret setting it reads. Unless Settings declares that key the SDK
// declares it, after the base URL: a required, secret String. Connectors
// then state the credential once, where it is used. See decision 0207.
func DescribedAuth(a Auth, label, description string) Auth {
	return describedAuth{Auth: a, label: label, description: description}
}

// describedAuth is an Auth whose secret settings the SDK declares.
type describedAuth struct {
	Auth
	label, description string
}

// ApplyWithClient implements TokenAuth, passing the client on to the
// described Auth when it makes requests of its own.
func (a describedAuth) ApplyWithClient(ctx context.Context, client *http.Client, h http.Header, s Settings) error {
	return applyAuth(ctx, a.Auth, client, h, s)
}
