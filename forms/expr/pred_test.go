package expr

import (
	"testing"
)

// candidateEnv is the Env of a candidate node tested by a predicate: its children are
// paths, the rest is the session's.
type candidateEnv struct {
	*testEnv
	node map[string]Value // "." and the candidate's children, by path
	pos  int
}

func (c candidateEnv) Path(p *PathNode) Value {
	if v, ok := c.node[p.String()]; ok {
		return v
	}
	return c.testEnv.Path(p)
}

func (c candidateEnv) Position() int { return c.pos }

// preds returns the predicates of the first path with predicates in e.
func preds(tb testing.TB, e *Expr) []Node {
	tb.Helper()
	var found []Node
	walk(e.Root, func(n Node) bool {
		if p, ok := n.(*PathNode); ok && found == nil {
			for _, ps := range p.Preds {
				found = append(found, ps...)
			}
		}
		return found == nil
	})
	if found == nil {
		tb.Fatalf("%q has no predicates", e.Src)
	}
	return found
}

func TestEvalNode(t *testing.T) {
	tests := []struct {
		src  string
		node map[string]Value
		pos  int
		want Value
		hold bool
	}{
		{"item[name = ${district}]", map[string]Value{"name": String("6474")}, 1, Bool(true), true},
		{"item[name = ${district}]", map[string]Value{"name": String("6471")}, 1, Bool(false), false},
		// A number holds at its position only.
		{"item[2]", nil, 2, Number(2), true},
		{"item[2]", nil, 1, Number(2), false},
		{"item[position() = 2]", nil, 2, Bool(true), true},
		{"item[last]", map[string]Value{"last": String("x")}, 1, String("x"), true},
		{"item[last]", map[string]Value{"last": String("")}, 1, String(""), false},
		// "." is the candidate and goes to Path; current() is the node the expression is for.
		{"item[. != '']", map[string]Value{".": String("a")}, 1, Bool(true), true},
		{"item[. = current()]", map[string]Value{".": String("cur")}, 1, Bool(true), true},
		{"item[. = current()]", map[string]Value{".": String("other")}, 1, Bool(false), false},
		{"item[string-length() = 3]", map[string]Value{".": String("abc")}, 1, Bool(true), true},
		{"item[P_SN = current()/../C_SN]", map[string]Value{"P_SN": String("7"), "current()/../C_SN": String("7")}, 1, Bool(true), true},
		{"item[P_SN = current()/../C_SN]", map[string]Value{"P_SN": String("8"), "current()/../C_SN": String("7")}, 1, Bool(false), false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := mustParse(t, tt.src)
			pred := preds(t, e)[0]
			base := newTestEnv()
			base.current = String("cur")
			env := candidateEnv{base, tt.node, tt.pos}
			if got, want := show(e.EvalNode(pred, env)), show(tt.want); got != want {
				t.Errorf("EvalNode(%s) = %s, want %s", pred, got, want)
			}
			if got := e.Holds(pred, env); got != tt.hold {
				t.Errorf("Holds(%s) = %t, want %t", pred, got, tt.hold)
			}
			// The same, compiled on the fly.
			var hand *Expr
			if got, want := show(hand.EvalNode(pred, env)), show(tt.want); got != want {
				t.Errorf("nil Expr: EvalNode(%s) = %s, want %s", pred, got, want)
			}
		})
	}
}

// TestEvalNodeCompiledOnce checks that Parse compiles every predicate, nested ones too.
func TestEvalNodeCompiledOnce(t *testing.T) {
	e := mustParse(t, "count(/data/r[x[y = 1]][2]/z) + instance('l')/root/item[name = ${a}]/label")
	var want int
	walk(e.Root, func(n Node) bool {
		if p, ok := n.(*PathNode); ok {
			for _, ps := range p.Preds {
				for _, x := range ps {
					want++
					if e.preds[x] == nil {
						t.Errorf("predicate %s is not compiled", x)
					}
				}
			}
		}
		return true
	})
	if want != 4 || len(e.preds) != want {
		t.Errorf("%d predicates compiled, walked %d, want 4", len(e.preds), want)
	}
	pred, env := preds(t, e)[0], newTestEnv()
	var hand *Expr
	compiled := testing.AllocsPerRun(100, func() { e.EvalNode(pred, env) })
	onTheFly := testing.AllocsPerRun(100, func() { hand.EvalNode(pred, env) })
	if compiled >= onTheFly {
		t.Errorf("EvalNode allocates %v times, as many as compiling on the fly (%v)", compiled, onTheFly)
	}
}

func TestEvalNodeOdd(t *testing.T) {
	e := mustParse(t, "a[1]")
	for _, tt := range []struct {
		n    Node
		want Value
	}{
		{nil, String("")},
		{&StringNode{Value: "x"}, String("x")},
		{&BinaryNode{Op: OpAdd, L: &NumberNode{Value: 1}, R: &RefNode{Name: "five"}}, Number(6)},
	} {
		if got, want := show(e.EvalNode(tt.n, newTestEnv())), show(tt.want); got != want {
			t.Errorf("EvalNode(%v) = %s, want %s", tt.n, got, want)
		}
	}
	if got := show(e.EvalNode(preds(t, e)[0], nil)); got != show(Number(1)) {
		t.Errorf("nil env: EvalNode = %s, want Number(1)", got)
	}
	if e.Holds(preds(t, e)[0], nil) {
		t.Errorf("nil env: Holds(1) = true, want false (no position)")
	}
}
