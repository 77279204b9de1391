package main

import "syscall"

// demoChildAttr puts a demo terminal in a process group of its own, which
// the demo signals when it quits, and has the kernel send it SIGTERM if
// the demo dies without quitting (killed, crashed).
func demoChildAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
