//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testTerminal runs the test binary as `onewindow ARGS…` (TestMain's
// ONEWINDOW_CHILD=run), as the demo runs its own executable.
func testTerminal(args []string) (*exec.Cmd, error) {
	enc, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ONEWINDOW_CHILD=run", "ONEWINDOW_ARGS="+string(enc), "DEMO_PROCS_PARENT=")
	return cmd, nil
}

// alive says whether process pid is still there (a zombie is not: it has
// ended and waits only to be reaped).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("waited 20 s for %s", what)
		}
	}
}

// TestDemoTerminalsEndWithTheDemo: quitting the demo ends every process it
// started, a terminal that ignores SIGTERM and the process it started too
// (`make demo`'s quit left the window terminals running, looping "sync
// with central failed").
func TestDemoTerminalsEndWithTheDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := &demoProcs{command: func(args []string) (*exec.Cmd, error) {
		if args[0] == "stubborn" {
			return exec.Command("sh", "-c", "trap '' TERM; sleep 120 & echo $! > "+filepath.Join(dir, "grandchild")+"; wait"), nil
		}
		return testTerminal(args)
	}}
	sim, err := p.start([]string{"sim", "-quiet", "-dir", filepath.Join(dir, "sim")}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	stubborn, err := p.start([]string{"stubborn"}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the simulator's links", func() bool { e, _ := os.ReadDir(filepath.Join(dir, "sim")); return len(e) > 0 })
	var grandchild int
	waitFor(t, "the stubborn terminal's child", func() bool {
		data, _ := os.ReadFile(filepath.Join(dir, "grandchild"))
		grandchild, _ = strconv.Atoi(strings.TrimSpace(string(data)))
		return grandchild > 0
	})
	start := time.Now()
	p.stop(time.Second)
	for name, pid := range map[string]int{"the simulator": sim.Process.Pid, "the stubborn terminal": stubborn.Process.Pid, "its child": grandchild} {
		// A process killed with its group is gone within moments; the
		// kernel may not have ended the grandchild yet when stop returns,
		// having waited for the terminal only.
		for end := time.Now().Add(3 * time.Second); alive(pid) && time.Now().Before(end); {
			time.Sleep(20 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("%s (pid %d) survived the demo's quit", name, pid)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("quitting took %v", d)
	}
	if _, err := p.start([]string{"sim"}, nil, io.Discard); err == nil {
		t.Error("a terminal started after the demo stopped")
	}
}

// TestDemoTerminalsEndWhenTheDemoDies: a demo killed without quitting
// (SIGKILL, a crash) takes its terminals with it, on Linux.
func TestDemoTerminalsEndWhenTheDemoDies(t *testing.T) {
	if os.Getenv("DEMO_PROCS_PARENT") == "1" {
		// The demo's part: start a terminal, say its pid, wait to be killed.
		p := &demoProcs{command: testTerminal}
		cmd, err := p.start([]string{"sim", "-quiet", "-dir", os.Getenv("DEMO_PROCS_DIR")}, nil, io.Discard)
		if err != nil {
			fmt.Println("error", err)
			return
		}
		fmt.Println(cmd.Process.Pid)
		time.Sleep(time.Minute)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("only Linux signals a child when its parent dies")
	}
	t.Parallel()
	demo := exec.Command(os.Args[0], "-test.run=^TestDemoTerminalsEndWhenTheDemoDies$")
	dir := t.TempDir()
	demo.Env = append(os.Environ(), "DEMO_PROCS_PARENT=1", "DEMO_PROCS_DIR="+dir)
	out, err := demo.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		demo.Process.Kill()
		demo.Wait()
		t.Fatalf("the demo said %q", line)
	}
	defer syscall.Kill(pid, syscall.SIGKILL)
	waitFor(t, "the simulator's links", func() bool { e, _ := os.ReadDir(dir); return len(e) > 0 })
	if !alive(pid) {
		t.Fatalf("the terminal (pid %d) did not start", pid)
	}
	demo.Process.Kill()
	demo.Wait()
	waitFor(t, fmt.Sprintf("the terminal (pid %d) to end with its killed demo", pid), func() bool { return !alive(pid) })
}
