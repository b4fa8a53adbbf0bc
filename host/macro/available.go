package macro

import "sort"

// MacroInfo is one entry of the macro chooser: what to insert and what it
// means.
type MacroInfo struct {
	// Macro is ready to insert, e.g. "%ad.mail%".
	Macro       string `json:"macro"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Available lists the macros valid in a place, grouped by namespace in the
// scope's order and sorted by name within each, for the macro chooser. An
// open namespace is listed with its declared names only.
func Available(scope Scope) []MacroInfo {
	var out []MacroInfo
	for _, ns := range scope.Namespaces {
		fields := append([]FieldInfo(nil), ns.Fields...)
		sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
		for _, f := range fields {
			out = append(out, MacroInfo{
				Macro:       "%" + ns.Name + "." + f.Name + "%",
				Namespace:   ns.Name,
				Name:        f.Name,
				Description: f.Description,
			})
		}
	}
	return out
}
