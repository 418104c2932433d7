package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/review"
)

// fakeReviewer is a server's review side holding a few interviews; it records the queries,
// approvals and returns.
type fakeReviewer struct {
	mu       sync.Mutex
	rows     []*survey.Review
	record   *survey.Record
	earlier  map[int]*survey.Record // earlier revisions by number; absent: the same as record
	history  []*survey.ReviewEvent  // after the first event, received
	queries  []survey.ReviewQuery
	approved []string
	returned []survey.ReturnNotice
}

func (f *fakeReviewer) Queue(_ context.Context, q survey.ReviewQuery) (*survey.ReviewPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, q)
	var out []*survey.Review
	for _, r := range f.rows {
		if q.State != "" && r.State != q.State {
			continue
		}
		if q.Flag != "" {
			ok := false
			for _, fl := range r.Flags {
				ok = ok || fl.Name == q.Flag
			}
			if !ok {
				continue
			}
		}
		if q.Enumerator != "" && r.Enumerator != q.Enumerator {
			continue
		}
		out = append(out, r)
	}
	return &survey.ReviewPage{Interviews: out}, nil
}

func (f *fakeReviewer) Revision(_ context.Context, id string, revision int) (*survey.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.earlier[revision]; ok {
		return r, nil
	}
	cp := *f.record
	cp.Revision = revision
	return &cp, nil
}

func (f *fakeReviewer) Review(_ context.Context, id string) (*survey.ReviewDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rows {
		if r.InterviewID == id {
			cp := *r
			return &survey.ReviewDetail{Review: &cp, Record: f.record,
				Revisions: []*survey.Submission{{InterviewID: id, Revision: 1}},
				History:   append([]*survey.ReviewEvent{{InterviewID: id, Revision: 1, To: survey.ReviewReceived, By: "sari", At: r.ReceivedAt}}, f.history...)}, nil
		}
	}
	return nil, survey.Errorf(survey.ENOTFOUND, "No interview %s.", id)
}

func (f *fakeReviewer) Approve(_ context.Context, id string, revision int, _ string) (*survey.ReviewEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.approved = append(f.approved, id)
	for _, r := range f.rows {
		if r.InterviewID == id {
			r.State = survey.ReviewApproved
		}
	}
	return &survey.ReviewEvent{InterviewID: id, Revision: revision, To: survey.ReviewApproved}, nil
}

func (f *fakeReviewer) ReturnWithComments(_ context.Context, id string, revision int, comment string, qs []survey.QuestionComment) (*survey.ReturnNotice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := survey.ReturnNotice{InterviewID: id, Revision: revision, Comment: comment, Questions: qs}
	f.returned = append(f.returned, n)
	for _, r := range f.rows {
		if r.InterviewID == id {
			r.State = survey.ReviewReturned
		}
	}
	return &n, nil
}

func (f *fakeReviewer) Coverage(context.Context, time.Time) (*review.Coverage, error) {
	return &review.Coverage{
		Day:   "2026-11-20",
		Total: review.CoverageRow{Roster: 672, Traced: 3, Approved: 1},
		Breakdowns: []review.CoverageBreakdown{
			{Dimension: "kejuruan", Rows: []review.CoverageRow{{Key: "Teknik Las", Roster: 120, Traced: 60, Approved: 30}, {Key: "Tata Boga", Roster: 80, Traced: 8, Approved: 0}}},
			{Dimension: "batch", Rows: []review.CoverageRow{{Key: "BTG25-B01", Roster: 16, Traced: 16, Approved: 16}}},
			{Dimension: "funding", Rows: []review.CoverageRow{{Key: "APBN", Roster: 400, Traced: 2, Approved: 1}}},
			{Dimension: "regency", Rows: []review.CoverageRow{{Key: "Kota Bontang", Roster: 500, Traced: 3, Approved: 1}}},
		},
		Unlinked:    1,
		Enumerators: []review.EnumeratorDay{{Enumerator: "sari", Today: 3, Total: 12, Approved: 1, Returned: 1}, {Enumerator: "ani", Today: 1, Total: 4}},
	}, nil
}

// employedRecord is the built-in form's employed persona as a stored record.
func employedRecord(t *testing.T, f *forms.Form) *survey.Record {
	t.Helper()
	b, err := builtin.Persona("employed")
	if err != nil {
		t.Fatal(err)
	}
	var a map[string]any
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }})
	if errs := s.Fill(a); len(errs) > 0 {
		t.Fatalf("persona: %v", errs)
	}
	ans := map[string]string{}
	for _, x := range s.Answers() {
		ans[x.Path] = x.Value
	}
	return &survey.Record{ID: "0b6c3f0e-5d59-4a4e-9c43-0d5f2f9a7b11", Revision: 1, FormID: f.ID, FormVersion: f.Version,
		RespondentID: "BTG25-0071", Enumerator: "sari", StartedAt: fixedNow.Add(-4 * time.Minute), FinalizedAt: fixedNow, Answers: ans}
}

func withReviewer(t *testing.T, e *env) *fakeReviewer {
	f := &fakeReviewer{record: employedRecord(t, e.form), rows: []*survey.Review{
		{InterviewID: "0b6c3f0e-5d59-4a4e-9c43-0d5f2f9a7b11", Revision: 1, State: survey.ReviewReceived, RespondentID: "BTG25-0071",
			Enumerator: "sari", ReceivedAt: fixedNow, Flags: []survey.Flag{survey.NewFlag(review.FlagFast, "Finished in %.0f min; the median of form version %s is %.0f min (n=%d).", 4.0, "2026.11.1", 25.0, 40)}},
		{InterviewID: "7d1e0c55-3f0a-4b8e-a8a1-6a0f5c1f2e90", Revision: 2, State: survey.ReviewResubmitted, RespondentID: "BTG25-0232",
			Enumerator: "ani", ReceivedAt: fixedNow.Add(-time.Hour)},
	}}
	withSync(e)
	e.cfg.Role, e.cfg.Reviewer = survey.RoleSupervisor, f
	return f
}

// The detail of a record as the server sends it, personal data masked, lists no check the
// enumerator never acknowledged: computed from "2004-**-**", the birth date's check against
// the NIK would fire on every interview.
func TestReviewDetailOfAMaskedRecord(t *testing.T) {
	e := newEnv(t, true)
	f := withReviewer(t, e)
	f.record = f.record.Masked(e.form)
	if !strings.Contains(f.record.Answers["grp_identity/birth_date"], "**") {
		t.Fatalf("the record's birth date is not masked: %q", f.record.Answers["grp_identity/birth_date"])
	}
	m := start(t, e)
	drive(t, m, keypress("6"))
	drive(t, m, keypress("enter"))
	if m.screen != screenDetail || len(m.detail().lines) < 20 {
		t.Fatalf("detail:\n%s", plain(m))
	}
	for _, l := range m.detail().lines {
		if strings.HasSuffix(l.path, "_nik_confirm") {
			t.Errorf("a check never acknowledged is listed: %s %q", l.path, l.label)
		}
	}
}

// The detail lists what the record answers wherever the masks send relevance: computed
// from a birth date masked to "1990-**-**", a question asked of adults was not relevant
// and its answer was left out, and one never asked stays out.
func TestReviewDetailListsWhatTheRecordAnswers(t *testing.T) {
	e := newEnv(t, false)
	f, err := forms.Parse("adults.md", []byte(`
| survey |
| | type | name | label | personal_data | relevant |
| | date | dob | Birth date | date | |
| | text | work | Work of an adult | | ${dob} <= '2008-12-31' |
| | text | school | School of a minor | | ${dob} > '2008-12-31' |
| | acknowledge | odd | An odd birth date | | ${dob} < '1930-01-01' |
| settings |
| | form_id | version |
| | adults | 1 |
`))
	if err != nil {
		t.Fatal(err)
	}
	r := withReviewer(t, e)
	e.form, e.cfg.Form = f, f
	r.record = (&survey.Record{ID: "0b6c3f0e-5d59-4a4e-9c43-0d5f2f9a7b11", Revision: 1, FormID: "adults", FormVersion: "1", RespondentID: "BTG25-0071",
		Enumerator: "sari", StartedAt: fixedNow.Add(-time.Hour), FinalizedAt: fixedNow, Answers: map[string]string{"dob": "1990-05-01", "work": "Tukang las"}}).Masked(f)
	m := start(t, e)
	drive(t, m, keypress("6"))
	drive(t, m, keypress("enter"))
	if m.screen != screenDetail {
		t.Fatalf("detail:\n%s", plain(m))
	}
	var paths []string
	for _, l := range m.detail().lines {
		if l.path != "" {
			paths = append(paths, l.path+"="+l.value)
		}
	}
	if want := []string{"dob=1990-**-**", "work=Tukang las"}; !slices.Equal(paths, want) {
		t.Errorf("the detail lists %q, want %q", paths, want)
	}
}

// The detail shows the comments the last return made on questions, on their lines.
func TestReviewDetailShowsTheReturnsComments(t *testing.T) {
	e := newEnv(t, true)
	f := withReviewer(t, e)
	f.history = []*survey.ReviewEvent{{Revision: 1, From: survey.ReviewReceived, To: survey.ReviewReturned, By: "rina", At: fixedNow,
		Comment: "cek lagi", Questions: []survey.QuestionComment{{Path: "grp_identity/full_name", Comment: "ejaan nama?"}}}}
	m := start(t, e)
	drive(t, m, keypress("6"))
	drive(t, m, keypress("enter"))
	var found bool
	for _, l := range m.detail().lines {
		found = found || l.path == "grp_identity/full_name"
	}
	if v := plain(m); !found || !strings.Contains(v, "cek lagi") || !strings.Contains(v, "ejaan nama?") {
		t.Errorf("the return's comments are not shown:\n%s", v)
	}
}

// The help line over a comment says what Enter does there: a question's comment is kept
// to go with the return, the return's reason is sent.
func TestReviewCommentHelpSaysWhatEnterDoes(t *testing.T) {
	for lang, want := range map[string][2]string{"id": {"enter simpan", "enter kirim"}, "en": {"enter keep", "enter send"}} {
		e := newEnv(t, true)
		e.cfg.Lang = lang
		withReviewer(t, e)
		m := start(t, e)
		drive(t, m, keypress("6"))
		drive(t, m, keypress("enter"))
		drive(t, m, keypress("c"))
		if v := plain(m); !strings.Contains(v, want[0]) || strings.Contains(v, want[1]) {
			t.Errorf("%s: a question's comment, help without %q or with %q:\n%s", lang, want[0], want[1], v)
		}
		drive(t, m, keypress("esc"))
		drive(t, m, keypress("x"))
		if v := plain(m); !strings.Contains(v, want[1]) {
			t.Errorf("%s: the return's reason, help without %q:\n%s", lang, want[1], v)
		}
	}
}

func TestReviewQueueFilters(t *testing.T) {
	e := newEnv(t, true)
	f := withReviewer(t, e)
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "6  Antrean pemeriksaan") || !strings.Contains(v, "7  Cakupan") {
		t.Fatalf("home lacks the supervisor's actions:\n%s", v)
	}
	drive(t, m, keypress("6"))
	if m.screen != screenQueue || len(m.queue().rows) != 2 {
		t.Fatalf("queue: screen %d rows %d\n%s", m.screen, len(m.queue().rows), plain(m))
	}
	if v := plain(m); !strings.Contains(v, "terlalu cep") || strings.Contains(v, " fast") || !strings.Contains(v, "BTG25-0232 r2") {
		t.Errorf("queue lacks flag or revision:\n%s", v)
	}
	drive(t, m, keypress("right")) // state: received
	if q := f.queries[len(f.queries)-1]; q.State != survey.ReviewReceived || len(m.queue().rows) != 1 {
		t.Errorf("state filter: %+v rows %d", q, len(m.queue().rows))
	}
	drive(t, m, keypress("left"))
	drive(t, m, keypress("tab"))
	drive(t, m, keypress("right")) // flag: the first flag name
	if q := f.queries[len(f.queries)-1]; q.Flag != review.FlagNames[0] {
		t.Errorf("flag filter: %+v", q)
	}
	drive(t, m, keypress("left"))
	drive(t, m, keypress("tab"))
	drive(t, m, keypress("right")) // enumerator: from the coverage
	if q := f.queries[len(f.queries)-1]; q.Enumerator != "sari" || len(m.queue().rows) != 1 {
		t.Errorf("enumerator filter: %+v rows %d", q, len(m.queue().rows))
	}
	drive(t, m, keypress("tab"))
	drive(t, m, keypress("right"))
	if q := f.queries[len(f.queries)-1]; q.Kejuruan != "Teknik Las" {
		t.Errorf("kejuruan filter: %+v", q)
	}
}

func TestReviewApproveAndReturn(t *testing.T) {
	e := newEnv(t, true)
	f := withReviewer(t, e)
	m := start(t, e)
	drive(t, m, keypress("6"))
	drive(t, m, keypress("z"))
	if v := plain(m); m.screen != screenQueue || !strings.Contains(v, fmt.Sprintf(m.c.t.ScreenKeyUnused, "z")) {
		t.Fatalf("z on the queue says nothing:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	if m.screen != screenDetail || m.detail().d == nil {
		t.Fatalf("detail:\n%s", plain(m))
	}
	v := plain(m)
	for _, want := range []string{"BTG25-0071 · r1 · diterima · sari", "durasi 4 menit", "⚑ terlalu cepat: Selesai dalam 4 menit; median versi formulir 2026.11.1 adalah"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	for _, l := range m.detail().lines {
		if strings.Contains(l.text, "6408061202040071") || strings.Contains(l.text, "08571224451") {
			t.Errorf("personal data not masked: %q", l.text)
		}
	}
	// a y with no question asked approves nothing and says the key is not used here
	drive(t, m, keypress("y"))
	if v := plain(m); len(f.approved) != 0 || !strings.Contains(v, fmt.Sprintf(m.c.t.ScreenKeyUnused, "y")) {
		t.Fatalf("y with no question: approved %v\n%s", f.approved, v)
	}
	// a comment on the question under the cursor, then the return
	drive(t, m, keypress("down"))
	path := m.detail().lines[m.detail().cursor].path
	drive(t, m, keypress("c"))
	typeText(t, m, "cek lagi?")
	if m.showHelp {
		t.Fatal("? opened the help while typing a comment")
	}
	drive(t, m, keypress("enter"))
	if m.detail().notes[path] != "cek lagi?" || !strings.Contains(plain(m), "✎ ") {
		t.Fatalf("question comment not kept: %v\n%s", m.detail().notes, plain(m))
	}
	drive(t, m, keypress("x"))
	drive(t, m, keypress("enter")) // empty: refused, and the prompt stays for the reason
	if len(f.returned) != 0 || !strings.Contains(plain(m), "Pengembalian perlu catatan.") {
		t.Fatalf("an empty return was sent or not refused:\n%s", plain(m))
	}
	// the reason typed next is the reason: its a and y are not the review's approve and yes
	typeText(t, m, "ayo, durasi terlalu singkat.")
	if len(f.approved) != 0 || m.detail().edit == nil {
		t.Fatalf("the reason typed after an empty Enter was taken as commands: approved %v\n%s", f.approved, plain(m))
	}
	if strings.Contains(plain(m), "Pengembalian perlu catatan.") {
		t.Errorf("the refusal stays while the reason is typed:\n%s", plain(m))
	}
	drive(t, m, keypress("enter"))
	if len(f.returned) != 1 {
		t.Fatalf("returns %d", len(f.returned))
	}
	got := f.returned[0]
	if got.Comment != "ayo, durasi terlalu singkat." || got.Revision != 1 || len(got.Questions) != 1 || got.Questions[0].Path != path {
		t.Errorf("return %+v", got)
	}
	if v := plain(m); !strings.Contains(v, "Dikembalikan ke pencacah.") || !strings.Contains(v, "dikembalikan · sari") {
		t.Errorf("after return:\n%s", v)
	}

	// approve the other one
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("down"))
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("a"))
	drive(t, m, keypress("n"))
	if len(f.approved) != 0 {
		t.Fatal("approved without a yes")
	}
	drive(t, m, keypress("a"))
	drive(t, m, keypress("y"))
	if len(f.approved) != 1 || f.approved[0] != "7d1e0c55-3f0a-4b8e-a8a1-6a0f5c1f2e90" || !strings.Contains(plain(m), "Disetujui.") {
		t.Errorf("approve: %v\n%s", f.approved, plain(m))
	}
}

func TestNoReviewForEnumerators(t *testing.T) {
	e := newEnv(t, true)
	withSync(e)
	m := start(t, e)
	drive(t, m, keypress("6"))
	drive(t, m, goQueueMsg{})
	if m.screen != screenHome || strings.Contains(plain(m), "Antrean") {
		t.Errorf("an enumerator reached the review queue:\n%s", plain(m))
	}
}

// TestGoldenReview snapshots the supervisor's screens at 80x24 in both languages.
func TestGoldenReview(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t, true)
			e.cfg.Lang = lang
			withReviewer(t, e)
			m := start(t, e)
			snapshot(t, m, "home-supervisor-"+lang)
			drive(t, m, keypress("6"))
			snapshot(t, m, "queue-"+lang)
			drive(t, m, keypress("enter"))
			drive(t, m, keypress("pgdown"))
			drive(t, m, keypress("c"))
			typeText(t, m, "NIK?")
			drive(t, m, keypress("enter"))
			snapshot(t, m, "detail-"+lang)
			drive(t, m, keypress("x"))
			typeText(t, m, "Durasi terlalu singkat")
			snapshot(t, m, "detail-return-"+lang)
			drive(t, m, keypress("esc"))
			drive(t, m, keypress("esc"))
			// the comment on a question is not sent: the first Esc says so, the next drops it
			if v := plain(m); m.screen != screenDetail || !strings.Contains(v, map[string]string{"id": "catatan pertanyaan belum terkirim", "en": "1 question comment not sent"}[lang]) {
				t.Errorf("Esc over a comment not sent:\n%s", v)
			}
			drive(t, m, keypress("esc"))
			drive(t, m, keypress("c"))
			snapshot(t, m, "coverage-"+lang)
			drive(t, m, keypress("left"))
			snapshot(t, m, "coverage-enumerators-"+lang)
		})
	}
}

// A correction's detail marks each answer it changed with what the revision before said.
func TestReviewDiffRevisions(t *testing.T) {
	e := newEnv(t, true)
	f := withReviewer(t, e)
	f.rows[0].Revision = 2
	r1 := *f.record
	r1.Revision = 1
	r1.Answers = map[string]string{}
	for p, v := range f.record.Answers {
		r1.Answers[p] = v
	}
	r1.Answers["grp_job/income_exact"] = "520000"
	f.earlier = map[int]*survey.Record{1: &r1}
	m := start(t, e)
	drive(t, m, keypress("6"))
	drive(t, m, keypress("enter"))
	for range 40 {
		if strings.Contains(plain(m), "Δ") {
			break
		}
		drive(t, m, keypress("down"))
	}
	v := strings.Join(strings.Fields(plain(m)), " ")
	if !strings.Contains(v, "5.200.000 (r1: 520.000)") {
		t.Errorf("the changed income is not shown against revision 1:\n%s", plain(m))
	}
	if strings.Count(plain(m), "Δ") != 1 {
		t.Errorf("unchanged answers marked:\n%s", plain(m))
	}
}

// TestReviewShowsCapture: the supervisor sees how each interview came (a laptop, ODK
// Collect and from which phone, a self-response link), in the queue's list and in the
// detail.
func TestReviewShowsCapture(t *testing.T) {
	e := newEnv(t, true)
	f := withReviewer(t, e)
	f.record.Mode, f.record.Device = survey.CaptureCollect, "collect:gB4gWSUAGwN1ahyy"
	f.rows[0].Mode, f.rows[0].Device = f.record.Mode, f.record.Device
	web := *f.rows[1]
	web.InterviewID, web.RespondentID, web.Mode = "2f0d7c9a-3b1e-4c55-9a0e-5d1b2c3e4f50", "BTG25-0300", survey.CaptureWeb
	f.rows = append(f.rows, &web)
	m := start(t, e)
	drive(t, m, keypress("6"))
	lines := map[string]string{}
	for _, l := range strings.Split(plain(m), "\n") {
		for _, rid := range []string{"BTG25-0071", "BTG25-0232", "BTG25-0300"} {
			if strings.Contains(l, rid) {
				lines[rid] = l
			}
		}
	}
	for rid, want := range map[string]string{"BTG25-0071": "Collect gB4gW…", "BTG25-0232": "laptop", "BTG25-0300": "tautan web"} {
		if !strings.Contains(lines[rid], want) {
			t.Errorf("the queue's line of %s does not say %q:\n%s", rid, want, plain(m))
		}
	}
	drive(t, m, keypress("enter"))
	if m.screen != screenDetail || m.detail().d == nil {
		t.Fatalf("detail:\n%s", plain(m))
	}
	if v := plain(m); !strings.Contains(v, "Dikirim dari ODK Collect, perangkat collect:gB4gWSUAGwN1ahyy") {
		t.Errorf("detail does not say the interview came from Collect:\n%s", v)
	}
}

// The detail reads a record through the form it was made with, not the one Home starts new
// interviews on: a study of two forms reviews each interview's own questions. A form this
// laptop does not have is said, and the answers are listed by their names.
func TestReviewDetailReadsTheRecordsOwnForm(t *testing.T) {
	e := newEnv(t, true) // Home's form: the built-in one
	other, err := forms.Parse("repeat.md", []byte(`
| survey |
| | type | name | label |
| | select_one st | state | Select a state |
| | begin repeat | rep | City |
| | text | city | Which city? |
| | end repeat | | |
| choices |
| | list_name | name | label |
| | st | VIC | Victoria |
| settings |
| | form_id | version |
| | cities | 7 |
`))
	if err != nil {
		t.Fatal(err)
	}
	r := withReviewer(t, e)
	r.record = &survey.Record{ID: "0b6c3f0e-5d59-4a4e-9c43-0d5f2f9a7b11", Revision: 1, FormID: "cities", FormVersion: "7", FormHash: other.Hash,
		RespondentID: "BTG25-0071", Enumerator: "sari", StartedAt: fixedNow.Add(-time.Hour), FinalizedAt: fixedNow,
		Answers: map[string]string{"state": "VIC", "rep[1]": "", "rep[1]/city": "Melbourne", "rep[2]": "", "rep[2]/city": "Geelong"}}
	have := true
	e.cfg.FormOf = func(_ context.Context, iv *survey.Interview) (*forms.Form, error) {
		if have && iv.FormID == other.ID && iv.FormVersion == other.Version && iv.FormHash == other.Hash {
			return other, nil
		}
		return nil, survey.Errorf(survey.ENOTFOUND, "Form %s version %s (sha256 %.12s) is not on this laptop: sync to pull it.", iv.FormID, iv.FormVersion, iv.FormHash)
	}
	for _, have = range []bool{true, false} {
		m := start(t, e)
		drive(t, m, keypress("6"))
		drive(t, m, keypress("enter"))
		if m.screen != screenDetail {
			t.Fatalf("detail:\n%s", plain(m))
		}
		var got []string
		for _, l := range m.detail().lines {
			if l.path != "" {
				got = append(got, l.label+"="+l.value)
			}
		}
		want := []string{"Select a state=Victoria", "Which city?=Melbourne", "Which city?=Geelong"}
		if !have {
			want = []string{"rep[1]/city=Melbourne", "rep[2]/city=Geelong", "state=VIC"}
			if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "Formulir cities versi 7, tempat wawancara ini dibuat, tidak ada di laptop ini") || !strings.Contains(v, "menurut namanya") {
				t.Errorf("the form missing is not said:\n%s", plain(m))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("with the form %v: the detail lists %q, want %q", have, got, want)
		}
	}
}

// A correction that removed a repeat's instance shows, for each answer it took away, what
// the revision before said: the questions the record still has cannot show them.
func TestReviewDiffShowsAnswersDropped(t *testing.T) {
	e := newEnv(t, false)
	f, err := forms.Parse("cities.md", []byte(`
| survey |
| | type | name | label |
| | begin repeat | rep | City |
| | select_one c | city | Which city? |
| | end repeat | | |
| choices |
| | list_name | name | label |
| | c | mel | Melbourne |
| | c | gee | Geelong |
| settings |
| | form_id | version |
| | cities | 7 |
`))
	if err != nil {
		t.Fatal(err)
	}
	r := withReviewer(t, e)
	e.form, e.cfg.Form = f, f
	r.rows[0].Revision = 2
	r.record = &survey.Record{ID: "0b6c3f0e-5d59-4a4e-9c43-0d5f2f9a7b11", Revision: 2, FormID: "cities", FormVersion: "7",
		RespondentID: "BTG25-0071", Enumerator: "sari", StartedAt: fixedNow.Add(-time.Hour), FinalizedAt: fixedNow,
		Answers: map[string]string{"rep[1]": "", "rep[1]/city": "mel"}}
	r1 := *r.record
	r1.Revision = 1
	r1.Answers = map[string]string{"rep[1]": "", "rep[1]/city": "mel", "rep[2]": "", "rep[2]/city": "gee"}
	r.earlier = map[int]*survey.Record{1: &r1}
	m := start(t, e)
	drive(t, m, keypress("6"))
	drive(t, m, keypress("enter"))
	v := strings.Join(strings.Fields(plain(m)), " ")
	if !strings.Contains(v, "Jawaban r1 yang tidak ada lagi di koreksi ini") || !strings.Contains(v, "Δ Which city? [rep[2]/city]: — (r1: Geelong)") {
		t.Errorf("the answer the correction dropped is not shown:\n%s", plain(m))
	}
	if strings.Count(plain(m), "Δ") != 1 {
		t.Errorf("unchanged answers marked:\n%s", plain(m))
	}
}
