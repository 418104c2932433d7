package forms_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// corpusDir is the shared folder of public XLSForms beside the repository's checkout.
const corpusDir = "../../shared/xlsforms"

func corpus(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.xlsx"))
	legacy, _ := filepath.Glob(filepath.Join(corpusDir, "*.xls"))
	files = append(files, legacy...)
	if len(files) == 0 {
		t.Skipf("no XLSForm corpus at %s (it lives in the project's shared folder)", corpusDir)
	}
	return files
}

var fixedNow = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)

// TestCorpusLoadsAndFills loads every public XLSForm of the corpus and fills each with
// generated valid answers to a complete record.
func TestCorpusLoadsAndFills(t *testing.T) {
	for _, path := range corpus(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := forms.Load(path)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }, DeviceID: "test", Username: "enum1"})
			// Hidden questions are prefilled by whoever starts the interview (a roster, the
			// host app): give each empty one a value the form accepts.
			for _, n := range f.Nodes {
				if n.Kind == forms.KindHidden && n.Repeat == nil && s.Value(n.Path()) == "" {
					for _, c := range candidates(s, forms.Stop{Path: n.Path(), Node: n}) {
						if p, err := s.Set(n.Path(), c); err == nil && p == nil {
							break
						}
					}
				}
			}
			answered, err := autofill(s, 2)
			if err != nil {
				t.Fatal(err)
			}
			// A question made relevant by a later answer is asked on a second pass, as an
			// enumerator going back would.
			for pass := 0; pass < 2 && len(s.Problems()) > 0; pass++ {
				more, err := autofill(s, 0)
				if err != nil {
					t.Fatal(err)
				}
				answered += more
			}
			repair(s)
			if probs := s.Problems(); len(probs) > 0 {
				t.Fatalf("record incomplete after filling %d questions: first problem %s: %s", answered, probs[0].Path, probs[0].Message)
			}
			if rec := s.Record(); answered > 0 && len(rec.Fields) == 0 {
				t.Fatalf("answered %d questions but the record is empty", answered)
			}
		})
	}
}

// autofill answers every stop in order with the first candidate value the form accepts,
// adding instances per repeat prompt, and returns how many questions it answered.
func autofill(s *forms.Session, instances int) (int, error) {
	answered := 0
	st, ok := s.First()
	added := map[string]int{}
	for steps := 0; ok; steps++ {
		if steps > 100000 {
			return answered, fmt.Errorf("interview does not end after %d steps", steps)
		}
		switch {
		case st.Prompt:
			if added[st.Path] < instances {
				added[st.Path]++
				p, err := s.AddInstance(st.Path)
				if err != nil {
					return answered, err
				}
				// Continue with the new instance's first stop.
				if next, ok2 := firstInside(s, p); ok2 {
					st = next
					continue
				}
			}
		case st.Node.Kind == forms.KindQuestion && !s.ReadOnly(st.Path):
			if s.Value(st.Path) == "" || s.Check(st.Path) != nil {
				if err := answer(s, st); err != nil {
					if s.Required(st.Path) {
						return answered, err
					}
				} else {
					answered++
				}
			}
		}
		st, ok = s.Next(st.Path)
	}
	return answered, nil
}

// repair fixes computed questions whose constraint fails (a total that must be 100, say) by
// changing the answers they are computed from: one at a time, then all zero but one.
func repair(s *forms.Session) {
	for _, p := range s.Problems() {
		n := s.NodeAt(p.Path)
		if n == nil || n.Calculation == nil {
			continue
		}
		var inputs []forms.Stop
		for _, ref := range n.Calculation.Refs() {
			if in := s.Form().Node(ref); in != nil && in.Repeat == nil && in.Kind == forms.KindQuestion {
				inputs = append(inputs, forms.Stop{Path: in.Path(), Node: in})
			}
		}
		fixed := func() bool { return s.Check(p.Path) == nil }
		for round := 0; round < 2 && !fixed(); round++ {
			if round == 1 {
				for _, in := range inputs {
					_, _ = s.Set(in.Path, "0")
				}
			}
			for _, in := range inputs {
				for _, c := range candidates(s, in) {
					if pr, _ := s.Set(in.Path, c); pr == nil && fixed() {
						break
					}
				}
				if fixed() {
					break
				}
			}
		}
	}
}

func firstInside(s *forms.Session, instPath string) (forms.Stop, bool) {
	for _, st := range s.Stops() {
		if strings.HasPrefix(st.Path, instPath+"/") || st.Path == instPath {
			return st, true
		}
	}
	return forms.Stop{}, false
}

// answer gives the question at st the first candidate the form accepts. When a choice filter
// leaves nothing to choose, it first tries other answers to the questions the filter reads.
func answer(s *forms.Session, st forms.Stop) error {
	if f := st.Node.ChoiceFilter; f != nil && len(s.Choices(st.Path)) == 0 {
		for _, ref := range f.Refs() {
			src := s.Form().Node(ref)
			if src == nil || src.Repeat != nil {
				continue
			}
			for _, c := range candidates(s, forms.Stop{Path: src.Path(), Node: src}) {
				if p, _ := s.Set(src.Path(), c); p == nil && len(s.Choices(st.Path)) > 0 {
					break
				}
			}
		}
	}
	var last string
	for _, c := range candidates(s, st) {
		p, err := s.Set(st.Path, c)
		if err != nil {
			return err
		}
		if p == nil {
			return nil
		}
		last = p.Message
	}
	return fmt.Errorf("%s (%s): no candidate answer accepted; last refusal: %s", st.Path, st.Node.Type, last)
}

func candidates(s *forms.Session, st forms.Stop) []string {
	n := st.Node
	switch n.Type {
	case "select_one", "rank":
		var out []string
		for _, c := range s.Choices(st.Path) {
			out = append(out, c.Name)
		}
		return out
	case "select_multiple":
		var out []string
		cs := s.Choices(st.Path)
		for _, c := range cs {
			out = append(out, c.Name)
		}
		if len(cs) > 1 {
			out = append(out, cs[0].Name+" "+cs[1].Name)
		}
		return out
	case "integer", "decimal", "range":
		var out []string
		for _, v := range []int{1, 2, 0, 3, 5, 10, 18, 20, 25, 30, 40, 60, 100, 1000, 12, 7, 9, 4, 6, 8, 11, 15, 50, 99, 365, 2000, 2025, 200000, 1000000} {
			out = append(out, strconv.Itoa(v))
		}
		return append(out, "0.5", "-1")
	case "date":
		var out []string
		for _, d := range []time.Time{fixedNow, fixedNow.AddDate(0, 0, -1), fixedNow.AddDate(-1, 0, 0), fixedNow.AddDate(0, -3, 0),
			fixedNow.AddDate(-30, 0, 0), fixedNow.AddDate(-5, 0, 0), fixedNow.AddDate(0, 0, 1), fixedNow.AddDate(0, 1, 0), fixedNow.AddDate(1, 0, 0)} {
			out = append(out, d.Format("2006-01-02"))
		}
		return out
	case "time":
		return []string{"10:30", "08:00", "23:59"}
	case "dateTime":
		return []string{fixedNow.Format(time.RFC3339), fixedNow.AddDate(0, 0, -1).Format(time.RFC3339)}
	case "acknowledge":
		return []string{"OK"}
	}
	return []string{"Budi", "abc", "test answer", "1", "12", "0812345678", "budi@example.com", "A1", "x"}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}
