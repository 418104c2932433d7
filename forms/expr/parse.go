package expr

import (
	"fmt"
	"strconv"
)

// Expr is a compiled expression. An Expr built by hand rather than by Parse works too, but
// is compiled again at each Eval.
type Expr struct {
	Src  string // the source, as given to Parse
	Root Node   // the AST

	eval  evalFn          // Root compiled by Parse; nil for an Expr built by hand
	preds map[Node]evalFn // the predicates of Root's paths compiled by Parse, for EvalNode
	slots int             // how many sub-expressions of eval are shared (see memoSlots)
	refs  []refCell       // the compiled ${name} references, for BindRefs
}

// SyntaxError is an error in an expression, found by Parse or Check.
type SyntaxError struct {
	Pos Pos    // byte offset of the problem in the expression
	Msg string // what is wrong
}

// Error returns the message with the 1-based column (in bytes) of the problem.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("at column %d: %s", e.Pos+1, e.Msg)
}

// maxDepth bounds the nesting of parentheses, calls and unary minus, so that hostile input
// cannot exhaust the stack of the parser, the printer or the evaluator.
const maxDepth = 256

// Parse parses src. Errors are *SyntaxError.
func Parse(src string) (e *Expr, err error) {
	p := &parser{src: src, items: lex(src)}
	defer p.recover(&err)
	if p.peek().typ == itemEOF {
		p.fail(0, "empty expression")
	}
	root := p.parseExpr()
	if t := p.peek(); t.typ != itemEOF {
		p.unexpected(t)
	}
	e = &Expr{Src: src, Root: root}
	slots, k := memoSlots(root)
	e.eval = compiler{slots: slots, refs: &e.refs}.compile(root)
	e.preds = compilePreds(root, &e.refs)
	e.slots = k
	return e, nil
}

// parser is a recursive-descent parser over the items of one expression.
type parser struct {
	src   string
	items []item
	i     int
	depth int
}

// recover turns the *SyntaxError panic of fail into an error return. Other panics are bugs
// and go on.
func (p *parser) recover(errp *error) {
	if r := recover(); r != nil {
		se, ok := r.(*SyntaxError)
		if !ok {
			panic(r)
		}
		*errp = se
	}
}

func (p *parser) fail(pos Pos, format string, args ...any) {
	panic(&SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) unexpected(t item) {
	if t.typ == itemRBracket {
		p.fail(t.pos, "unexpected ']'")
	}
	p.fail(t.pos, "unexpected %s", t)
}

// peek returns the next item without consuming it, failing on a lexical error.
func (p *parser) peek() item {
	t := p.items[p.i]
	if t.typ == itemError {
		p.fail(t.pos, "%s", t.val)
	}
	return t
}

// peekAt returns the item k places after the next one, or EOF.
func (p *parser) peekAt(k int) item {
	if p.i+k < len(p.items) {
		return p.items[p.i+k]
	}
	return p.items[len(p.items)-1]
}

func (p *parser) next() item {
	t := p.peek()
	if t.typ != itemEOF {
		p.i++
	}
	return t
}

func (p *parser) enter(pos Pos) {
	p.depth++
	if p.depth > maxDepth {
		p.fail(pos, "expression is nested too deeply")
	}
}

func (p *parser) leave() { p.depth-- }

// levels lists the binary operators from the lowest precedence up. The names and, or, div
// and mod are operators only where an operator is expected.
var levels = [...][]Op{
	{OpOr},
	{OpAnd},
	{OpEq, OpNe},
	{OpLt, OpLe, OpGt, OpGe},
	{OpAdd, OpSub},
	{OpMul, OpDiv, OpMod},
}

func (p *parser) parseExpr() Node {
	p.enter(p.peek().pos)
	defer p.leave()
	return p.parseBinary(0)
}

// operator returns the binary operator t is at the given level, if it is one.
func operator(t item, level int) (Op, bool) {
	if t.typ != itemOp && t.typ != itemName {
		return OpInvalid, false
	}
	op, ok := binaryOps[t.val]
	if !ok {
		return OpInvalid, false
	}
	for _, o := range levels[level] {
		if o == op {
			return op, true
		}
	}
	return OpInvalid, false
}

func (p *parser) parseBinary(level int) Node {
	if level == len(levels) {
		return p.parseUnary()
	}
	l := p.parseBinary(level + 1)
	for {
		o, ok := operator(p.peek(), level)
		if !ok {
			break
		}
		op := p.next()
		p.operand(op)
		r := p.parseBinary(level + 1)
		l = &BinaryNode{Pos: op.pos, Op: o, L: l, R: r}
	}
	return l
}

// operand fails with a helpful message if the source ends after the operator op.
func (p *parser) operand(op item) {
	if p.peek().typ == itemEOF {
		p.fail(op.pos, "missing operand after '%s'", op.val)
	}
}

func (p *parser) parseUnary() Node {
	t := p.peek()
	if t.typ != itemOp || t.val != "-" {
		return p.parseUnion()
	}
	p.next()
	p.operand(t)
	p.enter(t.pos)
	defer p.leave()
	return &UnaryNode{Pos: t.pos, Op: OpNeg, X: p.parseUnary()}
}

func (p *parser) parseUnion() Node {
	l := p.parsePrimary()
	for t := p.peek(); t.typ == itemOp && t.val == "|"; t = p.peek() {
		p.next()
		p.operand(t)
		l = &BinaryNode{Pos: t.pos, Op: OpUnion, L: l, R: p.parsePrimary()}
	}
	return l
}

// parsePrimary parses a literal, a reference, a parenthesized expression, a function call
// or a location path.
func (p *parser) parsePrimary() Node {
	t := p.peek()
	var n Node
	switch t.typ {
	case itemNumber:
		p.next()
		v, _ := strconv.ParseFloat(t.val, 64) // the lexer admits only digits and one dot; huge values are +Inf
		n = &NumberNode{Pos: t.pos, Value: v, Text: t.val}
	case itemString:
		p.next()
		n = &StringNode{Pos: t.pos, Value: t.val}
	case itemRef:
		p.next()
		if next := p.peek().typ; next != itemLBracket && next != itemSlash {
			n = &RefNode{Pos: t.pos, Name: t.val}
			break
		}
		// ${name}[filter]/x: a path from the node the reference names, as pyxform writes
		// it (/data/name[filter]/x).
		path := &PathNode{Pos: t.pos, Ref: t.val, Steps: []string{"."}}
		p.addPreds(path, "")
		return p.parseSteps(path)
	case itemLParen:
		p.next()
		n = p.parseExpr()
		if c := p.next(); c.typ != itemRParen {
			if c.typ == itemEOF {
				p.fail(c.pos, "missing ')' to close '(' at column %d", t.pos+1)
			}
			p.fail(c.pos, "unexpected %s (missing ')'?)", c)
		}
	case itemName:
		if p.peekAt(1).typ != itemLParen {
			return p.parsePath()
		}
		call := p.parseCall()
		if call.Name == "instance" {
			return p.parseInstancePath(call)
		}
		if call.Name == "current" && len(call.Args) == 0 && p.peek().typ == itemSlash {
			return p.parseSteps(&PathNode{Pos: call.Pos, Current: true})
		}
		n = call
	case itemDot, itemDotDot, itemSlash, itemAt:
		return p.parsePath()
	case itemDoubleSlash:
		p.fail(t.pos, "'//' is not supported")
	case itemEOF:
		p.fail(t.pos, "unexpected end of expression")
	default:
		p.unexpected(t)
	}
	switch t := p.peek(); t.typ {
	case itemLBracket:
		p.fail(t.pos, "predicates [...] may follow only a name in a path")
	case itemSlash, itemDoubleSlash:
		p.fail(t.pos, "a path may start only with '/', '.', '..', a name, instance('name') or current()")
	}
	return n
}

// parseInstancePath parses the steps of a path that starts from instance('name'); call is
// the instance call.
func (p *parser) parseInstancePath(call *CallNode) Node {
	var name string
	if len(call.Args) == 1 {
		if s, ok := call.Args[0].(*StringNode); ok {
			name = s.Value
		}
	}
	if name == "" {
		p.fail(call.Pos, "instance() takes the name of an instance in quotes, as in instance('name')")
	}
	if t := p.peek(); t.typ != itemSlash {
		p.fail(t.pos, "instance('%s') must be followed by a path, as in instance('%s')/root/item", name, name)
	}
	return p.parseSteps(&PathNode{Pos: call.Pos, Instance: name})
}

func (p *parser) parseCall() *CallNode {
	name := p.next()
	p.next() // (
	p.enter(name.pos)
	defer p.leave()
	call := &CallNode{Pos: name.pos, Name: name.val}
	if p.peek().typ == itemRParen {
		p.next()
		return call
	}
	for {
		if p.peek().typ == itemEOF {
			p.fail(p.peek().pos, "missing ')' after arguments of %s", name.val)
		}
		call.Args = append(call.Args, p.parseExpr())
		switch t := p.next(); t.typ {
		case itemComma:
		case itemRParen:
			return call
		case itemEOF:
			p.fail(t.pos, "missing ')' after arguments of %s", name.val)
		default:
			p.fail(t.pos, "unexpected %s in arguments of %s (missing ',' or ')'?)", t, name.val)
		}
	}
}

// parsePath parses a location path; the next item is '/', '.', '..' or a name.
func (p *parser) parsePath() Node {
	t := p.peek()
	path := &PathNode{Pos: t.pos}
	if t.typ == itemSlash {
		p.next()
		path.Absolute = true
	}
	p.addStep(path, t)
	return p.parseSteps(path)
}

// parseSteps parses the steps "/step" that follow the start of path, if any.
func (p *parser) parseSteps(path *PathNode) Node {
	for {
		switch t := p.peek(); t.typ {
		case itemDoubleSlash:
			p.fail(t.pos, "'//' is not supported")
		case itemSlash:
			p.next()
			p.addStep(path, t)
		default:
			return path
		}
	}
}

// addStep parses one step and its predicates into path; after is the item before the step.
func (p *parser) addStep(path *PathNode, after item) {
	name := p.step(after)
	path.Steps = append(path.Steps, name)
	p.addPreds(path, name)
}

// addPreds parses the predicates of the last step of path, named name ("" for the node a
// ${name} reference starts the path at).
func (p *parser) addPreds(path *PathNode, name string) {
	var preds []Node
	for p.peek().typ == itemLBracket {
		open := p.next()
		if name == "." || name == ".." {
			p.fail(open.pos, "predicates [...] may follow only a name, not '%s'", name)
		}
		switch t := p.peek(); t.typ {
		case itemRBracket:
			p.fail(t.pos, "empty predicate []")
		case itemEOF:
			p.fail(t.pos, "missing ']' to close '[' at column %d", open.pos+1)
		}
		preds = append(preds, p.parseExpr())
		switch t := p.next(); t.typ {
		case itemRBracket:
		case itemEOF:
			p.fail(t.pos, "missing ']' to close '[' at column %d", open.pos+1)
		default:
			p.fail(t.pos, "unexpected %s (missing ']'?)", t)
		}
	}
	switch {
	case preds != nil:
		if path.Preds == nil {
			path.Preds = make([][]Node, len(path.Steps)-1, len(path.Steps))
		}
		path.Preds = append(path.Preds, preds)
	case path.Preds != nil:
		path.Preds = append(path.Preds, nil)
	}
}

// step parses one step of a path; after is the item before it.
func (p *parser) step(after item) string {
	t := p.peek()
	switch t.typ {
	case itemName, itemDot, itemDotDot:
		p.next()
		return t.val
	case itemAt:
		// An attribute, @name, as the last step: an attached XML file's items may hold
		// their values in attributes (<item id="2">).
		p.next()
		n := p.peek()
		if n.typ != itemName {
			p.fail(n.pos, "expected an attribute name after '@'")
		}
		p.next()
		if next := p.peek(); next.typ == itemSlash || next.typ == itemLBracket || next.typ == itemDoubleSlash {
			p.fail(next.pos, "an attribute (@%s) is the last step of a path", n.val)
		}
		return "@" + n.val
	case itemOp:
		if t.val == "*" {
			p.fail(t.pos, "wildcard steps (*) are not supported")
		}
	}
	if after.typ == itemSlash {
		p.fail(t.pos, "expected name after '/'")
	}
	p.unexpected(t)
	return ""
}
