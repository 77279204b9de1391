//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/ui/window"
)

// TestClerkTypesChineseThroughFcitx5 types pinyin into the window terminal
// as a clerk on a Linux window PC does (docs/window-terminal.md): a real X
// server (Xvfb), the real fcitx5 input method with its pinyin engine
// speaking XIM, and the real window on Fyne's GLFW driver, started with
// XMODIFIERS=@im=fcitx and a UTF-8 locale. The keys Ctrl+Space (pinyin
// on), "zhangwei" and a space go to the X server as a keyboard's would
// (xdotool, through XTEST), so fcitx5 composes them and commits its first
// candidate; the applicant's name field must then hold 张伟.
func TestClerkTypesChineseThroughFcitx5(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an X server, an input method and a window")
	}
	for _, tool := range []string{"Xvfb", "fcitx5", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: bash packaging/install-deps.sh installs it (packaging/apt-packages.txt)", tool)
		}
	}
	dir := t.TempDir()
	display := startXvfb(t)
	env := append(os.Environ(), "DISPLAY="+display,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_RUNTIME_DIR="+dir, "HOME="+dir)
	ready := startFcitx5(t, dir, env)

	// The window terminal, as the technician's guide says to start it.
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(env, "ONEWINDOW_CHILD=xim", "XMODIFIERS=@im=fcitx", "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "FYNE_SCALE=1")
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func(prefix string, within time.Duration) (string, bool) {
		deadline := time.After(within)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return "", false
				}
				if rest, ok := strings.CutPrefix(l, prefix); ok {
					return rest, true
				}
			case <-deadline:
				return "", false
			}
		}
	}
	title, ok := next("ready ", 90*time.Second)
	if !ok {
		t.Fatalf("the window terminal never reached the name field; it said:\n%s", stderr.String())
	}
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("fcitx5 did not load its XIM front end within 30 s")
	}

	xdotool := func(args ...string) string {
		cmd := exec.Command("xdotool", args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("xdotool %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	wid, _, _ := strings.Cut(xdotool("search", "--sync", "--onlyvisible", "--name", "^"+title+"$"), "\n")
	xdotool("windowfocus", "--sync", wid)
	xdotool("key", "ctrl+space") // pinyin on, as the clerk switches it
	xdotool("type", "--delay", "60", "zhangwei")
	xdotool("key", "--delay", "60", "space")

	var got string
	for {
		text, ok := next("text ", 20*time.Second)
		if !ok {
			t.Fatalf("after typing zhangwei and a space the name field holds %q, want 张伟; the window said:\n%s", got, stderr.String())
		}
		if got, _ = strconv.Unquote(text); got == "张伟" {
			return
		}
	}
}

// startXvfb starts an X server on a free display and returns its name.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	n, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	return ":" + strings.TrimSpace(n)
}

// startFcitx5 starts fcitx5 with the input methods a window terminal's
// session gives it (packaging/fcitx5/profile: the US keyboard, and pinyin
// on Ctrl+Space) and its XIM front end. The channel closes once fcitx5 has
// loaded its XIM front end.
func startFcitx5(t *testing.T, dir string, env []string) <-chan struct{} {
	t.Helper()
	profile, err := os.ReadFile(filepath.Join("..", "..", "packaging", "fcitx5", "profile"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config", "fcitx5", "profile")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, profile, 0o644); err != nil {
		t.Fatal(err)
	}
	// No session bus here: the addons that need one, and cloud pinyin
	// (no internet in a hall), stay off.
	f := exec.Command("fcitx5", "--verbose=*=4",
		"--disable=cloudpinyin,dbus,dbusfrontend,ibusfrontend,fcitx4frontend,kimpanel,notificationitem,notifications,wayland,waylandim")
	f.Env = env
	out, err := f.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	f.Stdout = io.Discard
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Process.Kill(); f.Wait() })
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		loaded := false
		for sc.Scan() {
			if !loaded && strings.Contains(sc.Text(), "Loaded addon xim") {
				close(ready)
				loaded = true
			}
		}
	}()
	return ready
}

// ximChild is the window terminal of TestClerkTypesChineseThroughFcitx5 on
// Fyne's real driver: the clerk logs in, chooses an item, and the cursor
// stands in the applicant's name field. It writes "ready TITLE" then
// "text QUOTED" each time the focused field's text changes.
func ximChild() int {
	dir, err := os.MkdirTemp("", "onewindow-xim-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	r, err := hallrig.New(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := desk.New(ctx, r.HallServices(), r.Config())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	a := fyneapp.NewWithID("cn.gov.onewindow.window.xim")
	t := window.Open(ctx, a, d)
	w := t.Window()
	w.Resize(fyne.NewSize(1280, 800))
	w.Show()
	code := 0
	go func() {
		if err := ximWalk(ctx, t); err != nil {
			fmt.Fprintln(os.Stderr, "xim:", err)
			code = 1
			fyne.Do(a.Quit)
		}
	}()
	a.Run()
	return code
}

func ximWalk(ctx context.Context, t *window.Terminal) error {
	step := func(fn func()) { fyne.DoAndWait(fn); t.Wait() }
	press := func(k fyne.KeyName, mod fyne.KeyModifier) { step(func() { t.Press(k, mod) }) }
	typ := func(s string) { step(func() { t.Type(s) }) }
	if err := hallrig.WaitFor(10*time.Second, func() bool { return !t.Desk().View().Hub.Checked.IsZero() }); err != nil {
		return fmt.Errorf("the hub never answered: %w", err)
	}
	press(fyne.KeyA, fyne.KeyModifierControl)
	press(fyne.KeyBackspace, 0)
	typ(hallrig.Clerk)
	press(fyne.KeyReturn, 0)
	typ(hallrig.Password)
	press(fyne.KeyReturn, 0)
	if v := t.Desk().View(); v.Staff == nil {
		return fmt.Errorf("login failed: %s", t.Message())
	}
	press(fyne.KeyF9, 0) // 受理: the cursor in the catalogue's search
	typ("jmsfzhl")
	press(fyne.KeyReturn, 0) // the item chosen, the cursor in the name field
	var title string
	fyne.DoAndWait(func() { title = t.Window().Title() })
	fmt.Printf("ready %s\n", title)
	last := "\x00"
	for ctx.Err() == nil {
		var text string
		fyne.DoAndWait(func() { text, _ = t.FocusedText() })
		if text != last {
			fmt.Printf("text %q\n", text)
			last = text
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}
