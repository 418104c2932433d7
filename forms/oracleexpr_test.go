package forms_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// oracleExpressions are expressions over a text question t and an integer n, computed by
// one calculate each in tracer's engine and in ODK's (the oracle, oracle_test.go) after each
// of oracleAnswers is given: the engines must agree on every value. They hold what ODK's
// engines define and a reimplementation easily gets wrong: string lengths and indexes in
// UTF-16 code units, XPath 1.0's substring rounding, comparisons of booleans, empty
// values in arithmetic and dates built from parts.
var oracleExpressions = []string{
	"string-length(${t})",
	"substr(${t}, 0, 2)",
	"substr(${t}, 1)",
	"substr(${t}, -1)",
	"substr(${t}, 1, ${n})",
	"substring(${t}, 2, 2)",
	"substring(${t}, ${n})",
	"substring(${t}, 1.5, 2.6)",
	"substring-before(${t}, 'b')",
	"substring-after(${t}, 'a')",
	"translate(${t}, 'abc', 'AB')",
	"normalize-space(concat(' ', ${t}, '  x '))",
	"contains(${t}, 'b')",
	"starts-with(${t}, 'a')",
	"string-length(${t}) > ${n}",
	"1 < 2 < 3",
	"${n} > 1 = true()",
	"${n} + 1",
	"${n} div 0",
	"selected('', '')",
	"selected(${t}, 'abc')",
	"count-selected(${t})",
	"format-date(date(concat('2025-', ${n}, '-', ${n})), '%Y-%m-%d')",
	"coalesce(${t}, 'none')",
	"if(${t} = '', 'empty', ${t})",
	"number(${t})",
	"round(${n} div 3, 2)",
	"date('2025-01-01') + ${n}",
	"decimal-date-time('2025-01-01T23:00:00-05:00')",
	"decimal-date-time('2025-01-01')",
	"decimal-date-time('2025-01-01T23:00:00')",
	"decimal-date-time(date('2025-01-01') + ${n})",
	"format-date-time(date-time(decimal-date-time('2026-01-02T23:30:00+07:00')), '%H:%M')",
	"format-date('2025-01-01T23:00:00-05:00', '%Y-%m-%d %H')",
	"format-date-time('2026-01-02T23:30:00+07:00', '%Y-%m-%d %H:%M')",
	"date-time('2026-01-02T23:30:00+07:00') = date-time('2026-01-02T16:30:00Z')",
	"date-time('2026-01-02T23:30:00+07:00') < date-time(concat('2026-01-02T1', ${n}, ':00:00Z'))",
	"date-time('2026-01-02T10:30') = date-time('2026-01-02T10:30:00+07:00')",
	"date-time('2026-01-02T10:30:00') < date-time('2026-01-02T04:00:00Z')",
	"decimal-date-time(date-time('2026-01-02T10:30'))",
	"format-date-time(date-time('2026-01-02'), '%Y-%m-%d %H:%M')",
	"decimal-date-time(date-time('2026-01-02'))",
	"int(${n} div 2)",
	"pow(${n}, 0.5)",
	"string(1 div 3)",
	"string(${n} * 1000000)",
	"string(0.1 + 0.2)",
	"${t} != ''",
	"${t} < 'b'",
	"${t} > ${n}",
	"max(${n}, 3)",
	"join('-', ${t}, ${n})",
	"regex(${t}, '^.b')",
	"regex(${t}, '^..$')",
	"string-length(normalize-space(${t}))",
}

// oracleExpressionsUTCOnly are compared on a clock in UTC only: off it, ODK's web engine
// gives what ODK Collect, and tracer, do not (docs/XLSFORM.md).
var oracleExpressionsUTCOnly = map[string]string{
	"date('2025-01-01') + ${n}":                    "the web engine counts a date in arithmetic as the instant of its local midnight (20090.7083 at +07:00), Collect as whole days (20091)",
	"decimal-date-time(date('2025-01-01') + ${n})": "the same sum, which decimal-date-time() of a number keeps",
}

// oracleAnswers are the answers given to t and n in turn.
var oracleAnswers = [][2]string{
	{"abc", "2"},
	{"a😀b", "1"},
	{"😀😀x", "3"},
	{"é́a b", "5"},
	{"", ""},
	{"12", "-1"},
}

// TestODKOracleExpressions runs oracleExpressions in both engines, on a clock in UTC and on
// one in Western Indonesian Time (+07:00), where the dates and times of an enumerator's
// laptop are.
func TestODKOracleExpressions(t *testing.T) {
	node := oracleNode(t)
	for _, zone := range []struct {
		iana string
		loc  *time.Location
	}{{"UTC", time.UTC}, {"Asia/Jakarta", time.FixedZone("WIB", 7*3600)}} {
		t.Run(zone.iana, func(t *testing.T) { oracleExpressionsIn(t, node, zone.iana, zone.loc) })
	}
}

func oracleExpressionsIn(t *testing.T, node, tz string, loc *time.Location) {
	var md strings.Builder
	md.WriteString("| survey |\n| | type | name | label | calculation |\n| | text | t | T | |\n| | integer | n | N | |\n")
	for i, e := range oracleExpressions {
		fmt.Fprintf(&md, "| | calculate | c%d | | %s |\n", i, e)
	}
	f, err := forms.Parse("expressions.md", []byte(md.String()))
	if err != nil {
		t.Fatal(err)
	}
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: loc, DeviceID: "test", Username: "enum1"})
	var steps []oracleStep
	var mine []map[string]string // tracer's values after each step, by calculate
	for _, a := range oracleAnswers {
		for k, v := range map[string]string{"t": a[0], "n": a[1]} {
			if p, err := s.Set(k, v); err != nil || p != nil {
				t.Fatalf("set %s = %q: %v %v", k, v, err, p)
			}
		}
		steps = append(steps, oracleStep{Op: "set", Ref: xref("t"), Value: a[0]}, oracleStep{Op: "set", Ref: xref("n"), Value: a[1]})
		vals := map[string]string{}
		for i := range oracleExpressions {
			vals[fmt.Sprintf("c%d", i)] = s.Value(fmt.Sprintf("c%d", i))
		}
		mine = append(mine, vals)
	}
	res := runOracleIn(t, node, struct {
		Forms []oracleForm `json:"forms"`
	}{[]oracleForm{{Name: "expressions", XForm: x.String(), DeviceID: "test", Username: "enum1", Steps: steps}}}, tz)["expressions"]
	if res.Error != "" || len(res.Errors) > 0 {
		t.Fatalf("ODK's engine: %s %v", res.Error, res.Errors)
	}
	if len(res.States) != len(steps)+1 {
		t.Fatalf("the oracle gave %d states for %d steps", len(res.States), len(steps))
	}
	for k, a := range oracleAnswers {
		odk := res.States[2*k+2] // after both answers of the step
		for i, e := range oracleExpressions {
			if _, utcOnly := oracleExpressionsUTCOnly[e]; utcOnly && tz != "UTC" {
				continue
			}
			c := fmt.Sprintf("c%d", i)
			raw, ok := odk[xref(c)]
			if !ok {
				t.Errorf("%s: not in ODK's instance", e)
				continue
			}
			st, err := decodeState(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !sameValue(mine[k][c], st.value) {
				t.Errorf("t=%q n=%q: %s is %q in tracer, %q in ODK", a[0], a[1], e, mine[k][c], st.value)
			}
		}
	}
}
