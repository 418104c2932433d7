package expr

import (
	"math"
	"strconv"
	"strings"
)

// Pos is a byte offset into the expression source.
type Pos int

// Position returns p. Nodes embed Pos, which gives each of them this method.
func (p Pos) Position() Pos { return p }

// Node is an AST node. Every node carries its position. String prints the node as valid
// source that parses back to an equal AST (positions aside).
type Node interface {
	Position() Pos
	String() string
}

// NumberNode is a number literal such as 12, 1.5 or .5. Text is the literal as written.
type NumberNode struct {
	Pos
	Value float64
	Text  string
}

// StringNode is a string literal in single or double quotes. Value is its content.
type StringNode struct {
	Pos
	Value string
}

// RefNode is a ${name} reference to another question of the form.
type RefNode struct {
	Pos
	Name string
}

// PathNode is an XPath location path: ".", "..", "../x", "/data/g/x" or "x/y". Steps holds
// the steps in order, "." and ".." included; "." alone is Steps ["."].
//
// A path may also start from instance('name'), a secondary instance such as a choice list
// (Instance is then the name), or from current(), the node the whole expression is
// evaluated for (Current is then true): instance('list')/root/item/label, current()/../x.
// Such a path has at least one step and is not Absolute. A path may also start from the
// node a ${name} reference names (Ref is then the name, and the first step is "." standing
// for that node, with its predicates): ${member}[age >= 18]/name, as pyxform writes
// /data/member[age >= 18]/name.
//
// A step that is a name may carry predicates, [expr], that filter the nodes it selects:
// item[name = ${x}], data[2]. Preds is nil when no step has any; otherwise it has one entry
// per step, the step's predicates in order, nil for a step without.
type PathNode struct {
	Pos
	Absolute bool
	Steps    []string
	Instance string   // the name in instance('name'), or ""
	Current  bool     // the path starts at current()
	Ref      string   // the path starts at the node ${Ref} names, or ""
	Preds    [][]Node // the predicates of each step; nil if no step has predicates
}

// StepPreds returns the predicates of step i, or nil if it has none.
func (n *PathNode) StepPreds(i int) []Node {
	if i < 0 || i >= len(n.Preds) {
		return nil
	}
	return n.Preds[i]
}

// UnaryNode is a unary minus (Op is OpNeg). Pos is the position of the operator.
type UnaryNode struct {
	Pos
	Op Op
	X  Node
}

// BinaryNode is a binary operation: OpOr, OpAnd, a comparison, arithmetic or OpUnion
// (node-set union). Pos is the position of the operator.
type BinaryNode struct {
	Pos
	Op   Op
	L, R Node
}

// CallNode is a function call. Name may contain ':' and '-', as in jr:choice-name or
// count-selected. Pos is the position of the name.
type CallNode struct {
	Pos
	Name string
	Args []Node
}

// Operator precedences, lowest first, as in the XPath 1.0 grammar.
const (
	precLowest = iota
	precOr
	precAnd
	precEquality
	precRelational
	precAdditive
	precMultiplicative
	precUnary
	precUnion
	precPrimary
)

// Op is an operator of the expression language.
type Op int

// The operators. OpNeg is unary minus; the others are binary.
const (
	OpInvalid Op = iota
	OpOr
	OpAnd
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
	OpUnion
	OpNeg
)

// opText spells each operator as it is written in an expression.
var opText = [...]string{
	OpInvalid: "?", OpOr: "or", OpAnd: "and", OpEq: "=", OpNe: "!=", OpLt: "<", OpLe: "<=", OpGt: ">",
	OpGe: ">=", OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "div", OpMod: "mod", OpUnion: "|", OpNeg: "-",
}

// String returns the operator as it is written: "and", "<=", "div", "-".
func (op Op) String() string {
	if op < 0 || int(op) >= len(opText) {
		return "?"
	}
	return opText[op]
}

// Prec returns the precedence of a binary operator, higher binding tighter, as in the XPath
// 1.0 grammar; 0 for OpNeg and OpInvalid, which are not binary.
func (op Op) Prec() int { return binaryPrec(op) }

// IsComparison reports whether op is =, !=, <, <=, > or >=.
func (op Op) IsComparison() bool { return op >= OpEq && op <= OpGe }

// binaryOps maps the spelling of each binary operator to its Op.
var binaryOps = map[string]Op{
	"or": OpOr, "and": OpAnd, "=": OpEq, "!=": OpNe, "<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe,
	"+": OpAdd, "-": OpSub, "*": OpMul, "div": OpDiv, "mod": OpMod, "|": OpUnion,
}

// binaryPrec returns the precedence of a binary operator, or precLowest if op is not one.
func binaryPrec(op Op) int {
	switch op {
	case OpOr:
		return precOr
	case OpAnd:
		return precAnd
	case OpEq, OpNe:
		return precEquality
	case OpLt, OpLe, OpGt, OpGe:
		return precRelational
	case OpAdd, OpSub:
		return precAdditive
	case OpMul, OpDiv, OpMod:
		return precMultiplicative
	case OpUnion:
		return precUnion
	}
	return precLowest
}

// precOf returns the precedence of the construct n is printed as.
func precOf(n Node) int {
	switch n := n.(type) {
	case *BinaryNode:
		return binaryPrec(n.Op)
	case *UnaryNode:
		return precUnary
	}
	return precPrimary
}

// writer is implemented by the nodes of this package, which print into a shared builder.
type writer interface {
	writeTo(b *strings.Builder)
}

func writeNode(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case nil:
		b.WriteString("()") // a hole in a hand-built tree; does not parse
	case writer:
		n.writeTo(b)
	default:
		b.WriteString(n.String())
	}
}

func writeOperand(b *strings.Builder, n Node, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeNode(b, n)
	if paren {
		b.WriteByte(')')
	}
}

func nodeString(n writer) string {
	var b strings.Builder
	n.writeTo(&b)
	return b.String()
}

// String returns the literal as written, or the shortest decimal form of Value.
func (n *NumberNode) String() string { return nodeString(n) }

func (n *NumberNode) writeTo(b *strings.Builder) {
	switch v := n.Value; {
	case n.Text != "":
		b.WriteString(n.Text)
	case math.IsNaN(v):
		b.WriteString("(0 div 0)")
	case math.IsInf(v, 1):
		b.WriteString("(1 div 0)")
	case math.IsInf(v, -1):
		b.WriteString("(-1 div 0)")
	case v < 0:
		b.WriteString("(" + strconv.FormatFloat(v, 'f', -1, 64) + ")")
	default:
		b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	}
}

// String returns the literal in single quotes, or in double quotes if Value holds a single
// quote. A Value holding both ASCII quotes (which only a literal in typographic quotes can
// hold) is printed in ‘…’, or in “…” if it holds ’, or else as a concat() call.
func (n *StringNode) String() string { return nodeString(n) }

func (n *StringNode) writeTo(b *strings.Builder) { writeLiteral(b, n.Value) }

func writeLiteral(b *strings.Builder, s string) {
	switch {
	case !strings.Contains(s, "'"):
		b.WriteString("'" + s + "'")
	case !strings.Contains(s, `"`):
		b.WriteString(`"` + s + `"`)
	case !strings.Contains(s, "’"):
		b.WriteString("‘" + s + "’")
	case !strings.Contains(s, "”"):
		b.WriteString("“" + s + "”")
	default:
		// XPath 1.0 literals have no escapes: a string holding every kind of quote is
		// spelled as a concatenation.
		b.WriteString("concat(")
		for i, part := range strings.Split(s, "'") {
			if i > 0 {
				b.WriteString(`, "'", `)
			}
			b.WriteString("'" + part + "'")
		}
		b.WriteByte(')')
	}
}

// String returns "${name}".
func (n *RefNode) String() string { return "${" + n.Name + "}" }

func (n *RefNode) writeTo(b *strings.Builder) { b.WriteString("${" + n.Name + "}") }

// String returns the path with its steps joined by "/", each followed by its predicates.
func (n *PathNode) String() string { return nodeString(n) }

func (n *PathNode) writeTo(b *strings.Builder) {
	switch {
	case n.Instance != "":
		b.WriteString("instance(")
		writeLiteral(b, n.Instance)
		b.WriteString(")/")
	case n.Current:
		b.WriteString("current()/")
	case n.Absolute:
		b.WriteByte('/')
	}
	for i, s := range n.Steps {
		if i > 0 {
			b.WriteByte('/')
		}
		if i == 0 && n.Ref != "" {
			s = "${" + n.Ref + "}"
		}
		b.WriteString(s)
		for _, pred := range n.StepPreds(i) {
			b.WriteByte('[')
			writeNode(b, pred)
			b.WriteByte(']')
		}
	}
}

// String returns the operator followed by its operand, parenthesized when needed.
func (n *UnaryNode) String() string { return nodeString(n) }

func (n *UnaryNode) writeTo(b *strings.Builder) {
	b.WriteString(n.Op.String())
	writeOperand(b, n.X, precOf(n.X) < precUnary)
}

// String returns the operands around the operator, parenthesized when needed.
func (n *BinaryNode) String() string { return nodeString(n) }

func (n *BinaryNode) writeTo(b *strings.Builder) {
	p := binaryPrec(n.Op)
	writeOperand(b, n.L, precOf(n.L) < p || p == precLowest)
	b.WriteString(" " + n.Op.String() + " ")
	writeOperand(b, n.R, precOf(n.R) <= p)
}

// String returns the call with its arguments separated by ", ".
func (n *CallNode) String() string { return nodeString(n) }

func (n *CallNode) writeTo(b *strings.Builder) {
	b.WriteString(n.Name)
	b.WriteByte('(')
	for i, a := range n.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		writeNode(b, a)
	}
	b.WriteByte(')')
}
