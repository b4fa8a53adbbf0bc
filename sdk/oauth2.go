package sdk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
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

// tokenTimeout bounds a token request whose client has no timeout of its
// own, so that a silent token endpoint cannot hold a call forever.
const tokenTimeout = 30 * time.Second

// errTokenUnavailable is a token endpoint that failed or could not be
// reached, as opposed to one that refused the credentials: worth retrying,
// not a reason to edit the settings.
var errTokenUnavailable = errors.New("no access token")

// OAuth2ClientCredentials authenticates with the client credentials
// grant. Tokens are cached per token URL and credentials, for the life
// of the connector process. Token requests go through the connector's
// HTTP client (Connector.HTTPClient) and end with the call that needs the
// token. See decision 0282.
func OAuth2ClientCredentials(o OAuth2) Auth { return &oauth2Auth{o: o} }

type oauth2Auth struct {
	o      OAuth2
	tokens sync.Map // key: token URL, client id and a hash of the secret → *cachedToken
}

// cachedToken is one client's token and the configuration that fetches
// it; the configuration also remembers how the endpoint wants the
// credentials sent, once detected.
type cachedToken struct {
	cfg clientcredentials.Config
	// turn lets one caller fetch at a time, so that calls arriving
	// together share one token; waiting for it ends with the caller's
	// context.
	turn chan struct{}
	tok  *oauth2.Token
}

// Apply implements Auth for callers outside a connector's server: the
// token is fetched with Go's default client.
func (a *oauth2Auth) Apply(h http.Header, s Settings) error {
	return a.ApplyWithClient(context.Background(), nil, h, s)
}

// ApplyWithClient implements TokenAuth.
func (a *oauth2Auth) ApplyWithClient(ctx context.Context, client *http.Client, h http.Header, s Settings) error {
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
	c, ok := a.tokens.Load(key)
	if !ok {
		c, _ = a.tokens.LoadOrStore(key, &cachedToken{
			cfg:  clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL, Scopes: a.o.Scopes},
			turn: make(chan struct{}, 1),
		})
	}
	tok, err := c.(*cachedToken).token(ctx, client)
	if err != nil {
		return tokenFailure(tokenURL, id, err)
	}
	h.Set("Authorization", "Bearer "+tok.AccessToken)
	return nil
}

// token returns the cached token while it is valid (until shortly before
// it expires), else fetches one through client (nil: Go's default).
func (c *cachedToken) token(ctx context.Context, client *http.Client) (*oauth2.Token, error) {
	select {
	case c.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	defer func() { <-c.turn }()
	if c.tok.Valid() {
		return c.tok, nil
	}
	if client == nil || client.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, tokenTimeout)
		defer cancel()
	}
	if client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	}
	tok, err := c.cfg.Token(ctx)
	if err != nil {
		return nil, err
	}
	c.tok = tok
	return tok, nil
}

// tokenFailure words a failed token request by where the fault is: an
// endpoint that answers 4xx refused the credentials (a settings problem);
// one that answers 5xx or 429, times out or cannot be reached is
// unavailable, and the call may be retried.
func tokenFailure(tokenURL, id string, err error) error {
	var (
		re  *oauth2.RetrieveError
		ue  *url.Error
		ne  net.Error
		msg = tokenError(err)
	)
	switch {
	case errors.As(err, &re) && re.Response != nil &&
		(re.Response.StatusCode >= 500 || re.Response.StatusCode == http.StatusTooManyRequests),
		errors.As(err, &ue), errors.As(err, &ne),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fmt.Errorf("%w: the token endpoint %s gave no token for client %q: %s; retry later, and check the token URL and that the connector can reach it", errTokenUnavailable, tokenURL, id, msg)
	}
	return fmt.Errorf("%w: the token endpoint %s did not issue a token for client %q: %s; check the client id and secret", ErrInvalidSettings, tokenURL, id, msg)
}

// tokenError is the token endpoint's answer, or the network's error,
// without the request details the libraries add.
func tokenError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.ErrorCode != "" {
			return strings.TrimSpace(re.ErrorCode + " " + re.ErrorDescription)
		}
		if re.Response != nil {
			return re.Response.Status
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error() // the URL is named already
	}
	return err.Error()
}

// Headers implements Auth.
func (a *oauth2Auth) Headers() []string { return []string{"Authorization"} }

// SecretSettings implements Auth.
func (a *oauth2Auth) SecretSettings() []string { return []string{a.o.ClientSecretSetting} }
