package survey

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestPlurals: a plural mark takes the form of the last integer before it; a text without
// marks (every Indonesian one) prints as fmt.Sprintf does.
func TestPlurals(t *testing.T) {
	for _, tc := range []struct {
		format string
		args   []any
		out    string
	}{
		{"%d roster row{s}", []any{0}, "0 roster rows"},
		{"%d roster row{s}", []any{1}, "1 roster row"},
		{"%d roster row{s}", []any{2}, "2 roster rows"},
		{"pulled %d form{s}, %d roster row{s}, %d returned interview{s}", []any{1, 2, 1}, "pulled 1 form, 2 roster rows, 1 returned interview"},
		{"%d of %d form{s} did not load", []any{1, 1}, "1 of 1 form did not load"},
		{"%d table{s} {differs|differ} in %s", []any{1, "db"}, "1 table differs in db"},
		{"%d table{s} {differs|differ} in %s", []any{3, "db"}, "3 tables differ in db"},
		{"%s: %d interview{s} ({100%%|all}) in %q", []any{"a", int64(1), "{s}"}, `a: 1 interview ({100%|all}) in "{s}"`},
		{"{x} %d baris {a b}", []any{1}, "{x} 1 baris {a b}"},
		{"%d person {was|were} %s", []any{uint8(1), "x"}, "1 person was x"},
		{"%d wawancara dikembalikan", []any{1}, "1 wawancara dikembalikan"},
	} {
		if got := Plurals(tc.format, tc.args...); got != tc.out {
			t.Errorf("Plurals(%q, %v) = %q, want %q", tc.format, tc.args, got, tc.out)
		}
	}
	if got := PluralKey("%d interview{s} {is|are} safe"); got != "%d interviews are safe" {
		t.Errorf("PluralKey = %q", got)
	}
	e := Errorf(EFULL, "%d interview{s} {is|are} safe on the server; this laptop could not record that: %s", 1, "x")
	if e.Message != "1 interview is safe on the server; this laptop could not record that: x" || e.Key != "%d interviews are safe on the server; this laptop could not record that: %s" {
		t.Errorf("Errorf gives message %q, key %q", e.Message, e.Key)
	}
}

// pluralNoun matches a count followed by up to three words, the last a plural noun: a text
// that reads wrong for a count of 1 ("1 roster rows") unless its noun has a plural mark.
var pluralNoun = regexp.MustCompile(`%d((?: [a-z-]+){0,2}) ([a-z-]{2,}s\b|alumni\b|[a-z]+\(s\))`)

// parenPlural matches a noun with its plural left open ("interview(s)"), which Plurals
// says right for the count instead.
var parenPlural = regexp.MustCompile(`[a-z]\(s\)`)

// notNouns are words ending in s that follow a count as a verb or pronoun ("revision %d
// was", "receipt %d names ...").
var notNouns = map[string]bool{"is": true, "was": true, "has": true, "this": true, "needs": true, "names": true, "disagrees": true, "bytes": true, "levels": true}

// limitWords come before a count that is a limit, never 1 ("at most %d rows").
var limitWords = []string{"at most ", "up to ", "more than ", "over ", " to ", "after "}

// indonesianVars are the variables that hold Indonesian texts: their nouns have no plural.
var indonesianVars = map[string]bool{"indonesian": true, "textsID": true, "linksID": true, "tracingID": true, "addressID": true, "refusedID": true}

// TestCountsHavePlurals: every English text of the programs (the CLI, the TUI, the sync
// client and server, the stores) that puts a count before a plural noun marks the plural,
// so that a count of 1 reads "1 roster row", not "1 roster rows".
func TestCountsHavePlurals(t *testing.T) {
	fset := token.NewFileSet()
	var bad []string
	found := 0
	for _, root := range refusalRoots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "loadgen" || d.Name() == "testbed" || d.Name() == "node_modules" || d.Name() == "storetest" || d.Name() == "export" || d.Name() == "qr") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if v, ok := n.(*ast.ValueSpec); ok && len(v.Names) == 1 && indonesianVars[v.Names[0].Name] {
					return false
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok {
					return true
				}
				s, ok := literal(lit)
				if !ok || !strings.Contains(s, "%d") && !parenPlural.MatchString(s) {
					return true
				}
				found++
				if m := parenPlural.FindString(s); m != "" {
					bad = append(bad, fset.Position(lit.Pos()).String()+": "+m)
				}
				for _, m := range pluralNoun.FindAllStringSubmatchIndex(s, -1) {
					before, words, noun := s[:m[0]], s[m[2]:m[3]], s[m[4]:m[5]]
					if notNouns[noun] || strings.HasPrefix(words, " in ") || strings.HasPrefix(words, " of ") || words == " in" ||
						slices.ContainsFunc(limitWords, func(w string) bool { return strings.HasSuffix(before, w) }) {
						continue
					}
					bad = append(bad, fset.Position(lit.Pos()).String()+": "+s[m[0]:m[1]])
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found < 100 {
		t.Fatalf("only %d texts with a count found: the walk missed the code", found)
	}
	for _, b := range bad {
		t.Errorf("a count before a plural noun with no plural mark ({s}, see Plurals): %s", b)
	}
}
