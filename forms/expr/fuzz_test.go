package expr

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks that Parse never panics and that the printed form of any AST it returns
// parses back to the same AST and prints the same.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Parse(%q): error %T, want *SyntaxError", src, err)
			}
			return
		}
		printed := e.Root.String()
		e2, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) (printed from %q): %v", printed, src, err)
		}
		if diff := cmp.Diff(e.Root, e2.Root, ignorePos); diff != "" {
			t.Fatalf("round trip of %q through %q mismatch (-want +got):\n%s", src, printed, diff)
		}
		if again := e2.Root.String(); again != printed {
			t.Fatalf("%q printed %q, then %q", src, printed, again)
		}
	})
}

// FuzzEval checks that checking and evaluating any expression that parses, and each
// predicate in it, never panics, never returns nil, and gives the same value as its
// printed form.
func FuzzEval(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			return
		}
		_ = Check(e)
		_ = e.Refs()
		_ = e.UsesCurrent()
		for _, cur := range []Value{String("6474014101980001"), Nodes{String("2"), Date{}}} {
			env := newTestEnv()
			env.current = cur
			v := e.Eval(env)
			if v == nil {
				t.Fatalf("Eval(%q) = nil", src)
			}
			_, _, _ = ToString(v), ToNumber(v), ToBool(v)
			_, _ = ToDate(v)
			// Sub-expressions written twice are evaluated once; compiled without sharing
			// they must give the same value.
			if got, want := show(orEmpty(compile(e.Root)(env))), show(v); got != want {
				t.Fatalf("Eval(%q) = %s, but without shared sub-expressions %s", src, want, got)
			}
			e2 := mustParse(t, e.Root.String())
			if got, want := show(e2.Eval(env)), show(v); got != want {
				t.Fatalf("Eval(%q) = %s, but its printed form %q gives %s", src, want, e2.Src, got)
			}
			p1, p2 := allPreds(e.Root), allPreds(e2.Root)
			if len(p1) != len(p2) {
				t.Fatalf("%q has %d predicates, its printed form %q %d", src, len(p1), e2.Src, len(p2))
			}
			for i, pred := range p1 {
				v := e.EvalNode(pred, env)
				if v == nil {
					t.Fatalf("EvalNode(%s) in %q = nil", pred, src)
				}
				if got, want := show(e2.EvalNode(p2[i], env)), show(v); got != want {
					t.Fatalf("EvalNode(%s) in %q = %s, but in its printed form %s", pred, src, want, got)
				}
				_ = e.Holds(pred, env)
			}
		}
	})
}

// allPreds returns the predicates of the paths of n in source order.
func allPreds(n Node) []Node {
	var preds []Node
	walk(n, func(n Node) bool {
		if p, ok := n.(*PathNode); ok {
			for _, ps := range p.Preds {
				preds = append(preds, ps...)
			}
		}
		return true
	})
	return preds
}

// translateCases are strings that take translate's byte-by-byte path, and those that do
// not: non-ASCII characters, invalid UTF-8, a character named twice, a shorter or longer
// replacement, a non-ASCII replacement.
var translateCases = [][3]string{
	{"0812-3456 (789)", " -.()", ""},
	{"0812-3456 (789)", " -.()", "_"},
	{"08123456789", " -.()", ""},
	{"bar", "abc", "ABC"},
	{"--aaa--", "a-", "A"},
	{"aaa", "aa", "bc"},
	{"Dévi Nür-Ayu", " -", "_"},
	{"Dévi\xffNür\xc3", " -\xff", "_"},
	{"Ab\x00c", "\x00b", "zy"},
	{"hello", "lo", "LÖ"},
	{"héllo", "é", "e"},
	{"", "abc", ""},
	{"abc", "", "x"},
	{"abcabc", "cba", "xyzw"},
}

// TestTranslateFastPathAgrees checks translate, which works byte by byte on ASCII
// arguments, against the character-by-character translateRunes.
func TestTranslateFastPathAgrees(t *testing.T) {
	for _, c := range translateCases {
		if c[1] == "" {
			continue // translate keeps s as it is
		}
		if got, want := translate(c[0], c[1], c[2]), translateRunes(c[0], c[1], c[2]); got != want {
			t.Errorf("translate(%q, %q, %q) = %q, want %q", c[0], c[1], c[2], got, want)
		}
	}
	if _, ok := translateASCII("0812-3456", " -", ""); !ok {
		t.Error("an ASCII translate did not take the byte-by-byte path")
	}
}

func FuzzTranslate(f *testing.F) {
	for _, c := range translateCases {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, s, from, to string) {
		want := s // an empty from keeps s as it is, invalid UTF-8 included
		if from != "" {
			want = translateRunes(s, from, to)
		}
		if got := translate(s, from, to); got != want {
			t.Fatalf("translate(%q, %q, %q) = %q, want %q", s, from, to, got, want)
		}
	})
}

// TestFormatDateAsTimeFormat checks formatDate, which writes dates without time.Format,
// against time.Format across years, zones (whole hours, minutes, seconds, both sides of
// UTC) and fractions of a second.
func TestFormatDateAsTimeFormat(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("WIB", 7*3600), time.FixedZone("", 5*3600+45*60),
		time.FixedZone("", -(3*3600 + 30*60)), time.FixedZone("", -30), time.FixedZone("", 59), time.FixedZone("", -3599)}
	times := []time.Time{
		time.Date(2026, 11, 30, 16, 4, 5, 123456789, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 15, 12, 0, 0, 1000000, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 999999, time.UTC),
		time.Date(2000, 2, 29, 9, 8, 7, 6000000, time.UTC),
	}
	for _, base := range times {
		for _, z := range zones {
			for _, hasTime := range []bool{false, true} {
				d := Date{T: base.In(z), HasTime: hasTime}
				want := d.T.Format(dateLayout)
				if hasTime {
					want = d.T.Format(dateTimeLayout)
				}
				if got := formatDate(d); got != want {
					t.Errorf("formatDate(%v, time %v) = %q, want %q", d.T, hasTime, got, want)
				}
			}
		}
	}
}

func FuzzFormatDate(f *testing.F) {
	f.Add(int64(1796054645), int64(123456789), 7*3600, true)
	f.Add(int64(-62167219200), int64(0), -30, false)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int, hasTime bool) {
		d := Date{T: time.Unix(sec, nsec).In(time.FixedZone("", offset%(24*3600))), HasTime: hasTime}
		want := d.T.Format(dateLayout)
		if hasTime {
			want = d.T.Format(dateTimeLayout)
		}
		if got := formatDate(d); got != want {
			t.Fatalf("formatDate(%v, time %v) = %q, want %q", d.T, hasTime, got, want)
		}
	})
}

// TestParsedDateKeepsText checks that a date read from the string formatDate writes for it
// keeps that string, and one read from another spelling is formatted as before.
func TestParsedDateKeepsText(t *testing.T) {
	for _, c := range []struct {
		s    string
		kept bool
	}{
		{"2026-11-22", true},
		{"2026-11-22T09:30:00.000+07:00", true},
		{"2026-11-22T09:30:00.000Z", true},
		{"2026-11-22T09:30:00.000+00:00", false}, // written with Z
		{"2026-11-22T09:30:00+07:00", false},     // written with milliseconds
		{"2026-11-22T09:30", false},
		{"0000-01-01", true},
	} {
		d, ok := ToDate(String(" " + c.s + " "))
		if !ok {
			t.Fatalf("%q is not a date", c.s)
		}
		if kept := d.text != ""; kept != c.kept {
			t.Errorf("%q: text kept %v, want %v", c.s, kept, c.kept)
		}
		if got, want := ToString(d), formatDate(Date{T: d.T, HasTime: d.HasTime}); got != want {
			t.Errorf("%q reads back as %q, formatted %q", c.s, got, want)
		}
	}
}

func FuzzParsedDateText(f *testing.F) {
	for _, s := range []string{"2026-11-22", "2026-11-22T09:30:00.000+07:00", "2026-11-22T09:30:00.000Z", "9999-12-31T23:59:59.999-00:30", "2026-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDate(s)
		if !ok {
			return
		}
		if got, want := ToString(d), formatDate(Date{T: d.T, HasTime: d.HasTime}); got != want {
			t.Fatalf("%q reads back as %q, formatted %q", s, got, want)
		}
	})
}
