package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tracer/survey"
)

// fakeSyncer is a server that takes every outbox item, answering with the outcomes the test
// set by respondent (pushed when unset), and hands out the returns the test queued.
type fakeSyncer struct {
	store survey.InterviewStore

	mu       sync.Mutex
	online   bool
	outcome  map[string]survey.Outcome // by interview id
	returns  []survey.ReturnNotice
	syncs    int
	progress []survey.SyncProgress
	last     time.Time
	fail     error
	// held are respondents whose interviews are held back, as made with a form the
	// server did not publish
	held map[string]bool
	// relay names the relay's account when the fake answers as a relay at an event
	relay string
	// late are sent interviews the centre refused after a relay took them, learnt at the
	// next sync
	late []string
	sent map[string]string // hash by interview id
}

func (f *fakeSyncer) Online(context.Context) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.online
}

func (f *fakeSyncer) LastSync(context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, nil
}

func (f *fakeSyncer) Sync(ctx context.Context, progress func(survey.SyncProgress)) (*survey.SyncSummary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.syncs++
	if f.fail != nil {
		return &survey.SyncSummary{}, f.fail
	}
	items, err := f.store.Outbox(ctx, 0)
	if err != nil {
		return &survey.SyncSummary{}, err
	}
	sum := &survey.SyncSummary{Relay: f.relay}
	for i, it := range items {
		if iv, err := f.store.Get(ctx, it.InterviewID); err == nil && f.held[iv.RespondentID] {
			sum.Held = append(sum.Held, survey.HeldRevision{InterviewID: it.InterviewID, Revision: it.Revision,
				FormID: "tried", FormVersion: "1", FormHash: "0123456789abcdef"})
			continue
		}
		o := f.outcome[it.InterviewID]
		if o == "" {
			o = survey.OutcomeStored
		}
		out := survey.PushOutcome{InterviewID: it.InterviewID, Revision: it.Revision, Outcome: o}
		switch o {
		case survey.OutcomeStored, survey.OutcomeDuplicate:
			if err := f.store.MarkSent(ctx, survey.SentRevision{InterviewID: it.InterviewID, Revision: it.Revision, Hash: it.Hash}); err != nil {
				return sum, err
			}
			if f.sent == nil {
				f.sent = map[string]string{}
			}
			f.sent[it.InterviewID] = it.Hash
		case survey.OutcomeConflict:
			out.Reason = "revision 1 was already received with different answers"
		case survey.OutcomeWaiting:
			out.Reason = "form version 2 is not published"
		}
		sum.Outcomes = append(sum.Outcomes, out)
		f.progress = append(f.progress, survey.SyncProgress{Done: i + 1, Total: len(items)})
		progress(survey.SyncProgress{Done: i + 1, Total: len(items)})
	}
	for _, n := range f.returns {
		if err := f.store.Return(ctx, n.InterviewID, n.Revision, returnComment(n), n.Record); err != nil {
			return sum, err
		}
		sum.Returned++
	}
	f.returns = nil
	for _, id := range f.late {
		iv, err := f.store.Get(ctx, id)
		if err != nil {
			return sum, err
		}
		box, err := f.store.Outbox(ctx, 0)
		if err != nil {
			return sum, err
		}
		hash := ""
		for _, it := range box {
			if it.InterviewID == id {
				hash = it.Hash
			}
		}
		if hash == "" { // sent: the fake knows its hash from the push
			hash = f.sent[id]
		}
		r := survey.Refusal{InterviewID: id, Revision: iv.Revision, Hash: hash, Code: survey.EFORBIDDEN,
			Message: "The record names enumerator \"ani\"; an enumerator sends only her own interviews (budi)."}
		if err := f.store.RefuseSent(ctx, r); err != nil {
			return sum, err
		}
		sum.RefusedLater = append(sum.RefusedLater, survey.PushOutcome{InterviewID: id, Revision: iv.Revision,
			Outcome: survey.OutcomeRefused, Code: r.Code, Reason: r.Message})
	}
	f.late = nil
	f.last = fixedNow
	return sum, nil
}

// refuseAndFinalize interviews a respondent who refuses, and finalizes.
func refuseAndFinalize(t *testing.T, m *Model, id string) {
	t.Helper()
	openRespondent(t, m, id)
	for _, k := range []string{"enter", "2", "enter", "enter"} {
		drive(t, m, keypress(k))
	}
	typeText(t, m, "20261120")
	for _, k := range []string{"enter", "1", "enter", "ctrl+r", "f", "y"} {
		drive(t, m, keypress(k))
	}
	if m.screen != screenHome {
		t.Fatalf("not finalized:\n%s", plain(m))
	}
}

func withSync(e *env) *fakeSyncer {
	f := &fakeSyncer{store: e.cfg.Interviews, online: true, outcome: map[string]survey.Outcome{}}
	e.cfg.Sync, e.cfg.Server, e.cfg.Role = f, "http://127.0.0.1:8080", survey.RoleEnumerator
	return f
}

func TestSyncWithoutLogin(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "belum login · tracer login URL KODE") {
		t.Errorf("home does not say how to log in:\n%s", v)
	}
	drive(t, m, keypress("4"))
	if m.screen != screenSync || !strings.Contains(plain(m), "tracer login URL KODE") {
		t.Fatalf("sync screen:\n%s", plain(m))
	}
	drive(t, m, keypress("enter"))
	if m.c.sync.running {
		t.Error("a sync started without a login")
	}
	drive(t, m, keypress("esc"))
	// everything else works as before
	refuseAndFinalize(t, m, "BTG25-0232")
	if m.home().counts[survey.StateFinalized] != 1 {
		t.Errorf("counts %v", m.home().counts)
	}
}

func TestSyncScreenOutcomes(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	f.online = false // no background sync while the interviews are made
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "○ terputus · sinkron terakhir belum pernah") {
		t.Errorf("home is not offline:\n%s", v)
	}
	ids := map[string]string{}
	for _, r := range []string{"BTG25-0232", "BTG25-0071", "BTG25-0100", "BTG25-0150"} {
		refuseAndFinalize(t, m, r)
		ivs, _ := e.cfg.Interviews.List(context.Background(), survey.InterviewFilter{RespondentID: r})
		ids[r] = ivs[0].ID
	}
	if f.syncs != 0 {
		t.Fatalf("synced while offline: %d", f.syncs)
	}
	f.outcome[ids["BTG25-0071"]] = survey.OutcomeDuplicate
	f.outcome[ids["BTG25-0100"]] = survey.OutcomeConflict
	f.outcome[ids["BTG25-0150"]] = survey.OutcomeWaiting
	f.online = true
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	if f.syncs != 1 || m.c.sync.running {
		t.Fatalf("syncs %d running %v", f.syncs, m.c.sync.running)
	}
	if p := m.c.sync.progress; p.Total != 4 {
		t.Errorf("progress %+v, want of 4", p)
	}
	v := plain(m)
	for _, want := range []string{
		"1 baru terkirim · 1 sudah ada · 1 ditolak · 1 menunggu",
		"✗ ditolak", "revision 1 was already received with different answers",
		"… menunggu", "form version 2 is not published", "✓ baru", "= sudah ada",
		"BTG25-0232", "● terhubung · sinkron terakhir 2026-11-20",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("sync screen lacks %q:\n%s", want, v)
		}
	}
	if strings.Index(v, "ditolak ") > strings.Index(v, "✓ baru") {
		t.Errorf("problems are not listed first:\n%s", v)
	}
	drive(t, m, keypress("esc"))
	if got := m.home().counts; got[survey.StateSent] != 2 || got[survey.StateFinalized] != 2 {
		t.Errorf("counts after sync %v", got)
	}
}

func TestSyncUnreachable(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	f.fail = fmt.Errorf("cannot reach the server: %w", errors.Join(survey.ErrUnreachable, errors.New("dial tcp: connection refused")))
	m := start(t, e)
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	v := plain(m)
	if !strings.Contains(v, "Server tidak terjangkau") || !strings.Contains(v, "○ terputus") {
		t.Errorf("unreachable not said:\n%s", v)
	}
}

// TestAutoSync checks the background sync: finalizing starts one when the server answers,
// the timer's probe starts one when the outbox holds something, and one that ends while an
// interview is on screen leaves it alone.
func TestAutoSync(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	m := start(t, e)
	if f.syncs != 0 {
		t.Fatalf("synced at start with nothing to push: %d", f.syncs)
	}
	refuseAndFinalize(t, m, "BTG25-0232")
	if f.syncs != 1 || m.home().counts[survey.StateSent] != 1 {
		t.Fatalf("finalize did not sync: syncs %d counts %v", f.syncs, m.home().counts)
	}

	// a probe with nothing to push and a recent sync does nothing
	drive(t, m, syncTickMsg{})
	if f.syncs != 1 {
		t.Errorf("synced with nothing to push: %d", f.syncs)
	}

	// a sync that ends while an interview is on screen
	openRespondent(t, m, "BTG25-0071")
	drive(t, m, keypress("enter"))
	before := m.iv().stop.Path
	typed := m.iv().sess.Value(before)
	m.status = ""
	f.returns = []survey.ReturnNotice{}
	cmd := m.startSync(true)
	for _, msg := range runCmd(cmd) {
		drive(t, m, msg)
	}
	if m.screen != screenInterview || m.iv().stop.Path != before || m.iv().sess.Value(before) != typed || m.status != "" {
		t.Errorf("the sync disturbed the interview: screen %d at %s status %q", m.screen, m.iv().stop.Path, m.status)
	}
	if f.syncs != 2 {
		t.Errorf("syncs %d", f.syncs)
	}
}

func TestReturnedCorrection(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0232")
	ivs, _ := e.cfg.Interviews.List(context.Background(), survey.InterviewFilter{})
	id := ivs[0].ID
	f.returns = []survey.ReturnNotice{{InterviewID: id, Revision: 1, Comment: "Tanggal wawancara salah.",
		Questions: []survey.QuestionComment{{Path: "grp_consent/consent", Comment: "Tanyakan lagi persetujuannya."}}}}
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	if !strings.Contains(plain(m), "Ada wawancara dikembalikan") {
		t.Errorf("sync screen does not point at the returned:\n%s", plain(m))
	}
	drive(t, m, keypress("esc"))
	if m.home().counts[survey.StateReturned] != 1 || !strings.Contains(plain(m), "5  Dikembalikan untuk diperbaiki (1)") {
		t.Fatalf("home:\n%s", plain(m))
	}
	drive(t, m, keypress("5"))
	v := plain(m)
	if m.screen != screenList || listStates[m.list().filter] != survey.StateReturned ||
		!strings.Contains(v, "Catatan pemeriksa: Tanggal wawancara salah. (+1)") {
		t.Fatalf("returned list:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	if m.screen != screenInterview || m.iv().iv.Revision != 2 || m.iv().iv.State != survey.StateDraft || m.iv().readOnly {
		t.Fatalf("not reopened as revision 2: screen %d %+v", m.screen, m.iv().iv)
	}
	if v := plain(m); !strings.Contains(v, "Catatan pemeriksa: Tanggal wawancara salah.") {
		t.Errorf("interview does not show the comment:\n%s", v)
	}
	goToQuestion(t, m, "consent")
	if v := plain(m); !strings.Contains(v, "Catatan untuk pertanyaan ini: Tanyakan lagi persetujuannya.") {
		t.Errorf("question comment not shown:\n%s", v)
	}
	answers, _ := e.cfg.Interviews.Answers(context.Background(), id)
	if len(answers) == 0 {
		t.Fatal("reopening lost the answers")
	}
	f.online = false
	drive(t, m, keypress("ctrl+r"))
	drive(t, m, keypress("f"))
	drive(t, m, keypress("y"))
	out, _ := e.cfg.Interviews.Outbox(context.Background(), 0)
	if len(out) != 1 || out[0].InterviewID != id || out[0].Revision != 2 {
		t.Fatalf("outbox %+v, want revision 2 of %s", out, id)
	}
}

// returnComment is the comment the sync client keeps for a returned interview
// (client.ReturnComment; cmd/tracer's flow test checks the two agree).
func returnComment(n survey.ReturnNotice) string {
	var b strings.Builder
	b.WriteString(n.Comment)
	for _, q := range n.Questions {
		b.WriteString("\n- " + q.Path + ": " + q.Comment)
	}
	return b.String()
}

func TestSplitReturnComment(t *testing.T) {
	qs := []survey.QuestionComment{{Path: "grp_job/income", Comment: "Too high for a trainee"}, {Path: "consent", Comment: "ask"}}
	s := returnComment(survey.ReturnNotice{Comment: "Please check:\n- the date: it is wrong\nTwo lines.", Questions: qs})
	general, byPath := splitReturnComment(s)
	if general != "Please check:\n- the date: it is wrong\nTwo lines." || byPath["grp_job/income"] != "Too high for a trainee" || byPath["consent"] != "ask" || len(byPath) != 2 {
		t.Errorf("got %q %v from %q", general, byPath, s)
	}
	if g, b := splitReturnComment("plain"); g != "plain" || len(b) != 0 {
		t.Errorf("plain: %q %v", g, b)
	}
}

// TestGoldenSync snapshots the sync parts at 80x24 in both languages: the sync screen
// without a login and after a sync with every outcome, the home line, and a returned
// interview in the list and on screen.
func TestGoldenSync(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t, true)
			e.cfg.Lang = lang
			m := start(t, e)
			drive(t, m, keypress("4"))
			snapshot(t, m, "sync-nologin-"+lang)

			e = newEnv(t, true)
			e.cfg.Lang = lang
			f := withSync(e)
			f.online = false
			m = start(t, e)
			var ids []string
			for _, r := range []string{"BTG25-0232", "BTG25-0071", "BTG25-0100", "BTG25-0150"} {
				refuseAndFinalize(t, m, r)
				ivs, _ := e.cfg.Interviews.List(context.Background(), survey.InterviewFilter{RespondentID: r})
				ids = append(ids, ivs[0].ID)
			}
			f.outcome[ids[1]] = survey.OutcomeDuplicate
			f.outcome[ids[2]] = survey.OutcomeConflict
			f.outcome[ids[3]] = survey.OutcomeWaiting
			f.returns = []survey.ReturnNotice{{InterviewID: ids[0], Revision: 1, Comment: "Tanggal wawancara salah; cek dengan responden.",
				Questions: []survey.QuestionComment{{Path: "grp_consent/consent", Comment: "Tanyakan lagi persetujuannya."}}}}
			f.online = true
			drive(t, m, keypress("4"))
			drive(t, m, keypress("enter"))
			snapshot(t, m, "sync-done-"+lang)
			drive(t, m, keypress("esc"))
			snapshot(t, m, "home-synced-"+lang)
			drive(t, m, keypress("5"))
			snapshot(t, m, "list-returned-"+lang)
			f.online = false
			drive(t, m, keypress("enter"))
			goToQuestion(t, m, "consent")
			snapshot(t, m, "interview-returned-"+lang)
		})
	}
}

// An interview made with a form the server did not publish is marked "not for sync" in the
// list; the sync says it was held back, and it alone does not start background syncs over
// and over.
func TestSyncHeldNotForSync(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	f.held = map[string]bool{"BTG25-0071": true}
	e.cfg.Syncable = func(iv *survey.Interview) bool { return iv.RespondentID != "BTG25-0071" }
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0071")
	if f.syncs != 1 {
		t.Fatalf("finalizing ran %d syncs, want 1", f.syncs)
	}
	drive(t, m, keypress("4"))
	if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "Tidak untuk sinkronisasi: 1 wawancara dibuat dengan formulir yang tidak diterbitkan server (tried 1 (sha256 0123456789ab))") {
		t.Errorf("the sync screen does not say what was held back:\n%s", plain(m))
	}
	drive(t, m, keypress("esc"))
	drive(t, m, onlineMsg{online: true, auto: true})
	drive(t, m, onlineMsg{online: true, auto: true})
	if f.syncs != 1 {
		t.Errorf("a held interview started %d background syncs", f.syncs-1)
	}
	drive(t, m, keypress("2"))
	v := plain(m)
	if !strings.Contains(v, "⊘ tidak untuk sinkronisasi") || !strings.Contains(v, "⊘ Final") {
		t.Errorf("the list does not mark the interview not for sync:\n%s", v)
	}
}

// Through a relay at an event, the sync screen says the interviews are safe on two
// machines, not yet at the centre.
func TestSyncThroughRelay(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	f.online = false
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0232")
	f.online, f.relay = true, "rina"
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "Aman di dua mesin: laptop ini dan relay rina; relay meneruskannya ke pusat saat terhubung.") {
		t.Errorf("the sync screen does not say the relay holds them:\n%s", plain(m))
	}
	f.relay = ""
	drive(t, m, keypress("esc"))
	refuseAndFinalize(t, m, "BTG25-0071")
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	if v := plain(m); strings.Contains(v, "dua mesin") {
		t.Errorf("a sync with the centre speaks of a relay:\n%s", v)
	}
}

// A revision the relay took and the centre refused later is on the sync screen as refused
// later, with its reason and what to do, and the interview is back among the unsent.
func TestSyncRefusedLater(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	f.online = false
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0232")
	f.online, f.relay = true, "rina"
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("esc"))
	if got := m.home().counts; got[survey.StateSent] != 1 {
		t.Fatalf("counts after the relay took it %v", got)
	}
	ivs, _ := e.cfg.Interviews.List(context.Background(), survey.InterviewFilter{RespondentID: "BTG25-0232"})
	f.late = []string{ivs[0].ID}
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	v := strings.Join(strings.Fields(plain(m)), " ")
	for _, want := range []string{
		"1 wawancara yang sudah diterima relay ditolak di pusat. Wawancara tetap di laptop ini dan tidak dikirim lagi; hubungi supervisor.",
		"✗ ditolak pusat BTG25-0232", "an enumerator sends only her own",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("sync screen lacks %q:\n%s", want, plain(m))
		}
	}
	drive(t, m, keypress("esc"))
	if got := m.home().counts; got[survey.StateSent] != 0 || got[survey.StateFinalized] != 1 {
		t.Errorf("counts after the late refusal %v, want it finalized (unsent) again", got)
	}
}

// A background sync that learns of a revision refused later shows it on the sync screen,
// though it pushed nothing: the enumerator finds it there without syncing by hand.
func TestBackgroundSyncShowsRefusedLater(t *testing.T) {
	e := newEnv(t, true)
	f := withSync(e)
	f.online = false
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0232")
	f.online, f.relay = true, "rina"
	drive(t, m, keypress("4"))
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("esc"))
	ivs, _ := e.cfg.Interviews.List(context.Background(), survey.InterviewFilter{RespondentID: "BTG25-0232"})
	f.late = []string{ivs[0].ID}
	for _, msg := range runCmd(m.startSync(true)) {
		drive(t, m, msg)
	}
	drive(t, m, keypress("4"))
	if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "✗ ditolak pusat BTG25-0232") {
		t.Errorf("the sync screen after a background sync lacks the late refusal:\n%s", plain(m))
	}
}
