package expr

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		src string
		pos Pos
		msg string // "" for no error
	}{
		{"${a} + 1", 0, ""},
		{"if(a, b, c) and concat() and concat(1, 2, 3, 4, 5)", 0, ""},
		{"jr:choice-name(${a}, '${a}')", 0, ""},
		{"indexed-repeat(${x}, ${r}, 1, ${s}, 2)", 0, ""},
		{"weighted-checklist(1, 2, ${a}, 1, ${b}, 2)", 0, ""},
		{"regex(., '^[0-9]+$')", 0, ""},
		{"regex(., concat('(', ''))", 0, ""}, // not a literal: checked at run time
		{"foo(1)", 0, "unknown function foo"},
		{"1 + pulldata('f', 'a', 'b', ${k})", 0, ""},
		{"1 + pull-data('f', 'a', 'b', ${k})", 4, "unknown function pull-data"},
		{"pulldata('f', 'a', 'b')", 0, "pulldata() takes 4 arguments, got 3"},
		{"digest(${a}, 'SHA-256') = digest(${a}, 'md5', 'hex')", 0, ""},
		{"digest(${a}, ${algo}, ${enc})", 0, ""}, // not literals: checked at run time
		{"digest(${a}, 'SHA-3')", 0, "digest() algorithm must be MD5, SHA-1, SHA-256, SHA-384 or SHA-512, not 'SHA-3'"},
		{"digest(${a}, 'SHA-1', 'base32')", 0, "digest() encoding must be base64 or hex, not 'base32'"},
		{"digest(${a})", 0, "digest() takes 2 or 3 arguments, got 1"},
		{"add-date(today(), 1, 2, 3, 4, 5)", 0, ""},
		{"add-date(today(), 1, 2, 3, 4, 5, 6)", 0, "add-date() takes 1 to 6 arguments, got 7"},
		{"difference-in-months(${a})", 0, "difference-in-months() takes 2 arguments, got 1"},
		{"parse-timestamp-to-date()", 0, "parse-timestamp-to-date() takes 1 argument, got 0"},
		{"randomize(${a}, 7) and randomize(${a}) and area(${a}) and distance(${a}, ${b})", 0, ""},
		{"base64-decode(${a}) and count-non-empty(${a})", 0, ""},
		{"current() = 1 and current()/../x = 1", 0, ""},
		{"current(.)", 0, "current() takes 0 arguments, got 1"},
		// Calls inside predicates are checked.
		{"instance('list')/root/item[name = foo(${x})]/label", 34, "unknown function foo"},
		{"count(/data/r[position(1, 2) = 1])", 14, "position() takes 0 or 1 argument, got 2"},
		{"if(1, 2)", 0, "if() takes 3 arguments, got 2"},
		{"not()", 0, "not() takes 1 argument, got 0"},
		{"true(1)", 0, "true() takes 0 arguments, got 1"},
		{"round(1, 2, 3)", 0, "round() takes 1 or 2 arguments, got 3"},
		{"substr('a')", 0, "substr() takes 2 or 3 arguments, got 1"},
		{"max()", 0, "max() takes at least 1 argument, got 0"},
		{"checklist(1)", 0, "checklist() takes at least 2 arguments, got 1"},
		{"indexed-repeat(${x}, ${r})", 0, "indexed-repeat() takes 3, 5, 7... arguments, got 2"},
		{"indexed-repeat(${x}, ${r}, 1, ${s})", 0, "indexed-repeat() takes 3, 5, 7... arguments, got 4"},
		{"weighted-checklist(1, 2, ${a})", 0, "weighted-checklist() takes 2, 4, 6... arguments, got 3"},
		{"indexed-repeat(/data/x, ${r}, 1)", 0, "indexed-repeat() argument 1 must be a ${name} reference"},
		{"indexed-repeat(${x}, ${r}, 1, 'r2', 2)", 0, "indexed-repeat() argument 4 must be a ${name} reference"},
		{"${a} and regex(., '(')", 9, "invalid pattern in regex(): error parsing regexp: missing closing ): `(`"},
		{"regex(., '^(?!0000)')", 0, "invalid pattern in regex(): error parsing regexp: invalid or unsupported Perl syntax: `(?!`"},
		// The first problem in source order: the outer call comes before its arguments.
		{"foo(bar())", 0, "unknown function foo"},
		{"concat(bar(), baz())", 7, "unknown function bar"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			err := Check(mustParse(t, tt.src))
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.src, err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Check(%q) = %v, want a *SyntaxError", tt.src, err)
			}
			if diff := cmp.Diff(&SyntaxError{Pos: tt.pos, Msg: tt.msg}, se); diff != "" {
				t.Errorf("Check(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestCheckKnowsEveryFunction makes sure each function Check accepts also evaluates: a
// call with an unknown name, or an arity the evaluator does not handle, evaluates to "".
func TestCheckKnowsEveryFunction(t *testing.T) {
	for name, spec := range funcs {
		if spec.id == fnIndexedRepeat {
			continue // needs references, tested elsewhere
		}
		n := &CallNode{Name: name}
		for range spec.min {
			n.Args = append(n.Args, &StringNode{Value: "1"})
		}
		if spec.id == fnDigest {
			n.Args[1] = &StringNode{Value: "SHA-256"}
		}
		if got := compile(n); got == nil {
			t.Errorf("%s: compile returned nil", name)
		}
		if err := Check(&Expr{Root: n}); err != nil {
			t.Errorf("%s: Check(%s) = %v", name, n, err)
		}
		if v := compile(n)(newTestEnv()); v == nil {
			t.Errorf("%s: evaluated to nil", name)
		}
	}
}

func TestRefs(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"1 + 2", nil},
		{"${b} + ${a} * ${b}", []string{"b", "a"}},
		{"if(${c}, indexed-repeat(${x}, ${r}, ${i}), ${c})", []string{"c", "x", "r", "i"}},
		{"jr:choice-name(${q}, '${other}')", []string{"q"}},
		{"instance('list')/root/item[name = ${x} and ${y} > 1]/label = ${z}", []string{"x", "y", "z"}},
		{"/data/r[a[b = ${deep}]]/x", []string{"deep"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, mustParse(t, tt.src).Refs()); diff != "" {
			t.Errorf("Refs(%q) mismatch (-want +got):\n%s", tt.src, diff)
		}
	}
}

func TestUsesCurrent(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"${a} > 1", false},
		{". > 1", true},
		{"regex(., '^a')", true},
		{"position(..) = 1", false},
		{"../x = 1", false},
		{"string-length() > 3", true},
		{"string-length(${a}) > 3", false},
		{"normalize-space() = ''", true},
		{"once(uuid())", true},
		{"-(1 + .)", true},
		{"current() > 1", true},
		{"current()/../x > 1", false},
		{"instance('l')/root/item[name = ${x}]/label", false},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.src).UsesCurrent(); got != tt.want {
			t.Errorf("UsesCurrent(%q) = %t, want %t", tt.src, got, tt.want)
		}
	}
}
