package forms_test

import (
	"fmt"
	"math"
	"regexp/syntax"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/expr"
)

// constraintCandidates returns answers to try against the constraint of n: the values its
// literals name and their neighbours (for a number k: k, k-1, k+1, k/2, k*2; for a date
// literal: the day and those around it; for a string: itself), then the generic candidates
// of n's type.
func constraintCandidates(s *forms.Session, st forms.Stop) []string {
	n := st.Node
	var out []string
	seen := map[string]bool{}
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	var walk func(x expr.Node)
	walk = func(x expr.Node) {
		switch x := x.(type) {
		case *expr.NumberNode:
			k := x.Value
			for _, v := range []float64{k, k - 1, k + 1, k / 2, k * 2, k - 0.5, k + 0.5, -k} {
				if n.Type == "integer" && v != math.Trunc(v) {
					continue
				}
				add(strconv.FormatFloat(v, 'f', -1, 64))
			}
			if n.Type == "text" {
				add(strings.Repeat("1", max(1, min(int(k), 64))))
			}
		case *expr.StringNode:
			add(x.Value)
			if d, err := time.Parse("2006-01-02", x.Value); err == nil {
				for _, delta := range []int{-1, 1, -365, 365} {
					add(d.AddDate(0, 0, delta).Format("2006-01-02"))
				}
			}
		case *expr.BinaryNode:
			walk(x.L)
			walk(x.R)
		case *expr.UnaryNode:
			walk(x.X)
			if num, ok := x.X.(*expr.NumberNode); ok {
				add(strconv.FormatFloat(-num.Value, 'f', -1, 64))
			}
		case *expr.CallNode:
			for _, a := range x.Args {
				walk(a)
			}
			if x.Name == "regex" && len(x.Args) == 2 {
				if lit, ok := x.Args[1].(*expr.StringNode); ok {
					if v, ok := matching(lit.Value); ok {
						add(v)
					}
				}
			}
		}
	}
	if n.Constraint != nil {
		walk(n.Constraint.Root)
	}
	for _, c := range candidates(s, st) {
		add(c)
	}
	return out
}

// unsatisfiable returns the questions of s whose constraint refuses every candidate answer,
// each as "path: constraint". The session's answers give the other questions' values; the
// answer at each path is put back after the trial.
func unsatisfiable(s *forms.Session) []string {
	var bad []string
	for _, n := range s.Form().Nodes {
		if n.Constraint == nil || n.Kind != forms.KindQuestion || n.Unsupported || n.Calculation != nil {
			continue
		}
		path := n.Path()
		if n.Repeat != nil {
			path = firstInstancePath(s, n)
			if path == "" {
				continue
			}
		}
		if !answered(s, path, n) {
			continue // the constraint compares with an answer nobody gave: nothing to judge
		}
		before := s.Value(path)
		ok := false
		for _, c := range constraintCandidates(s, forms.Stop{Path: path, Node: n}) {
			if p, err := s.Set(path, c); err == nil && p == nil {
				ok = true
				break
			}
		}
		if before != "" {
			_, _ = s.Set(path, before)
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("%s (row %d): %s", path, n.Row, n.Constraint.Src))
		}
	}
	return bad
}

// answered reports whether every other question the constraint of n reads has an answer.
func answered(s *forms.Session, path string, n *forms.Node) bool {
	var names []string
	names = append(names, n.Constraint.Refs()...)
	for _, p := range n.Constraint.Paths() {
		if p.Instance == "" && len(p.Steps) > 0 {
			names = append(names, p.Steps[len(p.Steps)-1])
		}
	}
	for _, name := range names {
		o := s.Form().Node(name)
		if o == nil || o == n || o.IsGroup() {
			continue
		}
		at := o.Path()
		if o.Repeat != nil {
			at = firstInstancePath(s, o)
		}
		if s.Value(at) == "" || !s.Relevant(at) {
			return false
		}
	}
	return true
}

// matching returns a string that the regular expression pattern matches, built from its
// syntax tree: the least each part asks for.
func matching(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	var gen func(re *syntax.Regexp) bool
	gen = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpLiteral:
			b.WriteString(string(re.Rune))
		case syntax.OpCharClass:
			if len(re.Rune) == 0 {
				return false
			}
			b.WriteRune(re.Rune[0])
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('a')
		case syntax.OpCapture:
			return gen(re.Sub[0])
		case syntax.OpConcat:
			for _, sub := range re.Sub {
				if !gen(sub) {
					return false
				}
			}
		case syntax.OpAlternate:
			return gen(re.Sub[0])
		case syntax.OpPlus:
			return gen(re.Sub[0])
		case syntax.OpRepeat:
			for i := 0; i < re.Min; i++ {
				if !gen(re.Sub[0]) {
					return false
				}
			}
		case syntax.OpStar, syntax.OpQuest, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
			syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		default:
			return false
		}
		return true
	}
	if !gen(re) {
		return "", false
	}
	return b.String(), true
}

// firstInstancePath returns the path of n in the first instance of each repeat around it,
// or "" if there is none.
func firstInstancePath(s *forms.Session, n *forms.Node) string {
	for _, st := range s.Stops() {
		if st.Node == n {
			return st.Path
		}
	}
	return ""
}

// TestCorpusConstraintsAcceptSomeValue checks, on every form of the corpus, that each
// question with a constraint accepts at least one answer that the constraint's own literals
// suggest: a constraint that refuses everything (as one reading a question's old value
// would) is caught on any form.
func TestCorpusConstraintsAcceptSomeValue(t *testing.T) {
	for _, path := range corpus(t) {
		t.Run(pathBase(path), func(t *testing.T) {
			f, err := forms.Load(path)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }, DeviceID: "test", Username: "enum1"})
			if _, err := autofill(s, 1); err != nil {
				t.Fatal(err)
			}
			if bad := unsatisfiable(s); len(bad) > 0 {
				t.Fatalf("%d constraints refuse every candidate answer:\n%s", len(bad), strings.Join(bad, "\n"))
			}
		})
	}
}

// TestUnsatisfiableConstraintIsCaught: the check finds a constraint that refuses everything,
// and passes one that accepts its literals' values.
func TestUnsatisfiableConstraintIsCaught(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label | constraint |
| | integer | never | Never | . > 5 and . < 3 |
| | integer | months | Months | ${months} >= 0 and ${months} <= 216 |
| | text | code | Code | string-length(.) = 16 |
| | date | visit | Visit | . >= '2026-01-01' and . < '2026-01-02' |
| | text | pcode | Code | regex(., '^[A-Z]{2}[0-9]{3}$') |
`)
	bad := unsatisfiable(s)
	if len(bad) != 1 || !strings.HasPrefix(bad[0], "never (row 4)") {
		t.Fatalf("unsatisfiable = %q, want only never", bad)
	}
}

func pathBase(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }
