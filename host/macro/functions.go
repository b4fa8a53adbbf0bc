package macro

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ArgKind says what a function parameter expects, so Check can refuse
// substring(ad.sn, "one") at save time.
type ArgKind int

const (
	// ArgText is any value: a reference, a literal or a nested call.
	ArgText ArgKind = iota
	// ArgNumber is a whole number, written as a literal.
	ArgNumber
	// ArgLiteral is a string literal, such as a date layout, that must be
	// known at save time.
	ArgLiteral
)

// String names the kind for the macro chooser.
func (k ArgKind) String() string {
	switch k {
	case ArgNumber:
		return "number"
	case ArgLiteral:
		return "literal"
	}
	return "text"
}

// MarshalText lets the API show "number" rather than 1.
func (k ArgKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Param describes one parameter for the macro chooser and for checking.
type Param struct {
	Name string  `json:"name"`
	Kind ArgKind `json:"kind"`
}

// FuncInfo documents a format function: it is both the checker's rule and
// the text the macro chooser shows to admins.
type FuncInfo struct {
	Name   string  `json:"name"`
	Params []Param `json:"params"`
	// Optional is how many trailing parameters may be left out.
	Optional int `json:"optional,omitempty"`
	// Variadic lets the last parameter repeat (concat).
	Variadic    bool   `json:"variadic,omitempty"`
	Description string `json:"description"`
	Example     string `json:"example"`

	call func(env *evalEnv, args []value) (value, error)
}

// Signature renders the call shape, e.g. "substring(text, start, [length])".
func (f FuncInfo) Signature() string {
	parts := make([]string, len(f.Params))
	for i, p := range f.Params {
		parts[i] = p.Name
		if i >= len(f.Params)-f.Optional {
			parts[i] = "[" + p.Name + "]"
		}
	}
	if f.Variadic {
		parts[len(parts)-1] += ", ..."
	}
	return f.Name + "(" + strings.Join(parts, ", ") + ")"
}

func (f FuncInfo) arityOK(n int) bool {
	min := len(f.Params) - f.Optional
	if n < min {
		return false
	}
	return f.Variadic || n <= len(f.Params)
}

func (f FuncInfo) param(i int) Param {
	if i >= len(f.Params) {
		return f.Params[len(f.Params)-1]
	}
	return f.Params[i]
}

// functions is the fixed table of the language. It is a table rather than a
// registry on purpose: templates are saved and must mean the same thing on
// every host, so extensions cannot add functions.
var functions = map[string]FuncInfo{
	"lower": {
		Name: "lower", Params: []Param{{"text", ArgText}},
		Description: "Lower-case letters.",
		Example:     "%lower(ad.mail)%",
		call:        mapText(strings.ToLower),
	},
	"upper": {
		Name: "upper", Params: []Param{{"text", ArgText}},
		Description: "Upper-case letters.",
		Example:     "%upper(ad.sn)%",
		call:        mapText(strings.ToUpper),
	},
	"trim": {
		Name: "trim", Params: []Param{{"text", ArgText}},
		Description: "Remove spaces at both ends.",
		Example:     "%trim(ad.displayName)%",
		call:        mapText(strings.TrimSpace),
	},
	"replace": {
		Name: "replace", Params: []Param{{"text", ArgText}, {"old", ArgText}, {"new", ArgText}},
		Description: "Replace every occurrence of old with new.",
		Example:     `%replace(ad.department, " ", "-")%`,
		call:        callReplace,
	},
	"substring": {
		Name: "substring", Params: []Param{{"text", ArgText}, {"start", ArgNumber}, {"length", ArgNumber}}, Optional: 1,
		Description: "Characters from start (counting from 0), at most length of them; without length, to the end. A negative start counts from the end.",
		Example:     "%substring(ad.givenName, 0, 1)%",
		call:        callSubstring,
	},
	"concat": {
		Name: "concat", Params: []Param{{"text", ArgText}, {"text", ArgText}}, Variadic: true,
		Description: "Join values one after the other.",
		Example:     `%concat(ad.givenName, " ", ad.sn)%`,
		call:        callConcat,
	},
	"split": {
		Name: "split", Params: []Param{{"text", ArgText}, {"separator", ArgText}, {"index", ArgNumber}},
		Description: "Cut text at each separator and take one part (counting from 0; -1 is the last). A part that does not exist has no value.",
		Example:     `%split(ad.mail, "@", 0)%`,
		call:        callSplit,
	},
	"default": {
		Name: "default", Params: []Param{{"value", ArgText}, {"fallback", ArgText}},
		Description: "The value, or the fallback when the value is missing or empty. The only way a missing value is accepted.",
		Example:     `%default(ad.title, "Staff")%`,
		// default is evaluated lazily by the evaluator; see evalCall.
	},
	"date": {
		Name: "date", Params: []Param{{"time", ArgText}, {"layout", ArgLiteral}},
		Description: "Format a time (now, or an AD time such as whenCreated, an RFC 3339 time, or a date) with a layout such as \"yyyy-MM-dd\" or \"dd.MM.yyyy HH:mm\". Times are in UTC.",
		Example:     `%date(now, "yyyy-MM-dd")%`,
		call:        callDate,
	},
	"ascii": {
		Name: "ascii", Params: []Param{{"text", ArgText}},
		Description: "Letters without accents (José → Jose, Jürgen → Jurgen, ß → ss); other characters outside ASCII are dropped. For account names and e-mail addresses.",
		Example:     "%lower(ascii(ad.givenName))%",
		call:        mapText(toASCII),
	},
	"first": {
		Name: "first", Params: []Param{{"values", ArgText}},
		Description: "The first of several values (for multi-valued attributes).",
		Example:     "%first(ad.proxyAddresses)%",
		call:        callFirst,
	},
	"join": {
		Name: "join", Params: []Param{{"values", ArgText}, {"separator", ArgText}},
		Description: "All values of a multi-valued attribute, separated.",
		Example:     `%join(ad.memberOf, ";")%`,
		call:        callJoin,
	},
}

// Functions lists the format functions with signatures, descriptions and
// examples, sorted by name, for the macro chooser and admin documentation.
func Functions() []FuncInfo {
	out := make([]FuncInfo, 0, len(functions))
	for _, f := range functions {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func mapText(fn func(string) string) func(*evalEnv, []value) (value, error) {
	return func(_ *evalEnv, args []value) (value, error) {
		s, err := args[0].single()
		if err != nil {
			return value{}, err
		}
		return text(fn(s)), nil
	}
}

func singles(args []value) ([]string, error) {
	out := make([]string, len(args))
	for i, a := range args {
		s, err := a.single()
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func callReplace(_ *evalEnv, args []value) (value, error) {
	s, err := singles(args)
	if err != nil {
		return value{}, err
	}
	if s[1] == "" {
		return value{}, fmt.Errorf("%w: replace needs a non-empty text to look for", ErrFunction)
	}
	return text(strings.ReplaceAll(s[0], s[1], s[2])), nil
}

func number(v value) (int, error) {
	s, err := v.single()
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a whole number", ErrFunction, s)
	}
	return n, nil
}

func callSubstring(_ *evalEnv, args []value) (value, error) {
	s, err := args[0].single()
	if err != nil {
		return value{}, err
	}
	runes := []rune(s)
	start, err := number(args[1])
	if err != nil {
		return value{}, err
	}
	if start < 0 {
		start += len(runes)
		if start < 0 {
			start = 0
		}
	}
	if start > len(runes) {
		start = len(runes)
	}
	end := len(runes)
	if len(args) == 3 {
		n, err := number(args[2])
		if err != nil {
			return value{}, err
		}
		if n < 0 {
			return value{}, fmt.Errorf("%w: substring length %d is negative", ErrFunction, n)
		}
		if start+n < end {
			end = start + n
		}
	}
	return text(string(runes[start:end])), nil
}

func callConcat(_ *evalEnv, args []value) (value, error) {
	s, err := singles(args)
	if err != nil {
		return value{}, err
	}
	return text(strings.Join(s, "")), nil
}

func callSplit(_ *evalEnv, args []value) (value, error) {
	s, err := singles(args[:2])
	if err != nil {
		return value{}, err
	}
	if s[1] == "" {
		return value{}, fmt.Errorf("%w: split needs a non-empty separator", ErrFunction)
	}
	i, err := number(args[2])
	if err != nil {
		return value{}, err
	}
	parts := strings.Split(s[0], s[1])
	if i < 0 {
		i += len(parts)
	}
	if i < 0 || i >= len(parts) {
		return value{}, ErrMissingValue
	}
	return text(parts[i]), nil
}

func callFirst(_ *evalEnv, args []value) (value, error) {
	if args[0].isTime {
		return args[0], nil
	}
	for _, s := range args[0].list {
		if strings.TrimSpace(s) != "" {
			return text(s), nil
		}
	}
	return value{}, ErrMissingValue
}

func callJoin(_ *evalEnv, args []value) (value, error) {
	sep, err := args[1].single()
	if err != nil {
		return value{}, err
	}
	if args[0].isTime {
		s, _ := args[0].single()
		return text(s), nil
	}
	return text(strings.Join(args[0].list, sep)), nil
}

func callDate(env *evalEnv, args []value) (value, error) {
	layout, err := args[1].single()
	if err != nil {
		return value{}, err
	}
	t := args[0].at
	if !args[0].isTime {
		s, err := args[0].single()
		if err != nil {
			return value{}, err
		}
		t, err = parseTime(s)
		if err != nil {
			return value{}, err
		}
	}
	return text(formatDate(t.UTC(), layout)), nil
}
