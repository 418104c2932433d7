package tui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"tracer/survey"
)

// stringsOf returns the strings of v (a texts value or a part of one) by their path.
func stringsOf(v reflect.Value, path string, out map[string]string) {
	switch v.Kind() {
	case reflect.String:
		out[path] = v.String()
	case reflect.Struct:
		for i := range v.NumField() {
			stringsOf(v.Field(i), path+"."+v.Type().Field(i).Name, out)
		}
	case reflect.Array, reflect.Slice:
		for i := range v.Len() {
			stringsOf(v.Index(i), path, out)
		}
	}
}

// formatVerb matches a verb of the UI's texts.
var formatVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// TestTextsPlural: each English text with a count reads right for 0, 1 and 2 (its plural
// marks resolved, "1 roster row"), and its Indonesian, which has no plural form, prints the
// same count the same way.
func TestTextsPlural(t *testing.T) {
	all := map[string]string{}
	stringsOf(reflect.ValueOf(textsEN), "en", all)
	stringsOf(reflect.ValueOf(linksEN), "links", all)
	stringsOf(reflect.ValueOf(tracingEN), "tracing", all)
	stringsOf(reflect.ValueOf(addressEN), "address", all)
	stringsOf(reflect.ValueOf(refusedEN), "refused", all)
	stringsOf(reflect.ValueOf(textsID), "id", all)
	marked := 0
	for path, text := range all {
		if !strings.Contains(text, "%d") {
			continue
		}
		outs := map[int]string{}
		for _, n := range []int{0, 1, 2} {
			var args []any
			for _, v := range formatVerb.FindAllString(text, -1) {
				switch v[len(v)-1] {
				case '%':
				case 'd':
					args = append(args, n)
				default:
					args = append(args, "x")
				}
			}
			out := survey.Plurals(text, args...)
			if strings.Contains(out, "{s}") || regexp.MustCompile(`\{[^{}]*\|[^{}]*\}`).MatchString(out) || strings.Contains(out, "%!") {
				t.Errorf("%s with %d: %q", path, n, out)
			}
			if plain := fmt.Sprintf(text, args...); strings.HasPrefix(path, "id") && out != plain {
				t.Errorf("%s: Plurals changes an Indonesian text: %q, not %q", path, out, plain)
			}
			if n == 1 && !strings.HasPrefix(path, "id") && regexp.MustCompile(`\b1 (roster |returned |contact |more )?(rows|interviews|forms|attempts|updates|links|answers|problems|questions|revisions|flags|lines|tries|seconds|days|ids|alumni)\b`).MatchString(out) {
				t.Errorf("%s with 1: %q", path, out)
			}
			outs[n] = out
		}
		if strings.Contains(text, "{") && outs[1] != strings.ReplaceAll(outs[2], "2", "1") {
			marked++
		}
	}
	if marked < 20 {
		t.Errorf("only %d English texts read differently for 1: the plural marks are missing", marked)
	}
}

// TestTextsFormattedWithPlurals: the screens format a text with survey.Plurals, never with
// fmt.Sprintf, so that a text's plural marks are resolved wherever it is shown.
func TestTextsFormattedWithPlurals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "fmt" {
				return true
			}
			format := call.Args[0]
			if sel.Sel.Name == "Fprintf" && len(call.Args) > 1 {
				format = call.Args[1]
			}
			if !strings.HasSuffix(sel.Sel.Name, "printf") && sel.Sel.Name != "Errorf" {
				return true
			}
			if lit, ok := format.(*ast.BasicLit); !ok || lit.Kind != token.STRING {
				t.Errorf("%s: fmt.%s formats a text that is not a literal: use survey.Plurals", fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
