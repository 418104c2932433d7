package expr

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// testEnv is a tiny Env: answers by name, values of paths by their text.
type testEnv struct {
	refs    map[string]Value
	paths   map[string]Value
	current Value
	pos     int
	labels  map[string]string // "question value" -> label
	now     time.Time
	random  float64

	// Arguments of the last IndexedRepeat call.
	repeatName    string
	repeatRepeats []string
	repeatIndexes []int
}

func (e *testEnv) Ref(name string) Value { return e.refs[name] } // nil when unknown

func (e *testEnv) Path(p *PathNode) Value { return e.paths[p.String()] }

func (e *testEnv) Current() Value { return e.current }

func (e *testEnv) Position() int { return e.pos }

// IndexedRepeat returns node i-1 of the Nodes answer of name, for the innermost index.
func (e *testEnv) IndexedRepeat(name string, repeats []string, indexes []int) Value {
	e.repeatName, e.repeatRepeats, e.repeatIndexes = name, repeats, indexes
	ns, _ := e.refs[name].(Nodes)
	i := indexes[len(indexes)-1] - 1
	if i < 0 || i >= len(ns) {
		return String("")
	}
	return ns[i]
}

func (e *testEnv) ChoiceLabel(question, value string) string {
	return e.labels[question+" "+value]
}

func (e *testEnv) Now() time.Time { return e.now }

func (e *testEnv) UUID() string { return "0d9e1b5c-4f3a-4c1e-9a57-3f8f7c1d2e6b" }

func (e *testEnv) Random() float64 { return e.random }

// newTestEnv returns the answers most evaluation tests run against.
func newTestEnv() *testEnv {
	return &testEnv{
		refs: map[string]Value{
			"empty":       String(""),
			"five":        String("5"),
			"ten":         String("10"),
			"name":        String("Siti"),
			"last":        String("Aminah"),
			"pi":          String(" 3.14 "),
			"junk":        String("abc"),
			"dob":         String("1998-01-04"),
			"visit":       String("2026-11-22T09:30:00.000+07:00"),
			"today_date":  Date{T: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)},
			"symptoms":    String(" fever  cough\theadache "),
			"consent":     String("yes"),
			"ages":        Nodes{String("34"), String("7"), String("61")},
			"names":       Nodes{String("Ani"), String("Budi"), String("")},
			"members":     Nodes{String(""), String(""), String("")},
			"none":        Nodes{},
			"with_empty":  Nodes{String("3"), String("")},
			"yes":         String("1"),
			"no":          String(""),
			"zero":        String("0"),
			"district":    String("6474"),
			"main_status": String("3"),
		},
		paths: map[string]Value{
			"/data/hh/size": String("4"),
			"../sibling":    String("sib"),
			"instance('list')/root/item[name = ${x}]/label": String("Bontang"),
			"instance('list')/root/item":                    Nodes{String(""), String(""), String("")},
			"current()/../x":                                String("cx"),
			"./source":                                      String("user"),
		},
		pos:    2,
		labels: map[string]string{"district 6474": "Bontang", "q yes": "Ya"},
		now:    time.Date(2026, 11, 22, 14, 5, 9, 123e6, time.FixedZone("WITA", 8*3600)),
		random: 0.25,
	}
}

// show prints a Value with its type, so that tests compare types too and NaN equals NaN.
func show(v Value) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case String:
		return fmt.Sprintf("String(%q)", string(v))
	case Number:
		return fmt.Sprintf("Number(%s)", formatNumber(float64(v)))
	case Bool:
		return fmt.Sprintf("Bool(%t)", bool(v))
	case Date:
		return fmt.Sprintf("Date(%s)", ToString(v))
	case Nodes:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = show(x)
		}
		return "Nodes[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

var nan = Number(math.NaN())
