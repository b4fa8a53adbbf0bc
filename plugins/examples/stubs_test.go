package examples

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// stubSet is one example's generated stubs.
type stubSet struct {
	example string // directory under plugins/examples
	dir     string // the stubs, under the example
	// regenerate is the command that brings them up to date.
	regenerate string
	// generator reports why this machine cannot run generate.sh, or "".
	generator func() string
}

var stubSets = []stubSet{
	{
		example: "python-acme", dir: "package/generated",
		regenerate: "plugins/examples/python-acme/generate.sh (needs the Debian package python3-grpc-tools), or make proto-examples for both examples",
		generator: func() string {
			if exec.Command("/usr/bin/python3", "-c", "import grpc_tools.protoc").Run() != nil {
				return "/usr/bin/python3 cannot import grpc_tools (apt-get install python3-grpc-tools)"
			}
			return ""
		},
	},
	{
		example: "ts-acme", dir: "src/generated",
		regenerate: "cd plugins/examples/ts-acme && npm ci && npm run generate, or make proto-examples for both examples",
		generator: func() string {
			if _, err := os.Stat("ts-acme/node_modules/.bin/proto-loader-gen-types"); err != nil {
				return "ts-acme's dependencies are not installed (.ci/install-examples runs npm ci)"
			}
			return ""
		},
	},
}

// protoFile is the protocol every stub set is generated from.
const protoFile = "../../proto/connector/v1/connector.proto"

// stampName is the record generate.sh writes beside the stubs.
const stampName = "SOURCES.sha256"

// TestGeneratedStubsMatchTheProtocol fails when the protocol changed since
// an example's stubs were generated, or a stub was edited by hand.
func TestGeneratedStubsMatchTheProtocol(t *testing.T) {
	for _, s := range stubSets {
		if err := checkStamp(filepath.Join(s.example, s.dir), protoFile, s.regenerate); err != nil {
			t.Error(err)
		}
	}
}

// TestGeneratedStubsAreWhatTheGeneratorWrites regenerates each stub set
// into a temporary directory and compares it with the committed one. CI
// installs the generators (.ci/install-examples); elsewhere a missing one
// skips its set, and the stamp check above still runs.
func TestGeneratedStubsAreWhatTheGeneratorWrites(t *testing.T) {
	for _, s := range stubSets {
		t.Run(s.example, func(t *testing.T) {
			if why := s.generator(); why != "" {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s; CI must check the stubs against the generator", why)
				}
				t.Skip(why)
			}
			out := t.TempDir()
			cmd := exec.Command(filepath.Join(s.example, "generate.sh"), out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s generate.sh: %v\n%s", s.example, err, b)
			}
			if diff := compareTrees(out, filepath.Join(s.example, s.dir)); diff != "" {
				t.Errorf("plugins/examples/%s/%s is not what generate.sh writes now: %s; regenerate them by running: %s",
					s.example, s.dir, diff, s.regenerate)
			}
		})
	}
}

// checkStamp compares the stamp in dir with the protocol file and the
// stubs, and says what is stale and how to regenerate.
func checkStamp(dir, proto, regenerate string) error {
	var problems []string
	stamp, err := readStamp(filepath.Join(dir, stampName))
	if err != nil {
		problems = append(problems, err.Error())
	} else {
		if got := fileSum(proto); got != stamp.source {
			problems = append(problems, "proto/connector/v1/connector.proto changed since they were generated")
		}
		files, err := stubFiles(dir)
		if err != nil {
			return err
		}
		for _, f := range files {
			want, ok := stamp.stubs[f]
			switch {
			case !ok:
				problems = append(problems, f+" is not a stub generate.sh wrote")
			case fileSum(filepath.Join(dir, f)) != want:
				problems = append(problems, f+" differs from what generate.sh wrote")
			}
		}
		for f := range stamp.stubs {
			if !slices.Contains(files, f) {
				problems = append(problems, f+" was written by generate.sh but is missing")
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	slices.Sort(problems)
	return fmt.Errorf("the stubs in plugins/examples/%s are stale: %s; regenerate them by running: %s",
		strings.TrimPrefix(filepath.ToSlash(dir), "./"), strings.Join(problems, "; "), regenerate)
}

// stamp is a parsed SOURCES.sha256.
type stamp struct {
	source string            // SHA-256 of the protocol file
	stubs  map[string]string // stub path (slash-separated, under the stubs' directory) → SHA-256
}

func readStamp(path string) (stamp, error) {
	st := stamp{stubs: map[string]string{}}
	b, err := os.ReadFile(path)
	if err != nil {
		return st, fmt.Errorf("%s is missing (generate.sh writes it)", stampName)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "source":
			st.source = f[1]
		case len(f) == 3 && f[0] == "stub":
			st.stubs[f[2]] = f[1]
		default:
			return st, fmt.Errorf("%s has a line it should not: %q", stampName, line)
		}
	}
	if st.source == "" {
		return st, fmt.Errorf("%s does not name the protocol file", stampName)
	}
	return st, nil
}

// stubFiles lists the files under dir as generate.sh would stamp them:
// slash-separated, without the stamp and Python's byte-code caches.
func stubFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "__pycache__":
			return filepath.SkipDir
		case d.IsDir() || d.Name() == stampName:
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	slices.Sort(files)
	return files, err
}

func fileSum(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// compareTrees names the files that differ between two stub trees, the
// stamps included, or returns "".
func compareTrees(fresh, committed string) string {
	a, errA := stubFiles(fresh)
	b, errB := stubFiles(committed)
	if errA != nil || errB != nil {
		return fmt.Sprintf("listing the stubs: %v %v", errA, errB)
	}
	a, b = append(a, stampName), append(b, stampName)
	var diff []string
	for _, f := range a {
		if !slices.Contains(b, f) {
			diff = append(diff, f+" is missing")
		} else if fileSum(filepath.Join(fresh, f)) != fileSum(filepath.Join(committed, f)) {
			diff = append(diff, f+" differs")
		}
	}
	for _, f := range b {
		if !slices.Contains(a, f) {
			diff = append(diff, f+" is no longer generated")
		}
	}
	return strings.Join(diff, ", ")
}

// TestStaleStubsAreReported changes the protocol and the stubs of a copy
// of an example and expects each change reported with the command that
// regenerates them.
func TestStaleStubsAreReported(t *testing.T) {
	root := t.TempDir()
	gen, proto := filepath.Join(root, "generated"), filepath.Join(root, "proto")
	if err := os.CopyFS(gen, os.DirFS("python-acme/package/generated")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(proto, "connector/v1"), os.DirFS("../../proto/connector/v1")); err != nil {
		t.Fatal(err)
	}
	protoPath := filepath.Join(proto, "connector/v1/connector.proto")
	stampFresh := func() {
		t.Helper()
		if b, err := exec.Command("./stamp-generated.sh", gen, proto).CombinedOutput(); err != nil {
			t.Fatalf("stamp-generated.sh: %v\n%s", err, b)
		}
	}
	stampFresh()
	check := func() error { return checkStamp(gen, protoPath, "./regenerate-them") }
	if err := check(); err != nil {
		t.Fatalf("freshly stamped stubs: %v", err)
	}
	appendTo := func(path, text string) {
		t.Helper()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(f, text)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		change func()
		want   string
	}{
		{"a field added to the protocol", func() { appendTo(protoPath, "\nmessage Added { string x = 1; }\n") },
			"proto/connector/v1/connector.proto changed since they were generated"},
		{"a stub edited by hand", func() { appendTo(filepath.Join(gen, "connector/v1/connector_pb2.py"), "# edited\n") },
			"connector/v1/connector_pb2.py differs from what generate.sh wrote"},
		{"a stray file", func() { appendTo(filepath.Join(gen, "connector/v1/extra_pb2.py"), "") },
			"connector/v1/extra_pb2.py is not a stub generate.sh wrote"},
		{"a stub removed", func() { os.Remove(filepath.Join(gen, "connector/v1/connector_pb2_grpc.py")) },
			"connector/v1/connector_pb2_grpc.py was written by generate.sh but is missing"},
		{"no stamp", func() { os.Remove(filepath.Join(gen, stampName)) },
			stampName + " is missing"},
	} {
		c.change()
		err := check()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasSuffix(err.Error(), "regenerate them by running: ./regenerate-them") {
			t.Errorf("%s: %v; want %q and the command", c.name, err, c.want)
		}
		stampFresh() // the state after regenerating
		if err := check(); err != nil {
			t.Fatalf("after %s, restamped: %v", c.name, err)
		}
	}
	// __pycache__ is what running the connector leaves, not a stub.
	if err := os.Mkdir(filepath.Join(gen, "connector/v1/__pycache__"), 0o755); err != nil {
		t.Fatal(err)
	}
	appendTo(filepath.Join(gen, "connector/v1/__pycache__/connector_pb2.cpython-313.pyc"), "bytecode")
	if err := check(); err != nil {
		t.Errorf("byte-code caches: %v", err)
	}
}

// TestCompareTreesNamesTheDifferences: a regenerated tree that differs
// from the committed one is reported file by file.
func TestCompareTreesNamesTheDifferences(t *testing.T) {
	fresh, committed := t.TempDir(), t.TempDir()
	write := func(dir, name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{fresh, committed} {
		write(dir, "same.ts", "x")
		write(dir, stampName, "# stamp")
	}
	if diff := compareTrees(fresh, committed); diff != "" {
		t.Fatalf("equal trees: %s", diff)
	}
	write(fresh, "changed.ts", "new")
	write(committed, "changed.ts", "old")
	write(fresh, "added.ts", "new")
	write(committed, "dropped.ts", "old")
	want := "added.ts is missing, changed.ts differs, dropped.ts is no longer generated"
	if diff := compareTrees(fresh, committed); diff != want {
		t.Fatalf("compareTrees = %q, want %q", diff, want)
	}
}
