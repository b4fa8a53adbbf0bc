package orchestration

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/outbound"
	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// TestHostKilledMidRunDoesEverythingOnce runs the engine in a child process
// on a SQLite store, kills it with SIGKILL while most of 1,000 actions are
// still queued, starts it again on the same store and checks in the
// sandbox that every user was added exactly once.
func TestHostKilledMidRunDoesEverythingOnce(t *testing.T) {
	const n = 1000
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	dir := t.TempDir()
	bin := buildCrashhost(t)
	args := []string{"-db", filepath.Join(dir, "store.db"), "-plugin", clockifyBin, "-base-url", sb.BaseURL(),
		"-n", fmt.Sprint(n), "-run", "crash-run", "-rate", "300"}
	start := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}

	first, out1 := start()
	deadline := time.Now().Add(time.Minute)
	for postsOf(sb)[200] < 300 {
		if time.Now().After(deadline) {
			first.Process.Kill()
			first.Wait()
			t.Fatalf("the first host did not get going:\n%s", out1)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := first.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	first.Wait()
	atKill := postsOf(sb)[200]
	t.Logf("killed the host after %d users were added", atKill)
	if atKill >= n {
		t.Fatalf("the run finished before the kill; nothing was tested")
	}

	second, out2 := start()
	done := make(chan error, 1)
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the restarted host failed: %v\n%s", err, out2)
		}
	case <-time.After(3 * time.Minute):
		second.Process.Kill()
		<-done
		t.Fatalf("the restarted host did not finish the run:\n%s", out2)
	}
	if !strings.Contains(out2.String(), "FINISHED succeeded failed=0") {
		t.Errorf("the run did not succeed after the restart:\n%s", out2)
	}
	t.Logf("after the restart: %s", strings.TrimSpace(out2.String()))
	objs := make([]outbound.Object, n)
	for i := range objs {
		objs[i] = outbound.Object{Attributes: map[string][]string{"mail": {fmt.Sprintf("crash.%d@corp.example", i)}}}
	}
	checkExactlyOnce(t, sb, objs)
}
