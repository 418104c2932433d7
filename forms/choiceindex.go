package forms

// A cascading select's choice filter is nearly always one column compared with an answer:
// province = ${prov}, regency = ${reg}. Testing it for every choice costs a few
// microseconds a choice, which in a list of every village of Indonesia (84,000, an
// attached file) is tens of milliseconds each time the question is shown. Such a filter
// is answered from an index of the list by that column instead, built when the form
// loads; any other filter, or a value that does not compare as text, tests every choice.

import (
	"slices"

	"tracer/forms/expr"
)

// eqFilter is a choice filter column = value whose value does not read the choice.
type eqFilter struct {
	col   string
	value expr.Node
	index map[string][]int // column value to the 0-based positions of its choices, in list order
}

// planEqFilter returns the indexed plan of n's choice filter, or nil when it is not of the
// form column = value (either way round).
func planEqFilter(n *Node, l *ChoiceList) *eqFilter {
	b, ok := n.filterPred.(*expr.BinaryNode)
	if !ok || b.Op != expr.OpEq || l == nil {
		return nil
	}
	col, value := choiceColumn1(b.L), b.R
	if col == "" {
		col, value = choiceColumn1(b.R), b.L
	}
	if col == "" || col == "label" || !choiceFree(value) {
		return nil // a label depends on the language; a value that reads the choice varies
	}
	eq := &eqFilter{col: col, value: value, index: make(map[string][]int)}
	for i, c := range l.Choices {
		v, ok := c.Extra[col]
		switch {
		case col == "name" && !c.attached:
			v, ok = c.Name, true
		case !c.attached:
			ok = true // a column of the choices sheet reads "" where the row has no cell
		}
		if ok {
			eq.index[v] = append(eq.index[v], i)
		}
	}
	return eq
}

// choiceColumn1 returns the column a path reads from the choice under test (name,
// regency), "" for any other expression.
func choiceColumn1(n expr.Node) string {
	p, ok := n.(*expr.PathNode)
	if !ok || p.Absolute || p.Current || p.Ref != "" || p.Instance != "" || len(p.Steps) != 1 || p.Preds != nil {
		return ""
	}
	switch s := p.Steps[0]; s {
	case ".", "..", "":
		return ""
	default:
		return s
	}
}

// choiceFree reports whether n's value is the same for every choice: it reads no path
// relative to the choice, nor position() or last(), nor anything that changes between
// two evaluations.
func choiceFree(n expr.Node) bool {
	switch n := n.(type) {
	case *expr.StringNode, *expr.NumberNode, *expr.RefNode:
		return true
	case *expr.PathNode:
		if n.Instance == "" && !n.Absolute && !n.Current && n.Ref == "" {
			return false
		}
		for _, preds := range n.Preds {
			for _, p := range preds {
				if !choiceFree(p) && n.Instance == "" {
					return false
				}
			}
		}
		return true
	case *expr.UnaryNode:
		return choiceFree(n.X)
	case *expr.BinaryNode:
		return choiceFree(n.L) && choiceFree(n.R)
	case *expr.CallNode:
		switch n.Name {
		case "position", "last", "random", "uuid", "once":
			return false
		}
		if len(n.Args) == 0 {
			switch n.Name {
			case "true", "false", "today", "now", "pi":
			default:
				return false // string(), name() ... read the context node
			}
		}
		for _, a := range n.Args {
			if !choiceFree(a) {
				return false
			}
		}
		return true
	}
	return false
}

// indexed returns the choices of l the filter keeps for item it, found in the index, and
// false when the value does not compare as text (a number, a date, a boolean), which the
// caller then tests choice by choice.
func (s *Session) indexed(it *item, l *ChoiceList, eq *eqFilter) ([]*Choice, bool) {
	saved := s.env
	s.env = env{s: s, x: it.node.filter, ctx: it}
	v := it.node.filter.EvalNode(eq.value, &s.env)
	s.env = saved
	var pos []int
	switch v := v.(type) {
	case nil:
		pos = eq.index[""]
	case expr.String:
		pos = eq.index[string(v)]
	case expr.Nodes:
		for _, x := range v {
			str, ok := x.(expr.String)
			if !ok {
				return nil, false
			}
			pos = append(pos, eq.index[string(str)]...)
		}
		slices.Sort(pos)
		pos = slices.Compact(pos)
	default:
		return nil, false
	}
	out := make([]*Choice, len(pos))
	for i, p := range pos {
		out[i] = l.Choices[p]
	}
	return out, true
}
