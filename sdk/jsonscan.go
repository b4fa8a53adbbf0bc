package sdk

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// jsonScanner reads JSON in place from a page body for the frame path of
// Fetch (transcode.go). jsontext's streaming decoder copies the body into
// its own buffer and tracks every name and nesting level, for duplicate
// checks and JSON pointers the transcoder never uses; on pages of wide
// records that bookkeeping was most of a connector's CPU. The scanner
// only finds values and steps over the ones the host did not ask for.
//
// What it checks: a value that is kept is checked as strictly as jsontext
// checks it (grammar, escapes, UTF-8), so the host never receives what
// jsontext would have refused. A value that is skipped must be balanced
// and its strings terminated, which catches truncated and garbled pages;
// its content is not checked further, since none of it is sent.
type jsonScanner struct {
	data    []byte
	pos     int
	depth   int
	closers []byte // skip's stack of expected closing brackets
}

// maxJSONDepth bounds nesting of kept values, as jsontext does, so that a
// hostile page cannot exhaust the stack.
const maxJSONDepth = 10000

// jsonSyntaxError is a page body that is not valid JSON where it matters.
type jsonSyntaxError struct {
	offset int
	what   string
}

// Error names the byte offset so that the page can be inspected with the
// exchange the host records.
func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.offset, e.what)
}

func (s *jsonScanner) fail(format string, args ...any) error {
	return &jsonSyntaxError{offset: s.pos, what: fmt.Sprintf(format, args...)}
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (s *jsonScanner) peek() byte {
	if s.pos < len(s.data) && s.data[s.pos] > ' ' {
		return s.data[s.pos] // compact JSON: no whitespace to skip
	}
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return c
		}
	}
	return 0
}

// describe names the next byte for an error message.
func (s *jsonScanner) describe() string {
	if c := s.peek(); c != 0 {
		return strconv.QuoteRune(rune(c))
	}
	return "the end of the body"
}

// expect consumes byte c after optional whitespace.
func (s *jsonScanner) expect(c byte) error {
	if s.peek() != c {
		return s.fail("expected %q, found %s", c, s.describe())
	}
	s.pos++
	return nil
}

// plainString marks the bytes a string can hold as they are: printable
// ASCII other than the quote and the backslash. Anything else sends the
// string to jsontext's unquoting, which handles escapes and checks UTF-8.
var plainString = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads the string at the current position (which must be '"') and
// returns its content. The result aliases the body, or scratch when the
// string needed unquoting; it is valid until scratch is reused.
func (s *jsonScanner) str(scratch []byte) (out, newScratch []byte, err error) {
	start := s.pos + 1
	i := start
	for i+8 <= len(s.data) && plainWord(binary.LittleEndian.Uint64(s.data[i:])) {
		i += 8
	}
	for i < len(s.data) && plainString[s.data[i]] {
		i++
	}
	if i < len(s.data) && s.data[i] == '"' {
		s.pos = i + 1
		return s.data[start:i], scratch, nil
	}
	end, ok := stringEnd(s.data, s.pos)
	if !ok {
		return nil, scratch, s.fail("unterminated string")
	}
	out, err = jsontext.AppendUnquote(scratch[:0], s.data[s.pos:end])
	if err != nil {
		return nil, scratch, s.fail("%v", err)
	}
	s.pos = end
	return out, out, nil
}

// Word-at-a-time tests on 8 bytes of a string (the classic "has zero
// byte" bit tricks): strings are most of a page, and testing a byte at a
// time was the largest part of reading one.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasByte reports whether any byte of x is b.
func hasByte(x uint64, b byte) bool {
	v := x ^ (ones * uint64(b))
	return (v-ones)&^v&highs != 0
}

// plainWord reports whether all 8 bytes of x are plainString bytes.
func plainWord(x uint64) bool {
	return (x-ones*0x20)&^x&highs == 0 && // no control byte
		x&highs == 0 && // ASCII only
		!hasByte(x, '"') && !hasByte(x, '\\')
}

// stringEnd returns the offset just past the closing quote of the string
// that opens at data[open].
func stringEnd(data []byte, open int) (int, bool) {
	i := open + 1
	for {
		for i+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[i:])
			if hasByte(x, '"') || hasByte(x, '\\') {
				break
			}
			i += 8
		}
		for i < len(data) && data[i] != '"' && data[i] != '\\' {
			i++
		}
		switch {
		case i >= len(data):
			return 0, false
		case data[i] == '"':
			return i + 1, true
		}
		i += 2 // an escape: whatever follows the backslash is not the end
	}
}

// skip steps over the next value, checking only its structure.
func (s *jsonScanner) skip() error {
	switch c := s.peek(); c {
	case '"':
		end, ok := stringEnd(s.data, s.pos)
		if !ok {
			return s.fail("unterminated string")
		}
		s.pos = end
		return nil
	case '{', '[':
		closers := s.closers[:0]
		for s.pos < len(s.data) {
			switch c := s.data[s.pos]; c {
			case '"':
				end, ok := stringEnd(s.data, s.pos)
				if !ok {
					return s.fail("unterminated string")
				}
				s.pos = end
				continue
			case '{':
				closers = append(closers, '}')
			case '[':
				closers = append(closers, ']')
			case '}', ']':
				if closers[len(closers)-1] != c {
					return s.fail("%q closes a %q", c, closers[len(closers)-1])
				}
				closers = closers[:len(closers)-1]
				if len(closers) == 0 {
					s.pos++
					s.closers = closers // keep the grown stack for the next skip
					return nil
				}
			}
			s.pos++
		}
		return s.fail("unexpected end of the body inside a skipped value")
	case 0:
		return s.fail("unexpected end of the body")
	default:
		start := s.pos
		for s.pos < len(s.data) && scalarByte(s.data[s.pos]) {
			s.pos++
		}
		if s.pos == start {
			return s.fail("unexpected %s", s.describe())
		}
		return nil
	}
}

// scalarByte reports whether c can be part of a number or a literal.
func scalarByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// literal consumes word (true, false or null) if it is next.
func (s *jsonScanner) literal(word string) error {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(word)) {
		return s.fail("invalid literal, expected %s", word)
	}
	s.pos += len(word)
	return nil
}

// number reads a number with JSON's grammar. Like jsontext, a number
// beyond float64's range becomes ±math.MaxFloat64.
func (s *jsonScanner) number() (float64, error) {
	d, start := s.data, s.pos
	i := start
	if i < len(d) && d[i] == '-' {
		i++
	}
	intStart := i
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return 0, s.fail("invalid number")
	}
	plainInt := i-intStart <= 15
	// digits consumes the digits a fraction or an exponent must have.
	digits := func(what string) error {
		start := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == start {
			s.pos = i
			return s.fail("invalid number: no digits %s", what)
		}
		return nil
	}
	if i < len(d) && d[i] == '.' {
		plainInt = false
		i++
		if err := digits("after the decimal point"); err != nil {
			return 0, err
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		plainInt = false
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if err := digits("in the exponent"); err != nil {
			return 0, err
		}
	}
	s.pos = i
	if plainInt {
		// Up to 15 digits are exact in a float64: no parsing needed.
		var v float64
		for _, c := range d[intStart:i] {
			v = v*10 + float64(c-'0')
		}
		if d[start] == '-' {
			v = -v
		}
		return v, nil
	}
	v, err := strconv.ParseFloat(string(d[start:i]), 64)
	if err != nil && !math.IsInf(v, 0) {
		return 0, s.fail("invalid number: %v", err)
	}
	switch {
	case math.IsInf(v, 1):
		v = math.MaxFloat64
	case math.IsInf(v, -1):
		v = -math.MaxFloat64
	}
	return v, nil
}

// enter and leave track the nesting of kept containers.
func (s *jsonScanner) enter() error {
	s.depth++
	if s.depth > maxJSONDepth {
		return s.fail("nested deeper than %d levels", maxJSONDepth)
	}
	s.pos++ // the opening bracket
	return nil
}

func (s *jsonScanner) leave() { s.depth-- }

// seek moves to the value at path, reporting whether it exists. A path
// through something that is not an object does not exist.
func (s *jsonScanner) seek(path []string, scratch []byte) (bool, error) {
	for _, key := range path {
		if s.peek() != '{' {
			return false, nil
		}
		s.pos++
		if s.peek() == '}' {
			return false, nil
		}
		for {
			if s.peek() != '"' {
				return false, s.fail("expected a field name, found %s", s.describe())
			}
			var name []byte
			var err error
			if name, scratch, err = s.str(scratch); err != nil {
				return false, err
			}
			if err := s.expect(':'); err != nil {
				return false, err
			}
			if string(name) == key {
				break
			}
			if err := s.skip(); err != nil {
				return false, err
			}
			switch s.peek() {
			case ',':
				s.pos++
			case '}':
				return false, nil
			default:
				return false, s.fail("expected ',' or '}', found %s", s.describe())
			}
		}
	}
	return true, nil
}

// scalarText reads the value at the current position as paging reads a
// total or a cursor: a string's content, a number's literal as written,
// true or false. null, an object or a list read as "", checked for
// structure only. A scalar must be followed by what may follow a field's
// value, so that "12abc" is not read as 12.
func (s *jsonScanner) scalarText() (string, error) {
	var v string
	switch c := s.peek(); {
	case c == '"':
		b, _, err := s.str(nil)
		if err != nil {
			return "", err
		}
		v = string(b)
	case c == '-' || c >= '0' && c <= '9':
		start := s.pos
		if _, err := s.number(); err != nil {
			return "", err
		}
		v = string(s.data[start:s.pos])
	case c == 't' || c == 'f':
		v = "false"
		if c == 't' {
			v = "true"
		}
		if err := s.literal(v); err != nil {
			return "", err
		}
	default:
		return "", s.skip()
	}
	if c := s.peek(); c != ',' && c != '}' {
		return "", s.fail("expected ',' or '}' after the value, found %s", s.describe())
	}
	return v, nil
}

// scanRecords calls read for each record of the list at path in body;
// read must consume exactly one value. A missing path or a null yields no
// records. It is walkRecords for the frame path.
func scanRecords(body []byte, path []string, read func(*jsonScanner) error) (int, error) {
	s := &jsonScanner{data: body}
	found, err := s.seek(path, nil)
	if err != nil || !found {
		return 0, err
	}
	switch c := s.peek(); c {
	case 'n':
		return 0, s.literal("null")
	case '[':
	default:
		return 0, fmt.Errorf("%w at %q (found %s); set the endpoint's records path to the list", errNotList, joinPath(path), s.describe())
	}
	s.pos++
	if s.peek() == ']' {
		return 0, nil
	}
	n := 0
	for {
		if err := read(s); err != nil {
			return n, fmt.Errorf("record %d: %w", n, err)
		}
		n++
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return n, nil
		default:
			return n, fmt.Errorf("record %d: %w", n, s.fail("expected ',' or ']' after a record, found %s", s.describe()))
		}
	}
}
