package sdk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OAuth2 declares the OAuth 2.0 client credentials grant (RFC 6749 §4.4):
// the connector trades a client id and secret for an access token at the
// token URL and sends it as a bearer token, fetching a new one shortly
// before it expires.
type OAuth2 struct {
	// TokenURL is the token endpoint; TokenURLSetting, if set, names a
	// setting that overrides it (a tenant-specific endpoint).
	TokenURL        string
	TokenURLSetting string
	// ClientIDSetting and ClientSecretSetting name the settings of the
	// credentials; the secret must be declared Secret.
	ClientIDSetting     string
	ClientSecretSetting string
	// Scopes are requested with every token.
	Scopes []string
}

// tokenTimeout bounds one request to a token endpoint.
const tokenTimeout = 30 * time.Second

// OAuth2ClientCredentials authenticates with the client credentials
// grant. Tokens are cached per token URL and credentials, for the life
// of the connector process.
func OAuth2ClientCredentials(o OAuth2) Auth { return &oauth2Auth{o: o} }

type oauth2Auth struct {
	o       OAuth2
	sources sync.Map // key: token URL, client id and a hash of the secret → oauth2.TokenSource
}

// Apply implements Auth.
func (a *oauth2Auth) Apply(h http.Header, s Settings) error {
	tokenURL := a.o.TokenURL
	if a.o.TokenURLSetting != "" && s.Get(a.o.TokenURLSetting) != "" {
		tokenURL = s.Get(a.o.TokenURLSetting)
	}
	id, secret := s.Get(a.o.ClientIDSetting), s.Get(a.o.ClientSecretSetting)
	if tokenURL == "" || id == "" || secret == "" {
		return fmt.Errorf("%w: the token URL and the settings %q and %q are all needed for OAuth 2.0", ErrInvalidSettings, a.o.ClientIDSetting, a.o.ClientSecretSetting)
	}
	sum := sha256.Sum256([]byte(secret))
	key := tokenURL + "\x00" + id + "\x00" + hex.EncodeToString(sum[:])
	src, ok := a.sources.Load(key)
	if !ok {
		cfg := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL, Scopes: a.o.Scopes}
		// The token source outlives any one call, so its requests get a
		// client with a deadline of their own.
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: tokenTimeout})
		src, _ = a.sources.LoadOrStore(key, cfg.TokenSource(ctx))
	}
	tok, err := src.(oauth2.TokenSource).Token()
	if err != nil {
		return fmt.Errorf("%w: the token endpoint %s did not issue a token for client %q: %s; check the client id and secret", ErrInvalidSettings, tokenURL, id, tokenError(err))
	}
	h.Set("Authorization", "Bearer "+tok.AccessToken)
	return nil
}

// tokenError is the token endpoint's answer without the request details
// the library adds.
func tokenError(err error) string {
	if re, ok := err.(*oauth2.RetrieveError); ok {
		if re.ErrorCode != "" {
			return strings.TrimSpace(re.ErrorCode + " " + re.ErrorDescription)
		}
		if re.Response != nil {
			return re.Response.Status
		}
	}
	return err.Error()
}

// Headers implements Auth.
func (a *oauth2Auth) Headers() []string { return []string{"Authorization"} }

// SecretSettings implements Auth.
func (a *oauth2Auth) SecretSettings() []string { return []string{a.o.ClientSecretSetting} }
