package main

// The tests in this file guard the shape of the whole module (DESIGN.md §2),
// not this command: they live here because the command is the one package
// that sees all the others.

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// goTool finds the go command: on PATH (go test puts its own GOROOT/bin
// first), else beside the toolchain that built this test.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	// runtime.GOROOT is deprecated for finding a toolchain to build with,
	// but as a last resort it still names the one that built this test.
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("cannot find the go command on PATH or at %s", p)
	}
	return p
}

// goList runs go list with args in the module root and returns its output.
func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(goTool(t), append([]string{"list"}, args...)...)
	cmd.Dir = moduleRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root should be two folders up from cmd/onewindow: %v", err)
	}
	return root
}

// listedPackage is what these tests read of `go list -json`.
type listedPackage struct {
	ImportPath     string
	Name           string
	Dir            string
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string // files for other systems carry doc comments too
	Deps           []string
}

// modulePackages lists the packages matching patterns. -e keeps a package
// that does not compile in the list: its layout can be checked all the same,
// and go vet and go test report the compile error.
func modulePackages(t *testing.T, patterns ...string) []listedPackage {
	t.Helper()
	out := goList(t, append([]string{"-e", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,IgnoredGoFiles,Deps"}, patterns...)...)
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading go list -json: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list %s found no packages", strings.Join(patterns, " "))
	}
	return pkgs
}

// TestOnePackageDocComment: every package says what it is for, in exactly
// one place, so go doc shows one coherent text (as tailscale's pkgdoc_test).
func TestOnePackageDocComment(t *testing.T) {
	t.Parallel()
	for _, p := range modulePackages(t, "./...") {
		var withDoc []string
		files := slices.Concat(p.GoFiles, p.CgoFiles, p.IgnoredGoFiles)
		for _, name := range files {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Errorf("package %s: %v", p.ImportPath, err)
				continue
			}
			// An ignored file may be a generator of another package.
			if f.Name.Name != p.Name || f.Doc == nil || strings.TrimSpace(f.Doc.Text()) == "" {
				continue
			}
			withDoc = append(withDoc, name)
			want := "Package " + p.Name + " "
			if p.Name == "main" {
				want = "Command " + path.Base(p.ImportPath) + " "
			}
			if !strings.HasPrefix(f.Doc.Text(), want) {
				t.Errorf("package %s: the doc comment in %s should begin %q, as go doc expects; it begins %q",
					p.ImportPath, name, want, firstLine(f.Doc.Text()))
			}
		}
		switch len(withDoc) {
		case 0:
			t.Errorf("package %s has no package doc comment: put one directly above the package clause of one file (a doc.go, say) among %v",
				p.ImportPath, files)
		case 1:
		default:
			t.Errorf("package %s has %d package doc comments, in %v; wanted exactly one: turn the others into plain comments with a blank line before the package clause",
				p.ImportPath, len(withDoc), withDoc)
		}
	}
}

// forbiddenInApp are the imports that would pull the UI toolkit, a serial
// port, the HTTP client library or pseudo-terminals into the hall's rules.
// DESIGN.md §2: app/ defines interfaces; ui/, device/ and sync/ satisfy them.
var forbiddenInApp = []string{
	"fyne.io/",
	"github.com/tarm/serial",
	"github.com/go-resty/",
	"github.com/creack/pty",
	"onewindow/device/", "onewindow/sync/", "onewindow/ui/", "onewindow/web/",
}

func TestAppImportsNoUIOrDeviceOrHTTPClient(t *testing.T) {
	t.Parallel()
	for _, p := range modulePackages(t, "./app/...") {
		for _, dep := range p.Deps {
			for _, bad := range forbiddenInApp {
				if strings.HasPrefix(dep, bad) {
					t.Errorf("package %s depends on %s (directly or through another package); app/ must not import %s: define an interface in app/ and implement it under device/, sync/ or ui/",
						p.ImportPath, dep, bad)
				}
			}
		}
	}
}

// TestScreensUseCasesNotTheStore: the screens render what the use cases
// (app/desk, the app interfaces) give them; none reaches into the
// terminal's database, directly or through another package.
func TestScreensUseCasesNotTheStore(t *testing.T) {
	t.Parallel()
	for _, p := range modulePackages(t, "./ui/...") {
		if slices.Contains(p.Deps, "onewindow/app/store") {
			t.Errorf("package %s depends on onewindow/app/store (directly or through another package); a screen takes an app interface, and cmd/onewindow hands it the store", p.ImportPath)
		}
	}
}

// TestNoGoFileOver600Lines keeps the rules, the network code and the
// screens in files a reader can hold in mind.
func TestNoGoFileOver600Lines(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	for _, dir := range []string{"app", "sync", "ui", "web"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if n := bytes.Count(b, []byte("\n")); n > 600 {
				rel, _ := filepath.Rel(root, p)
				t.Errorf("%s has %d lines; split it by job (at most 600)", rel, n)
			}
			return nil
		})
		if err != nil {
			t.Errorf("reading %s/: %v", dir, err)
		}
	}
}

func TestNoPackageShadowsTheStandardLibrary(t *testing.T) {
	t.Parallel()
	std := map[string]string{} // a name a program may import as → its std path
	for _, p := range strings.Fields(string(goList(t, "std"))) {
		if strings.Contains(p, "internal") || strings.HasPrefix(p, "vendor/") {
			continue // not importable, so nothing to shadow
		}
		std[path.Base(p)] = p
	}
	for _, p := range modulePackages(t, "./...") {
		if s, ok := std[path.Base(p.ImportPath)]; ok {
			t.Errorf("package %s is in a folder named like the standard library's %s; rename the folder (DESIGN.md §2: sync/outbox, not sync)", p.ImportPath, s)
		}
		if s, ok := std[p.Name]; ok && p.Name != "main" {
			t.Errorf("package %s is named %s, like the standard library's %s; every file importing both would have to rename one", p.ImportPath, p.Name, s)
		}
	}
}

// TestTopLevelFolders: the folders of DESIGN.md §2 exist and hold a file, so
// that they exist in a fresh clone too (git keeps no empty folder).
func TestTopLevelFolders(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	for _, dir := range []string{"app", "device", "sync", "ui", "web", "assets", "packaging", "cmd/onewindow"} {
		hasFile := false
		err := filepath.WalkDir(filepath.Join(root, dir), func(_ string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				hasFile = true
				return filepath.SkipAll
			}
			return nil
		})
		switch {
		case err != nil:
			t.Errorf("folder %s/ should exist (DESIGN.md §2): %v", dir, err)
		case !hasFile:
			t.Errorf("folder %s/ holds no file, so a fresh clone will not have it; give it a README.md saying what will live there", dir)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
