package console

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
)

// maxDepth stops rendering nested values as tables; deeper values are
// shown as JSON, which stays readable where nested tables would not.
const maxDepth = 4

// maxRows bounds the rows drawn for one list; the API has the rest.
const maxRows = 500

// renderValue draws a JSON value as HTML: objects as key/value tables,
// lists of objects as tables with a column per key, lists of scalars as
// comma lists. Every piece of text is escaped here, because the result is
// trusted by the template. It lets a page show the answer of any route,
// including routes of services the console has no dedicated page for.
func renderValue(v any) template.HTML {
	var b strings.Builder
	writeValue(&b, v, 0)
	return template.HTML(b.String()) //nolint:gosec // every text written is escaped by writeValue
}

func writeValue(b *strings.Builder, v any, depth int) {
	switch t := v.(type) {
	case nil:
		b.WriteString(`<span class="muted">—</span>`)
	case map[string]any:
		if depth >= maxDepth {
			writeJSON(b, t)
			return
		}
		writeObject(b, t, depth)
	case []any:
		writeList(b, t, depth)
	case string:
		b.WriteString(html.EscapeString(t))
	case bool:
		if t {
			b.WriteString(`<span class="yes">yes</span>`)
		} else {
			b.WriteString(`<span class="no">no</span>`)
		}
	case json.Number:
		b.WriteString(html.EscapeString(t.String()))
	default:
		b.WriteString(html.EscapeString(fmt.Sprint(t)))
	}
}

func writeJSON(b *strings.Builder, v any) {
	raw, _ := json.MarshalIndent(v, "", "  ")
	b.WriteString(`<pre class="json" tabindex="0">`)
	b.WriteString(html.EscapeString(string(raw)))
	b.WriteString(`</pre>`)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func writeObject(b *strings.Builder, m map[string]any, depth int) {
	if len(m) == 0 {
		b.WriteString(`<span class="muted">(empty)</span>`)
		return
	}
	b.WriteString(`<table class="kv">`)
	for _, k := range sortedKeys(m) {
		b.WriteString(`<tr><th>`)
		b.WriteString(html.EscapeString(k))
		b.WriteString(`</th><td data-key="`)
		b.WriteString(html.EscapeString(k))
		b.WriteString(`">`)
		writeValue(b, m[k], depth+1)
		b.WriteString(`</td></tr>`)
	}
	b.WriteString(`</table>`)
}

func writeList(b *strings.Builder, l []any, depth int) {
	if len(l) == 0 {
		b.WriteString(`<span class="muted">(none)</span>`)
		return
	}
	var cols []string
	seen := map[string]bool{}
	objects := true
	for _, item := range l {
		m, ok := item.(map[string]any)
		if !ok {
			objects = false
			break
		}
		for k := range m {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	if !objects || depth >= maxDepth {
		if depth >= maxDepth {
			writeJSON(b, l)
			return
		}
		for i, item := range l {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, item, depth+1)
		}
		return
	}
	sort.SliceStable(cols, func(i, j int) bool {
		return colRank(cols[i]) < colRank(cols[j]) || (colRank(cols[i]) == colRank(cols[j]) && cols[i] < cols[j])
	})
	b.WriteString(`<table class="list"><thead><tr>`)
	for _, c := range cols {
		b.WriteString(`<th>`)
		b.WriteString(html.EscapeString(c))
		b.WriteString(`</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, item := range l {
		if i == maxRows {
			fmt.Fprintf(b, `<tr><td colspan="%d" class="muted">%d more not shown</td></tr>`, len(cols), len(l)-maxRows)
			break
		}
		m := item.(map[string]any)
		b.WriteString(`<tr>`)
		for _, c := range cols {
			b.WriteString(`<td>`)
			writeValue(b, m[c], depth+1)
			b.WriteString(`</td>`)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
}

// colRank puts identifying columns first so tables read left to right.
func colRank(c string) int {
	switch strings.ToLower(c) {
	case "id":
		return 0
	case "name":
		return 1
	case "status", "state", "outcome", "category", "action":
		return 2
	}
	return 3
}
