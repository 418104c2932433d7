package forms_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"tracer/forms"
)

// TestChoiceIndexAgrees walks every form the oracle walks (the built-in form, the corpus,
// the forms written for the oracle) twice side by side, one session answering choice
// filters from their index and one testing every choice, with the same random answers,
// and compares the choices every select offers after every answer.
func TestChoiceIndexAgrees(t *testing.T) {
	indexed := 0
	for name, f := range oracleForms(t) {
		for _, n := range f.Nodes {
			if n.ChoiceFilter != nil && forms.Indexed(f, n.Name) {
				indexed++
			}
		}
		opt := forms.Options{Now: func() time.Time { return fixedNow }, Location: time.UTC}
		a, b := forms.NewSession(f, opt), forms.NewSession(f, opt)
		forms.ScanChoices(b)
		r := rand.New(rand.NewPCG(uint64(len(name)), 7))
		compare := func(after string) {
			a.EveryQuestion(func(st forms.Stop, relevant bool) {
				if st.Node.ChoiceFilter == nil {
					return
				}
				var ga, gb []string
				for _, c := range a.Choices(st.Path) {
					ga = append(ga, c.Name)
				}
				for _, c := range b.Choices(st.Path) {
					gb = append(gb, c.Name)
				}
				if !slices.Equal(ga, gb) {
					t.Fatalf("%s: %s after %s: indexed %q, every choice tested %q", name, st.Path, after, ga, gb)
				}
			})
		}
		steps := 0
		for pass := 0; pass < 3; pass++ {
			for st, ok := a.First(); ok && steps < 400; st, ok = a.Next(st.Path) {
				steps++
				if st.Prompt {
					if a.Instances(st.Path) < 2 {
						a.AddInstance(st.Path)
						b.AddInstance(st.Path)
					}
					continue
				}
				cs := candidates(a, st)
				if len(cs) == 0 {
					continue
				}
				v := cs[r.IntN(len(cs))]
				a.Set(st.Path, v)
				b.Set(st.Path, v)
				compare(st.Path + " = " + v)
			}
		}
	}
	t.Logf("%d choice filters indexed", indexed)
	if indexed < 5 {
		t.Errorf("only %d choice filters indexed in all the forms: the test compares little", indexed)
	}
}
