package tui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Every text id the code names as a literal ("iv.saved", "live.noday") exists in both
// languages: a typo or a text added to one language only fails here instead of showing an
// empty line.
func TestTextIDsExist(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`^(t|k|f|iv|rv|rev|home|live|list|pick|sync|ret|void|cov|set|state|err|help|month|num|sex|lang|small)\.[a-zA-Z0-9_.]*[a-zA-Z0-9]$`)
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "i18n.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !id.MatchString(s) {
				return true
			}
			seen++
			for lang, texts := range uiTexts {
				if _, ok := texts[s]; !ok {
					t.Errorf("%s: text %q is missing in %q", fset.Position(lit.Pos()), s, lang)
				}
			}
			return true
		})
	}
	if seen < 100 {
		t.Errorf("only %d text ids found in the code", seen)
	}
}
