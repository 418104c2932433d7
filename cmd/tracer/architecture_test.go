package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArchitectureMap keeps docs/ARCHITECTURE.md's map true: every row names a Go file that
// exists and a function in it, written "Name" or "(*Type).Name" / "(Type).Name" for a method.
func TestArchitectureMap(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- map: question | file | function -->")
	if !ok {
		t.Fatal("docs/ARCHITECTURE.md has no map")
	}
	table, _, ok := strings.Cut(rest, "<!-- end map -->")
	if !ok {
		t.Fatal("the map in docs/ARCHITECTURE.md has no end")
	}
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 3 || strings.TrimSpace(cells[0]) == "question" || strings.HasPrefix(strings.TrimSpace(cells[0]), "---") {
			continue
		}
		question, file, fn := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		rows++
		if !definesFunc(t, filepath.Join(root, filepath.FromSlash(file)), fn) {
			t.Errorf("%q: %s has no function %s", question, file, fn)
		}
	}
	if rows < 12 {
		t.Errorf("the map answers %d questions, want at least a dozen", rows)
	}
}

// definesFunc reports whether the Go file at path declares fn ("Name", "(*T).Name", "(T).Name").
func definesFunc(t *testing.T, path, fn string) bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Errorf("parse %s: %v", path, err)
		return false
	}
	recv, name := "", fn
	if strings.HasPrefix(fn, "(") {
		r, n, ok := strings.Cut(fn[1:], ").")
		if !ok {
			t.Errorf("%s: cannot read the function name %q", path, fn)
			return false
		}
		recv, name = r, n
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != name {
			continue
		}
		if recv == "" && fd.Recv == nil {
			return true
		}
		if recv != "" && fd.Recv != nil && len(fd.Recv.List) == 1 && typeString(fd.Recv.List[0].Type) == recv {
			return true
		}
	}
	return false
}

// typeString writes a receiver type as the map does: "*T" or "T", type parameters dropped.
func typeString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return "*" + typeString(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return typeString(e.X)
	case *ast.IndexListExpr:
		return typeString(e.X)
	}
	return ""
}
