package api

import (
	"fmt"
	"slices"
	"strings"
)

// RoleTable renders, as one Markdown table, what each role may call:
// every route of routes with a mark under each role its MinRole lets in.
// The security page of the admin docs holds its output, and a test
// compares the two, so the page cannot drift from the code.
func RoleTable(routes []Route) string {
	sorted := slices.Clone(routes)
	slices.SortFunc(sorted, CompareRoutes)
	var b strings.Builder
	b.WriteString("| route | auditor | operator | admin | what it does |\n|---|:-:|:-:|:-:|---|\n")
	for _, r := range sorted {
		fmt.Fprintf(&b, "| `%s %s` |", r.Method, r.Pattern)
		for _, role := range []Role{RoleAuditor, RoleOperator, RoleAdmin} {
			mark := " "
			if role.Allows(r.MinRole) {
				mark = "✓"
			}
			fmt.Fprintf(&b, " %s |", mark)
		}
		fmt.Fprintf(&b, " %s |\n", strings.ReplaceAll(r.Summary, "|", `\|`))
	}
	return b.String()
}

// ErrorCodeTable renders ErrorCodes as a Markdown table, sorted by code.
func ErrorCodeTable() string {
	codes := make([]string, 0, len(ErrorCodes))
	for c := range ErrorCodes {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	b.WriteString("| code | meaning |\n|---|---|\n")
	for _, c := range codes {
		fmt.Fprintf(&b, "| `%s` | %s |\n", c, ErrorCodes[c])
	}
	return b.String()
}

// CompareRoutes orders routes by pattern, then by method in the order a
// reader expects (GET, POST, PUT, PATCH, DELETE): the order of every
// listing generated from the route table, so they read alike.
func CompareRoutes(a, b Route) int {
	if c := strings.Compare(a.Pattern, b.Pattern); c != 0 {
		return c
	}
	return strings.Compare(methodOrder(a.Method), methodOrder(b.Method))
}

func methodOrder(m string) string {
	switch m {
	case "GET":
		return "0"
	case "POST":
		return "1"
	case "PUT":
		return "2"
	case "PATCH":
		return "3"
	case "DELETE":
		return "4"
	}
	return "5" + m
}
