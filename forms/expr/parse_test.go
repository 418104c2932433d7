package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignorePos compares ASTs regardless of where their nodes were in the source.
var ignorePos = cmpopts.IgnoreTypes(Pos(0))

// sexpr prints n fully parenthesized, to show how the parser grouped it.
func sexpr(n Node) string {
	switch n := n.(type) {
	case *BinaryNode:
		return "(" + n.Op.String() + " " + sexpr(n.L) + " " + sexpr(n.R) + ")"
	case *UnaryNode:
		return "(" + n.Op.String() + " " + sexpr(n.X) + ")"
	case *CallNode:
		parts := []string{n.Name}
		for _, a := range n.Args {
			parts = append(parts, sexpr(a))
		}
		return "(" + strings.Join(parts, " ") + ")"
	}
	return n.String()
}

func mustParse(tb testing.TB, src string) *Expr {
	tb.Helper()
	e, err := Parse(src)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

func TestParseTree(t *testing.T) {
	tests := []struct {
		src  string
		want Node
	}{
		{"12", &NumberNode{Value: 12, Text: "12"}},
		{".5", &NumberNode{Value: 0.5, Text: ".5"}},
		{`"it's"`, &StringNode{Value: "it's"}},
		{"${age}", &RefNode{Name: "age"}},
		{".", &PathNode{Steps: []string{"."}}},
		{"..", &PathNode{Steps: []string{".."}}},
		{"../x", &PathNode{Steps: []string{"..", "x"}}},
		{"/data/g/x", &PathNode{Absolute: true, Steps: []string{"data", "g", "x"}}},
		{"x/y", &PathNode{Steps: []string{"x", "y"}}},
		{"div", &PathNode{Steps: []string{"div"}}},
		{"-${a}", &UnaryNode{Op: OpNeg, X: &RefNode{Name: "a"}}},
		{"true()", &CallNode{Name: "true"}},
		{"jr:choice-name(${q}, '${q}')", &CallNode{Name: "jr:choice-name", Args: []Node{
			&RefNode{Name: "q"}, &StringNode{Value: "${q}"},
		}}},
		{"count-selected( . )", &CallNode{Name: "count-selected", Args: []Node{&PathNode{Steps: []string{"."}}}}},
		{"${a} | ${b}", &BinaryNode{Op: OpUnion, L: &RefNode{Name: "a"}, R: &RefNode{Name: "b"}}},
		{"‘user’ = “it's”", &BinaryNode{Op: OpEq, L: &StringNode{Value: "user"}, R: &StringNode{Value: "it's"}}},
		{"current()", &CallNode{Name: "current"}},
		{"current()/../x", &PathNode{Current: true, Steps: []string{"..", "x"}}},
		{"instance('list')/root/item/label", &PathNode{Instance: "list", Steps: []string{"root", "item", "label"}}},
		{"instance(“contact-summary”)/context/pregnancy_uuid", &PathNode{
			Instance: "contact-summary", Steps: []string{"context", "pregnancy_uuid"},
		}},
		{"instance('list')/root/item[name = ${x}]/label", &PathNode{
			Instance: "list",
			Steps:    []string{"root", "item", "label"},
			Preds: [][]Node{nil, {&BinaryNode{Op: OpEq,
				L: &PathNode{Steps: []string{"name"}}, R: &RefNode{Name: "x"}}}, nil},
		}},
		{"instance('parent')/root/data[P_SN = current()/../C_SN]/P_Name", &PathNode{
			Instance: "parent",
			Steps:    []string{"root", "data", "P_Name"},
			Preds: [][]Node{nil, {&BinaryNode{Op: OpEq,
				L: &PathNode{Steps: []string{"P_SN"}},
				R: &PathNode{Current: true, Steps: []string{"..", "C_SN"}}}}, nil},
		}},
		{"/data/r[2][x != '']", &PathNode{
			Absolute: true,
			Steps:    []string{"data", "r"},
			Preds:    [][]Node{nil, {&NumberNode{Value: 2, Text: "2"}, &BinaryNode{Op: OpNe, L: &PathNode{Steps: []string{"x"}}, R: &StringNode{}}}},
		}},
		{"r[1]/x", &PathNode{Steps: []string{"r", "x"}, Preds: [][]Node{{&NumberNode{Value: 1, Text: "1"}}, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := mustParse(t, tt.src)
			if diff := cmp.Diff(tt.want, e.Root, ignorePos); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
			if e.Src != tt.src {
				t.Errorf("Src = %q, want %q", e.Src, tt.src)
			}
		})
	}
}

func TestParsePrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a or b and c", "(or a (and b c))"},
		{"a and b or c", "(or (and a b) c)"},
		{"a = b and c != d", "(and (= a b) (!= c d))"},
		{"a < b = c > d", "(= (< a b) (> c d))"},
		{"1 + 2 * 3", "(+ 1 (* 2 3))"},
		{"1 - 2 - 3", "(- (- 1 2) 3)"},
		{"8 div 4 div 2", "(div (div 8 4) 2)"},
		{"7 mod 3 * 2", "(* (mod 7 3) 2)"},
		{"-1 + 2", "(+ (- 1) 2)"},
		{"- -1", "(- (- 1))"},
		{"-a | b", "(- (| a b))"},
		{"(1 + 2) * 3", "(* (+ 1 2) 3)"},
		{"1 + (2 + 3)", "(+ 1 (+ 2 3))"},
		{"a <= b >= c", "(>= (<= a b) c)"},
		// Keywords are operators only where an operator is expected.
		{"div div div", "(div div div)"},
		{"and and or or mod", "(or (and and or) mod)"},
		{"or or or", "(or or or)"},
		{"5div 2", "(div 5 2)"},
		{"${a}-${b}", "(- ${a} ${b})"},
		{"a-b - c", "(- a-b c)"},
		{"if(${x} > 1, 'a', concat('b', ${y}))", "(if (> ${x} 1) 'a' (concat 'b' ${y}))"},
		{"${main_status} <= 5 and ${x} != ''", "(and (<= ${main_status} 5) (!= ${x} ''))"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			if got := sexpr(mustParse(t, tt.src).Root); got != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestParsePositions(t *testing.T) {
	e := mustParse(t, "if(${a} >= -1, ../b, 'c')")
	type at struct {
		Node string
		Pos  Pos
	}
	var got []at
	walk(e.Root, func(n Node) bool {
		got = append(got, at{n.String(), n.Position()})
		return true
	})
	want := []at{
		{"if(${a} >= -1, ../b, 'c')", 0},
		{"${a} >= -1", 8},
		{"${a}", 3},
		{"-1", 11},
		{"1", 12},
		{"../b", 15},
		{"'c'", 21},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions mismatch (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src string
		pos Pos
		msg string
	}{
		{"", 0, "empty expression"},
		{"   ", 0, "empty expression"},
		{")", 0, "unexpected ')'"},
		{"1 + )", 4, "unexpected ')'"},
		{"f(1,)", 4, "unexpected ')'"},
		{"()", 1, "unexpected ')'"},
		{"1 2", 2, "unexpected number 2"},
		{"${a} ${b}", 5, "unexpected '${b}'"},
		{"a b", 2, "unexpected 'b'"},
		{"'abc", 0, "unterminated string"},
		{"${a} = 'abc", 7, "unterminated string"},
		{"${", 0, "expected name after ${"},
		{"${1a}", 0, "expected name after ${"},
		{"${a b}", 0, "missing '}' after ${a"},
		{"concat('a', 'b'", 15, "missing ')' after arguments of concat"},
		{"concat('a' 'b')", 11, `unexpected string "b" in arguments of concat (missing ',' or ')'?)`},
		{"concat(", 7, "missing ')' after arguments of concat"},
		{"(1 + 2", 6, "missing ')' to close '(' at column 1"},
		{"(1 2)", 3, "unexpected number 2 (missing ')'?)"},
		{"1 +", 2, "missing operand after '+'"},
		{"a and", 2, "missing operand after 'and'"},
		{"-", 0, "missing operand after '-'"},
		{"a |", 2, "missing operand after '|'"},
		{"/", 1, "expected name after '/'"},
		{"/data/", 6, "expected name after '/'"},
		{"a/*", 2, "wildcard steps (*) are not supported"},
		{"*", 0, "unexpected '*'"},
		{"a/@b/c", 4, "an attribute (@b) is the last step of a path"},
		{"@b[1]", 2, "an attribute (@b) is the last step of a path"},
		{"a/@", 3, "expected an attribute name after '@'"},
		{"//a", 0, "'//' is not supported"},
		{"a//b", 1, "'//' is not supported"},
		{"f()[1]", 3, "predicates [...] may follow only a name in a path"},
		{"current()[1]", 9, "predicates [...] may follow only a name in a path"},
		{"./source = ‘user", 11, "unterminated string"},
		{"“abc’", 0, "unterminated string"},
		{"a[]", 2, "empty predicate []"},
		{"a[1", 3, "missing ']' to close '[' at column 2"},
		{"a[", 2, "missing ']' to close '[' at column 2"},
		{"a[1 2]", 4, "unexpected number 2 (missing ']'?)"},
		{"a[1)", 3, "unexpected ')' (missing ']'?)"},
		{"a[1]]", 4, "unexpected ']'"},
		{".[1]", 1, "predicates [...] may follow only a name, not '.'"},
		{"../..[1]", 5, "predicates [...] may follow only a name, not '..'"},
		{"instance('x')", 13, "instance('x') must be followed by a path, as in instance('x')/root/item"},
		{"instance('x')[1]", 13, "instance('x') must be followed by a path, as in instance('x')/root/item"},
		{"instance(${x})/a", 0, "instance() takes the name of an instance in quotes, as in instance('name')"},
		{"instance('')/a", 0, "instance() takes the name of an instance in quotes, as in instance('name')"},
		{"instance()/a", 0, "instance() takes the name of an instance in quotes, as in instance('name')"},
		{"instance('x')/", 14, "expected name after '/'"},
		{"current()/", 10, "expected name after '/'"},
		{"current(1)/a", 10, "a path may start only with '/', '.', '..', a name, instance('name') or current()"},
		{"]", 0, "unexpected ']'"},
		{"(${a})/b", 6, "a path may start only with '/', '.', '..', a name, instance('name') or current()"},
		{"${a}[]", 5, "empty predicate []"},
		{"${a}[1", 6, "missing ']' to close '[' at column 5"},
		{"a = = b", 4, "unexpected '='"},
		{"a ! b", 2, "unexpected '!' (write != for 'not equal', not(x) for negation)"},
		{"a, b", 1, "unexpected ','"},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), 256, "expression is nested too deeply"},
		{strings.Repeat("-", 300) + "1", 255, "expression is nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tt.src, e, err)
			}
			want := &SyntaxError{Pos: tt.pos, Msg: tt.msg}
			if diff := cmp.Diff(want, se); diff != "" {
				t.Errorf("Parse(%q) error mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("${a} = )")
	if got, want := err.Error(), "at column 8: unexpected ')'"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// roundTripSources are expressions as they appear in XLSForms, used by the round-trip test,
// the benchmarks and as fuzz seeds.
var roundTripSources = []string{
	"${main_status} <= 5 and ${x} != ''",
	"regex(., '^[1-9][0-9]{5}(0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])(0[1-9]|1[0-2])[0-9]{2}[0-9]{4}$') and substr(.,12,16) != '0000'",
	"selected(${consent}, 'yes') and not(selected(${reasons}, 'other'))",
	"if(${age} >= 18, 'adult', if(${age} >= 12, 'teen', 'child'))",
	"count-selected(${symptoms}) >= 1 and count-selected(${symptoms}) <= 3",
	"jr:choice-name(${district}, '${district}')",
	"concat(${first_name}, ' ', ${last_name})",
	". <= today() and . >= date('2020-01-01')",
	"decimal-date-time(${end}) - decimal-date-time(${start})",
	"format-date(${dob}, '%d %b %Y')",
	"round(${weight} div (${height} div 100 * ${height} div 100), 1)",
	"sum(${hh_member_age}) div count(${hh_member})",
	"indexed-repeat(${name}, ${members}, position(..))",
	"coalesce(${phone_alt}, ${phone})",
	"string-length(.) = 16 and int(substr(., 6, 8)) mod 40 <= 31",
	"-(-${a}) - -1",
	"1 - (2 - 3)",
	"(1 + 2) * -3 div 4 mod 5",
	"/data/group/q | ../other",
	`"it's" = 'x' or 'say "hi"' != "it's"`,
	"(${a} or ${b}) and (${c} or ${d})",
	"a = (b = c)",
	"-(a | b)",
	"(-a) | b",
	"once(concat('ID-', uuid(8)))",
	"checklist(-1, 2, ${a}, ${b}, ${c})",
	"1.50 + .5 + 12.",
	"./source = ‘user’",
	"format-date-time(decimal-date-time(today()) + 3, “%Y-%m-%d”)",
	"‘it's \"quoted\"’ != “‘single’ it's \"double\"”",
	"count(instance('parent')/root/data[P_Enumerator = current()/../C_Enumerator])",
	"instance('parent')/root/data[P_Demographic/P_SN = current()/../C_SN]/P_Demographic/P_Name",
	"if(instance('contact-summary')/context/pregnancy_uuid != '', instance('contact-summary')/context/pregnancy_uuid, .)",
	"instance('list')/root/item[name = ${x}][2]/label",
	"/data/r[position() = last]/x[. != ''][a[b > 1] or c]",
	"current() = current()/../x and -current()/y[1] > 0",
	"floor(difference-in-months(../inputs/contact/date_of_birth, today()) div 12)",
	"add-date(today(), 0 - ${age_years}, 0 - ${age_months})",
	"format-date-time(parse-timestamp-to-date(${t}), \"%e %b, %Y at %H:%M:%S\")",
}

func TestPrintRoundTrip(t *testing.T) {
	for _, src := range roundTripSources {
		t.Run(src, func(t *testing.T) {
			e := mustParse(t, src)
			printed := e.Root.String()
			e2, err := Parse(printed)
			if err != nil {
				t.Fatalf("Parse(%q) (printed from %q): %v", printed, src, err)
			}
			if diff := cmp.Diff(e.Root, e2.Root, ignorePos); diff != "" {
				t.Errorf("round trip of %q through %q mismatch (-want +got):\n%s", src, printed, diff)
			}
			if again := e2.Root.String(); again != printed {
				t.Errorf("printed %q, then %q", printed, again)
			}
		})
	}
}

func TestPrint(t *testing.T) {
	tests := []struct {
		node Node
		want string
	}{
		{mustParse(t, "1+2*3").Root, "1 + 2 * 3"},
		{mustParse(t, "(1+2)*3").Root, "(1 + 2) * 3"},
		{mustParse(t, "1-(2-3)").Root, "1 - (2 - 3)"},
		{mustParse(t, "-(1+2)").Root, "-(1 + 2)"},
		{mustParse(t, "f( a ,b)").Root, "f(a, b)"},
		{&StringNode{Value: `it's "x"`}, `‘it's "x"’`},
		{&StringNode{Value: `it’s "x"`}, `'it’s "x"'`},
		{&StringNode{Value: `it's "x" ’`}, `“it's "x" ’”`},
		{&StringNode{Value: `it's "x" ’”`}, `concat('it', "'", 's "x" ’”')`},
		{mustParse(t, "instance( ‘list’ )/root/item[ name=${x} ]/label").Root, "instance('list')/root/item[name = ${x}]/label"},
		{mustParse(t, "current( )/../x").Root, "current()/../x"},
		{&PathNode{Steps: []string{"a", "b"}, Preds: [][]Node{{&NumberNode{Value: 1}}}}, "a[1]/b"},
		{&NumberNode{Value: 2.5}, "2.5"},
		{&NumberNode{Value: -2}, "(-2)"},
		{&BinaryNode{Op: OpAdd, L: &NumberNode{Value: 1}, R: nil}, "1 + ()"},
	}
	for _, tt := range tests {
		if got := tt.node.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
