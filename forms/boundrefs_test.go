package forms_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/forms/expr"
)

// showValue prints an expression value with its type, so that NaN equals NaN and a
// String "3" differs from a Number 3.
func showValue(v expr.Value) string {
	switch v := v.(type) {
	case expr.Nodes:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = showValue(x)
		}
		return "Nodes[" + strings.Join(parts, " ") + "]"
	case expr.Date:
		return fmt.Sprintf("Date(%s %t)", expr.ToString(v), v.HasTime)
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%T(%s)", v, expr.ToString(v))
}

// TestBoundRefsAgreeByName checks, on every corpus form filled with two instances of each
// repeat and on the built-in form filled by each persona, that every expression reads the
// same values with its ${name} references bound to nodes when the form loaded as it reads
// looking each name up: relevance, calculations, repeat counts, defaults, required and
// read-only conditions, constraints against the answer and choice filters for each
// choice, in every item, repeat instances included.
func TestBoundRefsAgreeByName(t *testing.T) {
	type filled struct {
		name string
		s    *forms.Session
	}
	var cases []filled
	for _, path := range corpus(t) {
		f, err := forms.Load(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }, DeviceID: "test", Username: "enum1"})
		if _, err := autofill(s, 2); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		cases = append(cases, filled{filepath.Base(path), s})
	}
	bf, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range builtin.Personas {
		src, err := builtin.Persona(p)
		if err != nil {
			t.Fatal(err)
		}
		var in map[string]any
		if err := json.Unmarshal(src, &in); err != nil {
			t.Fatal(err)
		}
		s := forms.NewSession(bf, forms.Options{Now: func() time.Time { return fixedNow }})
		if errs := s.Fill(in); len(errs) > 0 {
			t.Fatalf("builtin/%s: %v", p, errs[0])
		}
		cases = append(cases, filled{"builtin/" + p, s})
	}
	compared, withRefs := 0, 0
	for _, c := range cases {
		refs := false
		for _, n := range c.s.Form().Nodes {
			for _, x := range []*expr.Expr{n.Relevant, n.Calculation, n.Constraint, n.RepeatCount, n.Default, n.RequiredIf, n.ReadOnlyIf} {
				refs = refs || len(x.Refs()) > 0
			}
		}
		n := 0
		reads := forms.EvalBothWays(c.s, func(where string, bound, byName expr.Value) {
			n++
			if a, b := showValue(bound), showValue(byName); a != b {
				t.Errorf("%s: %s: %s with references bound at load, %s by name", c.name, where, a, b)
			}
		})
		if refs && reads == 0 {
			t.Errorf("%s: the form has ${name} references, but none was read by node index", c.name)
		}
		if refs {
			withRefs++
		}
		compared += n
	}
	if withRefs < 5 || compared < 500 {
		t.Errorf("compared %d values in %d forms with references: too few to say anything", compared, withRefs)
	}
	t.Logf("%d forms (%d with references), %d values compared", len(cases), withRefs, compared)
}
