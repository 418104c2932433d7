// Package expr implements the expression language of XLSForm and ODK forms: the XPath 1.0
// subset that relevance, constraint, calculation and choice-filter columns are written in,
// with the ODK (JavaRosa) functions and conversions.
//
// An expression is parsed once, when the form loads, and evaluated often:
//
//	e, err := expr.Parse("${age} >= 18 and selected(${consent}, 'yes')")
//	if err != nil {
//		return err // a *SyntaxError
//	}
//	if err := expr.Check(e); err != nil {
//		return err // unknown function, wrong arity, bad regex
//	}
//	relevant := expr.ToBool(e.Eval(env))
//
// Parsing produces an AST of position-carrying nodes (NumberNode, StringNode, RefNode,
// PathNode, UnaryNode, BinaryNode, CallNode) that prints back as source with String. Parse
// also compiles the AST into a tree of closures, with literals boxed and literal regex
// patterns compiled ahead of time, so that Eval does little more than read answers from the
// Env and compare them.
//
// Evaluation follows XPath 1.0 as ODK Collect does: values are strings, numbers, booleans,
// dates and node-sets; an empty answer is the empty string and converts to NaN; comparisons
// with a node-set hold if they hold for any node; substr is 0-based; regex matches anywhere
// in the string unless the pattern is anchored. Eval never panics: values that make no sense
// at run time give NaN, the empty string or false.
package expr
