package forms

import (
	"slices"
	"sort"
	"strings"

	"tracer/forms/expr"
)

// This file builds the dependency graph of a form when it loads: which relevance
// conditions, calculations and repeat counts read which nodes, the order they are evaluated
// in, and for each node everything a change of it can affect. All of it is computed by Load
// and never written afterwards, so one *Form serves any number of sessions at once.

// graph builds the dependency graph among relevance conditions, calculations and repeat
// counts, reports cycles, and fixes the evaluation order.
func (c *compiler) graph(t *table) {
	f := c.form
	soft := map[*Node][]*Node{}
	for _, n := range f.Nodes {
		seen := map[*Node]bool{}
		add := func(d *Node) {
			if d != nil && d != n && !seen[d] {
				seen[d] = true
				n.deps = append(n.deps, d)
			}
		}
		for _, x := range []*expr.Expr{n.Relevant, n.Calculation, n.RepeatCount} {
			if x == nil {
				continue
			}
			if x.Calls("indexed-repeat") {
				n.crossInst = true
			}
			for _, p := range x.Paths() {
				if f.pathTop[p] != nil || f.filters[p] != nil {
					n.crossInst = true
				}
			}
			// jr:choice-name() of a filtered select reads the choices its filter keeps: what
			// the filter reads is a dependency too, though not one that can make a cycle
			// (ODK sees no dependency there), so it is added after the order is fixed.
			// So are the answers a choice's label shows (${nick}'s), which it fills in.
			for _, name := range choiceNameQuestions(x) {
				q := f.byName[name]
				if q == nil {
					continue
				}
				if q.filter != nil {
					soft[n] = append(soft[n], f.exprNodes(q.filter)...)
				}
				if l := f.Lists[q.ListName]; l != nil {
					soft[n] = append(soft[n], labelRefNodes(f, l)...)
				}
			}
			for _, d := range f.exprNodes(x) {
				add(d)
				// What a reference sees also depends on the relevance of the groups around it.
				for p := d.Parent; p != nil && p != f.Root; p = p.Parent {
					if p.Relevant != nil {
						add(p)
					}
				}
			}
		}
		// A counted repeat applies its count while the groups around it are relevant: it
		// is counted anew when one of them comes back, such as a group shown after the
		// count was answered. Soft, as what a group's relevance reads cannot make a
		// cycle with the count (ODK sees no dependency there).
		if n.Kind == KindRepeat && n.RepeatCount != nil && n.Parent != nil && n.Parent != f.Root {
			soft[n] = append(soft[n], n.Parent)
		}
		sort.Slice(n.deps, func(i, j int) bool { return n.deps[i].Index < n.deps[j].Index })
		for _, d := range n.deps {
			d.dependents = append(d.dependents, n)
		}
	}
	// Depth-first topological sort; a back edge is a cycle.
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, len(f.Nodes))
	var stack []*Node
	reported := false
	var visit func(n *Node)
	visit = func(n *Node) {
		state[n.Index] = active
		stack = append(stack, n)
		for _, d := range n.deps {
			switch state[d.Index] {
			case unvisited:
				visit(d)
			case active:
				if !reported {
					reported = true
					var names []string
					start := 0
					for i, s := range stack {
						if s == d {
							start = i
						}
					}
					for _, s := range stack[start:] {
						names = append(names, s.Name)
					}
					names = append(names, d.Name)
					src := c.rowOf(n)
					c.errorf(t, src, "", "relevance and calculations form a cycle: %s", strings.Join(names, " -> "))
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n.Index] = done
		f.order = append(f.order, n)
	}
	for _, n := range f.Nodes {
		if state[n.Index] == unvisited {
			visit(n)
		}
	}
	for i, n := range f.order {
		n.rank = i
	}
	for _, n := range f.Nodes {
		for _, d := range soft[n] {
			for p := d; p != nil && p != f.Root; p = p.Parent {
				if (p == d || p.Relevant != nil) && p.rank < n.rank && !slices.Contains(n.deps, p) {
					n.deps = append(n.deps, p)
					p.dependents = append(p.dependents, n)
				}
			}
		}
	}
	f.outside = make(map[string]*Node, len(f.Nodes))
	for _, n := range f.Nodes {
		n.closure = closure(n)
		n.path = n.Path()
		if n.Repeat == nil {
			f.outside[n.path] = n
		}
	}
}

// closure returns every node a change of n can affect, in evaluation order.
func closure(n *Node) []*Node {
	seen := map[*Node]bool{}
	var out []*Node
	var walk func(x *Node)
	walk = func(x *Node) {
		for _, d := range x.dependents {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
				walk(d)
			}
		}
		// A group's relevance changes what references to everything inside it see.
		if x.IsGroup() {
			for _, c := range x.Children {
				walk(c)
			}
		}
	}
	walk(n)
	sort.Slice(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	return out
}

// labelRefNodes returns the nodes the ${name} references in the labels of l's choices name.
func labelRefNodes(f *Form, l *ChoiceList) []*Node {
	var out []*Node
	for _, c := range l.Choices {
		for _, text := range c.Label {
			for _, m := range labelRef.FindAllStringSubmatch(text, -1) {
				if d := f.byName[m[1]]; d != nil {
					out = append(out, d)
				}
			}
		}
	}
	return out
}
