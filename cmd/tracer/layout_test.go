package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// layer returns the top-level part of the module a package belongs to: "forms", "survey"
// (the domain root), "survey/" (its implementations), "sync", "tui" or "cmd"; "" for any
// other place, which the fixed layout does not have.
func layer(rel string) string {
	top, _, sub := strings.Cut(rel, "/")
	switch {
	case top == "survey" && !sub:
		return "survey"
	case top == "survey":
		return "survey/"
	case top == "forms", top == "sync", top == "tui", top == "cmd":
		return top
	}
	return ""
}

// allowed lists, for each layer, the layers its packages may import from the module:
// forms <- survey <- {survey/*, sync/*, tui} <- cmd, and tui and sync never each other.
var allowed = map[string][]string{
	"forms":   {"forms"},
	"survey":  {"forms"},
	"survey/": {"forms", "survey", "survey/"},
	"sync":    {"forms", "survey", "survey/", "sync"},
	"tui":     {"forms", "survey", "survey/", "tui"},
	"cmd":     {"forms", "survey", "survey/", "sync", "tui", "cmd"},
}

// banned lists, for each layer, the packages it must not depend on, even through another
// package (a name ending in "/" bans the tree below it): the form engine runs no SQL and
// draws no terminal; the domain root stores nothing and serves nothing.
var banned = map[string][]string{
	"forms":  {"database/sql", "modernc.org/", "charm.land/", "github.com/charmbracelet/"},
	"survey": {"database/sql", "modernc.org/", "net/http"},
	"tui":    {"tracer/sync/", "database/sql"},
	"sync":   {"tracer/tui"},
}

// TestImportDirection checks the import rules of the layout on every package of the module,
// from go list: what each imports directly, and what it depends on at all.
func TestImportDirection(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goTool, "list", "-json=ImportPath,Imports,Deps", "tracer/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(p.ImportPath, "tracer/")
		l := layer(rel)
		if l == "" {
			t.Errorf("%s is outside the layout (cmd, tui, survey, sync, forms)", p.ImportPath)
			continue
		}
		seen[l] = true
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, "tracer/")
			if !ok {
				continue
			}
			if d := layer(dep); !slices.Contains(allowed[l], d) {
				t.Errorf("%s imports %s (%s may import only %v)", rel, dep, l, allowed[l])
			}
		}
		for _, dep := range p.Deps {
			for _, b := range banned[l] {
				if dep == b || strings.HasSuffix(b, "/") && strings.HasPrefix(dep, b) {
					t.Errorf("%s depends on %s", rel, dep)
				}
			}
		}
	}
	for l := range allowed {
		if !seen[l] {
			t.Errorf("no package of layer %s was checked", l)
		}
	}
}
