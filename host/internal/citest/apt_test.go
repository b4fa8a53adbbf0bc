package citest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAptWaitsForThePackageLock reads every CI script: each apt-get that
// installs or updates must wait for the apt/dpkg lock, since another apt
// (an unattended upgrade, a parallel job) may hold it, and failing then
// makes a red run out of nothing.
func TestAptWaitsForThePackageLock(t *testing.T) {
	dir := filepath.Join("..", "..", "..", ".ci")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A direct call, or a call through an array variable ("${apt[@]}"
	// install), whose definition must then carry the option.
	direct := regexp.MustCompile(`(^|[\s;&|({])apt-get\s+(-o\s+\S+\s+)*-?[a-z-]*\s*(install|update|upgrade)\b`)
	viaArray := regexp.MustCompile(`"\$\{(\w+)\[@\]\}"\s+(install|update|upgrade)\b`)
	quoted := regexp.MustCompile(`"[^"]*"`)
	checked := 0
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		for i, line := range strings.Split(text, "\n") {
			code := strings.TrimSpace(line)
			if strings.HasPrefix(code, "#") {
				continue
			}
			for _, m := range viaArray.FindAllStringSubmatch(code, -1) {
				checked++
				def := regexp.MustCompile(`\b` + m[1] + `=\(apt-get\s[^)]*DPkg::Lock::Timeout=`)
				if !def.MatchString(text) {
					t.Errorf(".ci/%s:%d runs apt through ${%s[@]}, which is not defined with -o DPkg::Lock::Timeout", e.Name(), i+1, m[1])
				}
			}
			// Quoted text is a message ("apt-get install npm" as advice),
			// not a call.
			if direct.MatchString(quoted.ReplaceAllString(code, `""`)) {
				checked++
				for _, part := range regexp.MustCompile(`apt-get\s`).Split(code, -1)[1:] {
					if !strings.HasPrefix(strings.TrimSpace(part), "-o DPkg::Lock::Timeout=") {
						t.Errorf(".ci/%s:%d runs apt-get without waiting for the lock (-o DPkg::Lock::Timeout=600): %s", e.Name(), i+1, code)
						break
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no apt call in .ci; the scripts or this test changed")
	}
}
