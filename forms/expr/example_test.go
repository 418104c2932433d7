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
