package directory

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// This file holds the small subset of BER (X.690) that Scan needs: reading
// one definite-length element at a time from a byte slice, and building the
// few requests Scan sends. LDAP (RFC 4511 §5.1) only uses definite lengths
// and low tag numbers, so anything else is reported as malformed.

// errMalformed marks a response Scan cannot decode; the connection is
// dropped, since the stream position is lost.
var errMalformed = errors.New("malformed LDAP response")

// maxMessage bounds one LDAP message read from the server, so a corrupt
// length cannot make the host allocate without limit.
const maxMessage = 64 << 20

// BER tags Scan reads and writes.
const (
	tagBoolean      = 0x01
	tagInteger      = 0x02
	tagOctetString  = 0x04
	tagEnumerated   = 0x0a
	tagSequence     = 0x30
	tagSet          = 0x31
	tagBindRequest  = 0x60
	tagBindResponse = 0x61
	tagSearchReq    = 0x63
	tagSearchEntry  = 0x64
	tagSearchDone   = 0x65
	tagSearchRef    = 0x73
	tagExtendedReq  = 0x77
	tagExtendedResp = 0x78
	tagControls     = 0xa0 // [0] constructed, in LDAPMessage
	tagContext0     = 0x80 // [0] primitive: simple password, extended request name
	tagReferral     = 0xa3 // [3] constructed, in LDAPResult
)

// element splits the first BER element off b: its tag, its content and what
// follows it.
func element(b []byte) (tag byte, content, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, fmt.Errorf("%w: element truncated", errMalformed)
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return 0, nil, nil, fmt.Errorf("%w: multi-byte tag %#x", errMalformed, tag)
	}
	n, hdr, err := length(b[1:])
	if err != nil {
		return 0, nil, nil, err
	}
	b = b[1+hdr:]
	if n > len(b) {
		return 0, nil, nil, fmt.Errorf("%w: element of %d bytes with %d left", errMalformed, n, len(b))
	}
	return tag, b[:n], b[n:], nil
}

// expect is element that also checks the tag.
func expect(b []byte, want byte, what string) (content, rest []byte, err error) {
	tag, content, rest, err := element(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	if tag != want {
		return nil, nil, fmt.Errorf("%w: %s has tag %#x, want %#x", errMalformed, what, tag, want)
	}
	return content, rest, nil
}

// length decodes a definite BER length, returning it and the bytes it took.
func length(b []byte) (n, used int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: length missing", errMalformed)
	}
	first := b[0]
	if first < 0x80 {
		return int(first), 1, nil
	}
	k := int(first & 0x7f)
	if k == 0 {
		return 0, 0, fmt.Errorf("%w: indefinite length", errMalformed)
	}
	if k > 4 {
		return 0, 0, fmt.Errorf("%w: length of %d bytes", errMalformed, k)
	}
	if len(b) < 1+k {
		return 0, 0, fmt.Errorf("%w: length truncated", errMalformed)
	}
	for _, c := range b[1 : 1+k] {
		n = n<<8 | int(c)
	}
	if n > maxMessage {
		return 0, 0, fmt.Errorf("%w: element of %d bytes exceeds the %d-byte limit", errMalformed, n, maxMessage)
	}
	return n, 1 + k, nil
}

// integer decodes a two's-complement INTEGER or ENUMERATED content.
func integer(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 8 {
		return 0, fmt.Errorf("%w: integer of %d bytes", errMalformed, len(b))
	}
	v := int64(int8(b[0]))
	for _, c := range b[1:] {
		v = v<<8 | int64(c)
	}
	return v, nil
}

// messageReader reads whole LDAP messages from a connection into a reused
// buffer; callers copy what they keep.
type messageReader struct {
	r   *bufio.Reader
	buf []byte
}

// next returns the content of the next LDAPMessage SEQUENCE. The slice is
// valid until the following call.
func (m *messageReader) next() ([]byte, error) {
	tag, err := m.r.ReadByte()
	if err != nil {
		return nil, err
	}
	if tag != tagSequence {
		return nil, fmt.Errorf("%w: message has tag %#x", errMalformed, tag)
	}
	first, err := m.r.ReadByte()
	if err != nil {
		return nil, truncated(err)
	}
	hdr := [5]byte{first}
	k := 0
	if first >= 0x80 {
		k = int(first & 0x7f)
		if k == 0 || k > 4 {
			return nil, fmt.Errorf("%w: message length form %#x", errMalformed, first)
		}
		if _, err := io.ReadFull(m.r, hdr[1:1+k]); err != nil {
			return nil, truncated(err)
		}
	}
	n, _, err := length(hdr[:1+k])
	if err != nil {
		return nil, err
	}
	if cap(m.buf) < n {
		m.buf = make([]byte, n, max(n, 2*cap(m.buf)))
	}
	m.buf = m.buf[:n]
	if _, err := io.ReadFull(m.r, m.buf); err != nil {
		return nil, truncated(err)
	}
	return m.buf, nil
}

// truncated reports a stream that ends inside a message.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: connection closed inside a message: %w", errMalformed, io.ErrUnexpectedEOF)
	}
	return err
}

// tlv appends one element with the given tag and the concatenated parts as
// content.
func tlv(tag byte, parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n+6)
	out = append(out, tag)
	switch {
	case n < 0x80:
		out = append(out, byte(n))
	case n <= 0xff:
		out = append(out, 0x81, byte(n))
	case n <= 0xffff:
		out = append(out, 0x82, byte(n>>8), byte(n))
	default:
		out = append(out, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// berInt encodes v as a minimal two's-complement INTEGER (or ENUMERATED).
func berInt(tag byte, v int64) []byte {
	var b [8]byte
	i := 7
	for {
		b[i] = byte(v)
		if (v < 0x80 && v >= -0x80) || i == 0 {
			break
		}
		v >>= 8
		i--
	}
	return tlv(tag, b[i:])
}

// octets encodes an OCTET STRING (or any primitive with the given tag).
func octets(tag byte, s string) []byte { return tlv(tag, []byte(s)) }
