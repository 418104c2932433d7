package forms_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"tracer/forms"
)

// FuzzLoad feeds arbitrary Markdown XLSForms to the loader. Property: no panic; a form that
// loads starts a session, lists its stops and takes generated answers without panicking.
func FuzzLoad(f *testing.F) {
	f.Add(householdForm)
	f.Add("| survey |\n| | type | name | label |\n| | text | q | Q |\n")
	f.Add("| survey |\n| | type | name | relevant | calculation |\n| | calculate | a | | ${b}+1 |\n| | calculate | b | | 2 |\n")
	f.Add("| survey |\n| | type | name | label | repeat_count |\n| | begin repeat | r | R | 3 |\n| | integer | x | X | |\n| | end repeat | | | |\n")
	if data, err := os.ReadFile(filepath.Join("builtin", "blk-tracer.md")); err == nil {
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, src string) {
		form, err := forms.Parse("fuzz.md", []byte(src))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("load error with an empty message")
			}
			return
		}
		s := forms.NewSession(form, forms.Options{Now: func() time.Time { return fixedNow }})
		steps := 0
		for st, ok := s.First(); ok && steps < 200; st, ok = s.Next(st.Path) {
			steps++
			if st.Prompt {
				if s.Instances(st.Path) < 2 {
					_, _ = s.AddInstance(st.Path)
				}
				continue
			}
			for _, c := range candidates(s, st) {
				if p, err := s.Set(st.Path, c); err != nil || p == nil {
					break
				}
			}
		}
		_ = s.Problems()
		_ = s.Record()
		_ = s.Final()
	})
}
