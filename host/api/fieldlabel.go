package api

import (
	"strconv"
	"strings"
	"unicode"
)

// FieldLabel names a field of a request in words, for a message a person
// reads: "URL", "Header 1 value", "Schedule". A FieldError keeps the
// machine path ("headers[0].value") for clients to branch on; whoever
// shows the problem to a person writes this label before it. See
// decision 0271.
//
// labels gives a form's own words by the field's pattern, list indexes
// written as "[]" and "#" standing for the index counted from 1:
// {"headers[]": "Header #", "trigger.schedule": "Schedule"}. The longest
// pattern that starts the path wins and the rest of the path is put into
// words after it, so "headers[0].value" reads "Header 1 value". A path
// no pattern covers is put into words whole: "paging.pageParam" reads
// "Paging page param", "mappings[2].attribute" "Mapping 3 attribute".
func FieldLabel(path string, labels map[string]string) string {
	segs := splitPath(path)
	if len(segs) == 0 {
		return ""
	}
	var words []string
	start := 0
	for end := len(segs); end > 0; end-- {
		label, ok := labels[pattern(segs[:end])]
		if !ok {
			continue
		}
		for _, s := range segs[:end] {
			if s.index >= 0 {
				label = strings.Replace(label, "#", strconv.Itoa(s.index+1), 1)
			}
		}
		words, start = []string{label}, end
		break
	}
	for _, s := range segs[start:] {
		w := spaced(s.name)
		if s.index >= 0 {
			w = singular(w) + " " + strconv.Itoa(s.index+1)
		}
		if w != "" {
			words = append(words, w)
		}
	}
	return capitalised(strings.Join(words, " "))
}

// Labelled writes a problem after the label of the field it is about:
// "URL: required", and "Body, line 1, column 2: unknown macro" for a
// problem that starts with its position, as macro errors do. A problem
// of several lines gets the label on each.
func Labelled(label, problem string) string {
	if label == "" {
		return problem
	}
	lines := strings.Split(problem, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "line ") {
			lines[i] = label + ", " + line
		} else {
			lines[i] = label + ": " + line
		}
	}
	return strings.Join(lines, "\n")
}

// pathSeg is one dotted part of a field path, with its list index or -1.
type pathSeg struct {
	name  string
	index int
}

// splitPath reads "headers[0].value" as headers (index 0), value.
func splitPath(path string) []pathSeg {
	var out []pathSeg
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			continue
		}
		s := pathSeg{name: part, index: -1}
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			if n, err := strconv.Atoi(part[i+1 : len(part)-1]); err == nil && n >= 0 {
				s.name, s.index = part[:i], n
			}
		}
		out = append(out, s)
	}
	return out
}

// pattern writes segments as a labels key: indexes as "[]".
func pattern(segs []pathSeg) string {
	parts := make([]string, len(segs))
	for i, s := range segs {
		parts[i] = s.name
		if s.index >= 0 {
			parts[i] += "[]"
		}
	}
	return strings.Join(parts, ".")
}

// initialisms stay in capitals when a path is put into words.
var initialisms = map[string]string{"url": "URL", "id": "ID", "dn": "DN", "ou": "OU", "ldap": "LDAP", "api": "API", "http": "HTTP"}

// spaced splits a camelCase or snake_case name into lower-case words.
func spaced(name string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) == 0 {
			return
		}
		w := strings.ToLower(string(cur))
		if up, ok := initialisms[w]; ok {
			w = up
		}
		words = append(words, w)
		cur = cur[:0]
	}
	for _, r := range name {
		switch {
		case r == '_' || r == '-':
			flush()
		case unicode.IsUpper(r) && len(cur) > 0 && !unicode.IsUpper(cur[len(cur)-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return strings.Join(words, " ")
}

// singular names one item of a list: "mappings" → "mapping".
func singular(w string) string {
	if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3 {
		return w[:len(w)-1]
	}
	return w
}

// capitalised starts s with a capital letter.
func capitalised(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
