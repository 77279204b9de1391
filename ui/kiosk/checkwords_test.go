package kiosk

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"onewindow/app/health"
	"onewindow/device/probe"
	"onewindow/ui/theme"
)

// goSources parses the non-test Go files of dirs.
func goSources(t *testing.T, dirs ...string) []*ast.File {
	t.Helper()
	var out []*ast.File
	fset := token.NewFileSet()
	for _, d := range dirs {
		names, _ := filepath.Glob(filepath.Join("../..", d, "*.go"))
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, n, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, f)
		}
	}
	return out
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// isCheck reports whether a type is health.Check (Check in app/health).
func isCheck(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == "Check"
	case *ast.SelectorExpr:
		return x.Sel.Name == "Check"
	}
	return false
}

// checkName adds the literal Name of a Check literal to names.
func checkName(c *ast.CompositeLit, names map[string]bool) {
	for _, e := range c.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Name" {
				if s, ok := stringLit(kv.Value); ok {
					names[s] = true
				}
			}
		}
	}
}

// TestEveryDoctorCheckHasWords walks the sources of the doctor's checks for
// every name a check is given (Check{Name: "…"}, the serial devices the
// command opens by name, the probe's device kinds) and every verdict, and
// checks each has words in both languages.
func TestEveryDoctorCheckHasWords(t *testing.T) {
	t.Parallel() // no window: only the words
	names := map[string]bool{}
	for _, f := range goSources(t, "app/health", "app/store", "sync/netcheck", "device/probe", "cmd/onewindow") {
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				// Check{Name: …}, or []health.Check{{Name: …}}
				lits := []ast.Expr{x}
				if a, ok := x.Type.(*ast.ArrayType); ok && isCheck(a.Elt) {
					lits = x.Elts
				} else if !isCheck(x.Type) {
					return true
				}
				for _, e := range lits {
					if c, ok := e.(*ast.CompositeLit); ok {
						checkName(c, names)
					}
				}
			case *ast.CallExpr:
				sel, ok := x.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				switch {
				case sel.Sel.Name == "open" && len(x.Args) == 3:
					if s, ok := stringLit(x.Args[0]); ok {
						names[s] = true
					}
				case sel.Sel.Name == "openPrinter" && len(x.Args) == 2:
					if s, ok := stringLit(x.Args[1]); ok {
						names[s] = true
					}
				}
			}
			return true
		})
	}
	for _, kind := range []probe.Kind{probe.IDCard, probe.Printer, probe.QueueBus, probe.Scanner} {
		names[kind.Words()] = true
	}
	if len(names) < 12 {
		t.Fatalf("found only %d check names: %v", len(names), names)
	}
	for name := range names {
		if _, ok := checkKeys[name]; !ok {
			t.Errorf("the check %q has no words (checkKeys)", name)
		}
	}
	for _, l := range []theme.Language{theme.Chinese, theme.English} {
		k := &Kiosk{w: theme.MustWordsIn(l)}
		for name := range checkKeys {
			if got := k.checkName(name); got == "" || strings.HasPrefix(got, "tech.") || l == theme.Chinese && got == name {
				t.Errorf("%s: the check %q shows as %q", l, name, got)
			}
		}
		for _, v := range []health.Verdict{health.OK, health.Skip, health.Warn, health.Fail} {
			if got := k.verdictWord(v); got == "" || strings.HasPrefix(got, "tech.") || l == theme.Chinese && got == v.String() {
				t.Errorf("%s: the verdict %v shows as %q", l, v, got)
			}
		}
	}
}

// TestEveryKioskProblemHasWords walks app and app/selfservice for every
// problem code a use case can give the kiosk (the KioskProblem constants)
// and checks each has words in both languages.
func TestEveryKioskProblemHasWords(t *testing.T) {
	t.Parallel()
	var codes []string
	for _, f := range goSources(t, "app", "app/selfservice") {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if sel, ok := vs.Type.(*ast.SelectorExpr); !(ok && sel.Sel.Name == "KioskProblem") {
					if id, ok := vs.Type.(*ast.Ident); !(ok && id.Name == "KioskProblem") {
						continue
					}
				}
				for _, v := range vs.Values {
					if s, ok := stringLit(v); ok && s != "" {
						codes = append(codes, s)
					}
				}
			}
		}
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d problem codes: %v", len(codes), codes)
	}
	for _, l := range []theme.Language{theme.Chinese, theme.English} {
		w := theme.MustWordsIn(l)
		for _, c := range codes {
			if key := "problem." + c; w.L(key) == key || w.L(key) == "" {
				t.Errorf("%s: the problem %q has no words", l, c)
			}
		}
	}
}
