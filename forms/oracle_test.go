package forms_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/forms/expr"
)

// This file holds tracer's form engine against ODK's own: the oracle. Every corpus form and
// the built-in form are written as XForms, walked with generated answers in tracer's session
// and, through testdata/odk/oracle.mjs, in @getodk/xforms-engine (the engine of ODK Web
// Forms, pinned in testdata/odk/package-lock.json), and after every step both engines must
// agree on each node's relevance, required flag, constraint verdict and value.
//
// The test needs Node and the engine installed (npm ci in forms/testdata/odk, which .ci/run
// does); without them it skips with one line. docs/XLSFORM.md records the agreement per form
// and explains every difference listed in knownDiffs.

// oracleDir holds the Node side of the oracle.
const oracleDir = "testdata/odk"

// oracleStep is one step of a walk, as oracle.mjs reads it.
type oracleStep struct {
	Op    string `json:"op"`
	Ref   string `json:"ref,omitempty"`
	Value string `json:"value"`
}

type oracleForm struct {
	Name     string       `json:"name"`
	XForm    string       `json:"xform"`
	DeviceID string       `json:"deviceID"`
	Username string       `json:"username"`
	Steps    []oracleStep `json:"steps"`
	// Attachments maps each attached file the form reads to its text.
	Attachments map[string]string `json:"attachments,omitempty"`
	// Timing asks for the engine's times instead of its states (see versus_odk_test.go).
	Timing bool `json:"timing,omitempty"`
}

type oracleResult struct {
	Name   string                       `json:"name"`
	Error  string                       `json:"error"`
	Errors []string                     `json:"errors"`
	States []map[string]json.RawMessage `json:"states"`
	Timing *odkTiming                   `json:"timing"`
}

// nodeState is one node's state after a step: relevant, required, constraint satisfied, value.
// class, on tracer's side, names a known cause of difference the node's state depends on
// now (see classReasons); "" when there is none.
type nodeState struct {
	relevant, required, valid bool
	value                     string
	hasValue                  bool
	class                     string
}

// classReasons explains the classes of difference between the engines that follow from a
// documented choice, whatever the form: a difference on a node of such a class is reported
// under the class and counted as explained. docs/XLSFORM.md says the same.
var classReasons = map[string]string{
	"off-list choice": "a select holds a value its choices do not offer now (its choice filter changed, or a calculation gives a name not in the list): ODK Web Forms drops the value; tracer keeps it, flags an answered question for a new choice, and computes with it, as ODK Collect does",
	"attachment":      "the value is computed from an attached data file (instance('...') of a CSV, XML or another form) that neither engine has here; tracer does not enforce required on a value nobody can fill on the device",
}

func decodeState(raw json.RawMessage) (nodeState, error) {
	var v [4]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nodeState{}, err
	}
	st := nodeState{}
	st.relevant, _ = v[0].(bool)
	st.required, _ = v[1].(bool)
	st.valid, _ = v[2].(bool)
	st.value, st.hasValue = v[3].(string)
	return st, nil
}

// walkState is tracer's side of a step: the state of each item by its XForm reference, and
// the one reference whose constraint verdict alone is compared (a refused answer, which ODK
// stores and tracer does not).
type walkState struct {
	nodes   map[string]nodeState
	only    string
	verdict bool
	// onlyClass is the class of the probed node (see nodeState.class).
	onlyClass string
}

// oracleWalk is one form walked in tracer: the steps and tracer's state after each.
type oracleWalk struct {
	name   string
	k      int
	form   *forms.Form
	steps  []oracleStep
	states []walkState
	// volatile names nodes whose value depends on the clock or chance (now(), random(),
	// uuid()), compared on relevance only.
	volatile map[*forms.Node]bool
}

// id names the walk: the form and the walk's number.
func (w *oracleWalk) id() string { return fmt.Sprintf("%s#%d", w.name, w.k) }

// knownDiff is a difference between the engines that docs/XLSFORM.md explains.
type knownDiff struct {
	form, question, kind string
}

// knownDiffs lists the explained differences by form file, question and kind
// (relevant, required, constraint, value, missing); question "*" covers the whole form.
var knownDiffs = map[knownDiff]string{
	{"medic__covid19_rdt_capture.xlsx", "*", "load"}:             chtFunctions,
	{"medic__delivery.xlsx", "*", "load"}:                        chtFunctions,
	{"medic__person-create.xlsx", "*", "load"}:                   chtFunctions,
	{"medic__pregnancy.xlsx", "*", "load"}:                       chtFunctions,
	{"medic__pregnancy_danger_sign_follow_up.xlsx", "*", "load"}: chtFunctions,
	{"pyxform.md", "big", "value"}:                               "an integer computed past 32 bits: tracer stores 2147483647 as ODK Collect does (JavaRosa's (int) cast); ODK Web Forms leaves it empty",
	{"choices.md", "visit/vname", "value"}:                       choiceNameInRepeat,
	{"choices.md", "visit/vfixed", "value"}:                      choiceNameInRepeat,
	{"nested.md", "total_found", "value"}:                        sumOfNothing,
	{"nested.md", "total_trainees", "value"}:                     sumOfNothing,
	{"household.md", "member/job_months", "value"}:               sumOfNothing,
	{"names.md", "total", "value"}:                               sumOfNothing,
	{"more.md", "sum_ri", "value"}:                               sumOfNothing,
	{"household.md", "n_adults", "value"}:                        sumOfNothing,
	{"household.md", "pos_sum", "value"}:                         sumOfNothing,
	{"household.md", "total_income", "value"}:                    sumOfNothing,
	{"household.md", "women_age", "value"}:                       sumOfNothing,
	{"interplay.md", "age_sum", "value"}:                         sumOfNothing,
	{"study.md", "job/job_note", "value"}:                        triggerInMovedInstance,
	{"counted.md", "all_hh", "value"}:                            countWhileHidden,
	{"counted.md", "all_big", "value"}:                           sumOfNothing + "; or, while the group is hidden, over the instances ODK Web Forms has made there, whose big is not relevant",
	{"rosters.md", "acts_total", "value"}:                        sumOfNothing,
	{"rosters.md", "harvest_total", "value"}:                     sumOfNothing,
	{"kobo.md", "months_tot", "value"}:                           sumOfNothing,
	{"training.md", "kursus/before", "value"}:                    sumOfNothing,
	{"training.md", "total_jam", "value"}:                        sumOfNothing,
	{"training.md", "total_biaya", "value"}:                      sumOfNothing,
	{"alumni_family.md", "lembaga/peserta/p_prev", "value"}:      indexedRepeatInRepeat,
	{"alumni_kerja.md", "all_jam", "value"}:                      sumOfNothing,
	{"alumni_kerja.md", "alumni/total_jam", "value"}:             sumOfNothing,
	{"alumni_kerja.md", "upah_pos", "value"}:                     sumOfNothing,
	{"alumni_kerja.md", "upah_f", "value"}:                       sumOfNothing,
	{"pelatihan.md", "kabs_umk", "value"}:                        sumOfNothing,
}

// indexedRepeatInRepeat explains indexed-repeat() whose index reads a question of the
// repeat it is in.
const indexedRepeatInRepeat = "indexed-repeat(${p_nama}, ${lembaga}, ${l_no}, ${peserta}, ${p_no} - 1) inside the repeats: pyxform writes ${l_no} and ${p_no} as absolute paths, which tracer and ODK Collect read in the current instance (JavaRosa contextualizes them) and ODK Web Forms in the first"

// choiceNameInRepeat explains jr:choice-name() of a filtered select inside a repeat.
const choiceNameInRepeat = "jr:choice-name(value, '/data/visit/vreg') inside a repeat reads the choices of the select in the same instance in tracer, as ODK Collect (JavaRosa contextualizes the path to the current instance); ODK Web Forms reads the first instance's, whose filter may leave the value out"

// triggerInMovedInstance explains a trigger fired in a repeat instance that moved up when
// one before it was removed.
const triggerInMovedInstance = "a trigger fired in a repeat instance that moved up after an instance before it was removed: tracer computes it in the instance where it is now, as ODK Collect renumbers the instances; ODK Web Forms evaluates it at the instance's old position"

// countWhileHidden explains a count answered while the group around its repeat is hidden.
const countWhileHidden = "a repeat counted while the group around it is not relevant: tracer makes the instances when the group comes back (ODK Collect as the enumerator reaches the repeat); ODK Web Forms makes them at once, so count() of them differs until then"

// sumOfNothing explains sum() over a repeat that has no instance (yet).
const sumOfNothing = "sum() over no node is 0 in tracer, as in XPath 1.0 and ODK Collect; ODK Web Forms leaves it empty"

// chtFunctions explains why ODK's engine refuses the Community Health Toolkit's forms.
const chtFunctions = "the form calls CHT's Enketo functions (difference-in-months, add-date), which ODK does not define and tracer does"

// oracleForms are the forms the oracle walks: the built-in form, every corpus form, the
// forms of testdata/oracle and those of the folder TRACER_ORACLE_FORMS names, if any; with
// TRACER_ORACLE_ONLY set, only the latter (to try new forms without walking the corpus).
func oracleForms(t testing.TB) map[string]*forms.Form {
	t.Helper()
	out := map[string]*forms.Form{}
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	if os.Getenv("TRACER_ORACLE_ONLY") == "" {
		out["builtin"] = f
		paths = corpus(t)
		// Forms written for the oracle: what the corpus does not exercise.
		own, _ := filepath.Glob(filepath.Join("testdata", "oracle", "*.md"))
		paths = append(paths, own...)
	}
	// Anyone's forms, to see how they run in both engines.
	if dir := os.Getenv("TRACER_ORACLE_FORMS"); dir != "" {
		for _, pat := range []string{"*.xlsx", "*.xls", "*.md"} {
			more, _ := filepath.Glob(filepath.Join(dir, pat))
			paths = append(paths, more...)
		}
	}
	for _, p := range paths {
		f, err := forms.Load(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = f
	}
	return out
}

// attachmentTexts returns the texts of the files f read, for ODK's engine.
func attachmentTexts(f *forms.Form) map[string]string {
	if len(f.Attachments) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, a := range f.Attachments {
		out[a.Name] = string(a.Data)
	}
	return out
}

// oracleNode returns the path of Node with ODK's engine installed beside the oracle, or
// skips t with one line saying what is missing.
func oracleNode(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("ODK oracle: skipped in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("ODK oracle: no node on PATH")
	}
	if err := exec.Command(node, "-e", "process.exit(+process.versions.node.split('.')[0] >= 20 ? 0 : 1)").Run(); err != nil {
		t.Skip("ODK oracle: the engine needs Node 20 or later")
	}
	if _, err := os.Stat(filepath.Join(oracleDir, "node_modules", "@getodk", "xforms-engine", "package.json")); err != nil {
		t.Skipf("ODK oracle: @getodk/xforms-engine not installed (npm ci in forms/%s)", oracleDir)
	}
	return node
}

// TestODKOracle walks every form in both engines and compares them step by step.
func TestODKOracle(t *testing.T) {
	node := oracleNode(t)
	all := oracleForms(t)
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	sort.Strings(names)
	var walks []*oracleWalk
	var input struct {
		Forms []oracleForm `json:"forms"`
	}
	for _, name := range names {
		var buf bytes.Buffer
		if err := forms.WriteXForm(&buf, all[name]); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := range oracleWalks {
			w := walkForm(t, name, k, all[name])
			walks = append(walks, w)
			input.Forms = append(input.Forms, oracleForm{Name: w.id(), XForm: buf.String(), DeviceID: "test", Username: "enum1", Steps: w.steps,
				Attachments: attachmentTexts(all[name])})
		}
	}
	results := runOracle(t, node, input)

	// The walks of each form, summed.
	type formReport struct {
		agree, total, steps int
		loadError           string
		diffs               map[diffKey]*diffStat
	}
	reports := map[string]*formReport{}
	for _, w := range walks {
		fr := reports[w.name]
		if fr == nil {
			fr = &formReport{diffs: map[diffKey]*diffStat{}}
			reports[w.name] = fr
		}
		res, ok := results[w.id()]
		if !ok {
			t.Errorf("%s: no answer from the oracle", w.id())
			continue
		}
		if res.Error != "" {
			fr.loadError = res.Error
			continue
		}
		for _, e := range res.Errors {
			t.Errorf("%s: the oracle could not apply %s", w.id(), e)
		}
		agree, total, diffs := compareWalk(t, w, res)
		fr.agree += agree
		fr.total += total
		fr.steps += len(w.steps)
		for k, d := range diffs {
			if prev := fr.diffs[k]; prev != nil {
				prev.count += d.count
				prev.seen += d.seen
				continue
			}
			fr.diffs[k] = d
		}
	}
	var report strings.Builder
	unexplained := 0
	for _, name := range names {
		fr := reports[name]
		if fr.loadError != "" {
			reason, known := knownDiffs[knownDiff{name, "*", "load"}]
			if !known {
				unexplained++
				t.Errorf("%s: ODK's engine does not load the XForm: %s", name, fr.loadError)
			}
			fmt.Fprintf(&report, "%-46s does not load in ODK's engine: %s [%s]\n", name, firstLine(fr.loadError), reason)
			continue
		}
		var lines []string
		for key, d := range fr.diffs {
			reason, known := knownDiffs[knownDiff{name, key.question, key.kind}]
			if !known {
				reason, known = knownDiffs[knownDiff{name, "*", key.kind}]
			}
			if _, class, ok := strings.Cut(key.kind, " ("); ok && !known {
				reason = strings.TrimSuffix(class, ")")
				_, known = classReasons[reason]
			}
			mark := "explained: " + reason
			if !known {
				unexplained++
				mark = "UNEXPLAINED"
			}
			lines = append(lines, fmt.Sprintf("    %s %s: %d of %d checks differ, first at step %d: %s [%s]",
				key.question, key.kind, d.count, d.seen, d.firstStep, d.example, mark))
		}
		sort.Strings(lines)
		if fr.total == 0 {
			fmt.Fprintf(&report, "%-46s has no questions to compare\n", name)
			continue
		}
		fmt.Fprintf(&report, "%-46s %6.2f%% agree (%d of %d checks, %d steps)\n", name, 100*float64(fr.agree)/float64(max(fr.total, 1)), fr.agree, fr.total, fr.steps)
		for _, l := range lines {
			report.WriteString(l + "\n")
		}
	}
	t.Logf("ODK oracle, per form (%d walks each):\n%s", oracleWalks, report.String())
	if unexplained > 0 {
		t.Errorf("%d differences with ODK's engine are not explained (see the report above)", unexplained)
	}
}

// oracleWalks is the number of walks per form, each with its own answers.
const oracleWalks = 3

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// runOracle runs oracle.mjs on the forms, its clock in UTC, and returns its results by form
// name.
func runOracle(t testing.TB, node string, input any) map[string]oracleResult {
	t.Helper()
	return runOracleIn(t, node, input, "UTC")
}

// runOracleIn is runOracle with ODK's engine on the clock of time zone tz (an IANA name).
func runOracleIn(t testing.TB, node string, input any, tz string) map[string]oracleResult {
	t.Helper()
	data, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "walks.json")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// Stop Node before go test's own deadline, which would leave it running.
	deadline := time.Now().Add(25 * time.Minute)
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := dt.Deadline(); ok && d.Add(-20*time.Second).Before(deadline) {
			deadline = d.Add(-20 * time.Second)
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "oracle.mjs", in)
	cmd.Dir = oracleDir
	cmd.Env = append(os.Environ(), "TZ="+tz)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("oracle.mjs did not finish before the test's deadline (%s): run go test with a longer -timeout", deadline.Format(time.TimeOnly))
	}
	if err != nil {
		t.Fatalf("oracle.mjs: %v\n%s", err, stderr.String())
	}
	results := map[string]oracleResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for sc.Scan() {
		var r oracleResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("oracle.mjs wrote %.200q: %v", sc.Text(), err)
		}
		results[r.Name] = r
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return results
}

// diffKey is a question and the kind of state the engines differ on.
type diffKey struct{ question, kind string }

type diffStat struct {
	count, seen, firstStep int
	example                string
}

// compareWalk compares tracer's states with ODK's, step by step, and returns the checks
// that agreed, all checks, and the differences by question and kind.
func compareWalk(t *testing.T, w *oracleWalk, res oracleResult) (int, int, map[diffKey]*diffStat) {
	t.Helper()
	diffs := map[diffKey]*diffStat{}
	seen := map[diffKey]int{}
	agree, total := 0, 0
	c := func(step int, q, kind string, ok bool, example string) {
		k := diffKey{q, kind}
		seen[k]++
		total++
		if ok {
			agree++
			return
		}
		d := diffs[k]
		if d == nil {
			d = &diffStat{firstStep: step, example: example}
			diffs[k] = d
		}
		d.count++
	}
	check := c
	// ODK's first state is the form as loaded; the walk's first step clears the repeats
	// that the XForm starts with one instance of, as tracer starts with none.
	if len(res.States) != len(w.steps)+1 {
		t.Errorf("%s: the oracle gave %d states for %d steps", w.name, len(res.States), len(w.steps))
		return 0, 1, diffs
	}
	for i, ts := range w.states {
		odk := res.States[i+1]
		if ts.only != "" {
			raw, ok := odk[ts.only]
			if !ok {
				check(i, questionOf(ts.only), "missing", false, "not in ODK's instance")
				continue
			}
			st, err := decodeState(raw)
			if err != nil {
				t.Fatal(err)
			}
			kind := "constraint"
			if ts.onlyClass != "" {
				kind += " (" + ts.onlyClass + ")"
			}
			check(i, questionOf(ts.only), kind, st.valid == ts.verdict,
				fmt.Sprintf("tracer %v, ODK %v", ts.verdict, st.valid))
			continue
		}
		for ref, mine := range ts.nodes {
			q := questionOf(ref)
			check := check
			if mine.class != "" {
				check = func(step int, q, kind string, ok bool, example string) {
					c(step, q, kind+" ("+mine.class+")", ok, example)
				}
			}
			raw, ok := odk[ref]
			if !ok {
				check(i, q, "missing", false, ref+" is not in ODK's instance")
				continue
			}
			theirs, err := decodeState(raw)
			if err != nil {
				t.Fatal(err)
			}
			check(i, q, "relevant", mine.relevant == theirs.relevant, fmt.Sprintf("tracer %v, ODK %v", mine.relevant, theirs.relevant))
			if !mine.relevant || !theirs.relevant {
				continue
			}
			if mine.required != theirs.required && mine.hasValue {
				check(i, q, "required", false, fmt.Sprintf("tracer %v, ODK %v", mine.required, theirs.required))
			} else if mine.hasValue {
				check(i, q, "required", true, "")
			}
			if mine.hasValue && mine.value != "" {
				check(i, q, "constraint", mine.valid == theirs.valid, fmt.Sprintf("value %q: tracer %v, ODK %v", mine.value, mine.valid, theirs.valid))
			}
			if mine.hasValue {
				check(i, q, "value", sameValue(mine.value, theirs.value), fmt.Sprintf("tracer %q, ODK %q", mine.value, theirs.value))
			}
		}
	}
	for k, d := range diffs {
		d.seen = seen[k]
	}
	return agree, total, diffs
}

// questionOf names the question of a reference: /data/g/r[2]/q is g/r/q.
func questionOf(ref string) string {
	ref = sessionPath(ref)
	var b strings.Builder
	depth := 0
	for _, r := range ref {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sameValue compares two values as ODK and tracer write them: numbers by value, times to
// the millisecond whatever their zone, anything else as text.
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		return fa == fb || math.Abs(fa-fb) <= 1e-9*math.Max(1, math.Abs(fa))
	}
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	if errA == nil && errB == nil {
		return ta.Equal(tb)
	}
	return false
}

// walkForm answers form f in tracer's session with generated answers, deterministic for the
// form's name, and records each step and tracer's state after it.
func walkForm(t testing.TB, name string, k int, f *forms.Form) *oracleWalk {
	t.Helper()
	h := fnv.New64a()
	h.Write([]byte(name))
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(k)))
	// Removals draw from their own source, so that the other choices stay those of walks
	// made before the walk removed instances.
	rm := rand.New(rand.NewPCG(h.Sum64(), uint64(k)+1<<32))
	s := forms.NewSession(f, forms.Options{Location: time.UTC, DeviceID: "test", Username: "enum1"})
	w := &oracleWalk{name: name, k: k, form: f, volatile: volatileNodes(f)}
	w.record(s, oracleStep{Op: "clear"})
	const maxSteps = 200
	for pass := 0; pass < 3 && len(w.steps) < maxSteps; pass++ {
		added := map[string]int{}
		st, ok := s.First()
		for guard := 0; ok && guard < 10000 && len(w.steps) < maxSteps; guard++ {
			switch {
			case st.Prompt:
				// Once the first pass has added its instances, the walk removes one now and
				// then, as an enumerator deletes a member entered twice: the ones after it
				// move up.
				if n := s.Instances(st.Path); (pass > 0 || added[st.Path] >= 2) && n >= 2 && rm.IntN(2) == 0 {
					p := fmt.Sprintf("%s[%d]", st.Path, 1+rm.IntN(n))
					if err := s.RemoveInstance(p); err == nil {
						w.record(s, oracleStep{Op: "remove", Ref: w.xref(p)})
					}
				}
				if pass == 0 && added[st.Path] < 2 && rng.IntN(3) > 0 {
					added[st.Path]++
					if p, err := s.AddInstance(st.Path); err == nil {
						w.record(s, oracleStep{Op: "add", Ref: w.xref(st.Path)})
						if next, ok2 := firstInside(s, p); ok2 {
							st = next
							continue
						}
					}
				}
			case st.Node.Kind == forms.KindQuestion && !st.Node.Unsupported && !s.ReadOnly(st.Path):
				// Later passes change some answers, so that relevance turns both ways.
				if pass == 0 || rng.IntN(3) == 0 {
					w.answer(s, st, rng)
				}
			}
			st, ok = s.Next(st.Path)
		}
	}
	return w
}

// answer sets one generated value at st, recording the step, or, for a value the question's
// constraint refuses, a probe: ODK's engine gives the value to a copy of the interview and
// reports its verdict, and the walk goes on without it in both engines. Giving ODK the
// refused value itself would let it act on an answer tracer never stores (fire triggers,
// build the instances of a repeat count of 1000) and compare what follows from it.
func (w *oracleWalk) answer(s *forms.Session, st forms.Stop, rng *rand.Rand) {
	cands := oracleCandidates(s, st, rng)
	if len(cands) == 0 {
		return
	}
	v := cands[rng.IntN(len(cands))]
	p, err := s.Set(st.Path, v)
	switch {
	case err != nil:
		return
	case p == nil:
		w.record(s, oracleStep{Op: "set", Ref: w.xref(st.Path), Value: s.Value(st.Path)})
	case p.Kind == forms.ProblemConstraint:
		if n, err := strconv.Atoi(v); err == nil && n > maxProbedCount && countsRepeat(w.form, st.Node) {
			// ODK's engine builds the instances of a refused count in the probe's copy: a
			// thousand of them, with repeats nested in each, take it minutes. A count that
			// large is left out of the walk, which both engines then skip alike.
			return
		}
		// ODK's engine is given the value as tracer would store it: it drops a time typed
		// 10:30, which its type does not read, and would then check no constraint at all.
		w.steps = append(w.steps, oracleStep{Op: "probe", Ref: w.xref(st.Path), Value: forms.Normalized(s, st.Path, v)})
		// The verdict depends on what the question reads, which may hold a known cause of
		// difference (an off-list choice that ODK dropped and the relevance reads).
		ref := w.xref(st.Path)
		w.states = append(w.states, walkState{only: ref, verdict: false, onlyClass: w.snapshot(s).nodes[ref].class})
	}
}

// maxProbedCount is the largest refused answer the walk probes on a question that counts
// a repeat.
const maxProbedCount = 50

// countsRepeat reports whether q's answer counts the instances of a repeat, directly or
// through calculations.
func countsRepeat(f *forms.Form, q *forms.Node) bool {
	reads := map[*forms.Node]bool{q: true}
	for changed := true; changed; {
		changed = false
		for _, n := range f.Nodes {
			if reads[n] || n.Calculation == nil {
				continue
			}
			for _, ref := range n.Calculation.Refs() {
				if r := f.Node(ref); r != nil && reads[r] {
					reads[n], changed = true, true
					break
				}
			}
		}
	}
	for _, n := range f.Nodes {
		if n.RepeatCount == nil {
			continue
		}
		for _, ref := range n.RepeatCount.Refs() {
			if r := f.Node(ref); r != nil && reads[r] {
				return true
			}
		}
	}
	return false
}

// record appends a step and tracer's state after it.
func (w *oracleWalk) record(s *forms.Session, step oracleStep) {
	w.steps = append(w.steps, step)
	w.states = append(w.states, w.snapshot(s))
}

// snapshot returns tracer's state now, each node classified.
func (w *oracleWalk) snapshot(s *forms.Session) walkState {
	ws := walkState{nodes: map[string]nodeState{}}
	eachNode(s, w.form.Root, func(p string, c *forms.Node, instance bool) {
		st := nodeState{relevant: s.Relevant(p)}
		if !instance && !c.IsGroup() && !w.volatile[c] {
			st.hasValue = true
			st.value = s.Value(p)
			st.required = s.Required(p)
			pr := s.Check(p)
			st.valid = pr == nil || pr.Kind != forms.ProblemConstraint
		}
		ws.nodes[w.xref(p)] = st
	})
	w.classify(s, ws)
	return ws
}

// eachNode calls fn, in form order, with the path of every node below root as the session
// has it now: each instance of a repeat (instance true) before what it holds, each group
// before its children, and every question, note and calculation.
func eachNode(s *forms.Session, root *forms.Node, fn func(path string, n *forms.Node, instance bool)) {
	var walk func(n *forms.Node, prefix string)
	walk = func(n *forms.Node, prefix string) {
		for _, c := range n.Children {
			p := c.Name
			if prefix != "" {
				p = prefix + "/" + c.Name
			}
			if c.Kind == forms.KindRepeat {
				for i := 1; i <= s.Instances(p); i++ {
					ip := fmt.Sprintf("%s[%d]", p, i)
					fn(ip, c, true)
					walk(c, ip)
				}
				continue
			}
			fn(p, c, false)
			if c.Kind == forms.KindGroup {
				walk(c, p)
			}
		}
	}
	walk(root, "")
}

// classify marks the nodes whose state depends now on a known cause of difference: a select
// holding a value its choices do not offer, a value computed from an attachment, and every
// calculation that reads one of them.
func (w *oracleWalk) classify(s *forms.Session, ws walkState) {
	f := w.form
	class := map[*forms.Node]string{}
	for ref, st := range ws.nodes {
		p := sessionPath(ref)
		n := s.NodeAt(p)
		if n != nil && n.Detached {
			class[n] = "attachment"
			continue
		}
		if n == nil || !st.hasValue || st.value == "" {
			continue
		}
		if n.ListName == "" || f.Lists[n.ListName] == nil || n.Type == "rank" {
			continue
		}
		offered := map[string]bool{}
		for _, c := range s.Choices(p) {
			offered[c.Name] = true
		}
		for _, v := range strings.Fields(st.value) {
			if !offered[v] && !(n.OrOther && v == "other") {
				class[n] = "off-list choice"
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, n := range f.Nodes {
			if class[n] != "" {
				continue
			}
			for _, x := range []*expr.Expr{n.Calculation, n.Relevant, n.Constraint, n.RequiredIf, n.ChoiceFilter} {
				if x == nil {
					continue
				}
				for _, ref := range x.Refs() {
					if r := f.Node(ref); r != nil && class[r] != "" {
						class[n], changed = class[r], true
					}
				}
			}
			// Paths too (current()/../sn in an instance's predicate).
			for _, r := range forms.Reads(n) {
				if class[n] == "" && class[r] != "" {
					class[n], changed = class[r], true
				}
			}
			// What a repeat holds comes and goes with its instances, which its count makes.
			if p := n.Parent; class[n] == "" && p != nil && p.Kind == forms.KindRepeat && class[p] != "" {
				class[n], changed = class[p], true
			}
		}
	}
	for ref, st := range ws.nodes {
		if n := s.NodeAt(sessionPath(ref)); n != nil && class[n] != "" {
			st.class = class[n]
			ws.nodes[ref] = st
		}
	}
}

// xref is the XForm reference of a session path: g/r[1]/q is /data/g/r[1]/q.
func xref(path string) string { return "/" + forms.XFormRoot + "/" + path }

// xref is the XForm reference of a session path in the walk's form, whose root may have
// another name than data (the settings' name).
func (w *oracleWalk) xref(path string) string { return "/" + w.form.Root.Name + "/" + path }

// sessionPath is the session path of an XForm reference: /data/g/r[1]/q (or /NAME/...) is
// g/r[1]/q.
func sessionPath(ref string) string {
	if _, rest, ok := strings.Cut(strings.TrimPrefix(ref, "/"), "/"); ok {
		return rest
	}
	return ""
}

// volatileNodes returns the nodes whose values depend on the clock or on chance, directly
// or through the nodes they read: their values differ between any two runs.
func volatileNodes(f *forms.Form) map[*forms.Node]bool {
	out := map[*forms.Node]bool{}
	for _, n := range f.Nodes {
		switch n.Type {
		case "start", "end", "instanceID":
			out[n] = true
		}
		for _, x := range []string{srcOf(n.Calculation), srcOf(n.Default)} {
			for _, fn := range []string{"now(", "random(", "uuid(", "once("} {
				if strings.Contains(x, fn) {
					out[n] = true
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, n := range f.Nodes {
			if out[n] || n.Calculation == nil {
				continue
			}
			for _, ref := range n.Calculation.Refs() {
				if r := f.Node(ref); r != nil && out[r] {
					out[n], changed = true, true
					break
				}
			}
		}
	}
	return out
}

func srcOf(x *expr.Expr) string {
	if x == nil {
		return ""
	}
	return x.Src
}

// oracleCandidates are the values the walk chooses among for the question at st: a spread
// of each type's values, some of which break typical constraints.
func oracleCandidates(s *forms.Session, st forms.Stop, rng *rand.Rand) []string {
	n := st.Node
	switch n.Type {
	case "select_one":
		var out []string
		for _, c := range s.Choices(st.Path) {
			out = append(out, c.Name)
		}
		return out
	case "rank":
		// A ranking orders every choice offered.
		var names []string
		for _, c := range s.Choices(st.Path) {
			names = append(names, c.Name)
		}
		if len(names) == 0 {
			return nil
		}
		var out []string
		for range 3 {
			rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
			out = append(out, strings.Join(names, " "))
		}
		return out
	case "select_multiple":
		cs := s.Choices(st.Path)
		if len(cs) == 0 {
			return nil
		}
		var out []string
		for i := 0; i < 4; i++ {
			var pick []string
			for _, c := range cs {
				if rng.IntN(3) == 0 {
					pick = append(pick, c.Name)
				}
			}
			if len(pick) == 0 {
				pick = append(pick, cs[rng.IntN(len(cs))].Name)
			}
			out = append(out, strings.Join(pick, " "))
		}
		return out
	case "integer":
		return []string{"-5", "0", "1", "2", "3", "5", "10", "15", "17", "18", "25", "40", "65", "99", "100", "150", "1000", "2025"}
	case "decimal":
		return []string{"0", "0.5", "1.25", "12.5", "-2.5", "100.75", "3", "65"}
	case "range":
		num := func(k string, def float64) float64 {
			if v, err := strconv.ParseFloat(n.Parameters[k], 64); err == nil {
				return v
			}
			return def
		}
		lo, hi, step := num("start", 1), num("end", 10), num("step", 1)
		if step <= 0 || hi < lo {
			return nil
		}
		var out []string
		for v, i := lo, 0; v <= hi && i < 20; v, i = v+step, i+1 {
			out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
		}
		return out
	case "date":
		now := time.Now().UTC()
		var out []string
		for _, d := range []time.Time{now, now.AddDate(0, 0, -1), now.AddDate(0, -3, 0), now.AddDate(-1, 0, 0),
			now.AddDate(-20, 0, 0), now.AddDate(-70, 0, 0), now.AddDate(0, 0, 7), now.AddDate(2, 0, 0)} {
			// A question that asks the month or the year alone is typed so.
			switch n.DateParts() {
			case "month-year":
				out = append(out, d.Format("2006-01"))
			case "year":
				out = append(out, d.Format("2006"))
			default:
				out = append(out, d.Format("2006-01-02"))
			}
		}
		return out
	case "time":
		return []string{"08:00", "10:30", "23:59"}
	case "dateTime":
		return []string{"2025-03-15T10:30:00Z", "2026-01-01T08:00:00Z"}
	case "acknowledge":
		return []string{"OK"}
	case "text":
		return []string{"Budi", "abc", "x", "Siti Aminah", "12345", "0812345678", "budi@example.com"}
	}
	return nil
}
