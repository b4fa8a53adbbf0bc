package sdk

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// TestCall declares a connection test as data: one GET that only valid
// credentials answer, usually the app's "who am I" call (/me, /user,
// /auth.test), the account read from its answer, and checks of other
// fields of that answer, such as the role the credentials carry. Most apps
// have such a call, so most connectors need no TestHook. The credentials
// check has the id "credentials"; each Expect reports under its own id.
// See decision 0255.
type TestCall struct {
	// URL is the call, relative to the base URL, with {Key} placeholders.
	URL string
	// Account is the dotted path of whom the credentials belong to in the
	// answer, e.g. "email"; it becomes the test's account.
	Account string
	// Name names the credentials check; empty uses the credential's label
	// from DescribedAuth, else "Credentials".
	Name string
	// Passed is the credentials check's message when the call succeeds;
	// {value} in it is the account. Empty says "the <label> belongs to
	// {value}" with the credential's label ("the credentials belong to
	// {value}" without one), or "the app accepted the <label>" without
	// Account. An answer without the account says so instead.
	Passed string
	// Expect are further checks of the answer, each reported on its own;
	// they are skipped when the call fails.
	Expect []Expect
}

// Expect is one check of a TestCall's answer: the value at Path should be
// Equals. When it is not, the check warns, since the credentials work
// (Fail makes it fail the test instead), with Otherwise and Remedy.
type Expect struct {
	// ID is stable, e.g. "manage-users"; Name is what admins read, derived
	// from ID when empty.
	ID, Name string
	// Path is the dotted path of the value in the answer, e.g. "role".
	Path string
	// Equals is the value the check wants, compared as text.
	Equals string
	// Passed and Otherwise are the messages when the value is and is not
	// Equals; {value} in them is the value found. Empty ones say
	// "<path> is <value>".
	Passed, Otherwise string
	// Remedy says what to do when the value is not Equals.
	Remedy string
	// Fail makes a mismatch fail the test rather than warn.
	Fail bool
}

// credentialsCheck is the id of the check a TestCall reports for the
// credentials, the one the default test reports too.
const credentialsCheck = "credentials"

// run performs the call and reports one check for the credentials and one
// per Expect.
func (t *TestCall) run(ctx context.Context, c *Client, authLabel string) *TestReport {
	name := cmp.Or(t.Name, authLabel, "Credentials")
	resp, err := c.Get(ctx, t.URL)
	if err != nil {
		rep := &TestReport{Checks: []Check{c.FailedCall(credentialsCheck, name, err)}}
		for _, x := range t.Expect {
			rep.Checks = append(rep.Checks, Skipped(x.ID, x.name(), "not checked: the call that tests "+strings.ToLower(name)+" failed"))
		}
		return rep
	}
	var doc any
	_ = json.Unmarshal(resp.Body, &doc) // an answer that is not JSON has no values: each Expect says so
	rep := &TestReport{}
	what := cmp.Or(authLabel, "credentials")
	passed := "the app accepted the " + what
	if t.Account != "" {
		rep.Account, _ = lookupString(doc, splitOutputPath(t.Account))
		switch {
		case rep.Account == "":
			passed += "; its answer has no " + t.Account
		case t.Passed != "":
			passed = t.Passed
		case authLabel != "":
			passed = "the " + authLabel + " belongs to {value}"
		default:
			passed = "the credentials belong to {value}"
		}
	} else if t.Passed != "" {
		passed = t.Passed
	}
	rep.Checks = append(rep.Checks, Passed(credentialsCheck, name, fill(passed, rep.Account)))
	for _, x := range t.Expect {
		rep.Checks = append(rep.Checks, x.check(doc))
	}
	return rep
}

// check compares the value at x.Path with x.Equals.
func (x Expect) check(doc any) Check {
	v, found := lookupString(doc, splitOutputPath(x.Path))
	switch {
	case found && v == x.Equals:
		return Passed(x.ID, x.name(), fill(cmp.Or(x.Passed, x.Path+" is {value}"), v))
	case !found:
		return x.mismatch(fmt.Sprintf("the answer has no %s (want %q)", x.Path, x.Equals))
	default:
		return x.mismatch(fill(cmp.Or(x.Otherwise, x.Path+" is {value}, not "+x.Equals), v))
	}
}

func (x Expect) mismatch(msg string) Check {
	if x.Fail {
		return Failed(x.ID, x.name(), msg, x.Remedy)
	}
	return Warned(x.ID, x.name(), msg, x.Remedy)
}

func (x Expect) name() string { return cmp.Or(x.Name, labelFrom(x.ID)) }

// fill puts a value found in the answer into a message.
func fill(msg, value string) string { return strings.ReplaceAll(msg, "{value}", value) }

// check reports a TestCall that cannot run.
func (t *TestCall) check() []string {
	var p []string
	if err := checkTemplateURL(t.URL); err != nil {
		p = append(p, fmt.Sprintf("Test: %v", err))
	}
	if _, err := parseOutputPath(t.Account); t.Account != "" && err != nil {
		p = append(p, fmt.Sprintf("Test.Account %q: %v", t.Account, err))
	}
	seen := map[string]bool{credentialsCheck: true, "settings": true}
	for _, x := range t.Expect {
		if !idPattern.MatchString(x.ID) || seen[x.ID] {
			p = append(p, fmt.Sprintf("Test: expect id %q must be lower case letters, digits and '-', and unique (\"credentials\" and \"settings\" are taken)", x.ID))
		}
		seen[x.ID] = true
		if _, err := parseOutputPath(x.Path); err != nil {
			p = append(p, fmt.Sprintf("Test: expect %q: path %q: %v", x.ID, x.Path, err))
		}
	}
	return p
}
