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
	// References inside nested repeats (to the same instance, to the enclosing instance, to
	// every instance from outside), across groups, next to relative paths, in a constraint
	// that reads the question itself, in repeat counts, defaults and choice filters.
	rf, err := forms.Parse("refs.md", []byte(refsForm))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(rf, forms.Options{Now: func() time.Time { return fixedNow }})
	set := func(path, v string) {
		t.Helper()
		if p, err := s.Set(path, v); err != nil || p != nil {
			t.Fatalf("set %s = %s: %v %v", path, v, err, p)
		}
	}
	set("g1/n", "2")
	set("g1/prov", "64")
	set("g2/reg", "6474")
	for i := 1; i <= 2; i++ {
		hh := fmt.Sprintf("hh[%d]", i)
		set(hh+"/head", fmt.Sprintf("Head %d", i))
		for j := 1; j <= i+1; j++ {
			p, err := s.AddInstance(hh + "/member")
			if err != nil {
				t.Fatal(err)
			}
			set(p+"/age", fmt.Sprint(10*j+i))
			set(p+"/name", fmt.Sprintf("M%d%d", i, j))
		}
	}
	cases = append(cases, filled{"refs.md", s})
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

// refsForm puts ${name} references wherever a form can hold them.
const refsForm = `
| survey |
| | type | name | label | relevant | constraint | calculation | repeat_count | choice_filter | default |
| | begin group | g1 | G1 | | | | | | |
| | integer | n | Households | | . >= ${n} and . < 10 | | | | |
| | select_one prov | prov | Province | ${n} > 0 | | | | | |
| | end group | | | | | | | | |
| | begin group | g2 | G2 | ${g1_ok} = 'yes' | | | | | |
| | select_one reg | reg | Regency | string-length(${prov}) > 0 | | | | prov = ${prov} | |
| | calculate | reg_prov | | | | substr(${reg}, 0, 2) | | | |
| | end group | | | | | | | | |
| | calculate | g1_ok | | | | if(${n} > 0, 'yes', 'no') | | | |
| | begin repeat | hh | Household | ${n} > 0 | | | ${n} | | |
| | text | head | Head | | string-length(${head}) > 1 and ${head} != ${reg} | | | | |
| | calculate | hh_pos | | | | position(..) | | | |
| | begin repeat | member | Member | | | | | | |
| | text | name | Name | string-length(${head}) > 0 | . != ${head} | | | | |
| | integer | age | Age | ../name != '' | . < 120 and ${age} >= 0 | | | | ${hh_pos} |
| | calculate | older | | | | if(${age} > 15 and current()/../age > 0, concat(${name}, '/', ${head}, '/', ${reg_prov}), '') | | | |
| | end repeat | | | | | | | | |
| | calculate | hh_total | | | | sum(${age}) | | | |
| | calculate | first_age | | | | indexed-repeat(${age}, ${member}, 1) | | | |
| | end repeat | | | | | | | | |
| | calculate | all_total | | | | sum(${hh_total}) + count(${member}) | | | |
| | calculate | names | | | | join(' ', ${name}) | | | |
| choices |
| | list_name | name | label | prov |
| | prov | 64 | Kaltim | |
| | prov | 63 | Kalsel | |
| | reg | 6474 | Bontang | 64 |
| | reg | 6472 | Samarinda | 64 |
| | reg | 6371 | Banjarmasin | 63 |
`
