package dirtest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/directory"
)

// adLikeSchema is the auxiliary schema that gives OpenLDAP the AD attribute
// names; .ci/with-directories loads the same file.
//
//go:embed testdata/adlike.schema
var adLikeSchema string

// Slapd is a private OpenLDAP server owned by one test, for tests that stop
// the server on purpose.
type Slapd struct {
	// Config connects to it as its rootdn.
	Config directory.Config

	bin, dir string
	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{}

	// rootpw is the rootdn's password the server takes now, which
	// SetPassword changes behind Config's back.
	rootpw string
}

const slapdConf = `include   /etc/ldap/schema/core.schema
include   /etc/ldap/schema/cosine.schema
include   /etc/ldap/schema/inetorgperson.schema
include   {{dir}}/adlike.schema
pidfile   {{dir}}/slapd.pid
argsfile  {{dir}}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
loglevel  none
database  mdb
suffix    "dc=example,dc=test"
rootdn    "cn=admin,dc=example,dc=test"
rootpw    {{password}}
directory {{dir}}/db
maxsize   104857600
dbnosync
limits dn.exact="cn=admin,dc=example,dc=test" size=unlimited time=unlimited
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
`

// SlapdOption changes the throwaway server's configuration.
type SlapdOption func(conf *string)

// RequireEncryption makes the server refuse every operation on an
// unencrypted connection, like a directory that requires TLS.
func RequireEncryption() SlapdOption {
	return func(conf *string) {
		*conf = strings.Replace(*conf, "database  mdb", "security ssf=128\ndatabase  mdb", 1)
	}
}

// StartSlapd starts an OpenLDAP server on a free loopback port with the
// same schema as the shared one, waits until it answers, and stops it (by
// PID) when the test ends. It skips, or fails with CI=true, when slapd is
// not installed.
func StartSlapd(t testing.TB, opts ...SlapdOption) *Slapd {
	t.Helper()
	bin, err := exec.LookPath("slapd")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/slapd"); serr == nil {
			bin = "/usr/sbin/slapd"
		} else {
			Unavailable(t, "slapd is not installed")
		}
	}
	dir := t.TempDir()
	password := randomHex(12)
	conf := strings.NewReplacer("{{dir}}", dir, "{{password}}", password).Replace(slapdConf)
	for _, o := range opts {
		o(&conf)
	}
	must := func(err error) {
		if err != nil {
			t.Fatalf("prepare slapd: %v", err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "adlike.schema"), []byte(adLikeSchema), 0o600))
	must(os.WriteFile(filepath.Join(dir, "slapd.conf"), []byte(conf), 0o600))
	must(os.MkdirAll(filepath.Join(dir, "db"), 0o700))
	add := exec.Command(filepath.Join(filepath.Dir(bin), "slapadd"), "-f", filepath.Join(dir, "slapd.conf"))
	add.Stdin = strings.NewReader("dn: dc=example,dc=test\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("slapadd: %v\n%s", err, out)
	}
	url := fmt.Sprintf("ldap://127.0.0.1:%d", freePort(t))
	s := &Slapd{
		Config: directory.Config{
			URL: url, PlainText: true, BindDN: "cn=admin,dc=example,dc=test", Password: password,
			BaseDN: "dc=example,dc=test", Timeout: 5 * time.Second, Flavor: directory.FlavorLDAP,
		},
		bin:    bin,
		dir:    dir,
		rootpw: password,
	}
	t.Cleanup(s.Stop)
	s.start(t)
	return s
}

// start runs slapd on the configured URL and waits until it answers a bind.
func (s *Slapd) start(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	cmd := exec.Command(s.bin, "-f", filepath.Join(s.dir, "slapd.conf"), "-h", s.Config.URL+"/", "-d", "0")
	logf, err := os.OpenFile(filepath.Join(s.dir, "slapd.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		s.mu.Unlock()
		t.Fatalf("slapd log: %v", err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		t.Fatalf("start slapd: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := directory.Open(ctx, s.Config)
		cancel()
		if err == nil {
			c.Close()
			return
		}
		if !errors.Is(err, directory.ErrUnavailable) {
			return // it answered (a server that refuses plain binds says so)
		}
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "slapd.log"))
			t.Fatalf("slapd exited before answering: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("slapd did not answer within 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop terminates the server by its PID and waits for it to exit. It is
// safe to call more than once, and from any goroutine.
func (s *Slapd) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Restart stops the server and starts it again on the same port with the
// same data, as a directory restart looks to a client.
func (s *Slapd) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	s.start(t)
}

// SetPassword restarts the server with password as its rootdn's, leaving
// Config with the old one: a directory whose service account's password
// was changed under a host configured before.
func (s *Slapd) SetPassword(t testing.TB, password string) {
	t.Helper()
	s.Stop()
	conf := filepath.Join(s.dir, "slapd.conf")
	raw, err := os.ReadFile(conf)
	if err != nil {
		t.Fatalf("read slapd.conf: %v", err)
	}
	changed := strings.Replace(string(raw), "rootpw    "+s.rootpw+"\n", "rootpw    "+password+"\n", 1)
	if changed == string(raw) {
		t.Fatal("slapd.conf has no rootpw line to change")
	}
	if err := os.WriteFile(conf, []byte(changed), 0o600); err != nil {
		t.Fatalf("write slapd.conf: %v", err)
	}
	s.rootpw = password
	s.start(t)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
