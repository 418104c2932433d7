package expr

import "sync"

// This file makes a sub-expression written several times in one expression cost one
// evaluation: calculations copied from spreadsheets repeat whole terms, such as
// number(substring(coalesce(${a}, ${b}), 1, 4)) six times in a date difference. Within one
// evaluation every sub-expression is a function of the Env alone, except the calls that
// read a clock or a random source (today(), now(), uuid(), random()), which are never
// shared. Predicates are not shared either: there "." changes with each candidate.

// memoSlots finds the sub-expressions of root, outside predicates, that are written more
// than once and are worth keeping: each one gets a slot, and the same text the same slot.
// It returns nil when there are none.
func memoSlots(root Node) (map[Node]int, int) {
	counts := map[string]int{}
	var nodes []Node
	var count func(n Node) bool // reports whether n may be shared
	count = func(n Node) bool {
		shareable := true
		switch n := n.(type) {
		case *NumberNode, *StringNode:
			return true
		case *UnaryNode:
			shareable = count(n.X)
		case *BinaryNode:
			l := count(n.L)
			shareable = count(n.R) && l
		case *CallNode:
			for _, a := range n.Args {
				if !count(a) {
					shareable = false
				}
			}
			if spec, ok := funcs[n.Name]; ok {
				switch spec.id {
				case fnToday, fnNow, fnUUID, fnRandom:
					shareable = false
				}
				if !readsEnv(spec.id, len(n.Args)) && literals(n.Args) {
					return shareable // evaluated once when compiled
				}
			}
		case *RefNode, *PathNode:
		default:
			return false
		}
		if shareable {
			counts[n.String()]++
			nodes = append(nodes, n)
		}
		return shareable
	}
	count(root)
	var slots map[Node]int
	byText := map[string]int{}
	for _, n := range nodes {
		s := n.String()
		if counts[s] < 2 {
			continue
		}
		slot, ok := byText[s]
		if !ok {
			slot = len(byText)
			byText[s] = slot
		}
		if slots == nil {
			slots = make(map[Node]int)
		}
		slots[n] = slot
	}
	return slots, len(byText)
}

// memoFrame is the Env an expression with shared sub-expressions is evaluated against:
// the caller's Env and the values of the shared sub-expressions computed so far.
type memoFrame struct {
	Env
	bound BoundEnv // the caller's Env, if it reads bound references
	vals  []Value  // by slot; nil until computed
}

// Bound reads a bound reference through the caller's Env, or returns nil if it reads
// references by name only.
func (m *memoFrame) Bound(id int) Value {
	if m.bound == nil {
		return nil
	}
	return m.bound.Bound(id)
}

// The optional interfaces of the caller's Env pass through the frame, each with the
// function's own answer when the caller's Env lacks it: an Env embedded in a struct keeps
// only Env's methods, so without these a shared sub-expression would hide pulldata()'s file,
// position(../..) and the counts and sizes of the session.

// PositionOf is the caller's PositionOf, or Position without one.
func (m *memoFrame) PositionOf(p *PathNode) int {
	if pe, ok := m.Env.(PositionEnv); ok {
		return pe.PositionOf(p)
	}
	return m.Position()
}

// Last is the caller's Last, or 1 without one.
func (m *memoFrame) Last() int {
	if le, ok := m.Env.(LastEnv); ok {
		return le.Last()
	}
	return 1
}

// NodeCount is the caller's NodeCount, or leaves the count to the value without one.
func (m *memoFrame) NodeCount(n Node) (int, bool) {
	if ce, ok := m.Env.(CountEnv); ok {
		return ce.NodeCount(n)
	}
	return 0, false
}

// Lookup is the caller's Lookup, or "" without one.
func (m *memoFrame) Lookup(instance, column, keyColumn, key string) string {
	if le, ok := m.Env.(LookupEnv); ok {
		return le.Lookup(instance, column, keyColumn, key)
	}
	return ""
}

var frames = sync.Pool{New: func() any { return new(memoFrame) }}

// evalShared evaluates f, compiled with k shared slots, against env.
func evalShared(f evalFn, k int, env Env) Value {
	m := frames.Get().(*memoFrame)
	m.Env = env
	m.bound, _ = env.(BoundEnv)
	if cap(m.vals) < k {
		m.vals = make([]Value, k)
	}
	m.vals = m.vals[:k]
	v := f(m)
	clear(m.vals)
	m.Env, m.bound = nil, nil
	frames.Put(m)
	return v
}

// shared wraps f, the compiled sub-expression of the given slot, so that it is evaluated
// once per evaluation of its expression.
func shared(slot int, f evalFn) evalFn {
	return func(env Env) Value {
		m, ok := env.(*memoFrame)
		if !ok {
			return f(env)
		}
		if v := m.vals[slot]; v != nil {
			return v
		}
		v := f(env)
		m.vals[slot] = v
		return v
	}
}
