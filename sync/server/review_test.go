package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/review"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// TestReviewRoutes drives the supervisor's client API over HTTP: the queue with filters
// and flags, one interview's detail, approval, return with question comments, coverage,
// and the analyst's streamed export.
func TestReviewRoutes(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	enum := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	ana := newClient(t, env.URL, testbed.Token(t, env.Users, "ana", survey.RoleAnalyst))

	lap := testbed.NewLaptop(t)
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enum.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R-ani-00000", Name: "Dimas", Kejuruan: "LAS", ProgramName: "Las"},
		{RosterID: "R-ani-00001", Name: "Sari", Kejuruan: "TIK"}, {RosterID: "R-X", Name: "Budi", Kejuruan: "TIK"}}); err != nil {
		t.Fatal(err)
	}

	page, err := sup.Queue(ctx, survey.ReviewQuery{State: survey.ReviewReceived})
	if err != nil || len(page.Interviews) != 3 {
		t.Fatalf("queue: %+v %v", page, err)
	}
	// The seeded interviews share one NIK: every one is flagged.
	flagged, err := sup.Queue(ctx, survey.ReviewQuery{Flag: review.FlagDuplicateNIK})
	if err != nil || len(flagged.Interviews) != 3 || flagged.Interviews[0].Flags[0].Reason == "" {
		t.Fatalf("flagged queue: %+v %v", flagged, err)
	}
	las, err := sup.Queue(ctx, survey.ReviewQuery{Kejuruan: "LAS"})
	if err != nil || len(las.Interviews) != 1 || las.Interviews[0].InterviewID != items[0].InterviewID {
		t.Fatalf("kejuruan filter: %+v %v", las, err)
	}
	paged, err := sup.Queue(ctx, survey.ReviewQuery{Limit: 2})
	if err != nil || len(paged.Interviews) != 2 || !paged.More {
		t.Fatalf("first page: %+v %v", paged, err)
	}
	if rest, err := sup.Queue(ctx, survey.ReviewQuery{After: paged.Next}); err != nil || len(rest.Interviews) != 1 || rest.More {
		t.Fatalf("second page: %+v %v", rest, err)
	}
	if _, err := sup.Queue(ctx, survey.ReviewQuery{Flag: "nope"}); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("unknown flag: %v", err)
	}

	id := items[0].InterviewID
	// A comment names a question of the form: by its path or, outside repeats, by its
	// name alone; anything else is refused, naming it, and the interview stays as it was.
	for _, bad := range []string{"nosuchq", "grp_job/nosuchq", "grp_identity/income_exact"} {
		_, err := sup.ReturnWithComments(ctx, id, 1, "Cek", []survey.QuestionComment{{Path: bad, Comment: "x"}})
		if survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(err.Error(), bad) {
			t.Errorf("a comment on %q: %v, want EINVALID naming it", bad, err)
		}
	}
	if d, err := sup.Review(ctx, id); err != nil || d.Review.State != survey.ReviewReceived {
		t.Fatalf("after refused returns: %+v %v", d, err)
	}
	if _, err := sup.ReturnWithComments(ctx, id, 1, "Cek upah", []survey.QuestionComment{{Path: "income_exact", Comment: "Bulanan?"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Approve(ctx, items[1].InterviewID, 1, "ok"); err != nil {
		t.Fatal(err)
	}
	d, err := sup.Review(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Review.State != survey.ReviewReturned || d.Record.ID != id || len(d.Revisions) != 1 || len(d.History) != 2 ||
		d.History[1].Questions[0].Comment != "Bulanan?" || len(d.Review.Flags) == 0 {
		t.Fatalf("detail: %+v history %+v", d.Review, d.History)
	}
	if _, err := sup.Review(ctx, survey.NewID()); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Fatalf("unknown interview: %v", err)
	}
	// The short id the flags print names the interview, in either case.
	if d, err := sup.Review(ctx, strings.ToUpper(survey.ShortID(id))); err != nil || d.Review.InterviewID != id || d.Record.ID != id {
		t.Fatalf("by the short id %s: %+v %v", survey.ShortID(id), d, err)
	}
	if _, err := sup.Review(ctx, survey.ShortID(survey.NewID())); survey.ErrorCode(err) != survey.ENOTFOUND || !strings.Contains(err.Error(), "ends with") {
		t.Fatalf("an unknown short id: %v", err)
	}
	if _, err := sup.Review(ctx, survey.ShortID(id)[1:]); survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(err.Error(), "its last 8 characters") {
		t.Fatalf("seven characters of an id: %v", err)
	}

	// The laptop keeps the question comments with the return.
	sum, err := enum.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
	if err != nil || sum.Returned != 1 {
		t.Fatalf("sync: %+v %v", sum, err)
	}
	iv, err := lap.Interviews.Get(ctx, id)
	if err != nil || iv.State != survey.StateReturned || iv.ReturnComment != "Cek upah\n- grp_job/income_exact: Bulanan?" {
		t.Fatalf("laptop interview: %+v %v", iv, err)
	}

	cov, err := sup.Coverage(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if cov.Total.Roster != 3 || cov.Total.Traced != 2 || cov.Total.Approved != 1 || cov.Unlinked != 1 ||
		len(cov.Enumerators) != 1 || cov.Enumerators[0].Today != 3 || cov.Enumerators[0].Returned != 1 {
		t.Fatalf("coverage: %+v", cov)
	}
	for _, b := range cov.Breakdowns {
		if b.Dimension == "kejuruan" && (len(b.Rows) != 2 || b.Rows[1].Key != "TIK" || b.Rows[1].Roster != 2 || b.Rows[1].Traced != 1 || b.Rows[1].Approved != 1) {
			t.Fatalf("coverage by kejuruan: %+v", b.Rows)
		}
	}

	// The export streams the approved revision only, then the latest of each.
	for set, want := range map[string]int{"approved": 1, "latest": 3, "all": 3} {
		var buf bytes.Buffer
		if _, err := ana.Export(ctx, client.ExportQuery{Format: "jsonl", Revisions: set}, &buf); err != nil {
			t.Fatal(err)
		}
		lines := 0
		sc := bufio.NewScanner(&buf)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var row map[string]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatal(err)
			}
			if set == "approved" && row["interview_id"] != items[1].InterviewID {
				t.Errorf("approved export holds %v", row["interview_id"])
			}
			lines++
		}
		if lines != want {
			t.Errorf("%s export: %d interviews, want %d", set, lines, want)
		}
	}
	var zip bytes.Buffer
	if _, err := ana.Export(ctx, client.ExportQuery{Format: "csv", Labels: true, Lang: "en"}, &zip); err != nil || !bytes.HasPrefix(zip.Bytes(), []byte("PK")) {
		t.Fatalf("csv export: %d bytes %v", zip.Len(), err)
	}
	if _, err := ana.Export(ctx, client.ExportQuery{Format: "pdf"}, &zip); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("bad format: %v", err)
	}
	if _, err := sup.Export(ctx, client.ExportQuery{}, &zip); survey.ErrorCode(err) != survey.EFORBIDDEN {
		t.Fatalf("supervisor export: %v", err)
	}
	var rep bytes.Buffer
	if _, err := sup.Report(ctx, client.ReportQuery{By: "kejuruan", Format: "text", Revisions: "latest"}, &rep); err != nil || !strings.Contains(rep.String(), "LAS") {
		t.Fatalf("report: %v\n%s", err, rep.String())
	}
	// The HTML report, in English, with its charts.
	rep.Reset()
	if _, err := sup.Report(ctx, client.ReportQuery{By: "kejuruan", Format: "html", Revisions: "latest", Lang: "en"}, &rep); err != nil ||
		!strings.Contains(rep.String(), `<html lang="en">`) || !strings.Contains(rep.String(), `data-chart="absorption-kejuruan"`) {
		t.Fatalf("html report: %v\n%.300s", err, rep.String())
	}
}

// TestQueueSaysHowInterviewsCame: the review queue's list and an interview's review say how
// each came: from a tracer laptop (no mode), from ODK Collect with the phone's deviceID, or
// through a self-response link.
func TestQueueSaysHowInterviewsCame(t *testing.T) {
	ctx := context.Background()
	e := newLinkEnv(t)
	f, answers, _ := testbed.Builtin()
	if status, msg := postLink(t, e.url, instanceXML(f, answers, "11111111-aaaa-4aaa-8aaa-000000000001")); status != http.StatusCreated {
		t.Fatalf("link submission: %d %q", status, msg)
	}
	sari := testbed.Token(t, e.Users, "sari", survey.RoleEnumerator)
	other := append([]survey.Answer(nil), answers...)
	for i := range other {
		if other[i].Path == "grp_consent/roster_id" {
			other[i].Value = "BTG25-0072"
		}
	}
	resp := postInstance(t, e.URL+"/v1/key/"+sari+"/submission?deviceID=collect%3AgB4gWSUAGwN1ahyy", instanceXML(f, other, "c0113c70-0000-4000-8000-000000000009"), nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("Collect submission: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	lap := testbed.NewLaptop(t)
	if _, err := testbed.Seed(ctx, lap.Interviews, "sari", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, e.URL, sari).Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil {
		t.Fatal(err)
	}
	sup := newClient(t, e.URL, testbed.Token(t, e.Users, "sri", survey.RoleSupervisor))
	page, err := sup.Queue(ctx, survey.ReviewQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range page.Interviews {
		got[v.RespondentID+"/"+v.SubmittedBy] = v.Mode + " " + v.Device
		d, err := sup.Review(ctx, v.InterviewID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Review.Mode != v.Mode || d.Review.Device != v.Device {
			t.Errorf("%s: the review says %q %q, the queue %q %q", v.InterviewID, d.Review.Mode, d.Review.Device, v.Mode, v.Device)
		}
	}
	want := map[string]string{personaRosterID + "/web/link": "web ", "BTG25-0072/sari": "collect collect:gB4gWSUAGwN1ahyy", "R-sari-00000/sari": " "}
	if !maps.Equal(got, want) {
		t.Errorf("the queue says %q, want %q", got, want)
	}
}

// TestQueuePagesAndFlagsFollowTheStore: a queue longer than one read of the store pages
// with a sparse filter (every page full until the last, More right, nothing twice, nothing
// missed); the flags the server keeps change as soon as the store does: a new interview
// with a NIK already seen flags both, a differing content flags a conflict, and an
// interview's detail says the same as the queue.
func TestQueuePagesAndFlagsFollowTheStore(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	enumTok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	enum := newClient(t, env.URL, enumTok)
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	lap := testbed.NewLaptop(t)
	// Every seeded interview has the same NIK; the first one alone is pushed first.
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 601)
	if err != nil {
		t.Fatal(err)
	}
	first := items[0]
	if resp, err := enum.Push(ctx, []wire.PushItem{{ID: first.InterviewID, Revision: 1, Hash: first.Hash, Body: first.Body}}); err != nil || !resp.Receipts[0].Safe() {
		t.Fatalf("push: %+v %v", resp, err)
	}
	d, err := sup.Review(ctx, first.InterviewID)
	if err != nil || len(d.Review.Flags) != 0 {
		t.Fatalf("one interview: flags %+v %v", d.Review.Flags, err)
	}
	if _, err := enum.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil {
		t.Fatal(err)
	}
	d, err = sup.Review(ctx, first.InterviewID)
	if err != nil || !hasFlagNamed(d.Review.Flags, review.FlagDuplicateNIK) {
		t.Fatalf("after 600 more with its NIK: flags %+v %v", d.Review.Flags, err)
	}

	// Approve every 37th interview and put three alumni, hundreds apart, in kejuruan LAS,
	// then page through each, two at a time: the state is chosen in SQL, the kejuruan after
	// (a page then spans several reads of the store).
	var approved, las []string
	var rows []*survey.Respondent
	for i := range items {
		if i%37 == 0 {
			if _, err := sup.Approve(ctx, items[i].InterviewID, 1, ""); err != nil {
				t.Fatal(err)
			}
			approved = append(approved, items[i].InterviewID)
		}
		kej := "TIK"
		if i == 5 || i == 300 || i == 590 {
			kej = "LAS"
			las = append(las, items[i].InterviewID)
		}
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R-ani-%05d", i), Name: "Alumnus", Kejuruan: kej})
	}
	if _, err := sup.UploadRoster(ctx, rows); err != nil {
		t.Fatal(err)
	}
	pageAll := func(q survey.ReviewQuery, want []string) {
		t.Helper()
		var got []string
		for pages := 0; ; pages++ {
			if pages > len(want) {
				t.Fatal("paging does not end")
			}
			p, err := sup.Queue(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range p.Interviews {
				got = append(got, v.InterviewID)
				if !hasFlagNamed(v.Flags, review.FlagDuplicateNIK) {
					t.Errorf("%s in the queue without its flag: %+v", v.InterviewID, v.Flags)
				}
			}
			if p.More != (len(p.Interviews) == 2 && len(got) < len(want)) {
				t.Fatalf("%+v page %d: %d interviews, More %v, %d of %d seen", q, pages, len(p.Interviews), p.More, len(got), len(want))
			}
			if !p.More {
				break
			}
			q.After = p.Next
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%+v: pages gave %d interviews %v, want %d %v", q, len(got), got, len(want), want)
		}
	}
	pageAll(survey.ReviewQuery{State: survey.ReviewApproved, Limit: 2}, approved)
	pageAll(survey.ReviewQuery{Kejuruan: "LAS", Limit: 2}, las)

	// Another content under a stored revision: the conflict flag appears at once.
	last := items[len(items)-1]
	if _, err := sup.Queue(ctx, survey.ReviewQuery{Flag: review.FlagConflict}); err != nil {
		t.Fatal(err)
	}
	other := testbed.NewLaptop(t)
	twinItem := twinOf(t, lap, other, last.InterviewID, "41")
	if _, err := enum.Push(ctx, []wire.PushItem{{ID: twinItem.InterviewID, Revision: 1, Hash: twinItem.Hash, Body: twinItem.Body}}); err != nil {
		t.Fatal(err)
	}
	conflicted, err := sup.Queue(ctx, survey.ReviewQuery{Flag: review.FlagConflict})
	if err != nil || len(conflicted.Interviews) != 1 || conflicted.Interviews[0].InterviewID != last.InterviewID {
		t.Fatalf("conflict queue: %+v %v", conflicted, err)
	}
}

func hasFlagNamed(fs []survey.Flag, name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

// TestIncomeOutlierByRosterKejuruan: the income percentiles are taken within the roster's
// kejuruan of each alumnus, over the kejuruan the interview answered. Forty-one interviews
// answer one kejuruan; one earns far more than the rest, and is an outlier among them until
// the roster puts that alumnus in a kejuruan of its own.
func TestIncomeOutlierByRosterKejuruan(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	enum := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	lap := testbed.NewLaptop(t)
	f, as, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 41 {
		income := fmt.Sprint(5_000_000 + i*10_000)
		if i == 40 {
			income = "45000000" // under the form's confirmation threshold
		}
		answers := slices.Clone(as)
		set := false
		for j, a := range answers {
			if name, ok := survey.QuestionName(a.Path); ok && name == "income_exact" {
				answers[j].Value, set = income, true
			}
		}
		if !set {
			t.Fatal("the seed persona has no income_exact answer")
		}
		iv := &survey.Interview{FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash, Enumerator: "ani", RespondentID: fmt.Sprintf("R-%02d", i)}
		it, err := lap.Interviews.CreateFinalized(ctx, iv, testbed.Of(f, answers, iv.RespondentID))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.InterviewID)
	}
	if rep, err := enum.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil || len(rep.Outcomes) != 41 {
		t.Fatalf("sync: %+v %v", rep, err)
	} else {
		for _, o := range rep.Outcomes {
			if o.Outcome != "stored" {
				t.Fatalf("sync: %+v", o)
			}
		}
	}
	outlier := func(id string) string {
		t.Helper()
		d, err := sup.Review(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, fl := range d.Review.Flags {
			if fl.Name == review.FlagIncomeOutlier {
				return fl.Reason
			}
		}
		return ""
	}
	high, low := ids[40], ids[0]
	if r := outlier(high); !strings.Contains(r, "n=41") {
		t.Fatalf("before the roster, the highest income among 41: %q", r)
	}
	var rows []*survey.Respondent
	for i := range 41 {
		kej := "TIK"
		if i == 40 {
			kej = "OTO"
		}
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R-%02d", i), Name: "Alumnus", Kejuruan: kej})
	}
	if _, err := sup.UploadRoster(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if r := outlier(high); r != "" {
		t.Errorf("alone in the roster's kejuruan OTO, still an outlier: %q", r)
	}
	if r := outlier(low); !strings.Contains(r, `kejuruan "TIK" (n=40)`) {
		t.Errorf("the lowest income among the roster's TIK: %q", r)
	}
}

// countingReviews counts the queue reads of a review store.
type countingReviews struct {
	survey.ReviewStore
	queues atomic.Int64
}

func (c *countingReviews) Queue(ctx context.Context, f survey.ReviewFilter) ([]*survey.Review, error) {
	c.queues.Add(1)
	return c.ReviewStore.Queue(ctx, f)
}

// TestCoverageKeptUntilItChanges: the coverage is computed once and kept while nothing it
// counts changes, and computed again after a push, an approval, a return, a roster upload
// or for another day, each change showing in it.
func TestCoverageKeptUntilItChanges(t *testing.T) {
	ctx := context.Background()
	counted := &countingReviews{}
	env := testbed.NewEnv(t, func(c *server.Config) {
		counted.ReviewStore = c.Reviews
		c.Reviews = counted
	}, nil)
	enum := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	lap := testbed.NewLaptop(t)
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R-ani-00000", Name: "Dimas", Kejuruan: "LAS"},
		{RosterID: "R-ani-00001", Name: "Sari", Kejuruan: "TIK"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := enum.Push(ctx, []wire.PushItem{{ID: items[0].InterviewID, Revision: 1, Hash: items[0].Hash, Body: items[0].Body}}); err != nil {
		t.Fatal(err)
	}
	day := time.Now()
	cover := func(day time.Time, read bool, want string) {
		t.Helper()
		before := counted.queues.Load()
		cov, err := sup.Coverage(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("roster %d traced %d approved %d unlinked %d", cov.Total.Roster, cov.Total.Traced, cov.Total.Approved, cov.Unlinked)
		if got != want {
			t.Fatalf("coverage %s, want %s", got, want)
		}
		if did := counted.queues.Load() > before; did != read {
			t.Fatalf("coverage read the queue: %v, want %v", did, read)
		}
	}
	cover(day, true, "roster 2 traced 1 approved 0 unlinked 0")
	cover(day, false, "roster 2 traced 1 approved 0 unlinked 0")
	if _, err := enum.Push(ctx, []wire.PushItem{{ID: items[1].InterviewID, Revision: 1, Hash: items[1].Hash, Body: items[1].Body},
		{ID: items[2].InterviewID, Revision: 1, Hash: items[2].Hash, Body: items[2].Body}}); err != nil {
		t.Fatal(err)
	}
	cover(day, true, "roster 2 traced 2 approved 0 unlinked 1")
	cover(day, false, "roster 2 traced 2 approved 0 unlinked 1")
	if _, err := sup.Approve(ctx, items[0].InterviewID, 1, ""); err != nil {
		t.Fatal(err)
	}
	cover(day, true, "roster 2 traced 2 approved 1 unlinked 1")
	if _, err := sup.ReturnWithComments(ctx, items[0].InterviewID, 1, "Cek upah", nil); err != nil {
		t.Fatal(err)
	}
	cover(day, true, "roster 2 traced 2 approved 0 unlinked 1")
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R-ani-00002", Name: "Budi", Kejuruan: "LAS"}}); err != nil {
		t.Fatal(err)
	}
	cover(day, true, "roster 3 traced 3 approved 0 unlinked 0")
	cover(day.AddDate(0, 0, -1), true, "roster 3 traced 3 approved 0 unlinked 0")
	cover(day.AddDate(0, 0, -1), false, "roster 3 traced 3 approved 0 unlinked 0")
}
