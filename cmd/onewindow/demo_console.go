//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"onewindow/device/sim/simctl"
	"onewindow/ui/simpanel"
)

// The demo's prompt and control panel drive every terminal's devices: the
// kiosk's, and each clerk window's card reader, printer and queue bus
// (caller keypad, rating pad, window display).

const demoRoutingHelp = `  shot FILE                     save a screenshot of the demo's screen as FILE (PNG)
  wN COMMAND                    run COMMAND on window N's devices: w1 place 2, w2 paper out
  press and rate go to the window of their address (11 and 21 are window 1's caller keypad and rating pad);
  every other command goes to the kiosk's devices`

// route says whose simulators a console line is for and the command
// without its prefix: "w1 place 2" is window 1's card reader; "rate 21 5"
// and "press 12 next" go to the window whose keypad or rating pad has that
// address (10+N, 20+N); anything else to the kiosk's.
func (h *demoHall) route(line string) (*simctl.Set, string, error) {
	f := strings.Fields(line)
	if len(f) > 0 && len(f[0]) > 1 && (f[0][0] == 'w' || f[0][0] == 'W') {
		if n, err := strconv.Atoi(f[0][1:]); err == nil {
			sims, ok := h.windowSims[n]
			if !ok {
				return nil, "", fmt.Errorf("the demo has no window %d terminal; its windows are %v", n, clerkWindows)
			}
			return sims, strings.Join(f[1:], " "), nil
		}
	}
	if len(f) >= 2 && (f[0] == "press" || f[0] == "rate" || f[0] == "power") {
		if addr, err := strconv.Atoi(f[1]); err == nil {
			if sims, ok := h.windowSims[addr%10]; ok && (addr/10 == 1 || addr/10 == 2) {
				return sims, line, nil
			}
		}
	}
	return h.kioskSims, line, nil
}

// windowExecs are the panel's way to each clerk window's simulators.
func (h *demoHall) windowExecs() map[int]simpanel.Exec {
	out := map[int]simpanel.Exec{}
	for n, s := range h.windowSims {
		out[n] = s.Exec
	}
	return out
}

// pageFolders are the folders the terminals' printers draw their pages in.
func (h *demoHall) pageFolders() []string {
	var out []string
	for _, name := range []string{"kiosk", "window1", "window2"} {
		out = append(out, filepath.Join(h.pages, name))
	}
	return out
}

// describePages says where each terminal's printed pages go.
func (h *demoHall) describePages() string {
	f := h.pageFolders()
	return fmt.Sprintf("  printed pages (PNG): the kiosk's in %s\n    window 1's in %s, window 2's in %s\n", f[0], f[1], f[2])
}

// keepPages, at the end of a demo in a temporary folder, says where the
// pages printed are kept, or removes their folder when nothing was
// printed.
func keepPages(root string, stdout io.Writer) {
	printed := 0
	filepath.WalkDir(root, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			printed++
		}
		return nil
	})
	if printed == 0 {
		os.RemoveAll(root)
		return
	}
	fmt.Fprintf(stdout, "onewindow demo: the printed pages (%d) are kept in %s\n", printed, root)
}

// demoXvfbEnv marks a demo started under xvfb-run by the demo itself, so
// that one that still finds no display says so instead of starting again.
const demoXvfbEnv = "ONEWINDOW_DEMO_XVFB"

// The demo's ways to the outside, replaced in tests.
var (
	lookPath    = exec.LookPath
	execProgram = func(argv, env []string) error { return syscall.Exec(argv[0], argv, env) }
)

// demoUnderXvfb is the command that runs this demo (with args) under
// xvfb-run on a virtual screen, when xvfb-run is installed and the demo was
// not started that way already.
func demoUnderXvfb(args []string) ([]string, bool) {
	if os.Getenv(demoXvfbEnv) != "" {
		return nil, false
	}
	xvfb, err := lookPath("xvfb-run")
	if err != nil {
		return nil, false
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, false
	}
	return append([]string{xvfb, "-a", "-s", "-screen 0 1920x1080x24", exe, "demo"}, args...), true
}

// screenshot saves the whole screen the demo runs on as a PNG, with
// ImageMagick's import: on a virtual display the only way to see it.
func screenshot(file string) (string, error) {
	imp, err := lookPath("import")
	if err != nil {
		return "", errors.New("taking a screenshot needs ImageMagick's import (Debian package imagemagick)")
	}
	if out, err := exec.Command(imp, "-window", "root", file).CombinedOutput(); err != nil {
		return "", fmt.Errorf("import: %v %s", err, out)
	}
	return "saved the screen in " + file, nil
}
