package expr

import (
	"strconv"
	"testing"
	"time"
)

// countingEnv is a testEnv that counts the reads of each reference, the calls of the
// clock, uuid() and random(), and answers Bound(id) for bound references from bound.
type countingEnv struct {
	*testEnv
	reads  map[string]int
	bound  map[int]Value // nil: the Env reads references by name only
	boundN int
	clock  int
}

func newCountingEnv() *countingEnv {
	return &countingEnv{testEnv: newTestEnv(), reads: map[string]int{}}
}

func (e *countingEnv) Ref(name string) Value {
	e.reads[name]++
	return e.testEnv.Ref(name)
}

func (e *countingEnv) Now() time.Time {
	e.clock++
	return e.testEnv.now.Add(time.Duration(e.clock) * time.Hour * 24)
}

func (e *countingEnv) Random() float64 {
	e.clock++
	return float64(e.clock)
}

func (e *countingEnv) UUID() string {
	e.clock++
	return "u" + strconv.Itoa(e.clock)
}

// boundEnv is a countingEnv that also reads bound references.
type boundEnv struct{ *countingEnv }

func (e boundEnv) Bound(id int) Value {
	e.boundN++
	return e.bound[id] // nil for an id it does not know: read by name
}

// TestSharedSubexpressions checks that a sub-expression written several times in one
// expression is evaluated once per evaluation, with the value it has unshared.
func TestSharedSubexpressions(t *testing.T) {
	cases := []struct {
		src   string
		reads map[string]int // reads of each reference in one evaluation
	}{
		// The term of a date difference copied from a spreadsheet, three times.
		{"floor(number(substring(coalesce(${empty}, ${dob}), 1, 4)) div 4) + number(substring(coalesce(${empty}, ${dob}), 1, 4)) - number(substring(coalesce(${empty}, ${dob}), 1, 4)) mod 100",
			map[string]int{"empty": 1, "dob": 1}},
		// if() evaluates one branch: the shared term is computed where it is first needed.
		{"if(${five} > 3, concat(${name}, '-', ${name}), ${last})", map[string]int{"five": 1, "name": 1}},
		{"if(${five} < 3, ${last}, concat(${name}, ${five}))", map[string]int{"five": 1, "name": 1}},
		// Inside a predicate "." is each candidate: ${x} there is read for each of them.
		{"${ages} = 7 and count(${ages}) > 2", map[string]int{"ages": 1}},
		{"string-length(translate(${symptoms}, ' ', '')) > 0 and starts-with(translate(${symptoms}, ' ', ''), 'f')",
			map[string]int{"symptoms": 1}},
		{"${five} + 1", map[string]int{"five": 1}},
	}
	for _, c := range cases {
		e := mustParse(t, c.src)
		env := newCountingEnv()
		got := e.Eval(env)
		for name, want := range c.reads {
			if env.reads[name] != want {
				t.Errorf("%s: ${%s} read %d times, want %d", c.src, name, env.reads[name], want)
			}
		}
		if want := compile(e.Root)(newCountingEnv()); show(got) != show(want) {
			t.Errorf("%s = %s, unshared %s", c.src, show(got), show(want))
		}
	}
	if e := mustParse(t, "${five} + ${five}"); e.slots != 1 {
		t.Errorf("${five} + ${five} shares %d sub-expressions, want 1", e.slots)
	}
}

// TestClockAndRandomNotShared checks that now(), today(), uuid() and random() written
// twice are called twice, as without sharing.
func TestClockAndRandomNotShared(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"random() + random()", "Number(3)"},
		{"concat(uuid(), uuid())", `String("u1u2")`},
		{"concat(uuid(4), '-', uuid(4))", ""}, // lengths differ from the env's: only checked unshared
		{"now() = now()", "Bool(false)"},
		{"today() = today()", "Bool(false)"},
		{"string(random()) = string(random())", "Bool(false)"},
	} {
		e := mustParse(t, c.src)
		got := show(e.Eval(newCountingEnv()))
		if want := show(compile(e.Root)(newCountingEnv())); got != want {
			t.Errorf("%s = %s, unshared %s", c.src, got, want)
		}
		if c.want != "" && got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

// TestBindRefs checks that bound references are read with Bound, by id, from an Env that
// has it; by name from one that does not, or when Bound does not know the id; and that
// references left unbound are read by name.
func TestBindRefs(t *testing.T) {
	e := mustParse(t, "concat(${name}, ${last}, ${name}, count(instance('list')/root/item[name = ${five}]))")
	e.BindRefs(func(name string) (int, bool) {
		switch name {
		case "name":
			return 1, true
		case "five":
			return 2, true
		}
		return 0, false
	})
	env := boundEnv{newCountingEnv()}
	env.bound = map[int]Value{1: String("Bound")}
	env.paths["instance('list')/root/item[name = ${five}]"] = Nodes{}
	if got, want := show(e.Eval(env)), `String("BoundAminahBound0")`; got != want {
		t.Errorf("bound: %s, want %s", got, want)
	}
	if env.reads["name"] != 0 || env.reads["last"] != 1 {
		t.Errorf("bound: read by name %v, want only ${last}", env.reads)
	}
	if env.boundN == 0 {
		t.Error("bound: Bound never called")
	}
	// A predicate's reference is bound too; id 2 is unknown to this Env: read by name.
	for _, pred := range allPreds(e.Root) {
		if got := show(e.EvalNode(pred, env)); got != "Bool(false)" {
			t.Errorf("predicate %s = %s", pred, got)
		}
	}
	if env.reads["five"] != 1 {
		t.Errorf("predicate: ${five} read by name %d times, want 1 (after Bound(2) gave nil)", env.reads["five"])
	}
	// An Env without Bound reads every reference by name.
	plain := newCountingEnv()
	if got, want := show(e.Eval(plain)), `String("SitiAminahSiti0")`; got != want {
		t.Errorf("by name: %s, want %s", got, want)
	}
	// Binding again without ids unbinds.
	e.BindRefs(func(string) (int, bool) { return 0, false })
	env = boundEnv{newCountingEnv()}
	env.bound = map[int]Value{1: String("Bound")}
	if got, want := show(e.Eval(env)), `String("SitiAminahSiti0")`; got != want {
		t.Errorf("unbound: %s, want %s", got, want)
	}
	if env.boundN != 0 {
		t.Errorf("unbound: Bound called %d times", env.boundN)
	}
}
