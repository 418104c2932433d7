package expr_test

import (
	"fmt"
	"time"

	"tracer/forms/expr"
)

// answers is an Env holding the answers of one interview.
type answers map[string]string

func (a answers) Ref(name string) expr.Value                { return expr.String(a[name]) }
func (a answers) Path(p *expr.PathNode) expr.Value          { return expr.String("") }
func (a answers) Current() expr.Value                       { return expr.String(a["."]) }
func (a answers) Position() int                             { return 0 }
func (a answers) ChoiceLabel(question, value string) string { return value }
func (a answers) Now() time.Time                            { return time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC) }
func (a answers) UUID() string                              { return "" }
func (a answers) Random() float64                           { return 0 }
func (a answers) IndexedRepeat(string, []string, []int) expr.Value {
	return expr.String("")
}

func Example() {
	e, err := expr.Parse("${age} >= 18 and selected(${consent}, 'yes')")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := expr.Check(e); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Refs())
	fmt.Println(expr.ToBool(e.Eval(answers{"age": "34", "consent": "yes"})))
	fmt.Println(expr.ToBool(e.Eval(answers{"age": "", "consent": "yes"})))
	// Output:
	// [age consent]
	// true
	// false
}

func ExampleCheck() {
	e, _ := expr.Parse("if(${a} > 1, 'x')")
	fmt.Println(expr.Check(e))
	// Output: at column 1: if() takes 3 arguments, got 2
}

func ExampleParse_error() {
	_, err := expr.Parse("concat(${first}, ' ', ${last}")
	fmt.Println(err)
	// Output: at column 30: missing ')' after arguments of concat
}

// choiceLists is the Env of a session whose form has choice lists, read as secondary
// instances: instance('list')/root/item is the list's choices, and the steps after item
// name their columns (name, label, or any other column of the choices sheet).
type choiceLists struct {
	answers
	lists map[string][]map[string]string
	x     *expr.Expr // the expression being evaluated, for its predicates
}

func (s choiceLists) Path(p *expr.PathNode) expr.Value {
	items, ok := s.lists[p.Instance]
	if !ok || len(p.Steps) != 3 || p.Steps[0] != "root" || p.Steps[1] != "item" {
		return expr.Nodes{} // an instance the form does not have
	}
	// The predicates of step "item" filter the choices in order, each one numbering the
	// choices the previous one kept from 1.
	for _, pred := range p.StepPreds(1) {
		var kept []map[string]string
		for i, c := range items {
			if s.x.Holds(pred, choice{s.answers, c, i + 1}) {
				kept = append(kept, c)
			}
		}
		items = kept
	}
	out := expr.Nodes{}
	for _, c := range items {
		out = append(out, expr.String(c[p.Steps[2]]))
	}
	return out
}

// choice is the Env of one choice tested by a predicate: relative paths are its columns,
// ${name} references and current() are the session's.
type choice struct {
	answers
	columns map[string]string
	pos     int
}

func (c choice) Path(p *expr.PathNode) expr.Value {
	if p.Instance != "" || p.Current || p.Absolute || len(p.Steps) != 1 {
		return expr.String("")
	}
	return expr.String(c.columns[p.Steps[0]])
}

func (c choice) Position() int { return c.pos }

// ExampleExpr_Holds resolves a path into a choice list, filtered by a predicate, as a
// session does.
func ExampleExpr_Holds() {
	x, err := expr.Parse("instance('district')/root/item[name = ${district}]/label")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := choiceLists{
		answers: answers{"district": "6474"},
		lists: map[string][]map[string]string{"district": {
			{"name": "6471", "label": "Balikpapan"},
			{"name": "6474", "label": "Bontang"},
		}},
		x: x,
	}
	fmt.Println(x.Refs())
	fmt.Println(expr.ToString(x.Eval(s)))
	first, _ := expr.Parse("instance('district')/root/item[1]/label")
	s.x = first
	fmt.Println(expr.ToString(first.Eval(s)))
	// Output:
	// [district]
	// Bontang
	// Balikpapan
}
