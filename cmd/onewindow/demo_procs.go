//go:build unix

package main

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// demoProcs are the processes the demo started (the window terminals and
// the hall screen). They end with the demo: stop signals each one's
// process group when the demo quits, and on Linux the kernel signals them
// if the demo itself dies (Pdeathsig), so that no terminal is left
// looping "sync with central failed" against a hub that is gone.
type demoProcs struct {
	// command makes the command of one terminal from its arguments
	// (`window -config …`); nil runs this executable.
	command func(args []string) (*exec.Cmd, error)
	log     *slog.Logger

	mu       sync.Mutex
	running  []*demoProc
	stopping bool
}

type demoProc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has been waited for
}

// start starts one terminal, with env added to the demo's environment and
// its stdout and stderr to stderr, in a process group of its own.
func (p *demoProcs) start(args, env []string, stderr io.Writer) (*exec.Cmd, error) {
	newCmd := p.command
	if newCmd == nil {
		newCmd = func(args []string) (*exec.Cmd, error) {
			exe, err := os.Executable()
			if err != nil {
				return nil, err
			}
			return exec.Command(exe, args...), nil
		}
	}
	cmd, err := newCmd(args)
	if err != nil {
		return nil, err
	}
	if len(env) > 0 {
		cmd.Env = append(cmd.Environ(), env...)
	}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	cmd.SysProcAttr = demoChildAttr()
	cmd.WaitDelay = 5 * time.Second
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopping {
		return nil, errors.New("the demo is stopping")
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	proc := &demoProc{cmd: cmd, done: make(chan struct{})}
	p.running = append(p.running, proc)
	go func() {
		err := cmd.Wait()
		close(proc.done)
		p.mu.Lock()
		stopping := p.stopping
		p.mu.Unlock()
		if !stopping && p.log != nil {
			p.log.Error("a demo terminal stopped", "args", args, "err", err)
		}
	}()
	return cmd, nil
}

// stop ends every process started: SIGTERM to each one's process group,
// which the terminals take as a signal to close cleanly, and SIGKILL to
// those still there after grace. It returns when all have been waited for.
func (p *demoProcs) stop(grace time.Duration) {
	p.mu.Lock()
	p.stopping = true
	running := p.running
	p.mu.Unlock()
	for _, proc := range running {
		syscall.Kill(-proc.cmd.Process.Pid, syscall.SIGTERM)
	}
	kill := time.AfterFunc(grace, func() {
		for _, proc := range running {
			select {
			case <-proc.done:
			default:
				syscall.Kill(-proc.cmd.Process.Pid, syscall.SIGKILL)
			}
		}
	})
	defer kill.Stop()
	for _, proc := range running {
		<-proc.done
	}
}
