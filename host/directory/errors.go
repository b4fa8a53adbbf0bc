package directory

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Kinds of directory failure. Test for them with errors.Is; the *Error that
// carries them also says what to do about it.
var (
	// ErrBindFailed means the server refused the bind account's credentials.
	ErrBindFailed = errors.New("bind failed")
	// ErrTLS means the TLS handshake failed, usually an untrusted certificate.
	ErrTLS = errors.New("TLS handshake failed")
	// ErrStrongAuthRequired means the server refuses simple binds on an
	// unencrypted connection.
	ErrStrongAuthRequired = errors.New("server requires an encrypted connection")
	// ErrSizeLimit means the server stopped a search at its size limit.
	ErrSizeLimit = errors.New("size limit exceeded")
	// ErrUnavailable means the server could not be reached or the connection
	// broke during an operation.
	ErrUnavailable = errors.New("directory unavailable")
	// ErrNotFound means the entry (or its parent) does not exist.
	ErrNotFound = errors.New("entry not found")
	// ErrExists means an entry with that DN (or a unique value) already exists.
	ErrExists = errors.New("entry already exists")
	// ErrNotAllowed means the bind account lacks the rights for the operation.
	ErrNotAllowed = errors.New("insufficient access rights")
	// ErrUnknownAttribute means the directory's schema has no such attribute.
	ErrUnknownAttribute = errors.New("unknown attribute")
	// ErrInvalidConfig means the connection settings are incomplete or wrong.
	ErrInvalidConfig = errors.New("invalid directory configuration")
	// ErrUnsupported means the directory cannot do what was asked.
	ErrUnsupported = errors.New("not supported by this directory")
	// ErrRejected means the server refused the request for another reason
	// (constraint, object class, syntax); the server's message says why.
	ErrRejected = errors.New("request rejected by the directory")
)

// Error is a failed directory operation. Kind is one of the Err* values
// above, Fix tells the admin what to change, and Err is the cause.
type Error struct {
	Op   string // what was attempted, e.g. "bind", "search", "modify CN=..."
	Kind error
	Fix  string
	Err  error
}

// Error renders "directory: <op>: <kind>: <cause> (fix: ...)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("directory: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Fix != "" {
		b.WriteString(" (fix: ")
		b.WriteString(e.Fix)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func newError(op string, kind error, fix string, cause error) *Error {
	return &Error{Op: op, Kind: kind, Fix: fix, Err: cause}
}

// classify turns a go-ldap, TLS or network error into an *Error with a fix.
// url is only used in messages.
func classify(op, url string, err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	if isTLSError(err) {
		return newError(op, ErrTLS,
			"give the PEM of the CA that signed the server's certificate (CA setting), and connect with a host name or IP the certificate lists", err)
	}
	var le *ldap.Error
	if errors.As(err, &le) {
		switch le.ResultCode {
		case ldap.LDAPResultInvalidCredentials:
			return newError(op, ErrBindFailed,
				"check the bind account (a full DN or user@REALM) and its password, and that the account is enabled", err)
		case ldap.ErrorEmptyPassword:
			return newError(op, ErrBindFailed, "set the bind account's password; an empty one would be an anonymous bind", err)
		case ldap.LDAPResultStrongAuthRequired, ldap.LDAPResultConfidentialityRequired:
			return newError(op, ErrStrongAuthRequired,
				"connect with ldaps:// or ldap:// with StartTLS instead of plain ldap://", err)
		case ldap.LDAPResultSizeLimitExceeded:
			return newError(op, ErrSizeLimit,
				"search with paging (PageSize below the server's MaxPageSize) or narrow the filter", err)
		case ldap.LDAPResultNoSuchObject:
			return newError(op, ErrNotFound, "check the DN and that its parent OU exists", err)
		case ldap.LDAPResultEntryAlreadyExists:
			return newError(op, ErrExists, "choose another name or update the existing entry", err)
		case ldap.LDAPResultInsufficientAccessRights:
			return newError(op, ErrNotAllowed, "delegate this right on the OU to the bind account", err)
		case ldap.LDAPResultUndefinedAttributeType, ldap.LDAPResultNoSuchAttribute:
			return newError(op, ErrUnknownAttribute, "use an attribute that exists in the directory's schema", err)
		case ldap.ErrorNetwork, ldap.LDAPResultUnavailable, ldap.LDAPResultBusy, ldap.LDAPResultServerDown,
			ldap.LDAPResultConnectError, ldap.LDAPResultTimeout:
			return newError(op, ErrUnavailable,
				fmt.Sprintf("check that the directory at %s is running and reachable; the host redials on the next operation", url), err)
		}
		if le.ResultCode < ldap.ErrorNetwork {
			return newError(op, ErrRejected, "read the server's message above", err)
		}
	}
	// go-ldap reports a connection that dropped under a running operation
	// as a plain error with the cause formatted in, not wrapped.
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection closed") ||
		strings.Contains(err.Error(), "unable to read LDAP response packet") {
		return newError(op, ErrUnavailable,
			fmt.Sprintf("check that the directory at %s is running and reachable; the host redials on the next operation", url), err)
	}
	return newError(op, ErrRejected, "read the server's message above", err)
}

func isTLSError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		uae x509.UnknownAuthorityError
		he  x509.HostnameError
		cie x509.CertificateInvalidError
		rhe tls.RecordHeaderError
		ae  tls.AlertError
	)
	if errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &he) ||
		errors.As(err, &cie) || errors.As(err, &rhe) || errors.As(err, &ae) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "x509: ") || strings.Contains(s, "tls: ")
}

// isConnectionError reports whether err means the connection is unusable,
// so the client should drop it and redial.
func isConnectionError(err error) bool {
	return errors.Is(err, ErrUnavailable)
}

// Reason is what a go-ldap error says without its result code, for
// messages people read: "unexpected end of filter" rather than
// `LDAP Result Code 201 "Filter Compile Error": ldap: unexpected end of
// filter`. Other errors are returned as they are. See decision 0271.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var le *ldap.Error
	if errors.As(err, &le) && le.Err != nil {
		return strings.TrimPrefix(le.Err.Error(), "ldap: ")
	}
	return strings.TrimPrefix(err.Error(), "ldap: ")
}

// Explain puts a failed directory operation into an admin's words: what
// went wrong without the server's result code ("bind failed: Invalid
// Credentials"), and what to do about it, empty for an error that is not
// an *Error. Status pages show the two, where a log keeps the whole error.
// See decision 0286.
func Explain(err error) (problem, fix string) {
	if err == nil {
		return "", ""
	}
	var de *Error
	if !errors.As(err, &de) {
		return Reason(err), ""
	}
	problem = de.Kind.Error()
	if d := serverWords(de.Err); d != "" && !strings.EqualFold(d, problem) {
		problem += ": " + d
	}
	return problem, de.Fix
}

// serverWords is the cause's own message, or the name of its result code
// when the server sent no message (Samba's refused bind does not).
func serverWords(err error) string {
	if err == nil {
		return ""
	}
	var le *ldap.Error
	if errors.As(err, &le) && (le.Err == nil || strings.TrimSpace(le.Err.Error()) == "") {
		return ldap.LDAPResultCodeMap[le.ResultCode]
	}
	return strings.TrimSpace(Reason(err))
}
