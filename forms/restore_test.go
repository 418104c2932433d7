package forms_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
	"tracer/forms/builtin"
)

// restoredState is what a restored session shows: its answers, its problems and its record.
type restoredState struct {
	Unknown  []string
	Answers  []forms.Answer
	Problems []string
	Record   string
}

func stateOf(t *testing.T, s *forms.Session, unknown []string) restoredState {
	t.Helper()
	st := restoredState{Unknown: unknown, Answers: s.Answers()}
	for _, p := range s.Problems() {
		st.Problems = append(st.Problems, fmt.Sprintf("%s %v %s", p.Path, p.Kind, p.Message))
	}
	rec, err := json.Marshal(s.Record())
	if err != nil {
		t.Fatal(err)
	}
	st.Record = string(rec)
	return st
}

// damaged returns variants of answers a laptop could send: as saved, with answers dropped,
// with answers changed to values of other questions or to junk, and with a path the form
// does not have.
func damaged(answers []forms.Answer, rng *rand.Rand) [][]forms.Answer {
	out := [][]forms.Answer{answers}
	for range 5 {
		v := append([]forms.Answer(nil), answers...)
		for range 1 + rng.IntN(4) {
			if len(v) == 0 {
				break
			}
			i := rng.IntN(len(v))
			switch rng.IntN(4) {
			case 0:
				v = append(v[:i], v[i+1:]...)
			case 1:
				v[i].Value = answers[rng.IntN(len(answers))].Value
			case 2:
				v[i].Value = []string{"", "-1", "x", "99999", "2026-13-40", "a b"}[rng.IntN(6)]
			case 3:
				v = append(v, forms.Answer{Path: "no_such_question", Value: "1"})
			}
		}
		out = append(out, v)
	}
	return out
}

// restoreOptions are the options of the restore tests: a fixed clock, fixed metadata, a
// fixed UUID and a fixed random().
var restoreOptions = forms.Options{Now: func() time.Time { return fixedNow }, DeviceID: "test", Username: "enum1",
	UUID: func() string { return "00000000-0000-4000-8000-000000000000" }, Random: func() float64 { return 0.5 }}

// filled is a form with the answers of one interview.
type filled struct {
	name    string
	form    *forms.Form
	answers []forms.Answer
}

// restoreCases returns the built-in form filled by each persona and every corpus form
// filled by autofill, with no instance and with two instances of each repeat.
func restoreCases(t *testing.T) []filled {
	t.Helper()
	opt := restoreOptions
	var cases []filled
	bf, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range builtin.Personas {
		src, err := builtin.Persona(p)
		if err != nil {
			t.Fatal(err)
		}
		var answers map[string]any
		if err := json.Unmarshal(src, &answers); err != nil {
			t.Fatal(err)
		}
		s := forms.NewSession(bf, opt)
		if errs := s.Fill(answers); len(errs) > 0 {
			t.Fatalf("persona %s: %v", p, errs[0])
		}
		cases = append(cases, filled{"builtin/" + p, bf, s.Answers()})
	}
	for _, path := range corpus(t) {
		f, err := forms.Load(path)
		if err != nil {
			t.Fatalf("load %s: %v", path, err)
		}
		for _, instances := range []int{0, 2} {
			s := forms.NewSession(f, opt)
			if _, err := autofill(s, instances); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			cases = append(cases, filled{fmt.Sprintf("%s/%d", filepath.Base(path), instances), f, s.Answers()})
		}
	}
	return cases
}

// TestRestoreSessionMatchesNewSessionAndRestore checks that a session started from stored
// answers with one computation shows what NewSession followed by Restore shows: the same
// unknown paths, problems and record, on the built-in form's personas and on every corpus
// form filled by autofill, each as saved and damaged in many ways, and the same answers
// for the answers as saved.
func TestRestoreSessionMatchesNewSessionAndRestore(t *testing.T) {
	opt := restoreOptions
	cases := restoreCases(t)
	rng := rand.New(rand.NewPCG(1, 2))
	compared, withProblems := 0, 0
	for _, c := range cases {
		for i, answers := range damaged(c.answers, rng) {
			old := forms.NewSession(c.form, opt)
			want := stateOf(t, old, old.Restore(answers))
			s, unknown := forms.RestoreSession(c.form, opt, answers)
			got := stateOf(t, s, unknown)
			if i > 0 {
				// Damaged answers may leave out instances of a counted repeat in a group that
				// is not relevant; NewSession's computation on the defaults alone adds them
				// and nothing removes them, RestoreSession does not invent them. What the
				// check sees (problems, record) must be the same.
				want.Answers, got.Answers = nil, nil
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s, variant %d: RestoreSession differs from NewSession+Restore (-want +got):\n%s", c.name, i, d)
			}
			compared++
			if len(want.Problems) > 0 {
				withProblems++
			}
		}
	}
	// The comparison means something only if it saw both kinds of interview.
	if compared < 50 || withProblems == 0 || withProblems == compared {
		t.Fatalf("compared %d restored interviews, %d with problems: not the mix this test needs", compared, withProblems)
	}
	t.Logf("compared %d restored interviews, %d with problems", compared, withProblems)
}

// problemsOf prints problems for comparison.
func problemsOf(probs []*forms.Problem) []string {
	var out []string
	for _, p := range probs {
		out = append(out, fmt.Sprintf("%s %s %v %s", p.Path, p.Name, p.Kind, p.Message))
	}
	return out
}

// TestCheckAnswersMatchesRestoreSession checks that CheckAnswers, which builds each session
// in the memory of the form's previous check, gives the problems and unknown paths that
// RestoreSession followed by Problems gives: on the cases of the restore test, each as
// saved and damaged, one after the other on each form (interviews with and without repeat
// instances, unknown paths and problems reuse each other's memory), then from several
// goroutines at once on the built-in form.
func TestCheckAnswersMatchesRestoreSession(t *testing.T) {
	opt := restoreOptions
	type variant struct {
		name    string
		form    *forms.Form
		answers []forms.Answer
		want    []string
	}
	var all []variant
	rng := rand.New(rand.NewPCG(3, 4))
	withProblems, withUnknown := 0, 0
	for _, c := range restoreCases(t) {
		for i, answers := range damaged(c.answers, rng) {
			s, unknown := forms.RestoreSession(c.form, opt, answers)
			want := append(problemsOf(s.Problems()), unknown...)
			probs, unknown2 := forms.CheckAnswers(c.form, opt, answers)
			got := append(problemsOf(probs), unknown2...)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s, variant %d: CheckAnswers differs from RestoreSession and Problems (-want +got):\n%s", c.name, i, d)
			}
			if len(probs) > 0 {
				withProblems++
			}
			if len(unknown) > 0 {
				withUnknown++
			}
			all = append(all, variant{fmt.Sprintf("%s, variant %d", c.name, i), c.form, answers, want})
		}
	}
	if withProblems == 0 || withProblems == len(all) || withUnknown == 0 {
		t.Fatalf("%d checks, %d with problems, %d with unknown paths: not the mix this test needs", len(all), withProblems, withUnknown)
	}
	// Concurrent checks of one form share its memory.
	var builtinCases []variant
	for _, v := range all {
		if strings.HasPrefix(v.name, "builtin/") {
			builtinCases = append(builtinCases, v)
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * len(builtinCases) {
				v := builtinCases[(k*(g+1)+g)%len(builtinCases)]
				probs, unknown := forms.CheckAnswers(v.form, opt, v.answers)
				if d := cmp.Diff(v.want, append(problemsOf(probs), unknown...)); d != "" {
					t.Errorf("goroutine %d: %s: CheckAnswers differs (-want +got):\n%s", g, v.name, d)
					return
				}
			}
		}()
	}
	wg.Wait()
}
