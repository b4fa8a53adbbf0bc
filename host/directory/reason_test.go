package directory

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestReasonDropsTheResultCode(t *testing.T) {
	_, err := ldap.CompileFilter("(mail=a@example.com")
	if err == nil {
		t.Fatal("a filter without its closing parenthesis compiled")
	}
	got := Reason(err)
	if got == "" || strings.Contains(got, "Result Code") || strings.HasPrefix(got, "ldap:") {
		t.Fatalf("Reason(%q) = %q", err, got)
	}
	if got := Reason(errors.New("plain")); got != "plain" {
		t.Fatalf("Reason of a plain error = %q", got)
	}
}

// TestExplainSaysWhatFailedAndWhatToDo: a classified failure is told by
// its kind and the server's words, without the result code, beside its
// fix; a refusal without a message is named by its result code's name.
func TestExplainSaysWhatFailedAndWhatToDo(t *testing.T) {
	refused := classify("bind", "ldaps://dc1.example.com", ldap.NewError(ldap.LDAPResultInvalidCredentials, errors.New("")))
	problem, fix := Explain(fmt.Errorf("poll: %w", refused))
	if problem != "bind failed: Invalid Credentials" || !strings.Contains(fix, "bind account") {
		t.Fatalf("Explain(refused bind) = %q, %q", problem, fix)
	}
	down := classify("search", "ldaps://dc1.example.com", ldap.NewError(ldap.ErrorNetwork, errors.New("dial tcp 10.0.0.1:636: connect: connection refused")))
	problem, fix = Explain(down)
	if problem != "directory unavailable: dial tcp 10.0.0.1:636: connect: connection refused" || !strings.Contains(fix, "ldaps://dc1.example.com is running") {
		t.Fatalf("Explain(unreachable) = %q, %q", problem, fix)
	}
	if problem, fix := Explain(errors.New("the store cannot write")); problem != "the store cannot write" || fix != "" {
		t.Fatalf("Explain of another error = %q, %q", problem, fix)
	}
	if problem, fix := Explain(nil); problem != "" || fix != "" {
		t.Fatalf("Explain(nil) = %q, %q", problem, fix)
	}
}
