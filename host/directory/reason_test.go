package directory

import (
	"errors"
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
