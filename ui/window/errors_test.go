package window

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/ui/theme"
)

// sourceFiles are the non-test Go files of dirs, parsed.
func sourceFiles(t *testing.T, dirs ...string) map[string]*ast.File {
	t.Helper()
	out := map[string]*ast.File{}
	fset := token.NewFileSet()
	for _, d := range dirs {
		names, _ := filepath.Glob(filepath.Join(d, "*.go"))
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, n, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = f
		}
	}
	if len(out) < 3 {
		t.Fatalf("found only %d source files in %v", len(out), dirs)
	}
	return out
}

// TestEveryErrorOfTheUseCasesHasWords walks the sentinel errors declared in
// app and app/desk (every exported Err… variable) and checks the window
// has words for each in both languages, its own words and not the Go
// error's, also when the error comes wrapped as the store wraps it.
func TestEveryErrorOfTheUseCasesHasWords(t *testing.T) {
	t.Parallel() // no window: only the words
	pkgOf := map[string]string{"../../app": "app", "../../app/desk": "desk"}
	known := map[string]bool{}
	for _, e := range errorKeys {
		known[e.err.Error()] = true
	}
	src, err := os.ReadFile("errors.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for dir, pkg := range pkgOf {
		for name, f := range sourceFiles(t, dir) {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.VAR {
					continue
				}
				for _, s := range g.Specs {
					for _, id := range s.(*ast.ValueSpec).Names {
						if !id.IsExported() || !strings.HasPrefix(id.Name, "Err") {
							continue
						}
						declared++
						if !strings.Contains(string(src), pkg+"."+id.Name+",") {
							t.Errorf("%s: %s.%s has no words in errorKeys (errors.go)", name, pkg, id.Name)
						}
					}
				}
			}
		}
	}
	if declared < 30 {
		t.Fatalf("found only %d sentinel errors; the walk is wrong", declared)
	}
	for _, l := range []theme.Language{theme.Chinese, theme.English} {
		term := &Terminal{w: theme.MustWordsIn(l)}
		for _, e := range errorKeys {
			want := term.tr(e.key)
			if want == e.key || want == "" {
				t.Errorf("%s: no words for %v (%s)", l, e.err, e.key)
				continue
			}
			wrapped := fmt.Errorf("take in case for item GA-001: %w: detail", e.err)
			if got := term.errorText(wrapped); got != want {
				t.Errorf("%s: %q shows as %q, want %q", l, wrapped, got, want)
			}
			if l == theme.Chinese && strings.Contains(want, e.err.Error()) {
				t.Errorf("the Chinese words for %v are the Go error's", e.err)
			}
		}
		if got := term.errorText(errors.New("something nobody foresaw")); got != term.tr("win.err.other") {
			t.Errorf("%s: an unforeseen error shows as %q", l, got)
		}
	}
}

// TestEveryProblemFieldHasWords walks the fields the use cases' checks
// name in app.Problems (app/desk, and the intake, application, rating and
// ticket checks of app they call) and checks each has words in both
// languages.
func TestEveryProblemFieldHasWords(t *testing.T) {
	t.Parallel()
	var wheres []string
	files := sourceFiles(t, "../../app/desk", "../../app")
	checks := map[string]bool{"desk": true, "records.go": true, "kiosk.go": true, "rating.go": true, "queue_store.go": true}
	for name, f := range files {
		if !checks[filepath.Base(name)] && !strings.Contains(name, "app/desk") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Add" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				w, _ := strconv.Unquote(lit.Value)
				wheres = append(wheres, w)
			}
			return true
		})
	}
	if len(wheres) < 10 {
		t.Fatalf("found only %d problem fields: %v", len(wheres), wheres)
	}
	for _, l := range []theme.Language{theme.Chinese, theme.English} {
		term := &Terminal{w: theme.MustWordsIn(l)}
		for _, w := range wheres {
			key, ok := fieldKeys[w]
			if !ok {
				t.Errorf("the problem field %q has no words (fieldKeys)", w)
				continue
			}
			if got := term.tr(key); got == key || got == "" {
				t.Errorf("%s: no words for the field %q", l, w)
			}
			var p app.Problems
			p.Add(w, "is wrong in English")
			got := term.errorText(fmt.Errorf("take in: %w", p.Err(app.ErrInvalidInput)))
			if strings.Contains(got, "in English") || !strings.Contains(got, term.tr(key)) {
				t.Errorf("%s: a problem with %q shows as %q", l, w, got)
			}
		}
	}
}

// TestAcceptingWithNothingTickedSaysSoInChinese accepts a case with no
// material ticked on the Chinese screen: the message is in Chinese, and a
// long message wraps instead of widening the window.
func TestAcceptingWithNothingTickedSaysSoInChinese(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.takeIn("jmsfzhl")
	b.ctrl(fyne.KeyS)
	want := b.term.tr("win.err.materials")
	if m := b.term.Message(); !strings.Contains(m, want) || strings.Contains(m, "invalid input") {
		t.Errorf("accepting with nothing ticked says %q, want %q", m, want)
	}
	long := strings.Repeat("这是一条很长的提示，", 40) + strings.Repeat(" a long English message", 30)
	b.term.onUI(func() { b.term.say(long, true) })
	var min, size fyne.Size
	var lines int
	b.term.onUI(func() {
		min, size = b.term.win.Content().MinSize(), b.term.win.Canvas().Size()
		lines = len(b.term.message.lines(b.term.message.width))
	})
	if min.Width > size.Width {
		t.Errorf("a long message asks for %v wide; the window is %v", min.Width, size.Width)
	}
	if lines < 3 {
		t.Errorf("a long message is on %d lines, want it wrapped", lines)
	}
}
