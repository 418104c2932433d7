package expr

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// probeEnv is an Env with every optional interface, recording whether a function read
// anything from it.
type probeEnv struct{ read []string }

func (p *probeEnv) note(what string) { p.read = append(p.read, what) }

func (p *probeEnv) Ref(string) Value               { p.note("Ref"); return String("") }
func (p *probeEnv) Path(*PathNode) Value           { p.note("Path"); return String("") }
func (p *probeEnv) Current() Value                 { p.note("Current"); return String("") }
func (p *probeEnv) Position() int                  { p.note("Position"); return 1 }
func (p *probeEnv) ChoiceLabel(_, _ string) string { p.note("ChoiceLabel"); return "" }
func (p *probeEnv) Now() time.Time                 { p.note("Now"); return time.Unix(0, 0).UTC() }
func (p *probeEnv) UUID() string                   { p.note("UUID"); return "" }
func (p *probeEnv) Random() float64                { p.note("Random"); return 0 }
func (p *probeEnv) PositionOf(*PathNode) int       { p.note("PositionOf"); return 1 }
func (p *probeEnv) Last() int                      { p.note("Last"); return 1 }
func (p *probeEnv) Bound(int) Value                { p.note("Bound"); return nil }
func (p *probeEnv) NodeCount(Node) (int, bool)     { p.note("NodeCount"); return 0, false }
func (p *probeEnv) IndexedRepeat(string, []string, []int) Value {
	p.note("IndexedRepeat")
	return String("")
}
func (p *probeEnv) Lookup(_, _, _, _ string) string { p.note("Lookup"); return "x" }

var (
	_ PositionEnv = (*probeEnv)(nil)
	_ LastEnv     = (*probeEnv)(nil)
	_ CountEnv    = (*probeEnv)(nil)
	_ BoundEnv    = (*probeEnv)(nil)
	_ LookupEnv   = (*probeEnv)(nil)
)

// TestFoldedCallsReadNothing holds readsEnv to what each function does: a call with
// literal arguments is evaluated once, at load, only when the function reads nothing from
// the Env. Every function is called with literal arguments of each arity it takes (up to
// six) on an Env that records what is read; a function that reads something must be one
// readsEnv names, else it would be frozen at its value without the form's clock, position,
// answers or attached files (pulldata('config', 'value', 'key', 'year') once gave "").
func TestFoldedCallsReadNothing(t *testing.T) {
	literals := []string{"'2026-01-02'", "'1'", "'a b'", "'2'", "'c'", "'3'"}
	for name, spec := range funcs {
		for n := 0; n <= 6; n++ {
			if !spec.takes(n) {
				continue
			}
			src := fmt.Sprintf("%s(%s)", name, strings.Join(literals[:n], ", "))
			e, err := Parse(src)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			call, ok := e.Root.(*CallNode)
			if !ok {
				t.Fatalf("%s: parsed as %T", src, e.Root)
			}
			c := compiler{}
			args := make([]evalFn, n)
			for i, a := range call.Args {
				args[i] = c.compile(a)
			}
			var p probeEnv
			c.function(call, spec, args)(&p)
			if len(p.read) > 0 && !readsEnv(spec.id, n) {
				t.Errorf("%s reads %v from the Env but readsEnv says it does not: it would be folded at load", src, p.read)
			}
		}
	}
}
