package expr

import (
	"math"
	"strings"
	"time"
)

// Env is what an expression is evaluated against. The form session implements it.
type Env interface {
	// Ref returns the value of ${name} seen from the evaluation context: a String for a
	// field, a Nodes for a field inside a repeat seen from outside it, or for a repeat.
	Ref(name string) Value
	// Path returns the value of any path other than ".".
	Path(p *PathNode) Value
	// Current returns the value of ".", the answer being checked or computed.
	Current() Value
	// Position returns the 1-based index of the current repeat instance, or 0 if none.
	Position() int
	// IndexedRepeat returns the value of field name in the instances of the nested
	// repeats given with their 1-based indexes, outermost first.
	IndexedRepeat(name string, repeats []string, indexes []int) Value
	// ChoiceLabel returns the label, in the current language, of the choice value of
	// question.
	ChoiceLabel(question, value string) string
	// Now returns the session's clock, read by today() and now().
	Now() time.Time
	// UUID returns a new random UUID, for uuid().
	UUID() string
	// Random returns a random number in [0, 1), for random().
	Random() float64
}

// PositionEnv is an Env that also tells the position of the node a path names, for
// position(path): the 1-based index of a repeat instance among its siblings, 1 for any
// other node. Without it position(path) is Env.Position.
type PositionEnv interface {
	Env
	PositionOf(p *PathNode) int
}

// LastEnv is an Env that also tells the size of the context, for last(): inside a
// predicate the number of candidates the predicate is tested on. Without it last() is 1.
type LastEnv interface {
	Env
	Last() int
}

// CountEnv is an Env that also counts the nodes a reference or a path names, for count():
// every node, answered or not, relevant or not, as XPath counts a node-set. ok is false
// when it leaves the count to the value of the argument (a repeat's instances, say).
type CountEnv interface {
	Env
	NodeCount(n Node) (count int, ok bool)
}

// BoundEnv is an Env that also reads references resolved once, when the form loads,
// instead of by name at each evaluation (see Expr.BindRefs).
type BoundEnv interface {
	Env
	// Bound returns the value of the reference bound to id, what Ref returns for its
	// name; nil if it cannot, and the reference is then read with Ref.
	Bound(id int) Value
}

// BindRefs binds each ${name} reference of e, those in the predicates of paths included,
// to the id that id returns for its name, if it returns one (ok): evaluated against a
// BoundEnv, the reference is then read with Bound(id), not Ref(name). Call it before e is
// evaluated, never while it is: the binding is part of the compiled expression, shared by
// every evaluation.
func (e *Expr) BindRefs(id func(name string) (int, bool)) {
	if e == nil {
		return
	}
	for _, r := range e.refs {
		*r.id = 0
		if k, ok := id(r.name); ok && k >= 0 {
			*r.id = k + 1
		}
	}
}

// evalFn is a compiled expression or sub-expression. It never returns nil.
type evalFn func(Env) Value

// Eval evaluates e against env. It never panics: a value that makes no sense at run time
// gives NaN, "" or false, as in XPath. A nil env behaves as one where every answer is empty.
func (e *Expr) Eval(env Env) Value {
	if e == nil {
		return String("")
	}
	if env == nil {
		env = emptyEnv{}
	}
	f := e.eval
	if f == nil {
		f = compile(e.Root)
	} else if e.slots > 0 {
		return evalShared(f, e.slots, env)
	}
	return f(env)
}

// EvalNode evaluates n, one of the predicates [expr] of a path of e, for one candidate node:
// env is the Env of the candidate. Inside a predicate, relative paths and "." stand for
// the candidate and its children and go to env.Path; current() and paths from current()
// stand for the node e is evaluated for (env.Current and env.Path); ${name} references go
// to env.Ref as anywhere else; position() is env.Position, the candidate's position.
//
// The predicates of an Expr returned by Parse are compiled by Parse, once; EvalNode only
// looks them up. Any other node (of an Expr built by hand, say) is compiled at each call.
// Like Eval, EvalNode never panics, and a nil env has no answers.
func (e *Expr) EvalNode(n Node, env Env) Value {
	if env == nil {
		env = emptyEnv{}
	}
	var f evalFn
	if e != nil && e.preds != nil && ownNode(n) {
		f = e.preds[n]
	}
	if f == nil {
		f = compiler{pred: true}.compile(n)
	}
	return f(env)
}

// Holds reports whether the candidate node env stands for passes pred, one of the
// predicates of a path of e, as XPath decides: a predicate that gives a number holds for
// the candidate at that position (env.Position, 1-based), any other value when it
// converts to true. Where a step has several predicates, apply them in order, each to the
// candidates the previous one kept, numbered from 1 again.
func (e *Expr) Holds(pred Node, env Env) bool {
	if env == nil {
		env = emptyEnv{}
	}
	v := e.EvalNode(pred, env)
	if n, ok := v.(Number); ok {
		return float64(n) == float64(env.Position())
	}
	return ToBool(v)
}

// compilePreds compiles the predicates of the paths of root, nested ones included, or
// returns nil if there are none.
func compilePreds(root Node, refs *[]refCell) map[Node]evalFn {
	var m map[Node]evalFn
	walk(root, func(n Node) bool {
		if p, ok := n.(*PathNode); ok {
			for _, preds := range p.Preds {
				for _, x := range preds {
					if m == nil {
						m = make(map[Node]evalFn)
					}
					m[x] = compiler{pred: true, refs: refs}.compile(x)
				}
			}
		}
		return true
	})
	return m
}

// ownNode reports whether n is a node of this package, and so may key a map.
func ownNode(n Node) bool {
	switch n.(type) {
	case *NumberNode, *StringNode, *RefNode, *PathNode, *UnaryNode, *BinaryNode, *CallNode:
		return true
	}
	return false
}

// emptyEnv is an Env with no answers, used for a nil Env.
type emptyEnv struct{}

func (emptyEnv) Ref(string) Value                            { return String("") }
func (emptyEnv) Path(*PathNode) Value                        { return String("") }
func (emptyEnv) Current() Value                              { return String("") }
func (emptyEnv) Position() int                               { return 0 }
func (emptyEnv) IndexedRepeat(string, []string, []int) Value { return String("") }
func (emptyEnv) ChoiceLabel(string, string) string           { return "" }
func (emptyEnv) Now() time.Time                              { return time.Unix(0, 0).UTC() }
func (emptyEnv) UUID() string                                { return "" }
func (emptyEnv) Random() float64                             { return 0 }

func constant(v Value) evalFn { return func(Env) Value { return v } }

var empty = constant(String(""))

// compile turns an AST into closures. Literals are boxed once here, not at each evaluation.
func compile(n Node) evalFn { return compiler{}.compile(n) }

// compiler compiles an AST into closures. Outside predicates, "." is the answer being
// checked or computed, read with Env.Current. Inside a predicate (pred true), "." is the
// node being tested: it goes to Env.Path like any relative path, as do the functions that
// read "." when called without arguments, and only current() reads Env.Current.
type compiler struct {
	pred bool
	// slots holds the sub-expressions evaluated once per evaluation (see memoSlots), by
	// node; nil inside predicates.
	slots map[Node]int
	// refs collects the ${name} references compiled, for Expr.BindRefs; nil when they are
	// read by name only.
	refs *[]refCell
}

// refCell is one compiled ${name} reference: id holds 1 + the id it is bound to, 0 if none.
type refCell struct {
	name string
	id   *int
}

func (c compiler) compile(n Node) evalFn {
	if slot, ok := c.slots[n]; ok && !c.pred {
		return shared(slot, c.compileNode(n))
	}
	return c.compileNode(n)
}

func (c compiler) compileNode(n Node) evalFn {
	switch n := n.(type) {
	case *NumberNode:
		return constant(Number(n.Value))
	case *StringNode:
		return constant(String(n.Value))
	case *RefNode:
		name := n.Name
		if c.refs == nil {
			return func(env Env) Value { return orEmpty(env.Ref(name)) }
		}
		id := new(int) // 1 + the id BindRefs gave the reference; 0 while it has none
		*c.refs = append(*c.refs, refCell{name: name, id: id})
		return func(env Env) Value {
			if k := *id; k > 0 {
				if b, ok := env.(BoundEnv); ok {
					if v := b.Bound(k - 1); v != nil {
						return v
					}
				}
			}
			return orEmpty(env.Ref(name))
		}
	case *PathNode:
		if isCurrent(n) && !c.pred {
			return func(env Env) Value { return orEmpty(env.Current()) }
		}
		return func(env Env) Value { return orEmpty(env.Path(n)) }
	case *UnaryNode:
		if n.Op != OpNeg {
			return empty
		}
		x := c.compile(n.X)
		return func(env Env) Value { return Number(-ToNumber(x(env))) }
	case *BinaryNode:
		return c.binary(n)
	case *CallNode:
		return c.call(n)
	}
	return empty
}

// dot returns the closure that reads ".".
func (c compiler) dot() evalFn {
	if c.pred {
		return c.compile(&PathNode{Steps: []string{"."}})
	}
	return func(env Env) Value { return orEmpty(env.Current()) }
}

func (c compiler) binary(n *BinaryNode) evalFn {
	l, r := c.compile(n.L), c.compile(n.R)
	if op := n.Op; op.IsComparison() {
		return func(env Env) Value { return Bool(compare(op, l(env), r(env))) }
	}
	switch n.Op {
	case OpAnd:
		return func(env Env) Value { return Bool(ToBool(l(env)) && ToBool(r(env))) }
	case OpOr:
		return func(env Env) Value { return Bool(ToBool(l(env)) || ToBool(r(env))) }
	case OpAdd:
		return func(env Env) Value { return Number(ToNumber(l(env)) + ToNumber(r(env))) }
	case OpSub:
		return func(env Env) Value { return Number(ToNumber(l(env)) - ToNumber(r(env))) }
	case OpMul:
		return func(env Env) Value { return Number(ToNumber(l(env)) * ToNumber(r(env))) }
	case OpDiv:
		return func(env Env) Value { return Number(ToNumber(l(env)) / ToNumber(r(env))) }
	case OpMod:
		return func(env Env) Value { return Number(math.Mod(ToNumber(l(env)), ToNumber(r(env)))) }
	case OpUnion:
		return func(env Env) Value { return flatten(nil, l(env), r(env)) }
	}
	return empty
}

// compare compares a and b as XPath 1.0 does, with ODK's dates. If either is a Bool, =
// and != compare both as booleans, < <= > >= as numbers; a node-set compares true if any of its nodes does; a Date
// compares with the other side read as a date (with = and !=, as strings when the other
// side is a string that is no date), a Number with the other side read as a
// number; two strings compare as strings for = and !=, as numbers otherwise. NaN compares
// false, except with != where it compares true.
func compare(op Op, a, b Value) bool {
	a, b = orEmpty(a), orEmpty(b)
	_, aBool := a.(Bool)
	_, bBool := b.(Bool)
	if aBool || bBool {
		if op == OpEq || op == OpNe {
			return compareNumbers(op, boolNumber(ToBool(a)), boolNumber(ToBool(b)))
		}
		// A relational comparison converts both sides to numbers (XPath 1.0 3.4), a
		// node-set by way of its boolean: 1 < 2 < 3 is (1 < 2) < 3, 1 < 3.
		return compareNumbers(op, relNumber(a), relNumber(b))
	}
	if as, ok := a.(Nodes); ok {
		for _, x := range as {
			if compare(op, x, b) {
				return true
			}
		}
		return false
	}
	if bs, ok := b.(Nodes); ok {
		for _, y := range bs {
			if compare(op, a, y) {
				return true
			}
		}
		return false
	}
	_, aDate := a.(Date)
	_, bDate := b.(Date)
	if ta, ok := instant(a); ok && (aDate || bDate) {
		if tb, ok := instant(b); ok {
			// Two dateTimes that carry their offsets compare as the instants they name,
			// as ODK does: 23:30+07:00 is 16:30Z.
			return compareNumbers(op, float64(ta.UnixMilli()), float64(tb.UnixMilli()))
		}
	}
	if aDate || bDate {
		if (op == OpEq || op == OpNe) && (!dateLike(a) || !dateLike(b)) {
			// = and != of a date with a string that is no date compare the strings, as
			// ODK does: a date is not '20119', though 20119 is its number of days.
			return (ToString(a) == ToString(b)) == (op == OpEq)
		}
		return compareNumbers(op, dateNumber(a), dateNumber(b))
	}
	_, aNum := a.(Number)
	_, bNum := b.(Number)
	if !aNum && !bNum && (op == OpEq || op == OpNe) {
		return (ToString(a) == ToString(b)) == (op == OpEq)
	}
	return compareNumbers(op, ToNumber(a), ToNumber(b))
}

func compareNumbers(op Op, x, y float64) bool {
	switch op {
	case OpEq:
		return x == y
	case OpNe:
		return x != y
	case OpLt:
		return x < y
	case OpLe:
		return x <= y
	case OpGt:
		return x > y
	case OpGe:
		return x >= y
	}
	return false
}

// relNumber is the number a side of a relational comparison with a boolean stands for: a
// node-set's boolean as a number, any other value as a number.
func relNumber(v Value) float64 {
	if _, ok := v.(Nodes); ok {
		return boolNumber(ToBool(v))
	}
	return ToNumber(v)
}

func boolNumber(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// dateLike reports whether v is a date, a dateTime, a number, or a string that reads as
// a date or dateTime: what = compares with a date as a date.
func dateLike(v Value) bool {
	switch v := v.(type) {
	case String:
		_, ok := stringDays(strings.TrimSpace(string(v)))
		return ok
	case Date, Number:
		return true
	}
	return false
}

// instant returns the instant v names when v is a dateTime with its offset: a Date with a
// time, or a string written with an offset or Z.
func instant(v Value) (time.Time, bool) {
	switch v := v.(type) {
	case Date:
		return v.T, v.HasTime
	case String:
		if !zoned(v) {
			return time.Time{}, false
		}
		if d, ok := parseDate(strings.TrimSpace(string(v))); ok && d.HasTime {
			return d.T, true
		}
	}
	return time.Time{}, false
}

// dateNumber reads v as days since 1970-01-01: a String as a date or dateTime if it is one,
// as a number otherwise.
func dateNumber(v Value) float64 {
	switch v := v.(type) {
	case Date:
		return days(v)
	case String:
		if d, ok := stringDays(strings.TrimSpace(string(v))); ok {
			return d
		}
	}
	return ToNumber(v)
}

// flatten appends the values of vs to dst, the nodes of a Nodes one by one.
func flatten(dst Nodes, vs ...Value) Nodes {
	for _, v := range vs {
		if ns, ok := v.(Nodes); ok {
			dst = flatten(dst, ns...)
		} else {
			dst = append(dst, orEmpty(v))
		}
	}
	return dst
}
