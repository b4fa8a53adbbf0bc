package sdk

import (
	"strings"
	"unicode"
)

// acronyms are words that read in capitals in a label.
var acronyms = map[string]string{"id": "ID", "ids": "IDs", "url": "URL", "uri": "URI", "api": "API", "scim": "SCIM"}

// labelFrom turns an id, key or path into the words admins read:
// "list-users" → "List users", "createdAt" → "Created at", "apiKey" →
// "API key", "name.givenName" → "Given name" (a path's last part). A
// connector states a label only where these words would mislead.
// See decision 0256.
func labelFrom(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, "[]")
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case r == '-' || r == '_' || r == ' ' || r == '[' || r == ']':
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0:
			// "userName" splits before N; "URLPath" splits before the P
			// that starts a lower-case word, keeping "URL" whole.
			prevUpper := unicode.IsUpper(cur[len(cur)-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if !prevUpper || nextLower {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	for i, w := range words {
		switch a, ok := acronyms[w]; {
		case ok:
			words[i] = a
		case i == 0:
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}
