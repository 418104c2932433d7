package forms

import (
	"fmt"
	"slices"
	"strings"

	"tracer/forms/expr"
)

// This file resolves the XPath location paths of a form's expressions when the form loads.
//
// ODK evaluates a relative path from the context node of the expression: the question whose
// relevant, constraint, calculation, required, read_only or default column holds it (a
// repeat for its repeat_count, the form's root for instance_name). "." is that node, ".."
// its group or repeat, "../x" a sibling, "./x" a child of a group, current() the context node
// even inside a predicate. Inside a choice_filter, and inside the predicates of
// instance('list')/root/item[...], relative paths name the columns of the choice under test
// (name, label, or an extra column of the choices sheet); only current() paths go back to
// the question. An absolute path /data/g/x starts at the form's root element, named
// data or by the settings' name (/NAME/g/x), as in the XForm pyxform writes.
//
// Every path must name a node: one that does not is a load error, never an empty value at
// run time. The resolution is kept on the Form (paths), read-only once loaded.

// pathScope is where a path of an expression is evaluated.
type pathScope struct {
	ctx    *Node       // the context node: the question, or the repeat of a repeat_count
	choice *ChoiceList // set inside a choice filter or an instance predicate: "." is a choice
	loose  bool        // the choice list is not loaded (an attachment): its columns are unknown
	outer  *Node       // inside the filter of a repeat ([...] on a path): the expression's own node
}

// pathFilter is one filtered step of a path of the form: the instances of repeat that the
// predicates keep, in order (${member}[age >= 18], /data/hh/member[2]).
type pathFilter struct {
	repeat *Node
	preds  []expr.Node
}

// filterPath checks the predicates of a path of the form, whose steps name nodes, resolves
// the paths inside them and records them for the session (Form.filters). A predicate may
// follow only a step that names a repeat: it chooses among the repeat's instances, each
// the context of its relative paths, position() its index and last() their number.
func (c *compiler) filterPath(t *table, r row, col string, x *expr.Expr, p *expr.PathNode, nodes []*Node, sc pathScope) bool {
	var filters []pathFilter
	for i, preds := range p.Preds {
		if len(preds) == 0 {
			continue
		}
		n := nodes[i]
		if n.Kind != KindRepeat {
			c.errorf(t, r, col, "in %q: at column %d: %s: a [...] filter may follow only a repeat, and %s is not one", x.Src, p.Pos+1, p, describe(n))
			return false
		}
		outer := sc.ctx
		if sc.outer != nil {
			outer = sc.outer
		}
		for _, pred := range preds {
			c.walkPaths(t, r, col, x, pred, pathScope{ctx: n, outer: outer})
		}
		filters = append(filters, pathFilter{repeat: n, preds: preds})
	}
	c.form.filters[p] = filters
	return true
}

// resolvePaths resolves every location path of x, evaluated for sc, into c.form.paths,
// reporting each one that names no node.
func (c *compiler) resolvePaths(t *table, r row, col string, x *expr.Expr, sc pathScope) {
	if x == nil {
		return
	}
	c.walkPaths(t, r, col, x, x.Root, sc)
}

func (c *compiler) walkPaths(t *table, r row, col string, x *expr.Expr, n expr.Node, sc pathScope) {
	switch n := n.(type) {
	case *expr.BinaryNode:
		c.walkPaths(t, r, col, x, n.L, sc)
		c.walkPaths(t, r, col, x, n.R, sc)
	case *expr.UnaryNode:
		c.walkPaths(t, r, col, x, n.X, sc)
	case *expr.CallNode:
		for _, a := range n.Args {
			c.walkPaths(t, r, col, x, a, sc)
		}
	case *expr.PathNode:
		if n.Instance != "" {
			l := c.form.Lists[n.Instance]
			inner := pathScope{ctx: sc.ctx, choice: l, loose: l == nil}
			for _, preds := range n.Preds {
				for _, p := range preds {
					c.walkPaths(t, r, col, x, p, inner)
				}
			}
			return
		}
		if sc.choice != nil || sc.loose {
			if !n.Absolute && !n.Current && n.Ref == "" {
				c.checkChoiceColumn(t, r, col, x, n, sc)
				return
			}
		}
		ctx := sc.ctx
		if n.Current && sc.outer != nil {
			ctx = sc.outer // current() is the expression's node, also inside a filter
		}
		if last := len(n.Steps) - 1; last >= 0 && strings.HasPrefix(n.Steps[last], "@") {
			c.rootAttribute(t, r, col, x, n, ctx)
			return
		}
		nodes, msg := c.resolveSteps(n, ctx)
		if n.Ref != "" && c.form.byName[n.Ref] == nil {
			return // the reference itself is reported (lookup)
		}
		if msg != "" {
			c.errorf(t, r, col, "in %q: at column %d: %s names no node: %s", x.Src, n.Pos+1, n, msg)
			return
		}
		if n.Preds != nil && c.liftFilters(n, nodes) {
			nodes, _ = c.resolveSteps(n, ctx)
		}
		target := ctx
		if len(nodes) > 0 {
			target = nodes[len(nodes)-1]
		}
		if n.Preds != nil && !c.filterPath(t, r, col, x, n, nodes, sc) {
			return
		}
		c.form.paths[n] = target
		if n.Preds != nil {
			return // filterPath chose the instances it reads
		}
		if top := escapeTop(n, ctx, target); top != nil {
			c.form.pathTop[n] = top
		}
	}
}

// rootAttribute resolves a path that ends in an attribute: in the form, only its root has
// attributes, @id and @version, as the XForm's root element has them (ODK reads
// /data/@version); any other is reported.
func (c *compiler) rootAttribute(t *table, r row, col string, x *expr.Expr, n *expr.PathNode, ctx *Node) {
	last := len(n.Steps) - 1
	up := *n
	up.Steps = n.Steps[:last]
	if len(n.Preds) > last {
		up.Preds = n.Preds[:last]
	}
	nodes, msg := c.resolveSteps(&up, ctx)
	target := ctx
	if len(nodes) > 0 {
		target = nodes[len(nodes)-1]
	}
	attr := n.Steps[last]
	switch {
	case msg != "":
	case target != c.form.Root:
		msg = fmt.Sprintf("%s has no attribute %s: in the form, only its root has attributes (@id, @version)", target.Name, attr)
	case attr == "@id", attr == "@version":
		c.form.rootAttrs[n] = attr
		return
	default:
		msg = fmt.Sprintf("the form's root has no attribute %s (it has @id and @version)", attr)
	}
	c.errorf(t, r, col, "in %q: at column %d: %s names no node: %s", x.Src, n.Pos+1, n, msg)
}

// escapeTop returns the highest node path p, evaluated for ctx, climbs to on its way to
// target, if it climbs out of a repeat around ctx that is also around target and so comes
// back down into every instance of it: in ODK sum(../../r/x) inside repeat r reads x in
// every instance of r, though ../x reads the same instance. It returns nil for a path that
// stays inside the instances it starts in.
func escapeTop(p *expr.PathNode, ctx, target *Node) *Node {
	if ctx == nil || target == nil || p.Ref != "" {
		return nil // ${name}/x reads as ${x} does
	}
	top := ctx
	if p.Absolute {
		top = nil // the form's root, above every repeat
	} else {
		cur := ctx
		for _, s := range p.Steps {
			switch s {
			case ".":
			case "..":
				if cur.Parent == nil {
					return nil
				}
				cur = cur.Parent
				if isAncestor(cur, top) {
					top = cur
				}
			default:
				for _, ch := range cur.Children {
					if ch.Name == s {
						cur = ch
						break
					}
				}
			}
		}
	}
	for r := target.Repeat; r != nil; r = r.Repeat {
		if (ctx == r || isInside(ctx, r)) && top != r && (top == nil || !isInside(top, r)) {
			if top == nil {
				return target.rootOf()
			}
			return top
		}
	}
	return nil
}

// isAncestor reports whether a is a proper ancestor of b.
func isAncestor(a, b *Node) bool {
	for p := b.Parent; p != nil; p = p.Parent {
		if p == a {
			return true
		}
	}
	return false
}

// rootOf returns the root of n's tree.
func (n *Node) rootOf() *Node {
	for n.Parent != nil {
		n = n.Parent
	}
	return n
}

// checkChoiceColumn checks a relative path evaluated for a choice: "." or a column name.
func (c *compiler) checkChoiceColumn(t *table, r row, col string, x *expr.Expr, n *expr.PathNode, sc pathScope) {
	if sc.loose || (len(n.Steps) == 1 && n.Steps[0] == ".") {
		// An attachment that is not loaded: nothing is known of its items.
		return
	}
	if l := sc.choice; l.File != "" {
		// An item of an attached file: its columns, nested ones by their path.
		name := strings.Join(n.Steps, "/")
		if name == "name" || name == "label" || slices.Contains(l.header, name) {
			return
		}
		c.errorf(t, r, col, "in %q: at column %d: %s names no node: the items of %s have no %q (they have %s)",
			x.Src, n.Pos+1, n, l.File, name, strings.Join(l.header, ", "))
		return
	}
	if len(n.Steps) != 1 || n.Steps[0] == ".." {
		c.errorf(t, r, col, "in %q: at column %d: %s names no node: here the context is a choice, whose columns are single names (name, label or a column of the choices sheet)", x.Src, n.Pos+1, n)
		return
	}
	name := n.Steps[0]
	if name == "name" || name == "label" || slices.Contains(sc.choice.Columns, name) {
		return
	}
	cols := append([]string{"name", "label"}, sc.choice.Columns...)
	c.errorf(t, r, col, "in %q: at column %d: %s names no node: the choices of list %s have no column %q (they have %s)",
		x.Src, n.Pos+1, n, sc.choice.Name, name, strings.Join(cols, ", "))
}

// resolveSteps returns the node each step of a non-instance path names, evaluated for ctx,
// or a message saying why the path names none.
func (c *compiler) resolveSteps(p *expr.PathNode, ctx *Node) ([]*Node, string) {
	root := c.form.Root
	cur := ctx
	nodes := make([]*Node, 0, len(p.Steps))
	steps := p.Steps
	switch {
	case p.Absolute:
		if len(steps) == 0 {
			return nil, ""
		}
		// The first step is the root element: data, or the settings' name, as pyxform
		// names it; any other names nothing in ODK.
		if steps[0] != root.Name {
			return nil, fmt.Sprintf("the form's root is named %q, not %q", root.Name, steps[0])
		}
		cur, steps = root, steps[1:]
		nodes = append(nodes, root)
	case p.Ref != "":
		cur = c.form.byName[p.Ref]
		if cur == nil {
			return nil, fmt.Sprintf("no question or group is named %q", p.Ref)
		}
	}
	for _, s := range steps {
		switch s {
		case ".":
		case "..":
			if cur == root || cur.Parent == nil {
				return nil, "it goes above the form's root"
			}
			cur = cur.Parent
		default:
			if !cur.IsGroup() {
				return nil, fmt.Sprintf("%s is not a group, it has no child %q", describe(cur), s)
			}
			var next *Node
			for _, ch := range cur.Children {
				if ch.Name == s {
					next = ch
					break
				}
			}
			if next == nil {
				return nil, fmt.Sprintf("%s has no question or group named %q", describe(cur), s)
			}
			cur = next
		}
		nodes = append(nodes, cur)
	}
	return nodes, ""
}

// describe names a node for a message: "the form's root" or "group hh (row 4)".
func describe(n *Node) string {
	if n.Parent == nil {
		return "the form's root"
	}
	return fmt.Sprintf("%s %s (row %d)", kindName(n), n.Name, n.Row)
}

func kindName(n *Node) string {
	switch n.Kind {
	case KindGroup:
		return "group"
	case KindRepeat:
		return "repeat"
	}
	return n.Type
}

// exprNodes returns the nodes x reads: its ${name} references and the nodes its paths name,
// each once, in source order.
func (f *Form) exprNodes(x *expr.Expr) []*Node {
	if x == nil {
		return nil
	}
	var out []*Node
	add := func(n *Node) {
		if n != nil && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, ref := range x.Refs() {
		add(f.byName[ref])
	}
	for _, p := range x.Paths() {
		if n := f.paths[p]; n != nil && n != f.Root {
			add(n)
		}
		for _, fl := range f.filters[p] {
			add(fl.repeat) // its instances come and go
		}
	}
	return out
}

// liftFilters moves each filter on a question or group inside a repeat to the repeat's
// step, where the session applies filters: /data/r/x[. > 2] keeps the x of the instances
// of r whose x is above 2, which is /data/r[x > 2]/x, and ${age}[. < 5] (pyxform's
// /data/member/age[. < 5]) is /data/member[age < 5]/age. The filter's relative paths then
// start at the instance: "." is x, ../y is x/../y. A filter that counts positions
// ([1], [position() < 3], [last()]) stays where it is, and is refused there: on a question
// it picks among one node per instance, which no form means. It reports whether p changed.
func (c *compiler) liftFilters(p *expr.PathNode, nodes []*Node) bool {
	changed := false
	for i := len(p.Preds) - 1; i >= 0; i-- {
		preds := p.Preds[i]
		if len(preds) == 0 || i >= len(nodes) || nodes[i].Kind == KindRepeat {
			continue
		}
		for _, pred := range preds {
			if _, num := pred.(*expr.NumberNode); num || positional(pred) {
				return changed
			}
		}
		// The repeat around the node, and the names from it down to the node.
		var rel []string
		rep := nodes[i]
		for rep != nil && rep.Kind != KindRepeat {
			rel = append([]string{rep.Name}, rel...)
			rep = rep.Parent
		}
		if rep == nil {
			return changed
		}
		// The repeat's step in the path, if the path names it and goes down from it by
		// names alone; otherwise the path is written anew from the form's root.
		j := -1
		for k := i - 1; k >= 0; k-- {
			if nodes[k] == rep {
				j = k
				break
			}
		}
		if j >= 0 {
			for _, st := range p.Steps[j+1 : i+1] {
				if st == "." || st == ".." {
					j = -1
					break
				}
			}
		}
		if j < 0 {
			// A relative path that climbs to the node (../x[...]) is left alone: it reads
			// the node of one instance.
			if p.Current || p.Instance != "" || !p.Absolute && p.Ref == "" {
				return changed
			}
			var abs []string
			for a := nodes[i]; a != nil; a = a.Parent {
				abs = append([]string{a.Name}, abs...)
			}
			preds := make([][]expr.Node, len(abs))
			// The steps below the node keep their filters.
			for k := i + 1; k < len(p.Steps); k++ {
				abs = append(abs, p.Steps[k])
				preds = append(preds, p.StepPreds(k))
			}
			depth := 0
			for a := rep; a != nil; a = a.Parent {
				depth++
			}
			j = depth - 1
			preds[j] = append(preds[j], prefixRelative(p.Preds[i], rel)...)
			p.Absolute, p.Ref, p.Steps, p.Preds = true, "", abs, preds
			return true // the steps above the repeat hold no filter: the path named none
		}
		p.Preds[j] = append(p.Preds[j], prefixRelative(preds, rel)...)
		p.Preds[i] = nil
		changed = true
	}
	return changed
}

// positional reports whether a filter calls position() or last() outside the paths it
// holds.
func positional(n expr.Node) bool {
	switch n := n.(type) {
	case *expr.UnaryNode:
		return positional(n.X)
	case *expr.BinaryNode:
		return positional(n.L) || positional(n.R)
	case *expr.CallNode:
		if n.Name == "position" && len(n.Args) == 0 || n.Name == "last" {
			return true
		}
		for _, a := range n.Args {
			if positional(a) {
				return true
			}
		}
	}
	return false
}

// prefixRelative returns preds with rel put before the steps of each relative path they
// hold (not inside those paths' own filters, whose context is their own step).
func prefixRelative(preds []expr.Node, rel []string) []expr.Node {
	var walk func(n expr.Node)
	walk = func(n expr.Node) {
		switch n := n.(type) {
		case *expr.UnaryNode:
			walk(n.X)
		case *expr.BinaryNode:
			walk(n.L)
			walk(n.R)
		case *expr.CallNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *expr.PathNode:
			if n.Absolute || n.Ref != "" || n.Instance != "" || n.Current {
				return
			}
			// "." steps without a filter go: ". < 5" on age is "age < 5".
			steps := append([]string(nil), rel...)
			var preds [][]expr.Node
			if n.Preds != nil {
				preds = make([][]expr.Node, len(rel))
			}
			for i, st := range n.Steps {
				if st == "." && len(n.StepPreds(i)) == 0 {
					continue
				}
				steps = append(steps, st)
				if n.Preds != nil {
					preds = append(preds, n.StepPreds(i))
				}
			}
			n.Steps, n.Preds = steps, preds
		}
	}
	for _, p := range preds {
		walk(p)
	}
	return preds
}
