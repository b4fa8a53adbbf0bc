package directory

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Active Directory hands out a multi-valued attribute with more values
// than its MaxValRange policy (1500 by default) in parts: a group of 4,000
// members comes back as "member;range=0-1499" and nothing under "member",
// and the client asks for "member;range=1500-*" and so on until a part
// ends in "*". Without following the parts, a large group would read as
// empty. OpenLDAP has no ranges and answers "member" whole.

// rangedPart finds attr in e, whole or as one part of a range. more says
// that the server holds values past this part, starting at next.
func rangedPart(e Entry, attr string) (vals []string, next int, more bool, err error) {
	prefix := strings.ToLower(attr) + ";range="
	for name, v := range e.Attributes {
		if strings.EqualFold(name, attr) {
			return v, 0, false, nil
		}
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, prefix) {
			continue
		}
		lo, hi, ok := strings.Cut(lower[len(prefix):], "-")
		if !ok {
			return nil, 0, false, fmt.Errorf("unreadable range in attribute %q", name)
		}
		if hi == "*" {
			return v, 0, false, nil
		}
		from, err1 := strconv.Atoi(lo)
		to, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || to < from {
			return nil, 0, false, fmt.Errorf("unreadable range in attribute %q", name)
		}
		return v, to + 1, true, nil
	}
	return nil, 0, false, nil
}

// rangeAttribute is the attribute name that asks for attr's values from
// from on: step values at a time, or as many as the server gives when step
// is 0.
func rangeAttribute(attr string, from, step int) string {
	if step <= 0 {
		if from == 0 {
			return attr
		}
		return fmt.Sprintf("%s;range=%d-*", attr, from)
	}
	return fmt.Sprintf("%s;range=%d-%d", attr, from, from+step-1)
}

// restOfRange reads the parts of dn's attr from next on and appends them
// to have.
func (c *Client) restOfRange(ctx context.Context, dn, attr string, next int, have []string) ([]string, error) {
	for {
		var part Entry
		q := Query{Base: dn, Scope: ScopeBase, Attributes: []string{rangeAttribute(attr, next, c.rangeStep)}}
		if err := c.Search(ctx, q, func(e Entry) error { part = e; return nil }); err != nil {
			return nil, err
		}
		vals, after, more, err := rangedPart(part, attr)
		if err != nil {
			return nil, newError("read "+attr+" of "+dn, ErrRejected, "report the directory's answer; it is not a range this client can follow", err)
		}
		have = append(have, vals...)
		if !more {
			return have, nil
		}
		if after <= next {
			return nil, newError("read "+attr+" of "+dn, ErrRejected, "report the directory's answer; its ranges do not advance",
				fmt.Errorf("asked from %d, answered up to %d", next, after-1))
		}
		next = after
	}
}
