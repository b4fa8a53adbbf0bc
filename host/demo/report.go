package demo

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is what the demo did and found, each outcome checked against the
// sandbox's own state.
type Report struct {
	// Extension is the installed extension: id, version, publisher.
	Extension string `json:"extension"`
	// Connector is who the plugin said it is when enabled.
	Connector string `json:"connector"`
	// Enabled, TestOK, TestAccount and TestChecks are the integration's
	// state and its connection test at enable.
	Enabled     bool     `json:"enabled"`
	TestOK      bool     `json:"test_ok"`
	TestAccount string   `json:"test_account,omitempty"`
	TestChecks  []string `json:"test_checks,omitempty"`
	// ListUsers is the outcome of test-and-save of the List Users endpoint.
	ListUsers string `json:"list_users"`
	// Plan and Orphans are the dry-run plan's counts and stale accounts.
	Plan    PlanCounts `json:"plan"`
	Orphans []Orphan   `json:"orphans"`
	// Templates were installed; TemplatesRefused explains those the
	// engine refused.
	Templates        []string `json:"templates"`
	TemplatesRefused string   `json:"templates_refused,omitempty"`
	// Automations are the automations created.
	Automations []string `json:"automations"`
	// Outcomes are the onboardings and offboardings, checked in the sandbox.
	Outcomes []Outcome `json:"outcomes"`
	// Console, TokenPath, Sandbox, Marketplace and Logs say where to look.
	Console     string `json:"console"`
	TokenPath   string `json:"token_path"`
	Sandbox     string `json:"sandbox"`
	Marketplace string `json:"marketplace"`
	Logs        string `json:"logs"`
	// Elapsed is the time from start to report.
	Elapsed time.Duration `json:"elapsed_ns"`
}

// PlanCounts are the dry-run plan's counts by category.
type PlanCounts struct {
	Records   int `json:"records"`
	Inactive  int `json:"inactive"`
	Users     int `json:"users"`
	Updates   int `json:"updates"`
	Creates   int `json:"creates"`
	NoChange  int `json:"no_change"`
	Orphans   int `json:"orphans"`
	Conflicts int `json:"conflicts"`
}

// Orphan is a stale account the plan found.
type Orphan struct {
	Account string `json:"account"`
	Why     string `json:"why"`
}

// Outcome is one onboarding or offboarding, before and after in the
// sandbox.
type Outcome struct {
	User string `json:"user"`
	// Flow is onboarding or offboarding; Via says how it was started.
	Flow string `json:"flow"`
	Via  string `json:"via"`
	// Before and After are the workspace membership in the sandbox.
	Before string `json:"before"`
	After  string `json:"after"`
	// Runs are the runs that did it, with their status.
	Runs string `json:"runs,omitempty"`
	OK   bool   `json:"ok"`
}

// OK reports whether the integration works and every outcome matched.
func (r *Report) OK() bool {
	if !r.Enabled || !r.TestOK || len(r.Outcomes) == 0 {
		return false
	}
	for _, o := range r.Outcomes {
		if !o.OK {
			return false
		}
	}
	return true
}

// Write prints the report for people.
func (r *Report) Write(w io.Writer) {
	line := strings.Repeat("-", 72)
	fmt.Fprintf(w, "\n%s\nidbridge demo report\n%s\n", line, line)
	fmt.Fprintf(w, "Extension installed:   %s\n", r.Extension)
	fmt.Fprintf(w, "Connector:             %s\n", r.Connector)
	verdict := "FAILED"
	if r.TestOK {
		verdict = "passed"
	}
	fmt.Fprintf(w, "Integration test:      %s", verdict)
	if r.TestAccount != "" {
		fmt.Fprintf(w, " (account %s)", r.TestAccount)
	}
	fmt.Fprintf(w, "; enabled: %v\n", r.Enabled)
	for _, c := range r.TestChecks {
		fmt.Fprintf(w, "                         %s\n", c)
	}
	fmt.Fprintf(w, "List Users endpoint:   %s\n", r.ListUsers)
	p := r.Plan
	fmt.Fprintf(w, "Dry-run plan:          %d Clockify records (%d inactive), %d directory users\n", p.Records, p.Inactive, p.Users)
	fmt.Fprintf(w, "                       updates %d, creates %d, no change %d, orphans %d, conflicts %d\n",
		p.Updates, p.Creates, p.NoChange, p.Orphans, p.Conflicts)
	if len(r.Orphans) > 0 {
		fmt.Fprintf(w, "Stale accounts:\n")
		for _, o := range r.Orphans {
			fmt.Fprintf(w, "  - %-32s %s\n", o.Account, o.Why)
		}
	}
	fmt.Fprintf(w, "Templates installed:   %s\n", strings.Join(r.Templates, ", "))
	if r.TemplatesRefused != "" {
		fmt.Fprintf(w, "Templates refused:     %s\n", firstLine(r.TemplatesRefused, 110))
	}
	fmt.Fprintf(w, "Automations:           %s\n", strings.Join(r.Automations, ", "))
	fmt.Fprintf(w, "Lifecycle, checked in the Clockify sandbox:\n")
	for _, o := range r.Outcomes {
		mark := "ok  "
		if !o.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  [%s] %-11s %-12s %s -> %s (%s)\n", mark, o.Flow, o.User, o.Before, o.After, o.Via)
	}
	fmt.Fprintf(w, "Console:               %s (sign in with the admin token)\n", r.Console)
	fmt.Fprintf(w, "Admin token:           %s\n", r.TokenPath)
	fmt.Fprintf(w, "CLI:                   export IDBRIDGE_ADDR=%s IDBRIDGE_TOKEN=$(cat %s)\n",
		strings.TrimSuffix(r.Console, "/"), r.TokenPath)
	fmt.Fprintf(w, "Clockify sandbox:      %s\n", r.Sandbox)
	fmt.Fprintf(w, "Logs:                  %s\n", r.Logs)
	fmt.Fprintf(w, "Took %s.\n", r.Elapsed)
	fmt.Fprintln(w, line)
}

// firstLine shortens a multi-line engine message for the report; the full
// text is in the JSON report and the host log.
func firstLine(s string, n int) string {
	s, _, cut := strings.Cut(s, "\n")
	if len(s) > n {
		s, cut = s[:n], true
	}
	if cut {
		s += " ..."
	}
	return s
}
