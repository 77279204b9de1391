//go:build unix && !linux

package main

import "syscall"

// demoChildAttr puts a demo terminal in a process group of its own, which
// the demo signals when it quits. Only Linux can also signal it when the
// demo dies without quitting.
func demoChildAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
