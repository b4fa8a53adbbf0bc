package macro

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parse turns a template into its AST. It checks syntax only; use [Check] to
// also validate names against what exists where the template is used.
func Parse(src string) (*Template, error) {
	p := &parser{src: src, line: 1, col: 1}
	t := &Template{Source: src}
	var text strings.Builder
	textPos := p.pos()
	flush := func() {
		if text.Len() > 0 {
			t.Segments = append(t.Segments, Segment{Text: text.String(), Pos: textPos})
			text.Reset()
		}
	}
	for p.off < len(src) {
		if src[p.off] != '%' {
			if text.Len() == 0 {
				textPos = p.pos()
			}
			r := p.next()
			text.WriteRune(r)
			continue
		}
		if p.peekAt(1) == '%' {
			if text.Len() == 0 {
				textPos = p.pos()
			}
			p.next()
			p.next()
			text.WriteByte('%')
			continue
		}
		flush()
		start := p.pos()
		p.next() // opening %
		p.skipSpace()
		expr := p.expr()
		if p.failed() {
			break
		}
		p.skipSpace()
		if p.off >= len(src) || src[p.off] != '%' {
			p.fail(p.pos(), "expected %% to close the macro that starts at line %d, column %d; write %%%% for a literal percent sign", start.Line, start.Col)
			break
		}
		p.next()
		t.Segments = append(t.Segments, Segment{Expr: expr, Source: src[start.Offset:p.off], Pos: start})
	}
	if p.err != nil {
		return nil, p.err
	}
	flush()
	return t, nil
}

// MustParse is Parse for templates fixed in code, such as the ones a
// connector ships; it panics on a syntax error because that is a bug in the
// shipped template, not an admin's mistake.
func MustParse(src string) *Template {
	t, err := Parse(src)
	if err != nil {
		panic(fmt.Sprintf("macro: %q: %v", src, err))
	}
	return t
}

type parser struct {
	src       string
	off       int
	line, col int
	err       *Error
}

func (p *parser) pos() Pos { return Pos{Offset: p.off, Line: p.line, Col: p.col} }

func (p *parser) failed() bool { return p.err != nil }

func (p *parser) fail(at Pos, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Kind: ErrSyntax, Pos: at, Msg: fmt.Sprintf(format, args...)}
	}
}

func (p *parser) peekAt(n int) byte {
	if p.off+n < len(p.src) {
		return p.src[p.off+n]
	}
	return 0
}

func (p *parser) next() rune {
	r, size := utf8.DecodeRuneInString(p.src[p.off:])
	p.off += size
	if r == '\n' {
		p.line++
		p.col = 1
	} else {
		p.col++
	}
	return r
}

func (p *parser) skipSpace() {
	for p.off < len(p.src) && (p.src[p.off] == ' ' || p.src[p.off] == '\t') {
		p.next()
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// isNameByte accepts what appears in LDAP attribute names (msDS-...), step
// ids, setting keys and record field paths (memberships[].status).
func isNameByte(c byte) bool {
	return isIdentStart(c) || ('0' <= c && c <= '9') || c == '-' || c == '[' || c == ']'
}

func (p *parser) expr() Node {
	if p.off >= len(p.src) {
		p.fail(p.pos(), "the macro is not closed; write %%%% for a literal percent sign")
		return nil
	}
	c := p.src[p.off]
	switch {
	case c == '"':
		return p.stringLit()
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	case isIdentStart(c):
		return p.refOrCall()
	case c == '%':
		p.fail(p.pos(), "empty macro; write %%%% for a literal percent sign")
	default:
		p.fail(p.pos(), "unexpected %q in macro; write %%%% for a literal percent sign", c)
	}
	return nil
}

func (p *parser) number() Node {
	start := p.pos()
	if p.src[p.off] == '-' {
		p.next()
	}
	for p.off < len(p.src) && '0' <= p.src[p.off] && p.src[p.off] <= '9' {
		p.next()
	}
	text := p.src[start.Offset:p.off]
	n, err := strconv.Atoi(text)
	if err != nil {
		p.fail(start, "%q is not a whole number", text)
		return nil
	}
	return &Lit{Pos: start, Value: text, Number: true, Int: n}
}

func (p *parser) stringLit() Node {
	start := p.pos()
	p.next() // opening quote
	var b strings.Builder
	for {
		if p.off >= len(p.src) {
			p.fail(start, "string is not closed; add a closing \"")
			return nil
		}
		r := p.next()
		switch r {
		case '"':
			return &Lit{Pos: start, Value: b.String()}
		case '\n':
			p.fail(start, "string is not closed before the end of the line; add a closing \"")
			return nil
		case '\\':
			if p.off >= len(p.src) {
				p.fail(start, "string is not closed; add a closing \"")
				return nil
			}
			escPos := p.pos()
			e := p.next()
			switch e {
			case '"', '\\', '%':
				b.WriteRune(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				p.fail(escPos, `unknown escape \%c; use \" \\ \n \t \r or \%%`, e)
				return nil
			}
		default:
			b.WriteRune(r)
		}
	}
}

func (p *parser) name() string {
	start := p.off
	for p.off < len(p.src) && isNameByte(p.src[p.off]) {
		p.next()
	}
	return p.src[start:p.off]
}

func (p *parser) refOrCall() Node {
	start := p.pos()
	first := p.name()
	p.skipSpace()
	if p.off < len(p.src) && p.src[p.off] == '(' {
		return p.call(start, first)
	}
	ref := &Ref{Pos: start, Name: first}
	if p.off < len(p.src) && p.src[p.off] == '.' {
		ref.Namespace = first
		var parts []string
		for p.off < len(p.src) && p.src[p.off] == '.' {
			p.next()
			partPos := p.pos()
			part := p.name()
			if part == "" {
				p.fail(partPos, "expected a name after %q", ref.Namespace+"."+strings.Join(parts, "."))
				return nil
			}
			parts = append(parts, part)
		}
		ref.Name = strings.Join(parts, ".")
	}
	return ref
}

func (p *parser) call(start Pos, name string) Node {
	p.next() // (
	c := &Call{Pos: start, Name: name}
	p.skipSpace()
	if p.off < len(p.src) && p.src[p.off] == ')' {
		p.next()
		return c
	}
	for {
		p.skipSpace()
		arg := p.expr()
		if p.failed() {
			return nil
		}
		c.Args = append(c.Args, arg)
		p.skipSpace()
		if p.off >= len(p.src) {
			p.fail(start, "%s( is not closed; add a )", name)
			return nil
		}
		switch p.src[p.off] {
		case ',':
			p.next()
		case ')':
			p.next()
			return c
		default:
			p.fail(p.pos(), "expected , or ) in the arguments of %s", name)
			return nil
		}
	}
}
