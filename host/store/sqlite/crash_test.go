package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/idbridge/idbridge/host/store"
)

// crashChildEnv turns the test binary into a queue worker that works on the
// database named by the variable until it is killed.
const crashChildEnv = "IDBRIDGE_STORE_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

// crashChild claims, marks and completes actions one by one, printing
// "sending ID" after MarkSending returned and "done ID" after Complete
// returned, so the parent knows what was durable when it killed it. After
// hangAfter completions it marks one more action as sending and hangs, as
// a worker stuck in an HTTP call would.
func crashChild(path string) int {
	const hangAfter = 50
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	q := s.Queue()
	done := 0
	for {
		as, err := q.Claim(ctx, store.ClaimOptions{Worker: "child", Lease: time.Minute})
		if err != nil || len(as) == 0 {
			fmt.Println("error", err)
			return 1
		}
		id := as[0].ID
		if err := q.MarkSending(ctx, id, "child"); err != nil {
			fmt.Println("error", err)
			return 1
		}
		fmt.Println("sending", id)
		if done++; done > hangAfter {
			select {}
		}
		if err := q.Complete(ctx, id, "child", []byte(`{"ok":true}`)); err != nil {
			fmt.Println("error", err)
			return 1
		}
		fmt.Println("done", id)
	}
}

// TestKilledWorkerLosesNothing kills a worker process with SIGKILL in the
// middle of its work and checks, after reopening, that every reported
// completion is durable, nothing is lost, and exactly the action that may
// have been sent comes back in doubt.
func TestKilledWorkerLosesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	batch := make([]store.NewAction, n)
	for i := range batch {
		batch[i] = store.NewAction{Lane: "l", RunID: "r", ObjectID: strconv.Itoa(i), StepID: "s"}
	}
	if _, err := s.Queue().Enqueue(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := map[int64]bool{}
	var hung int64
	lines := bufio.NewScanner(out)
	for hung == 0 && lines.Scan() {
		word, num, _ := strings.Cut(lines.Text(), " ")
		id, _ := strconv.ParseInt(num, 10, 64)
		switch word {
		case "sending":
			if len(done) == 50 {
				hung = id
			}
		case "done":
			done[id] = true
		default:
			t.Fatalf("child: %s", lines.Text())
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if hung == 0 {
		t.Fatalf("the child stopped after %d actions without hanging", len(done))
	}

	// Reopen as a restarted host, after the child's lease has expired.
	later := func() time.Time { return time.Now().Add(2 * time.Minute) }
	s, err = Open(ctx, path, Options{Now: later})
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer s.Close()
	q := s.Queue()
	for id := range done {
		a, err := q.Get(ctx, id)
		if err != nil || a.State != store.ActionDone || string(a.Result) != `{"ok":true}` {
			t.Fatalf("action %d was reported done but is %+v (%v)", id, a, err)
		}
	}
	counts, _ := q.Counts(ctx, "")
	total := 0
	for _, c := range counts {
		total += c
	}
	if total != n || counts[store.ActionDead] != 0 {
		t.Fatalf("counts after the kill = %v; want %d actions, none dead", counts, n)
	}
	inDoubt := 0
	for {
		as, err := q.Claim(ctx, store.ClaimOptions{Worker: "restart", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(as) == 0 {
			break
		}
		for _, a := range as {
			if a.InDoubt != (a.ID == hung) {
				t.Errorf("action %d: in doubt = %v; only action %d, killed while sending, may be", a.ID, a.InDoubt, hung)
			}
			if a.InDoubt {
				inDoubt++
			}
			if done[a.ID] {
				t.Errorf("action %d was done before the kill and was handed out again", a.ID)
			}
			if err := q.Complete(ctx, a.ID, "restart", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if inDoubt != 1 {
		t.Fatalf("%d actions in doubt; want exactly the one killed while sending", inDoubt)
	}
	if c, _ := q.Counts(ctx, ""); c[store.ActionDone] != n {
		t.Fatalf("after recovery %d of %d actions are done", c[store.ActionDone], n)
	}
}
