package directory

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Scan runs q like Search and delivers the same entries, but is built for
// reading a whole OU: it opens a connection of its own (same URL, TLS and
// bind account as the client) and decodes each search result entry
// straight from the wire into an Entry, keeping only the DN and the
// values. Search builds a full BER tree per entry, which costs more than
// the server spends sending it once there are tens of thousands of users.
//
// Errors are the ones Search returns. Before the first entry is delivered a
// broken connection is retried once on a fresh one; after, it is reported as
// ErrUnavailable. An error from fn stops the scan and is returned as is.
func (c *Client) Scan(ctx context.Context, q Query, fn func(Entry) error) error {
	base, filter := c.baseAndFilter(q)
	compiled, err := ldap.CompileFilter(filter)
	if err != nil {
		return newError("search "+base, ErrRejected, "build filters with directory.Equal/And/Or", err)
	}
	op := "search " + base + " " + filter
	s := &scan{
		base: base, scope: q.Scope, filter: compiled.Bytes(), attrs: q.Attributes,
		showDeleted: q.ShowDeleted, pageSize: c.cfg.pageSize(),
		names: newAttrNames(q.Attributes),
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := c.scanOnce(ctx, s, fn)
		if err == nil || errors.Is(err, errStopped) {
			if err != nil {
				return s.fnErr
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err = classify(op, c.cfg.URL, err)
		if !isConnectionError(err) {
			return err
		}
		if s.delivered {
			var de *Error
			errors.As(err, &de)
			return newError(op, ErrUnavailable,
				"the directory went away in the middle of the search; the results are incomplete, run it again when the server is back", de.Err)
		}
		if attempt > 0 {
			return err
		}
		c.log.Debug("directory scan failed on a broken connection; retrying once", "op", op)
	}
}

// errStopped says fn returned an error, kept in scan.fnErr.
var errStopped = errors.New("stopped by the caller")

// scan is the state of one Scan: the request's parts, and what survives a
// retry.
type scan struct {
	base        string
	scope       Scope
	filter      []byte
	attrs       []string
	showDeleted bool
	pageSize    uint32
	names       *attrNames

	delivered bool
	fnErr     error
}

// scanOnce dials, binds and pages through the search on one connection.
func (c *Client) scanOnce(ctx context.Context, s *scan, fn func(Entry) error) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return newError("connect", ErrUnavailable, "open a new client", errors.New("client closed"))
	}
	lc, err := c.dialLean(ctx)
	if err != nil {
		return err
	}
	defer lc.close()
	stop := context.AfterFunc(ctx, func() { lc.conn.Close() })
	defer stop()

	var cookie []byte
	for {
		id := lc.nextID()
		if err := lc.send(id, s.request(), s.controls(cookie)); err != nil {
			return err
		}
		cookie = nil
		for done := false; !done; {
			msg, err := lc.read(id)
			if err != nil {
				return err
			}
			switch msg.op {
			case tagSearchEntry:
				e, err := s.names.entry(msg.body)
				if err != nil {
					return err
				}
				s.delivered = true
				if s.fnErr = fn(e); s.fnErr != nil {
					return errStopped
				}
			case tagSearchRef:
				// Referrals are not followed, as in Search.
			case tagSearchDone:
				if err := resultError(msg.body); err != nil {
					return err
				}
				if cookie, err = pagingCookie(msg.controls); err != nil {
					return err
				}
				done = true
			default:
				return fmt.Errorf("%w: unexpected operation %#x in a search", errMalformed, msg.op)
			}
		}
		if len(cookie) == 0 {
			return nil
		}
	}
}

// request is the SearchRequest (RFC 4511 §4.5.1) of s.
func (s *scan) request() []byte {
	attrs := make([][]byte, len(s.attrs))
	for i, a := range s.attrs {
		attrs[i] = octets(tagOctetString, a)
	}
	return tlv(tagSearchReq,
		octets(tagOctetString, s.base),
		berInt(tagEnumerated, int64(s.scope.ldap())),
		berInt(tagEnumerated, int64(ldap.NeverDerefAliases)),
		berInt(tagInteger, 0), // no size limit beyond the server's
		berInt(tagInteger, 0), // no time limit beyond the server's
		[]byte{tagBoolean, 1, 0},
		s.filter,
		tlv(tagSequence, attrs...),
	)
}

// controls are the paged results control (RFC 2696) with cookie, and AD's
// show-deleted control when asked for.
func (s *scan) controls(cookie []byte) []byte {
	value := tlv(tagSequence, berInt(tagInteger, int64(s.pageSize)), tlv(tagOctetString, cookie))
	paging := tlv(tagSequence, octets(tagOctetString, ldap.ControlTypePaging), tlv(tagOctetString, value))
	if !s.showDeleted {
		return tlv(tagControls, paging)
	}
	deleted := tlv(tagSequence, octets(tagOctetString, showDeletedOID), []byte{tagBoolean, 1, 0xff})
	return tlv(tagControls, paging, deleted)
}

// leanConn is Scan's own connection: requests are written whole, responses
// read one message at a time.
type leanConn struct {
	conn    net.Conn
	r       messageReader
	id      int64
	timeout time.Duration
	armed   time.Time
}

// dialLean opens and binds a connection the way dial does (TLS, StartTLS
// unless PlainText, simple bind), without go-ldap's reader.
func (c *Client) dialLean(ctx context.Context) (*leanConn, error) {
	timeout := c.cfg.timeout()
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	raw, host, err := c.connect(dctx, timeout)
	if err != nil {
		return nil, err
	}
	lc := &leanConn{timeout: timeout}
	lc.setConn(raw)
	if c.url.Scheme != "ldaps" && !c.cfg.PlainText {
		if err := lc.startTLS(dctx, c.tls); err != nil {
			raw.Close()
			return nil, classify("StartTLS with "+host, c.cfg.URL, err)
		}
	}
	if err := lc.bind(c.cfg.BindDN, c.cfg.Password); err != nil {
		lc.close()
		return nil, classify("bind as "+c.cfg.BindDN, c.cfg.URL, err)
	}
	return lc, nil
}

func (lc *leanConn) setConn(conn net.Conn) {
	lc.conn = conn
	lc.r = messageReader{r: bufio.NewReaderSize(conn, 64<<10)}
	lc.armed = time.Time{}
}

func (lc *leanConn) close() { _ = lc.conn.Close() }

func (lc *leanConn) nextID() int64 { lc.id++; return lc.id }

// send writes one LDAPMessage.
func (lc *leanConn) send(id int64, op []byte, controls []byte) error {
	if err := lc.conn.SetWriteDeadline(time.Now().Add(lc.timeout)); err != nil {
		return err
	}
	msg := tlv(tagSequence, berInt(tagInteger, id), op, controls)
	_, err := lc.conn.Write(msg)
	return err
}

// response is one decoded LDAPMessage: the protocol operation's tag and
// content, and the raw controls (nil when absent).
type response struct {
	op       byte
	body     []byte
	controls []byte
}

// read returns the next message answering id. Unsolicited notifications
// (message id 0, RFC 4511 §4.4) mean the server is closing the connection.
func (lc *leanConn) read(id int64) (response, error) {
	for {
		// The deadline bounds the wait for the next message like the
		// client's request timeout; re-arming it only once half of it has
		// passed keeps a timer update off every entry.
		if now := time.Now(); now.Sub(lc.armed) > lc.timeout/2 {
			if err := lc.conn.SetReadDeadline(now.Add(lc.timeout)); err != nil {
				return response{}, err
			}
			lc.armed = now
		}
		b, err := lc.r.next()
		if err != nil {
			return response{}, err
		}
		idBytes, b, err := expect(b, tagInteger, "message id")
		if err != nil {
			return response{}, err
		}
		got, err := integer(idBytes)
		if err != nil {
			return response{}, err
		}
		op, body, b, err := element(b)
		if err != nil {
			return response{}, fmt.Errorf("protocol operation: %w", err)
		}
		var controls []byte
		if len(b) > 0 {
			if controls, _, err = expect(b, tagControls, "controls"); err != nil {
				return response{}, err
			}
		}
		if got == 0 && op == tagExtendedResp {
			if err := resultError(body); err != nil {
				return response{}, err
			}
			return response{}, ldap.NewError(ldap.LDAPResultUnavailable, errors.New("the server sent a notice of disconnection"))
		}
		if got == id {
			return response{op: op, body: body, controls: controls}, nil
		}
	}
}

// startTLSOID names the StartTLS extended operation (RFC 4511 §4.14).
const startTLSOID = "1.3.6.1.4.1.1466.20037"

// startTLS upgrades the connection before anything else is sent.
func (lc *leanConn) startTLS(ctx context.Context, cfg *tls.Config) error {
	id := lc.nextID()
	if err := lc.send(id, tlv(tagExtendedReq, octets(tagContext0, startTLSOID)), nil); err != nil {
		return ldap.NewError(ldap.ErrorNetwork, err)
	}
	msg, err := lc.read(id)
	if err != nil {
		return err
	}
	if msg.op != tagExtendedResp {
		return fmt.Errorf("%w: StartTLS answered with operation %#x", errMalformed, msg.op)
	}
	if err := resultError(msg.body); err != nil {
		return err
	}
	tc := tls.Client(lc.conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return err
	}
	lc.setConn(tc)
	return nil
}

// bind is a simple bind (RFC 4511 §4.2). An empty password is refused here,
// as the main connection does, since the server would take it as an
// anonymous bind.
func (lc *leanConn) bind(dn, password string) error {
	if password == "" {
		return ldap.NewError(ldap.ErrorEmptyPassword, errors.New("empty password not allowed by the client"))
	}
	id := lc.nextID()
	req := tlv(tagBindRequest, berInt(tagInteger, 3), octets(tagOctetString, dn), octets(tagContext0, password))
	if err := lc.send(id, req, nil); err != nil {
		return ldap.NewError(ldap.ErrorNetwork, err)
	}
	msg, err := lc.read(id)
	if err != nil {
		return err
	}
	if msg.op != tagBindResponse {
		return fmt.Errorf("%w: bind answered with operation %#x", errMalformed, msg.op)
	}
	return resultError(msg.body)
}

// resultError reads an LDAPResult (RFC 4511 §4.1.9) and returns nil for
// success, or the server's code and message as an *ldap.Error so that
// classify treats it like the main connection's errors.
func resultError(b []byte) error {
	codeBytes, b, err := expect(b, tagEnumerated, "result code")
	if err != nil {
		return err
	}
	code, err := integer(codeBytes)
	if err != nil {
		return err
	}
	matched, b, err := expect(b, tagOctetString, "matched DN")
	if err != nil {
		return err
	}
	diag, _, err := expect(b, tagOctetString, "diagnostic message")
	if err != nil {
		return err
	}
	if code == ldap.LDAPResultSuccess {
		return nil
	}
	le := ldap.NewError(uint16(code), errors.New(string(diag)))
	if lerr, ok := le.(*ldap.Error); ok {
		lerr.MatchedDN = string(matched)
	}
	return le
}

// pagingCookie finds the paged results control among controls and returns
// its cookie; none (or an empty one) means the last page.
func pagingCookie(controls []byte) ([]byte, error) {
	for len(controls) > 0 {
		ctl, rest, err := expect(controls, tagSequence, "control")
		if err != nil {
			return nil, err
		}
		controls = rest
		oid, ctl, err := expect(ctl, tagOctetString, "control type")
		if err != nil {
			return nil, err
		}
		if string(oid) != ldap.ControlTypePaging {
			continue
		}
		if len(ctl) > 0 && ctl[0] == tagBoolean {
			if _, ctl, err = expect(ctl, tagBoolean, "control criticality"); err != nil {
				return nil, err
			}
		}
		value, _, err := expect(ctl, tagOctetString, "paging control value")
		if err != nil {
			return nil, err
		}
		seq, _, err := expect(value, tagSequence, "paging control")
		if err != nil {
			return nil, err
		}
		_, seq, err = expect(seq, tagInteger, "paging size")
		if err != nil {
			return nil, err
		}
		cookie, _, err := expect(seq, tagOctetString, "paging cookie")
		if err != nil {
			return nil, err
		}
		return append([]byte(nil), cookie...), nil
	}
	return nil, nil
}

// attrNames turns the attribute names a server sends into the caller's
// spelling, remembering each spelling it has seen so that a scan allocates
// a name once, not once per entry.
type attrNames struct {
	canon map[string]string // lower-cased requested name → caller's spelling
	seen  map[string]wireName
}

type wireName struct {
	name string
	guid bool
}

func newAttrNames(attrs []string) *attrNames {
	return &attrNames{canon: canonicalNames(attrs), seen: make(map[string]wireName, len(attrs))}
}

func (a *attrNames) lookup(wire []byte) wireName {
	if n, ok := a.seen[string(wire)]; ok {
		return n
	}
	name := string(wire)
	lower := strings.ToLower(name)
	n := wireName{name: name, guid: binaryGUIDAttributes[lower]}
	if c, ok := a.canon[lower]; ok {
		n.name = c
	}
	a.seen[name] = n
	return n
}

// entry decodes a SearchResultEntry (RFC 4511 §4.5.2) into the same Entry
// Search would deliver. All of an entry's values share one backing slice,
// and its DN and values one string allocation: a scan of a whole directory
// then makes a few objects per entry for the collector, not one per value.
// See decision 0264.
func (a *attrNames) entry(b []byte) (Entry, error) {
	dn, b, err := expect(b, tagOctetString, "entry DN")
	if err != nil {
		return Entry{}, err
	}
	list, _, err := expect(b, tagSequence, "entry attributes")
	if err != nil {
		return Entry{}, err
	}
	attrs, values, size, err := countAttributes(list)
	if err != nil {
		return Entry{}, err
	}
	var text strings.Builder
	text.Grow(len(dn) + size)
	text.Write(dn)
	e := Entry{DN: text.String(), Attributes: make(map[string][]string, attrs)}
	slab := make([]string, values)
	for len(list) > 0 {
		var attr []byte
		attr, list, _ = expect(list, tagSequence, "attribute") // checked by countAttributes
		typ, rest, _ := expect(attr, tagOctetString, "attribute type")
		set, _, _ := expect(rest, tagSet, "attribute values")
		name := a.lookup(typ)
		start := len(slab) - values
		n := 0
		for len(set) > 0 {
			var v []byte
			v, set, _ = expect(set, tagOctetString, "attribute value")
			if name.guid {
				slab[start+n] = FormatGUID(v)
			} else {
				// The builder has room for every value, so earlier
				// strings are never moved; each is a slice of it.
				at := text.Len()
				text.Write(v)
				slab[start+n] = text.String()[at:]
			}
			n++
		}
		values -= n
		e.Attributes[name.name] = slab[start : start+n : start+n]
	}
	return e, nil
}

// countAttributes validates an entry's attribute list and counts its
// attributes, values and the values' bytes, so entry can size its map,
// value slab and text once.
func countAttributes(list []byte) (attrs, values, size int, err error) {
	for len(list) > 0 {
		var attr []byte
		if attr, list, err = expect(list, tagSequence, "attribute"); err != nil {
			return 0, 0, 0, err
		}
		_, rest, err := expect(attr, tagOctetString, "attribute type")
		if err != nil {
			return 0, 0, 0, err
		}
		set, _, err := expect(rest, tagSet, "attribute values")
		if err != nil {
			return 0, 0, 0, err
		}
		for len(set) > 0 {
			var v []byte
			if v, set, err = expect(set, tagOctetString, "attribute value"); err != nil {
				return 0, 0, 0, err
			}
			values++
			size += len(v)
		}
		attrs++
	}
	return attrs, values, size, nil
}
