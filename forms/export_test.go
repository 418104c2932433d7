package forms

import (
	"fmt"

	"tracer/forms/expr"
)

// byNameEnv shows a session's Env with expr.Env's methods only: every ${name} is then read
// with Ref, by name, as before references were bound at load.
type byNameEnv struct{ expr.Env }

// countingBound passes a session's Env on, counting the references read by node index.
type countingBound struct {
	expr.BoundEnv
	n *int
}

func (c countingBound) Bound(id int) expr.Value {
	*c.n++
	return c.BoundEnv.Bound(id)
}

// EvalBothWays evaluates every expression of every item of s as the session evaluates it
// (in its item's context; a constraint against the item's answer; a choice filter for each
// choice of its list), once reading references bound at load and once reading them by
// name, and calls fn with where it was and both values. It returns how many references
// were read by node index.
func EvalBothWays(s *Session, fn func(where string, bound, byName expr.Value)) int {
	reads := 0
	both := func(where string, e env, eval func(expr.Env) expr.Value) {
		saved := s.env
		s.env = e
		a := eval(countingBound{&s.env, &reads})
		s.env = e
		b := eval(byNameEnv{&s.env})
		s.env = saved
		fn(where, a, b)
	}
	if x := s.form.InstanceName; x != nil {
		both("instance_name", env{s: s, x: x, ctx: s.root}, x.Eval)
	}
	for _, n := range s.form.Nodes {
		for _, it := range s.items[n.Index] {
			for _, c := range []struct {
				col string
				x   *expr.Expr
			}{{"relevant", n.Relevant}, {"calculation", n.Calculation}, {"repeat_count", n.RepeatCount},
				{"default", n.Default}, {"required", n.RequiredIf}, {"read_only", n.ReadOnlyIf}} {
				if c.x != nil {
					both(it.path+" "+c.col, env{s: s, x: c.x, ctx: it}, c.x.Eval)
				}
			}
			if x := n.Constraint; x != nil && it.value != "" {
				both(it.path+" constraint", env{s: s, x: x, ctx: it, cur: &it.value}, x.Eval)
			}
			if l, x := s.form.Lists[n.ListName], n.filter; x != nil && l != nil {
				for i, ch := range l.Choices {
					both(fmt.Sprintf("%s choice_filter %s", it.path, ch.Name), env{s: s, x: x, ctx: it, choice: ch, pos: i + 1},
						func(e expr.Env) expr.Value { return expr.Bool(x.Holds(n.filterPred, e)) })
				}
			}
		}
	}
	return reads
}

// DefaultIsDynamicForTest is defaultIsDynamic.
func DefaultIsDynamicForTest(def, typ string) bool { return defaultIsDynamic(def, typ) }

// Reads returns the nodes n's relevance, calculation and repeat count read, through
// references and paths alike (the graph built at load).
func Reads(n *Node) []*Node { return n.deps }

// ScanChoices makes s test every choice against choice filters, as without their index.
func ScanChoices(s *Session) { s.scanChoices = true }

// Indexed reports whether the choice filter of the node named name is answered from an index.
func Indexed(f *Form, name string) bool { return f.Node(name).filterEq != nil }

// Normalized returns value as Set would store it at path (a time typed 10:30 is
// 10:30:00.000+00:00 on a clock in UTC), or value itself when its type refuses it.
func Normalized(s *Session, path, value string) string {
	if it := s.lookup(path); it != nil {
		if v, p := s.normalize(it, value); p == nil {
			return v
		}
	}
	return value
}
