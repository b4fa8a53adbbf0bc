package datalock_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/datalock"
)

// holdEnv makes the test binary a process that holds a folder's lock
// until its stdin closes, for the cross-process test.
const holdEnv = "IDBRIDGE_TEST_HOLD_LOCK"

func TestMain(m *testing.M) {
	if dir := os.Getenv(holdEnv); dir != "" {
		l, err := datalock.Acquire(dir)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("held")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		_ = l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSecondAcquireInTheSameProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	l, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = datalock.Acquire(dir)
	if !errors.Is(err, datalock.ErrInUse) || !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Fatalf("second Acquire: %v; want ErrInUse naming this process", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("a second Release: %v", err)
	}
	l2, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	_ = l2.Release()
}

// TestLockFollowsTheProcess holds the lock in another process: this one
// is refused while it runs and gets the folder once it is killed, as
// after a crash.
func TestLockFollowsTheProcess(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "held" {
		t.Fatalf("the holder said %q", line)
	}
	if _, err := datalock.Acquire(dir); !errors.Is(err, datalock.ErrInUse) {
		t.Fatalf("Acquire while another process holds the folder: %v", err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	l, err := datalock.Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after the holder died: %v", err)
	}
	_ = l.Release()
}
