package tui

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
)

// largestCorpusForm returns the form of the shared corpus that asks the most questions
// (answerable nodes) among those that load.
func largestCorpusForm(tb testing.TB) *forms.Form {
	tb.Helper()
	var paths []string
	for _, ext := range []string{"xlsx", "xls", "md"} {
		p, _ := filepath.Glob("../../shared/xlsforms/*." + ext)
		paths = append(paths, p...)
	}
	var best *forms.Form
	bestN, bestPath := 0, ""
	for _, p := range paths {
		f, err := forms.Load(p)
		if err != nil {
			continue
		}
		n := 0
		for _, node := range f.Nodes {
			if node.Answerable() {
				n++
			}
		}
		if n > bestN {
			best, bestN, bestPath = f, n, p
		}
	}
	if best == nil {
		tb.Skip("no corpus form loads")
	}
	tb.Logf("largest corpus form by questions: %s (%d questions, %d nodes)", filepath.Base(bestPath), bestN, len(best.Nodes))
	return best
}

// benchEnter measures the Enter that takes an answer: Update, the save it queues run to the
// end (SQLite in WAL with its fsync, in a file under the test's temporary folder) and the
// View of the next question. Between two measured Enters, Shift+Tab goes back (not
// measured) and the answer is typed again.
func benchEnter(b *testing.B, f *forms.Form) {
	e := newEnv(b, false)
	e.cfg.Form = f
	m := start(b, e)
	drive(b, m, keypress("1"))
	drive(b, m, keypress("ctrl+n")) // walk-in: no roster needed
	if m.iv() == nil {
		b.Fatal("no interview")
	}
	// find a question that takes a typed or picked answer and moves on
	for range 50 {
		k := m.iv().fld.Kind()
		if k == fieldText || k == fieldInteger || k == fieldOne || k == fieldDecimal {
			break
		}
		drive(b, m, keypress("enter"))
	}
	answer := func() {
		switch m.iv().fld.Kind() {
		case fieldOne:
			drive(b, m, keypress("1")) // picks option 1, or searches for it in a long list
		case fieldText:
			drive(b, m, keypress("ctrl+u"))
			drive(b, m, keypress("a"))
		default:
			drive(b, m, keypress("ctrl+u"))
			drive(b, m, keypress("1"))
		}
	}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		at := m.iv().stop.Path
		answer()
		b.StartTimer()
		t0 := time.Now()
		drive(b, m, keypress("enter"))
		_ = m.View()
		durs = append(durs, time.Since(t0))
		b.StopTimer()
		if m.iv().stop.Path != at {
			drive(b, m, keypress("shift+tab"))
		}
		b.StartTimer()
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkEnterSavesBuiltin(b *testing.B) {
	e := newEnv(b, false)
	benchEnter(b, e.form)
}

func BenchmarkEnterSavesMostQuestionsForm(b *testing.B) {
	benchEnter(b, largestCorpusForm(b))
}

// benchKeystroke measures Update plus View for one key on the first choice or text question.
func benchKeystroke(b *testing.B, f *forms.Form) {
	e := newEnv(b, false)
	e.cfg.Form = f
	m := start(b, e)
	drive(b, m, keypress("1"))
	drive(b, m, keypress("ctrl+n")) // walk-in: no roster needed
	if m.iv() == nil {
		b.Fatal("no interview")
	}
	keys := []string{"down", "up"}
	if m.iv().fld.Kind() == fieldText {
		keys = []string{"a", "backspace"}
	}
	msgs := []any{keypress(keys[0]), keypress(keys[1])}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		m.Update(msgs[i%2])
		_ = m.View()
		durs = append(durs, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkKeystrokeBuiltin(b *testing.B) {
	e := newEnv(b, false)
	benchKeystroke(b, e.form)
}

func BenchmarkKeystrokeMostQuestionsForm(b *testing.B) {
	benchKeystroke(b, largestCorpusForm(b))
}

// BenchmarkKeystrokeRegencyTypeAhead measures a keystroke in the 514-regency list.
func BenchmarkKeystrokeRegencyTypeAhead(b *testing.B) {
	e := newEnv(b, true)
	m := start(b, e)
	drive(b, m, keypress("1"))
	typeText(b, m, "BTG25-0071")
	drive(b, m, keypress("enter"))
	drive(b, m, keypress("enter"))
	drive(b, m, keypress("1"))
	drive(b, m, keypress("enter"))
	for _, st := range m.iv().sess.Stops() {
		if !st.Prompt && st.Node.Name == "domicile_prov" {
			drive(b, m, goInterviewMsg{path: st.Path})
		}
	}
	typeText(b, m, "64")
	drive(b, m, keypress("enter"))
	if m.iv().stop.Node.Name != "domicile_regency" {
		b.Fatalf("at %s", m.iv().stop.Path)
	}
	durs := make([]time.Duration, 0, b.N)
	msgs := []any{keypress("k"), keypress("backspace")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		m.Update(msgs[i%2])
		_ = m.View()
		durs = append(durs, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkStartup measures a start with 10,000 stored interviews as "tracer" makes it:
// opening the database (pragmas checked, migrations looked up), loading the built-in
// form, New, Init and the first home screen; the database is closed after each.
func BenchmarkStartup(b *testing.B) {
	e := newEnv(b, false)
	ctx := context.Background()
	for i := 0; i < 10000; i++ {
		iv := &survey.Interview{FormID: e.form.ID, FormVersion: e.form.Version, Enumerator: "ani"}
		if err := e.cfg.Interviews.Create(ctx, iv); err != nil {
			b.Fatal(err)
		}
	}
	path := e.db.Path()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		f, err := builtin.Load()
		if err != nil {
			b.Fatal(err)
		}
		cfg := e.cfg
		cfg.Form, cfg.Interviews, cfg.Roster, cfg.Events = f, sqlite.NewInterviewStore(db), sqlite.NewRosterStore(db), sqlite.NewEventStore(db)
		m := start(b, &env{db: db, form: f, cfg: cfg})
		if v := m.render(); !strings.Contains(v, "10000") {
			b.Fatalf("home does not count 10000 drafts:\n%s", v)
		}
		db.Close()
	}
}
