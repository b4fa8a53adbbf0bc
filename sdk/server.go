package sdk

import (
	"context"
	"errors"
	"net/http"

	"github.com/hashicorp/go-hclog"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
	"github.com/idbridge/idbridge/sdk/httpexec"
	"github.com/idbridge/idbridge/sdk/wire"
)

// server turns a Connector declaration into the gRPC service.
type server struct {
	connectorv1.UnimplementedConnectorServer
	c Connector
	// settings are c's declared settings, built once rather than on
	// every call.
	settings []Setting
	// header is what every request carries before its credentials
	// (baseHeader), cloned for each call.
	header    http.Header
	endpoints map[string]*Endpoint
	webhooks  map[string]*Webhook
	limiters  *httpexec.Limiters
	client    *http.Client
	log       hclog.Logger
	// decoder reads error bodies: the connector's ErrorDecoder, else its
	// declared ErrorShape, else nil (httpexec's default).
	decoder httpexec.ErrorDecoder
	// preEncoded sends Fetch batches as pre-encoded frames (WireCodec).
	preEncoded bool
}

// Options tunes NewServer; the zero value is what Serve uses.
type Options struct {
	// Logger receives the SDK's logs; nil discards them.
	Logger hclog.Logger
	// Limiters lets several in-process servers share budgets (tests);
	// nil gives the server its own registry.
	Limiters *httpexec.Limiters
	// PreEncoded writes Fetch records straight from the app's JSON into
	// protobuf wire form, several times cheaper than building structpb
	// values. The gRPC server must then use WireCodec; Serve does this.
	PreEncoded bool
}

// NewServer validates c and returns it as a connectorv1.ConnectorServer,
// for tests that serve a connector in-process and for Serve.
func NewServer(c Connector, opts Options) (connectorv1.ConnectorServer, error) {
	c = c.withDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	s := &server{
		c:         c,
		settings:  c.declaredSettings(),
		header:    baseHeader(c),
		endpoints: map[string]*Endpoint{},
		webhooks:  map[string]*Webhook{},
		limiters:  opts.Limiters,
		client:    c.HTTPClient,
		log:       opts.Logger,

		preEncoded: opts.PreEncoded,
	}
	for i := range c.Endpoints {
		s.endpoints[c.Endpoints[i].ID] = &c.Endpoints[i]
	}
	for i := range c.Webhooks {
		s.webhooks[c.Webhooks[i].ID] = &c.Webhooks[i]
	}
	if s.limiters == nil {
		s.limiters = httpexec.NewLimiters()
	}
	if s.client == nil {
		s.client = httpexec.DefaultClient()
	}
	if s.log == nil {
		s.log = hclog.NewNullLogger()
	}
	s.decoder = c.ErrorDecoder
	if s.decoder == nil && (c.Errors.MessagePath != "" || c.Errors.CodePath != "") {
		s.decoder = c.Errors.decoder()
	}
	return s, nil
}

// Describe reports the declaration.
func (s *server) Describe(context.Context, *connectorv1.DescribeRequest) (*connectorv1.DescribeResponse, error) {
	return s.c.Describe(), nil
}

// remedy fills ae.Remedy from the connector's hook or the generic advice.
func (s *server) remedy(ae *connectorv1.AppError) {
	if s.c.Remedy != nil {
		if r := s.c.Remedy(ae); r != "" {
			ae.Remedy = r
			return
		}
	}
	if r := s.c.Errors.advice(ae); r != "" {
		ae.Remedy = r
		return
	}
	if ae.Remedy == "" {
		ae.Remedy = defaultRemedy(ae.GetKind())
	}
}

// failNoEnv reports an error that happened before an env existed.
func (s *server) failNoEnv(err error) error {
	ae := appErrorOf(err)
	s.remedy(ae)
	return statusError(ae)
}

// asHTTPError unwraps an *httpexec.Error.
func asHTTPError(err error) (*httpexec.Error, bool) {
	var herr *httpexec.Error
	ok := errors.As(err, &herr)
	return herr, ok
}

// protocolVersion is what Describe reports; it comes from the one place
// host and SDK share.
const protocolVersion = wire.ProtocolVersion
