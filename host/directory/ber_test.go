package directory

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// entryPacket builds a SearchResultEntry with go-asn1-ber, an encoder
// independent of the one under test.
func entryPacket(dn string, attrs ...[]any) *ber.Packet {
	p := ber.Encode(ber.ClassApplication, ber.TypeConstructed, 4, nil, "entry")
	p.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, dn, "dn"))
	list := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "attributes")
	for _, a := range attrs {
		attr := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "attribute")
		attr.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a[0].(string), "type"))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "values")
		for _, v := range a[1:] {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v.(string), "value"))
		}
		attr.AppendChild(set)
		list.AppendChild(attr)
	}
	p.AppendChild(list)
	return p
}

// body strips the outer tag and length, as response.body holds.
func body(t *testing.T, p *ber.Packet) []byte {
	t.Helper()
	_, content, rest, err := element(p.Bytes())
	if err != nil || len(rest) != 0 {
		t.Fatalf("element: %v, %d bytes left", err, len(rest))
	}
	return content
}

func TestScanEntryDecodesLikeSearch(t *testing.T) {
	guid := string([]byte{0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef})
	long := string(bytes.Repeat([]byte("x"), 300)) // a long-form length
	p := entryPacket("CN=Ann,OU=People,DC=example,DC=test",
		[]any{"MAIL", "ann@example.test"},
		[]any{"objectGUID", guid},
		[]any{"proxyAddresses", "smtp:a@example.test", "SMTP:ann@example.test", long},
		[]any{"description"},
		[]any{"other", "kept in the server's spelling"},
	)
	names := newAttrNames([]string{"mail", "objectGUID", "proxyAddresses", "description"})
	got, err := names.entry(body(t, p))
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{DN: "CN=Ann,OU=People,DC=example,DC=test", Attributes: map[string][]string{
		"mail":           {"ann@example.test"},
		"objectGUID":     {"01234567-89ab-cdef-0123-456789abcdef"},
		"proxyAddresses": {"smtp:a@example.test", "SMTP:ann@example.test", long},
		"description":    {},
		"other":          {"kept in the server's spelling"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("entry =\n%#v\nwant\n%#v", got, want)
	}
	// Appending to one attribute's values must not overwrite the next's.
	_ = append(got.Attributes["mail"], "extra")
	if got.Attributes["objectGUID"][0] != want.Attributes["objectGUID"][0] {
		t.Fatal("attribute values share capacity")
	}
}

func TestScanEntryTruncatedIsAnError(t *testing.T) {
	full := body(t, entryPacket("uid=a,dc=example,dc=test", []any{"mail", "a@example.test", "b@example.test"}, []any{"cn", "A"}))
	names := newAttrNames([]string{"mail", "cn"})
	for n := range len(full) {
		if _, err := names.entry(full[:n]); !errors.Is(err, errMalformed) {
			t.Fatalf("entry cut to %d of %d bytes: err = %v, want errMalformed", n, len(full), err)
		}
	}
}

func TestScanEntryMalformedIsAnError(t *testing.T) {
	names := newAttrNames(nil)
	cases := map[string][]byte{
		"indefinite length":  {tagOctetString, 0x80, 0, 0},
		"multi-byte tag":     {0x1f, 0x81, 0x01, 0x00},
		"dn not a string":    {tagInteger, 1, 0},
		"length of 5 bytes":  {tagOctetString, 0x85, 0, 0, 0, 0, 1},
		"over the limit":     {tagOctetString, 0x84, 0x7f, 0xff, 0xff, 0xff},
		"value not a string": append([]byte{tagOctetString, 0, tagSequence, 9, tagSequence, 7, tagOctetString, 1, 'a', tagSet, 2}, tagInteger, 0),
		"values not a set":   {tagOctetString, 0, tagSequence, 7, tagSequence, 5, tagOctetString, 1, 'a', tagSequence, 0},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := names.entry(b); !errors.Is(err, errMalformed) {
				t.Fatalf("err = %v, want errMalformed", err)
			}
		})
	}
}

func TestMessageReader(t *testing.T) {
	m1 := tlv(tagSequence, berInt(tagInteger, 7), tlv(tagSearchDone, berInt(tagEnumerated, 0), octets(tagOctetString, ""), octets(tagOctetString, "")))
	m2 := tlv(tagSequence, berInt(tagInteger, 8), octets(tagOctetString, string(bytes.Repeat([]byte("y"), 70000))))
	stream := append(append([]byte{}, m1...), m2...)
	r := messageReader{r: bufio.NewReader(bytes.NewReader(stream))}
	for i, want := range [][]byte{m1, m2} {
		got, err := r.next()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		_, content, _, _ := element(want)
		if !bytes.Equal(got, content) {
			t.Fatalf("message %d differs", i)
		}
	}
	if _, err := r.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last message: %v, want io.EOF", err)
	}

	for _, n := range []int{1, 2, len(m2) - 1} {
		r := messageReader{r: bufio.NewReader(bytes.NewReader(m2[:n]))}
		if _, err := r.next(); !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, errMalformed) {
			t.Fatalf("stream cut to %d bytes: %v, want a truncation error", n, err)
		}
	}
	r = messageReader{r: bufio.NewReader(bytes.NewReader([]byte{tagOctetString, 0}))}
	if _, err := r.next(); !errors.Is(err, errMalformed) {
		t.Fatalf("non-sequence message: %v", err)
	}
}

func TestResultErrorKeepsServerCode(t *testing.T) {
	ok := tlv(tagSearchDone, berInt(tagEnumerated, 0), octets(tagOctetString, ""), octets(tagOctetString, ""))
	if err := resultError(body(t, ber.DecodePacket(ok))); err != nil {
		t.Fatalf("success: %v", err)
	}
	missing := tlv(tagSearchDone, berInt(tagEnumerated, ldap.LDAPResultNoSuchObject), octets(tagOctetString, "dc=test"), octets(tagOctetString, "no such OU"))
	_, content, _, _ := element(missing)
	err := classify("search", "ldap://x", resultError(content))
	if !errors.Is(err, ErrNotFound) || !bytes.Contains([]byte(err.Error()), []byte("no such OU")) {
		t.Fatalf("noSuchObject: %v", err)
	}
	if err := resultError([]byte{tagEnumerated, 1}); !errors.Is(err, errMalformed) {
		t.Fatalf("truncated result: %v", err)
	}
}

func TestPagingControlRoundTrip(t *testing.T) {
	s := &scan{pageSize: 1000, showDeleted: true}
	_, content, _, err := element(s.controls([]byte("cookie-1")))
	if err != nil {
		t.Fatal(err)
	}
	cookie, err := pagingCookie(content)
	if err != nil || string(cookie) != "cookie-1" {
		t.Fatalf("cookie %q, %v", cookie, err)
	}
	// go-ldap reads the same control back.
	ctl, err := ldap.DecodeControl(ber.DecodePacket(tlv(tagSequence, content[2:2+int(content[1])])))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := ctl.(*ldap.ControlPaging); !ok || p.PagingSize != 1000 || string(p.Cookie) != "cookie-1" {
		t.Fatalf("go-ldap decodes %#v", ctl)
	}
	if cookie, err := pagingCookie(nil); err != nil || cookie != nil {
		t.Fatalf("no controls: %q, %v", cookie, err)
	}
}

func TestBerIntMinimal(t *testing.T) {
	for v, want := range map[int64][]byte{0: {0}, 127: {0x7f}, 128: {0, 0x80}, 300: {1, 0x2c}, -1: {0xff}, -129: {0xff, 0x7f}} {
		got := berInt(tagInteger, v)
		if !bytes.Equal(got[2:], want) || got[1] != byte(len(want)) {
			t.Errorf("berInt(%d) = %x", v, got)
		}
		if back, err := integer(got[2:]); err != nil || back != v {
			t.Errorf("integer(berInt(%d)) = %d, %v", v, back, err)
		}
	}
}
