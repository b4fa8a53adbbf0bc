package demodir

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/hashicorp/go-hclog"
)

// LDAP protocol op tags the front layer looks at (RFC 4511).
const (
	tagBindRequest     = 0
	tagBindResponse    = 1
	tagModifyDNRequest = 12
	tagModifyDNResp    = 13
	tagCompareRequest  = 14
	tagCompareResponse = 15
	tagAbandonRequest  = 16
)

// maxFrame bounds one LDAP message from a client, so a broken client
// cannot make the server allocate without limit.
const maxFrame = 16 << 20

// front is the listener clients talk to. It relays every message to the
// gldap core unchanged, except the operations that core cannot route:
// ModifyDN, which it answers from the directory, Abandon, which it drops
// (there is nothing to cancel), and Compare, which it refuses. An
// unroutable operation would otherwise make the core close the connection.
type front struct {
	ln      net.Listener
	backend string
	dir     *directory
	log     hclog.Logger

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func (f *front) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				f.log.Error("accepting connections stopped", "error", err)
			}
			return
		}
		f.track(c, true)
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer f.track(c, false)
			f.relay(c)
		}()
	}
}

func (f *front) track(c net.Conn, add bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if add {
		f.conns[c] = struct{}{}
	} else {
		delete(f.conns, c)
	}
}

// close stops accepting and drops every client connection.
func (f *front) close() {
	_ = f.ln.Close()
	f.mu.Lock()
	for c := range f.conns {
		_ = c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// bindState follows a connection's binds by watching requests and their
// responses, so ModifyDN is authorised exactly like the core's operations.
type bindState struct {
	mu      sync.Mutex
	pending map[int64]string // bind message ID -> name
	bound   bool
	writer  bool
}

func (f *front) relay(client net.Conn) {
	defer client.Close()
	backend, err := net.Dial("tcp", f.backend)
	if err != nil {
		f.log.Error("cannot reach the protocol core", "error", err)
		return
	}
	defer backend.Close()

	// Writes to the client are buffered and flushed when the core has
	// nothing more queued, so a page of entries leaves in few syscalls.
	var writeMu sync.Mutex
	out := bufio.NewWriterSize(client, 64<<10)
	send := func(b []byte, flush bool) error {
		writeMu.Lock()
		defer writeMu.Unlock()
		if _, err := out.Write(b); err != nil {
			return err
		}
		if flush {
			return out.Flush()
		}
		return nil
	}
	st := &bindState{pending: make(map[int64]string)}

	// Core -> client: whole messages, so they never interleave with the
	// ModifyDN answers written from the other direction.
	go func() {
		defer client.Close()
		r := bufio.NewReaderSize(backend, 64<<10)
		for {
			frame, err := readFrame(r)
			if err != nil {
				return
			}
			if frame.tag == tagBindResponse {
				f.observeBind(st, frame)
			}
			if send(frame.raw, r.Buffered() == 0) != nil {
				return
			}
		}
	}()

	r := bufio.NewReaderSize(client, 64<<10)
	for {
		frame, err := readFrame(r)
		if err != nil {
			return
		}
		switch frame.tag {
		case tagModifyDNRequest:
			if send(f.modifyDN(st, frame), true) != nil {
				return
			}
		case tagCompareRequest:
			resp := resultPacket(frame.id, tagCompareResponse, resultErr(53, "compare is not supported; search with an equality filter instead"))
			if send(resp, true) != nil {
				return
			}
		case tagAbandonRequest:
			// No response is defined for Abandon.
		default:
			if frame.tag == tagBindRequest {
				st.mu.Lock()
				st.pending[frame.id] = bindName(frame.packet)
				st.mu.Unlock()
			}
			if _, err := backend.Write(frame.raw); err != nil {
				return
			}
		}
	}
}

// frame is one LDAP message: its bytes and, decoded, its ID and op tag.
type frame struct {
	raw    []byte
	packet *ber.Packet
	id     int64
	tag    ber.Tag
}

// readFrame reads one BER element without re-encoding it.
func readFrame(r *bufio.Reader) (*frame, error) {
	head := make([]byte, 2, 6)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	length := int(head[1])
	if head[1]&0x80 != 0 {
		n := int(head[1] & 0x7f)
		if n == 0 || n > 4 {
			return nil, fmt.Errorf("unsupported BER length form")
		}
		ext := make([]byte, n)
		if _, err := io.ReadFull(r, ext); err != nil {
			return nil, err
		}
		head = append(head, ext...)
		length = 0
		for _, b := range ext {
			length = length<<8 | int(b)
		}
	}
	if length > maxFrame {
		return nil, fmt.Errorf("message of %d bytes is larger than %d", length, maxFrame)
	}
	raw := make([]byte, len(head)+length)
	copy(raw, head)
	if _, err := io.ReadFull(r, raw[len(head):]); err != nil {
		return nil, err
	}
	fr := &frame{raw: raw}
	id, tag, err := peekEnvelope(raw[len(head):])
	if err != nil {
		return nil, err
	}
	fr.id, fr.tag = id, tag
	switch tag {
	case tagBindRequest, tagBindResponse, tagModifyDNRequest:
		// Only these are inspected further; search entries, the bulk
		// of the traffic, are relayed without decoding.
		p, err := ber.DecodePacketErr(raw)
		if err != nil {
			return nil, err
		}
		if len(p.Children) < 2 {
			return nil, fmt.Errorf("not an LDAP message")
		}
		fr.packet = p
	}
	return fr, nil
}

// peekEnvelope reads the message ID and the op tag from the content of an
// LDAPMessage: an INTEGER followed by the op's identifier octet.
func peekEnvelope(content []byte) (int64, ber.Tag, error) {
	if len(content) < 3 || content[0] != 0x02 {
		return 0, 0, fmt.Errorf("not an LDAP message")
	}
	n := int(content[1])
	if n == 0 || n > 8 || len(content) < 2+n+1 {
		return 0, 0, fmt.Errorf("not an LDAP message")
	}
	var id int64
	for _, b := range content[2 : 2+n] {
		id = id<<8 | int64(b)
	}
	return id, ber.Tag(content[2+n] & 0x1f), nil
}

// bindName extracts the name of a simple bind request.
func bindName(p *ber.Packet) string {
	op := p.Children[1]
	if len(op.Children) < 2 {
		return ""
	}
	return op.Children[1].Data.String()
}

func (f *front) observeBind(st *bindState, fr *frame) {
	op := fr.packet.Children[1]
	code := int64(-1)
	if len(op.Children) > 0 {
		if v, ok := op.Children[0].Value.(int64); ok {
			code = v
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	name, ok := st.pending[fr.id]
	delete(st.pending, fr.id)
	if !ok {
		return
	}
	st.bound = code == 0 && name != ""
	st.writer = st.bound && f.dir.canWrite(name)
}

// modifyDN answers a ModifyDN request from the directory.
func (f *front) modifyDN(st *bindState, fr *frame) []byte {
	st.mu.Lock()
	bound, writer := st.bound, st.writer
	st.mu.Unlock()
	var err error
	switch {
	case !bound:
		err = resultErr(1, msgBindRequired)
	case !writer:
		err = resultErr(50, msgNoRights)
	default:
		op := fr.packet.Children[1]
		if len(op.Children) < 3 {
			err = resultErr(2, "malformed ModifyDN request")
			break
		}
		newSuperior := ""
		if len(op.Children) > 3 {
			newSuperior = op.Children[3].Data.String()
		}
		err = f.dir.rename(op.Children[0].Data.String(), op.Children[1].Data.String(), newSuperior)
	}
	return resultPacket(fr.id, tagModifyDNResp, err)
}

// resultPacket encodes an LDAPResult response.
func resultPacket(id int64, tag ber.Tag, err error) []byte {
	code, msg := int64(0), ""
	if err != nil {
		re := asResult(err)
		code, msg = int64(re.Code), re.Message
	}
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Response")
	env.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "Message ID"))
	res := ber.Encode(ber.ClassApplication, ber.TypeConstructed, tag, nil, "Response")
	res.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, code, "resultCode"))
	res.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "matchedDN"))
	res.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, msg, "diagnosticMessage"))
	env.AppendChild(res)
	return env.Bytes()
}
