package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
)

// tmuxTerm is the tracer binary running in a tmux window of its own server (-L), driven by
// send-keys and read with capture-pane, as an enumerator's terminal.
type tmuxTerm struct {
	t      *testing.T
	socket string
	bin    string
	data   string
}

func (tm *tmuxTerm) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// start runs the program in a new 80x24 window.
func (tm *tmuxTerm) start() {
	tm.t.Helper()
	tm.tmux("new-session", "-d", "-s", "day", "-x", "80", "-y", "24",
		tm.bin, "--data", tm.data, "--lang", "id", "--enumerator", "ani")
	tm.waitFor("Beranda")
}

func (tm *tmuxTerm) screen() string {
	tm.t.Helper()
	out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-p", "-t", "day").CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

// keys sends tmux key names ("Enter", "C-s", "BSpace") and waits for the screen to change.
func (tm *tmuxTerm) keys(names ...string) {
	tm.t.Helper()
	for _, k := range names {
		before := tm.screen()
		tm.tmux("send-keys", "-t", "day", k)
		tm.settle(before)
	}
}

// text types s literally.
func (tm *tmuxTerm) text(s string) {
	tm.t.Helper()
	before := tm.screen()
	tm.tmux("send-keys", "-t", "day", "-l", s)
	tm.settle(before)
}

// settle waits until the screen differs from before and stops changing (a key that changes
// nothing on screen ends the wait after a short while).
func (tm *tmuxTerm) settle(before string) {
	deadline := time.Now().Add(time.Second)
	last, stable := before, 0
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		now := tm.screen()
		switch {
		case now != last:
			last, stable = now, 0
		case now != before:
			if stable++; stable == 3 {
				return // changed, then still for 30 ms
			}
		}
	}
}

// waitFor waits until the screen holds every one of wants.
func (tm *tmuxTerm) waitFor(wants ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting for %q; screen:\n%s", wants, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var optionLine = regexp.MustCompile(`^[› ] [\(\[]([ •x])[\)\]] +(\S+) (.*)$`)

// options reads the choice lines on screen: code and label, and whether it is checked.
func options(screen string) (codes, labels []string, checked []bool) {
	for _, l := range strings.Split(screen, "\n") {
		if m := optionLine.FindStringSubmatch(strings.TrimRight(l, " ")); m != nil {
			codes = append(codes, m[2])
			labels = append(labels, strings.TrimSpace(m[3]))
			checked = append(checked, m[1] != " ")
		}
	}
	return codes, labels, checked
}

// questionOn returns the stop of the shadow session whose label the screen shows, by the
// label's lines under the section line.
func questionOn(screen string, shadow *forms.Session) (forms.Stop, bool) {
	lines := strings.Split(screen, "\n")
	if len(lines) < 6 {
		return forms.Stop{}, false
	}
	var label []string
	for _, l := range lines[5:] {
		if strings.TrimSpace(l) == "" {
			break
		}
		label = append(label, strings.TrimSpace(l))
	}
	// the label, then its hint, run together: the longest label the block starts with
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	on := norm(strings.Join(label, " "))
	var best forms.Stop
	bestN := 0
	for _, st := range shadow.Stops() {
		if st.Prompt {
			continue
		}
		l := norm(forms.PlainText(shadow.Label(st.Path)))
		if l == "" || len(l) <= bestN {
			continue
		}
		h := norm(forms.PlainText(shadow.Hint(st.Path)))
		for _, c := range []string{l, l + " *", l + " " + h, l + " * " + h} {
			if on == norm(c) || strings.HasPrefix(on, norm(c)+" Di daftar alumni:") {
				best, bestN = st, len(l)
			}
		}
	}
	return best, bestN > 0
}

// interview answers the question on screen with the persona until the review, throwing in
// wrong keys on choice questions, and returns the number of questions answered.
func (tm *tmuxTerm) interview(persona map[string]any, shadow *forms.Session, wrong bool, stopAfter int) int {
	tm.t.Helper()
	answered, same, last := 0, 0, ""
	for step := 0; step < 400; step++ {
		s := tm.screen()
		if s == last {
			if same++; same == 3 {
				tm.t.Fatalf("stuck on:\n%s", s)
			}
		} else {
			same, last = 0, s
		}
		if strings.Contains(s, "Periksa dan finalisasi") {
			return answered
		}
		if stopAfter >= 0 && answered >= stopAfter {
			return answered
		}
		st, ok := questionOn(s, shadow)
		if !ok {
			if strings.Contains(s, "[ ] 1 ") && strings.Contains(s, "space/1 OK") {
				tm.keys("Space") // a soft check on what the roster said: checked and right
			}
			tm.keys("Enter") // a note, or a repeat's prompt
			continue
		}
		n := st.Node
		want := shadow.Value(st.Path)
		if _, in := persona[n.Name]; !in || shadow.ReadOnly(st.Path) {
			tm.keys("Enter")
			continue
		}
		codes, labels, checked := options(s)
		labelOf := func(name string) string {
			for _, c := range shadow.Choices(st.Path) {
				if c.Name == name {
					return forms.PlainText(shadow.ChoiceLabel(c))
				}
			}
			tm.t.Fatalf("%s: no choice %q", st.Path, name)
			return ""
		}
		codeOf := func(label string) string {
			for i, l := range labels {
				if l == label {
					return codes[i]
				}
			}
			return ""
		}
		long := strings.Contains(s, "Cari:")
		switch n.Type {
		case "select_one":
			if wrong && !long {
				tm.text("x") // a letter picks nothing on a short list
				tm.keys("?", "?")
			}
			if long {
				if wrong {
					tm.text("zz")
					tm.keys("BSpace", "BSpace")
				}
				tm.text(strings.ToLower(labelOf(want)))
			} else if c := codeOf(labelOf(want)); c != "" {
				tm.text(c)
			}
		case "select_multiple":
			wantSet := map[string]bool{}
			for _, name := range strings.Fields(want) {
				wantSet[labelOf(name)] = true
			}
			if long {
				for l := range wantSet {
					tm.text(strings.ToLower(l))
					tm.keys("Up", "Space") // the top result, highlighted by the arrows, picked
				}
			} else {
				for i, l := range labels {
					if wantSet[l] != checked[i] {
						tm.text(codes[i])
					}
				}
			}
		case "acknowledge":
			if !strings.Contains(s, "[x]") {
				tm.keys("Space")
			}
		case "date":
			tm.keys("C-u")
			tm.text(want[8:10] + "/" + want[5:7] + "/" + want[:4]) // typed day first
		default:
			tm.keys("C-u")
			if want != "" {
				tm.text(want)
			}
		}
		before := st.Path
		tm.keys("Enter")
		// the next question, the review or a refusal: never type into a screen still changing
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			s2 := tm.screen()
			q, ok := questionOn(s2, shadow)
			if !ok || q.Path != before || strings.Contains(s2, "✗") {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if s2 := tm.screen(); strings.Contains(s2, "✗") {
			if again, ok := questionOn(s2, shadow); ok && again.Path == before {
				tm.t.Fatalf("%s refused %q:\n%s", before, want, s2)
			}
		}
		answered++
	}
	tm.t.Fatal("the interview did not reach the review")
	return answered
}

// TestTmuxFullDay is an enumerator's day in a real terminal: 20 interviews over the four
// personas in tmux at 80x24, with wrong keys thrown in (a letter on a short list, ? twice,
// a search typed and erased), the program killed mid-interview and resumed, the window
// resized, and a returned interview corrected. The stored records must equal what was meant.
func TestTmuxFullDay(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	if testing.Short() {
		t.Skip("a full day in a terminal takes a while")
	}
	if _, err := os.Stat(sampleRoster); err != nil {
		t.Skipf("sample roster absent: %v", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tracer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	if out, err := exec.Command(bin, "roster", "import", "--data", data, sampleRoster).CombinedOutput(); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("tracer-day-%d", os.Getpid()), bin: bin, data: data}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	tm.start()

	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := rosterIDs(t, 20)
	personas := []string{"employed", "self-employed", "unemployed", "refused"}
	meant := map[string]map[string]string{} // roster id -> question name -> meant answer
	for i, rid := range ids {
		pname := personas[i%len(personas)]
		raw := personaAnswers(t, pname)
		raw["roster_id"] = rid
		shadow := forms.NewSession(f, forms.Options{Lang: "Bahasa Indonesia (id)", Now: time.Now})
		if errs := shadow.Fill(raw); len(errs) > 0 {
			t.Fatalf("%s: %v", pname, errs)
		}
		meant[rid] = map[string]string{}
		for _, st := range shadow.Stops() {
			if !st.Prompt && !shadow.ReadOnly(st.Path) {
				if _, in := raw[st.Node.Name]; in {
					meant[rid][st.Node.Name] = shadow.Value(st.Path)
				}
			}
		}
		t.Logf("interview %d: %s, %s", i+1, rid, pname)
		tm.keys("1")
		tm.waitFor("Cari")
		tm.text(rid)
		tm.waitFor(rid)
		tm.keys("Enter")
		tm.waitFor("Wawancara")
		switch i {
		case 5:
			// killed mid-interview: every answer left with Enter is kept
			tm.interview(raw, shadow, false, 8)
			pid := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "day", "#{pane_pid}"))
			if out, err := exec.Command("kill", "-9", pid).CombinedOutput(); err != nil {
				t.Fatalf("kill %s: %v %s", pid, err, out)
			}
			time.Sleep(200 * time.Millisecond)
			exec.Command("tmux", "-L", tm.socket, "kill-server").Run()
			tm.start()
			tm.keys("2")
			tm.waitFor(rid)
			tm.text(rid)
			tm.keys("Enter")
			tm.waitFor("Wawancara")
		case 9:
			tm.interview(raw, shadow, true, 5)
			tm.tmux("resize-window", "-t", "day", "-x", "60", "-y", "20")
			tm.waitFor("terlalu kecil")
			tm.tmux("resize-window", "-t", "day", "-x", "80", "-y", "24")
			time.Sleep(100 * time.Millisecond)
		}
		tm.interview(raw, shadow, i%3 == 0, -1)
		tm.waitFor("Tidak ada masalah")
		tm.keys("f")
		tm.keys("y")
		tm.waitFor("Beranda")
	}

	// a supervisor returns the first interview with a comment on the income; the enumerator
	// corrects it as revision 2
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(data, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := sqlite.NewInterviewStore(db)
	first := interviewOf(t, store, ids[0])
	if err := store.Return(ctx, first.ID, 1, "Cek pendapatan.\n- grp_job/income_exact: jumlah nol?", nil); err != nil {
		t.Fatal(err)
	}
	tm.keys("5")
	tm.waitFor(ids[0])
	tm.keys("Enter")
	tm.waitFor("Catatan untuk pertanyaan ini: jumlah nol?")
	tm.keys("C-u")
	tm.text("5.400.000")
	tm.keys("Enter", "C-r")
	tm.waitFor("Tidak ada masalah")
	tm.keys("f", "y")
	tm.waitFor("Beranda")
	meant[ids[0]]["income_exact"] = "5400000"
	tm.keys("q")

	// what is stored is what was meant
	for _, rid := range ids {
		iv := interviewOf(t, store, rid)
		if iv.State != survey.StateFinalized {
			t.Errorf("%s: %s", rid, iv.State)
		}
		as, err := store.Answers(ctx, iv.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, a := range as {
			got[a.Path[strings.LastIndexByte(a.Path, '/')+1:]] = a.Value
		}
		for name, want := range meant[rid] {
			if got[name] != want {
				t.Errorf("%s %s: stored %q, meant %q", rid, name, got[name], want)
			}
		}
	}
	if iv := interviewOf(t, store, ids[0]); iv.Revision != 2 {
		t.Errorf("the correction is revision %d", iv.Revision)
	}
}

// rosterIDs returns n roster ids of the sample roster, from its 100th row on.
func rosterIDs(t *testing.T, n int) []string {
	t.Helper()
	fh, err := os.Open(sampleRoster)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := 0
	for i, h := range recs[0] {
		if h == "roster_id" {
			col = i
		}
	}
	var out []string
	for _, r := range recs[100 : 100+n] {
		out = append(out, r[col])
	}
	return out
}

func personaAnswers(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := builtin.Persona(name)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for k, v := range raw {
		if f, ok := v.(float64); ok {
			raw[k] = strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	return raw
}

func interviewOf(t *testing.T, store survey.InterviewStore, rid string) *survey.Interview {
	t.Helper()
	ivs, err := store.List(context.Background(), survey.InterviewFilter{RespondentID: rid})
	if err != nil || len(ivs) != 1 {
		t.Fatalf("%s: %d interviews, %v", rid, len(ivs), err)
	}
	return ivs[0]
}
