package review_test

import (
	"fmt"
	"maps"
	"sort"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/review"
)

// good is a consistent full-time wage employee in Bontang, interviewed 25 minutes long.
func good(id string) map[string]string {
	return map[string]string{
		"nik": "6408061202040071", "interview_date": "2026-11-20", "training_end_date": "2025-04-03",
		"job_start_date": "2025-09-01", "status_before": "4", "main_status": "1", "work_last_week": "yes",
		"work_regency": "6474", "hours_week": "48", "income_exact": "5200000", "kejuruan": "LAS",
	}
}

var start = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

var serial int

func item(id string, minutes int, edit func(map[string]string)) review.Item {
	a := good(id)
	// Every interview gets its own NIK unless edit sets one.
	serial++
	a["nik"] = fmt.Sprintf("640806120204%04d", serial)
	if edit != nil {
		edit(a)
	}
	answers := map[string]string{}
	for k, v := range a {
		answers["grp/"+k] = v
	}
	return review.Item{Record: &survey.Record{ID: id, Revision: 1, FormID: "blk_tracer", FormVersion: "1",
		StartedAt: start, FinalizedAt: start.Add(time.Duration(minutes) * time.Minute), Answers: answers}}
}

func names(fs []survey.Flag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
		if f.Reason == "" {
			panic("flag without reason")
		}
	}
	sort.Strings(out)
	return out
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]string)
		want string // "" for no flag
	}{
		{"clean", nil, ""},
		{"training end after interview", func(a map[string]string) { a["training_end_date"] = "2026-11-20"; a["status_before"] = "1" }, review.FlagTrainingAfterIntvw},
		{"job after interview", func(a map[string]string) { a["job_start_date"] = "2026-12-01" }, review.FlagJobAfterInterview},
		{"job on interview day", func(a map[string]string) { a["job_start_date"] = "2026-11-20" }, ""},
		{"job before training, not working before", func(a map[string]string) { a["job_start_date"] = "2025-01-01" }, review.FlagJobBeforeTraining},
		{"job before training, working before", func(a map[string]string) { a["job_start_date"] = "2025-01-01"; a["status_before"] = "1" }, ""},
		{"working but status 7", func(a map[string]string) { a["main_status"] = "7"; delete(a, "income_exact") }, review.FlagStatusInconsistent},
		{"not working but status 1", func(a map[string]string) { a["work_last_week"] = "no"; a["temp_absent"] = "no" }, review.FlagStatusInconsistent},
		{"temporarily absent, status 1", func(a map[string]string) { a["work_last_week"] = "no"; a["temp_absent"] = "yes" }, ""},
		{"abroad in Indonesia", func(a map[string]string) {
			a["main_status"] = "2"
			a["work_country"] = "ID"
			delete(a, "income_exact")
		}, review.FlagAbroadInIndonesia},
		{"abroad in Malaysia", func(a map[string]string) { a["main_status"] = "2"; a["work_country"] = "MY"; delete(a, "income_exact") }, ""},
		// Bontang 2026 UMK is above 4 million: a quarter is about 1 million.
		{"full-time under a quarter of UMK", func(a map[string]string) { a["income_exact"] = "900000" }, review.FlagIncomeBelowUMK},
		{"part-time under a quarter of UMK", func(a map[string]string) { a["income_exact"] = "900000"; a["hours_week"] = "20" }, ""},
		{"self-employed under a quarter of UMK", func(a map[string]string) { a["income_exact"] = "900000"; a["main_status"] = "3" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := review.Compute([]review.Item{item("iv-x", 25, tt.edit)}, review.Config{})
			want := []string(nil)
			if tt.want != "" {
				want = []string{tt.want}
			}
			if g := names(got["iv-x"]); fmt.Sprint(g) != fmt.Sprint(want) {
				t.Errorf("flags %v (%v), want %v", g, got["iv-x"], want)
			}
		})
	}
}

func TestDuplicateNIKConflictAndFast(t *testing.T) {
	var items []review.Item
	for i := range 6 {
		items = append(items, item(fmt.Sprintf("iv-%d", i), 20+i, nil))
	}
	// iv-6 is fast: 5 minutes against a median of about 22.
	items = append(items, item("iv-6", 5, nil))
	// iv-7 and iv-8 share a NIK in the same wave; iv-9 has it too but a year later.
	same := func(a map[string]string) { a["nik"] = "6408 0612 0204 9999" }
	items = append(items, item("iv-7", 25, same), item("iv-8", 25, same),
		item("iv-9", 25, func(a map[string]string) { same(a); a["interview_date"] = "2027-11-20" }))
	// iv-10 has a conflicting resubmission; iv-11 is a corrected revision, slow by nature
	// and not judged on speed.
	c := item("iv-10", 25, nil)
	c.Conflicts = 1
	r := item("iv-11", 2, nil)
	r.Record.Revision = 2
	items = append(items, c, r)

	got := review.Compute(items, review.Config{})
	want := map[string][]string{
		"iv-6":  {review.FlagFast},
		"iv-7":  {review.FlagDuplicateNIK},
		"iv-8":  {review.FlagDuplicateNIK},
		"iv-10": {review.FlagConflict},
	}
	for _, it := range items {
		id := it.Record.ID
		if g := names(got[id]); fmt.Sprint(g) != fmt.Sprint(want[id]) {
			t.Errorf("%s: flags %v, want %v", id, got[id], want[id])
		}
	}
	// Fewer than FastMin first revisions: no median, no fast flag.
	if got := review.Compute([]review.Item{item("a-1", 20, nil), item("a-2", 2, nil)}, review.Config{}); len(got) != 0 {
		t.Errorf("fast flag without enough interviews: %v", got)
	}
	// The share is configurable.
	if got := review.Compute(items, review.Config{FastShare: 0.1}); len(got["iv-6"]) != 0 {
		t.Errorf("fast flag under a 10%% share: %v", got["iv-6"])
	}
}

func TestIncomeOutliers(t *testing.T) {
	var items []review.Item
	for i := range 40 {
		inc := fmt.Sprint(5_000_000 + i*10_000)
		items = append(items, item(fmt.Sprintf("w-%02d", i), 25, func(a map[string]string) { a["income_exact"] = inc; a["hours_week"] = "20" }))
	}
	items = append(items, item("w-high", 25, func(a map[string]string) { a["income_exact"] = "90000000"; a["hours_week"] = "20" }))
	// Another kejuruan with few incomes is never judged by percentiles.
	items = append(items, item("other", 25, func(a map[string]string) { a["income_exact"] = "95000000"; a["kejuruan"] = "TIK" }))
	got := review.Compute(items, review.Config{})
	if g := names(got["w-high"]); fmt.Sprint(g) != fmt.Sprint([]string{review.FlagIncomeOutlier}) {
		t.Errorf("w-high: %v", got["w-high"])
	}
	if len(got["other"]) != 0 || len(got["w-20"]) != 0 {
		t.Errorf("unexpected flags: other %v, w-20 %v", got["other"], got["w-20"])
	}
	// The roster's kejuruan wins over the answer.
	items[len(items)-1].Kejuruan = "LAS"
	if got := review.Compute(items, review.Config{}); len(got["other"]) == 0 {
		t.Errorf("roster kejuruan not used")
	}
}

// A second interview of one roster alumnus in a wave of a form is flagged, the first is
// not; another form or another year is another wave.
func TestSecondInterviewFlagged(t *testing.T) {
	resp := func(it review.Item, id string, late time.Duration) review.Item {
		it.Record.RespondentID = id
		it.Record.StartedAt = it.Record.StartedAt.Add(late)
		return it
	}
	first := resp(item("a1", 30, nil), "BTG25-0071", 0)
	second := resp(item("a2", 30, nil), "BTG25-0071", time.Hour)
	otherForm := resp(item("a3", 30, nil), "BTG25-0071", 2*time.Hour)
	otherForm.Record.FormID = "employer_survey"
	nextYear := resp(item("a4", 30, func(a map[string]string) { a["interview_date"] = "2027-11-20" }), "BTG25-0071", 3*time.Hour)
	walkIn := item("a5", 30, nil)
	got := review.Compute([]review.Item{second, first, otherForm, nextYear, walkIn}, review.Config{})
	for id, want := range map[string]bool{"a1": false, "a2": true, "a3": false, "a4": false, "a5": false} {
		has := false
		for _, f := range got[id] {
			has = has || f.Name == review.FlagSecondInterview
		}
		if has != want {
			t.Errorf("%s: second_interview %v, want %v (%v)", id, has, want, got[id])
		}
	}
}

// TestFieldsSuffice computes the flags of the items of every test above from whole
// records and from records holding only the answers named by Fields, as a store gives them
// (survey.RecordFilter.Names): the same flags with the same reasons.
func TestFieldsSuffice(t *testing.T) {
	var items []review.Item
	for i := range 40 {
		items = append(items, item(fmt.Sprintf("s-%d", i), 10+i%30, func(a map[string]string) {
			switch i % 5 {
			case 1:
				a["nik"] = "6408 0612 0204 7777"
			case 2:
				a["income_exact"] = fmt.Sprint(100000 * (i + 1))
			case 3:
				a["job_start_date"] = "2027-01-01"
			case 4:
				a["main_status"] = "7"
			}
			a["unrelated_question"] = "a long answer the flags never read"
		}))
	}
	items[3].Conflicts = 2
	whole := review.Compute(items, review.Config{IncomeMin: 5})
	keep := survey.NamedAnswers(review.Fields()...)
	var cut []review.Item
	for _, it := range items {
		r := *it.Record
		r.Answers = maps.Clone(r.Answers)
		maps.DeleteFunc(r.Answers, func(path, _ string) bool { return !keep(path) })
		if _, ok := r.Answers["grp/unrelated_question"]; ok || len(r.Answers) == 0 {
			t.Fatalf("cut answers: %v", r.Answers)
		}
		it.Record = &r
		cut = append(cut, it)
	}
	got := review.Compute(cut, review.Config{IncomeMin: 5})
	if len(whole) < 10 {
		t.Fatalf("only %d interviews flagged: the test proves little", len(whole))
	}
	if fmt.Sprint(got) != fmt.Sprint(whole) {
		t.Errorf("flags of cut records differ:\n got %v\nwant %v", got, whole)
	}
}
