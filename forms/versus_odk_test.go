package forms_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
)

// odkTiming is what oracle.mjs measures of ODK's engine on one form in timing mode, in
// milliseconds: creating the instance and reading every node's state once, then each step,
// and reading every node's state after each step.
type odkTiming struct {
	Load  float64   `json:"load"`
	Steps []float64 `json:"steps"`
	Reads []float64 `json:"reads"`
}

// versusRuns is how many times each engine loads each form and replays its walk.
const versusRuns = 3

// BenchmarkVersusODK times tracer's form engine and ODK's own (@getodk/xforms-engine, run by
// testdata/odk/oracle.mjs under Node) side by side in one run, on the built-in form and every
// corpus form ODK loads, with the oracle's generated walks: the same answers, the same repeat
// instances, in the same order.
//
//   - load: tracer parses the XLSForm (the file it is given: unzip and read the sheets, or the
//     built-in form's embedded text), starts a session and reads every node's state once; ODK
//     parses the XForm tracer writes for that form, creates the instance and reads every node's
//     state once.
//   - answer: one step of the walk (an answer set, a repeat instance added), with everything
//     it recomputes; "answer+read" adds reading every node's relevance, required flag,
//     constraint verdict and value afterwards, as a screen that shows the form would.
//
// Each engine loads each form and replays its walk versusRuns times; the table gives the
// median of the runs' loads and the median step over all runs, and the ratio ODK / tracer.
// Run it with -benchtime 1x: the work is fixed, and it takes about a minute.
func BenchmarkVersusODK(b *testing.B) {
	node := oracleNode(b)
	all := oracleForms(b)
	paths := map[string]string{}
	for _, p := range corpus(b) {
		paths[filepath.Base(p)] = p
	}
	names := make([]string, 0, len(all))
	for name := range all {
		if knownDiffs[knownDiff{name, "*", "load"}] == "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)

	var input struct {
		Forms []oracleForm `json:"forms"`
	}
	walks := map[string]*oracleWalk{}
	for _, name := range names {
		var buf strings.Builder
		if err := forms.WriteXForm(&buf, all[name]); err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		w := walkForm(b, name, 0, all[name])
		walks[name] = w
		// run 0 warms Node's compiler up on the form and is not counted
		for run := range versusRuns + 1 {
			input.Forms = append(input.Forms, oracleForm{Name: fmt.Sprintf("%s#%d", name, run), XForm: buf.String(),
				DeviceID: "test", Username: "enum1", Steps: w.steps, Timing: true})
		}
	}
	for b.Loop() {
		results := runOracle(b, node, input)
		var table strings.Builder
		fmt.Fprintf(&table, "%-48s %5s %6s | %-22s | %-22s | %-22s\n", "form", "nodes", "steps",
			"load ms tracer/ODK ×", "answer µs tracer/ODK ×", "answer+read µs t/ODK ×")
		var loadRatios, stepRatios, readRatios []float64
		for _, name := range names {
			w := walks[name]
			var odkLoads, odkSteps, odkReads []float64
			for run := 1; run <= versusRuns; run++ {
				res, ok := results[fmt.Sprintf("%s#%d", name, run)]
				if !ok || res.Error != "" || res.Timing == nil {
					b.Fatalf("%s: ODK's engine did not time the form: %s", name, res.Error)
				}
				if len(res.Errors) > 0 {
					b.Fatalf("%s: ODK's engine could not apply %s", name, res.Errors[0])
				}
				odkLoads = append(odkLoads, res.Timing.Load)
				for i := range res.Timing.Steps {
					odkSteps = append(odkSteps, res.Timing.Steps[i])
					odkReads = append(odkReads, res.Timing.Steps[i]+res.Timing.Reads[i])
				}
			}
			trLoads, trSteps, trReads := timeTracer(b, name, paths[name], w)
			load := [2]float64{median(trLoads), median(odkLoads)}
			step := [2]float64{median(trSteps) * 1000, median(odkSteps) * 1000}
			read := [2]float64{median(trReads) * 1000, median(odkReads) * 1000}
			loadRatios = append(loadRatios, load[1]/load[0])
			stepRatios = append(stepRatios, step[1]/step[0])
			readRatios = append(readRatios, read[1]/read[0])
			fmt.Fprintf(&table, "%-48s %5d %6d | %7.2f %8.1f %5.0f | %7.1f %8.1f %5.0f | %7.1f %8.1f %5.0f\n",
				name, countNodes(all[name].Root), len(w.steps),
				load[0], load[1], load[1]/load[0], step[0], step[1], step[1]/step[0], read[0], read[1], read[1]/read[0])
		}
		b.ReportMetric(median(loadRatios), "ODK/tracer-load")
		b.ReportMetric(median(stepRatios), "ODK/tracer-answer")
		b.ReportMetric(median(readRatios), "ODK/tracer-answer+read")
		// printed, not logged: go test cuts a benchmark's log after a few lines
		fmt.Printf("tracer's engine and ODK's on the same walks, medians of %d runs (× is ODK / tracer):\n%s", versusRuns, table.String())
	}
}

// timeTracer loads the form named name (from path, or the built-in form) versusRuns times
// and replays w's steps on each, returning the loads, steps and steps with a full read, in
// milliseconds.
func timeTracer(b *testing.B, name, path string, w *oracleWalk) (loads, steps, reads []float64) {
	b.Helper()
	load := func() (*forms.Form, error) {
		if name == "builtin" {
			return builtin.Load()
		}
		return forms.Load(path)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for run := 0; run <= versusRuns; run++ {
		t0 := time.Now()
		f, err := load()
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		s := forms.NewSession(f, forms.Options{Location: time.UTC, DeviceID: "test", Username: "enum1"})
		sink := readAll(s, f)
		loaded := time.Since(t0)
		var runSteps, runReads []float64
		for _, step := range w.steps {
			path := strings.TrimPrefix(step.Ref, "/"+forms.XFormRoot+"/")
			t1 := time.Now()
			switch step.Op {
			case "set":
				if _, err := s.Set(path, step.Value); err != nil {
					b.Fatalf("%s: set %s: %v", name, path, err)
				}
			case "add":
				if _, err := s.AddInstance(path); err != nil {
					b.Fatalf("%s: add %s: %v", name, path, err)
				}
			case "probe":
				// an answer the form refuses: checked, not stored
				s.Validate(path, step.Value)
			case "clear":
				// a new session has no instance of a repeat the user controls
			}
			stepped := time.Since(t1)
			sink += readAll(s, f)
			runSteps = append(runSteps, ms(stepped))
			runReads = append(runReads, ms(time.Since(t1)))
		}
		if sink < 0 {
			b.Fatal("unreachable: keeps the reads from being optimised away")
		}
		if run == 0 {
			continue // warms the caches up, as run 0 does for Node
		}
		loads = append(loads, ms(loaded))
		steps = append(steps, runSteps...)
		reads = append(reads, runReads...)
	}
	return loads, steps, reads
}

// readAll reads every node's relevance and, for questions and calculations, its value,
// required flag and constraint verdict, as oracle.mjs's snapshot does in ODK's engine.
func readAll(s *forms.Session, f *forms.Form) int {
	n := 0
	eachNode(s, f.Root, func(p string, c *forms.Node, instance bool) {
		if s.Relevant(p) {
			n++
		}
		if instance || c.IsGroup() {
			return
		}
		n += len(s.Value(p))
		if s.Required(p) {
			n++
		}
		if s.Check(p) == nil {
			n++
		}
	})
	return n
}

// countNodes counts the nodes below n: questions, notes, calculations, groups and repeats.
func countNodes(n *forms.Node) int {
	c := 0
	for _, ch := range n.Children {
		c += 1 + countNodes(ch)
	}
	return c
}

// median returns the median of xs (the mean of the two middle values for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
