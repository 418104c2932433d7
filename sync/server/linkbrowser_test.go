package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

// pageJS are the page helpers the browser test injects: find a question by its label, read
// and set its value as a person would (clicks on choices, the date picker's year, month and
// day), and press Kirim (Send).
const pageJS = `
window.t = {
  norm: s => s.replace(/[*_\s]+/g, ' ').trim().toLowerCase(),
  box(label) {
    const want = t.norm(label).slice(0, 60);
    return [...document.querySelectorAll('.question-container')].find(c => {
      const l = c.querySelector('.control-text label, .control-text');
      return l && t.norm(l.textContent).startsWith(want);
    });
  },
  sleep: ms => new Promise(r => setTimeout(r, ms)),
  async choose(label, values) {
    const c = t.box(label);
    if (!c) return 'no question';
    for (const v of values) {
      const i = c.querySelector('input[value="' + CSS.escape(v) + '"]');
      if (!i) return 'no choice ' + v + ' among ' + [...c.querySelectorAll('input[value]')].map(x => x.value).join(' ');
      if (!i.checked) { i.click(); await t.sleep(30); }
    }
    return '';
  },
  focus(label) {
    const c = t.box(label);
    if (!c) return 'no question';
    const i = c.querySelector('textarea, input:not([type=radio]):not([type=checkbox])');
    if (!i) return 'no input';
    i.focus(); i.select && i.select();
    return '';
  },
  value(label) {
    const c = t.box(label);
    const i = c && c.querySelector('textarea, input:not([type=radio]):not([type=checkbox])');
    return i ? i.value : null;
  },
  async date(label, iso) {
    const c = t.box(label);
    if (!c) return 'no question';
    const [y, m, d] = iso.split('-').map(Number);
    for (let n = 0; n < 40 && document.querySelector('.p-datepicker-panel'); n++) await t.sleep(50);
    const inp = c.querySelector('input');
    inp.click();
    let p = null;
    for (let n = 0; n < 40 && !p; n++) { await t.sleep(50); p = document.getElementById(inp.getAttribute('aria-controls')); }
    if (!p) return 'no date picker';
    p.querySelector('.p-datepicker-select-year').click(); await t.sleep(150);
    for (let n = 0; n < 20; n++) {
      const years = [...p.querySelectorAll('.p-datepicker-year')].map(e => parseInt(e.textContent.trim(), 10));
      if (years.includes(y)) break;
      p.querySelector(y < years[0] ? '.p-datepicker-prev-button' : '.p-datepicker-next-button').click(); await t.sleep(100);
    }
    const yc = [...p.querySelectorAll('.p-datepicker-year')].find(e => parseInt(e.textContent.trim(), 10) === y);
    if (!yc) return 'no year ' + y + ' in ' + [...p.querySelectorAll('.p-datepicker-year')].map(e => e.textContent.trim()).join(',') + ' panel ' + p.textContent.slice(0, 200);
    yc.click(); await t.sleep(150);
    t.monthNames = [...p.querySelectorAll('.p-datepicker-month')].map(e => e.textContent.trim()).join(' ');
    p.querySelectorAll('.p-datepicker-month')[m - 1].click(); await t.sleep(150);
    const dc = [...p.querySelectorAll('td:not(.p-datepicker-other-month) span')].find(e => parseInt(e.textContent.trim(), 10) === d);
    if (!dc) return 'no day ' + d;
    dc.click(); await t.sleep(150);
    if (document.querySelector('.p-datepicker-panel')) { document.activeElement.blur(); document.body.click(); }
    for (let n = 0; n < 40 && document.querySelector('.p-datepicker-panel'); n++) await t.sleep(50);
    inp.blur(); await t.sleep(300);
    return inp.value ? '' : 'the date picker left the date empty';
  },
  send() {
    const b = [...document.querySelectorAll('.footer button')].find(b => b.textContent.trim() === 'Kirim' || b.getAttribute('aria-label') === 'Kirim');
    if (!b) return 'no Kirim (Send) button among ' + [...document.querySelectorAll('.footer button')].map(b => b.textContent.trim()).join(', ');
    b.click();
    return '';
  },
  errors() {
    return [...document.querySelectorAll('.validation-message')].filter(e => e.offsetParent && e.textContent.trim())
      .map(e => { const c = e.closest('.question-container'); return (c ? c.querySelector('.control-text').textContent.trim().slice(0, 50) : '') + ': ' + e.textContent.trim(); });
  },
};
true`

// TestLinkInBrowser opens an alumnus's link in headless Chromium on a phone-sized viewport,
// fills the built-in form for the employed persona as a person would (what the roster
// prefilled is left as it is), sends it, and checks that the server holds exactly that
// interview, with mode web. A forged and an expired link say so on the page.
func TestLinkInBrowser(t *testing.T) {
	b := newBrowser(t)
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// The persona's roster row: what the centre knew before the interview.
	row := &survey.Respondent{RosterID: "BTG25-0071", NIK: "6408061202040071", Name: "Dimas Gunawan", Sex: "L", BirthDate: "2004-02-12",
		Phone: "+628571224451", PhoneRaw: "08571224451", Education: "5", Institution: "UPTD BLKI Kota Bontang", Kejuruan: "LAS",
		ProgramName: "Juru Las SMAW 3G", BatchID: "BTG-2025-03", TrainingEnd: "2025-04-03", Funding: "apbd_kab_murni",
		Completion: "pass", Regency: "6408"}
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, []*survey.Respondent{row}); err != nil {
		t.Fatal(err)
	}
	links := sqlite.NewLinkStore(env.DB)
	made, err := links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{row.RosterID}}, f.ID, time.Now().Add(24*time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	b.navigate(env.URL + "/r/" + made[0].Token)
	b.waitFor("the form to render", `document.querySelector('.form-initialization-status.ready') && document.querySelector('.question-container')`)
	b.eval(pageJS, nil)
	shot := filepath.Join(os.TempDir(), "tracer-link-page.png")
	defer func() {
		if t.Failed() {
			b.screenshot(shot)
			t.Logf("screenshot of the page: %s", shot)
		}
	}()
	var lang string
	b.eval(`document.querySelector('.language-changer').textContent.trim()`, &lang)
	if !strings.Contains(lang, "Indonesia") {
		t.Errorf("the page opens in %q, not Indonesian", lang)
	}
	// Web Forms' own words are Indonesian too: the button, the footer, and what it says of
	// a form sent with required questions empty (sent at once, before any answer: it
	// stays on the page and nothing reaches the server).
	var text string
	b.eval(`document.body.innerText`, &text)
	for _, english := range []string{"Send", "Powered by"} {
		if strings.Contains(text, english) {
			t.Errorf("the page says %q in English", english)
		}
	}
	if !strings.Contains(text, "Didukung oleh") {
		t.Errorf("the page's footer is not in Indonesian: %.300q", text)
	}
	var msg string
	b.eval("t.send()", &msg)
	if msg != "" {
		t.Fatal(msg)
	}
	b.waitFor("the page's questions with errors", `document.body.innerText.includes('pertanyaan perlu diperbaiki')`)
	b.eval(`document.body.innerText`, &text)
	if strings.Contains(text, "Condition not satisfied") || strings.Contains(text, "question with error") || !strings.Contains(text, "wajib dijawab") {
		t.Errorf("the messages of a form sent with questions empty are not Indonesian: %.600q", text)
	}
	if n, _ := env.Subs.Count(ctx); n != 0 {
		t.Fatalf("%d revisions stored from a form with required questions empty", n)
	}

	// Through the link the persona is a self-response: the page answers the mode question
	// web and does not show it.
	answers = append([]survey.Answer(nil), answers...)
	modes := 0
	for i := range answers {
		if nameOf(answers[i].Path) == forms.ModeQuestion {
			answers[i].Value = string(survey.ModeWeb)
			modes++
		}
	}
	if modes != 1 {
		t.Fatalf("the persona has %d %s answers, want 1", modes, forms.ModeQuestion)
	}

	// The persona's answers, in form order, through the page. The labels are the form's
	// Indonesian ones, as the page shows them.
	idLang, _ := f.MatchLang("id")
	sess := forms.NewSession(f, forms.Options{Lang: idLang, Now: func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }})
	sess.Restore(answers)
	prefill := row.Values()
	prefill[forms.ModeQuestion] = string(survey.ModeWeb)
	filled := 0
	for _, a := range answers {
		n := sess.NodeAt(a.Path)
		if n == nil || n.Kind != forms.KindQuestion || n.Repeat != nil || a.Value == "" || sess.ReadOnly(a.Path) ||
			(n.Calculation != nil && !strings.Contains(n.Type, "select") && n.Type != "text") {
			continue
		}
		if prefill[n.Name] == a.Value && n.Type != "date" {
			continue // the roster prefilled it; the alumnus leaves it
		}
		label := sess.Label(a.Path)
		b.waitFor("question "+n.Name, "t.box("+js(label)+")")
		var msg string
		switch {
		case strings.HasPrefix(n.Type, "select_one"):
			b.eval("t.choose("+js(label)+", ["+js(a.Value)+"])", &msg)
		case strings.HasPrefix(n.Type, "select_multiple"):
			vals := strings.Fields(a.Value)
			quoted := make([]string, len(vals))
			for i, v := range vals {
				quoted[i] = js(v)
			}
			b.eval("t.choose("+js(label)+", ["+strings.Join(quoted, ",")+"])", &msg)
		case n.Type == "date":
			if prefill[n.Name] == a.Value {
				continue
			}
			b.eval("t.date("+js(label)+", "+js(a.Value)+")", &msg)
		default:
			var have string
			b.eval("t.value("+js(label)+")", &have)
			if have == a.Value {
				continue
			}
			b.eval("t.focus("+js(label)+")", &msg)
			if msg == "" {
				b.typeKeys(a.Value)
			}
		}
		if msg != "" {
			t.Fatalf("question %s (%s): %s", n.Name, label, msg)
		}
		filled++
	}
	// With every question answered the page shows all it will: the mode question is not
	// among them.
	var shown bool
	b.eval(`[...document.querySelectorAll('.question-container')].some(e => e.textContent.includes(`+js("Cara wawancara")+`))`, &shown)
	if shown {
		t.Error("the page asks the alumnus how he is interviewed")
	}
	var monthNames string
	b.eval(`t.monthNames || ''`, &monthNames)
	if !strings.Contains(monthNames, "Agu") || !strings.Contains(monthNames, "Des") {
		t.Errorf("the date picker's months are not Indonesian: %q", monthNames)
	}
	b.eval("t.send()", &msg)
	if msg != "" {
		t.Fatal(msg)
	}
	b.waitFor("the server's answer", `document.getElementById('tracer-status').className === 'done' || document.getElementById('tracer-status').className === 'error' || t.errors().length > 0`)
	var status string
	var problems []string
	b.eval(`document.getElementById('tracer-status').textContent`, &status)
	b.eval(`t.errors()`, &problems)
	if !strings.Contains(status, "Terima kasih") {
		t.Fatalf("after Send: status %q, questions with errors %v", status, problems)
	}
	t.Logf("%d answers given on the page, the rest prefilled from the roster", filled)

	// The server holds exactly that interview.
	if n, _ := env.Subs.Count(ctx); n != 1 {
		t.Fatalf("%d revisions stored, want 1", n)
	}
	sub, err := env.Subs.Get(ctx, made[0].Link.InterviewID, 1)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := survey.DecodeRecord(sub.Body)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Mode != survey.CaptureWeb || rec.RespondentID != row.RosterID {
		t.Errorf("record mode %q respondent %q", rec.Mode, rec.RespondentID)
	}
	for _, a := range answers {
		n := f.Node(nameOf(a.Path))
		if n == nil || n.Kind == forms.KindMeta || n.Kind == forms.KindCalculate || strings.Contains(a.Path, "[") {
			continue
		}
		if got := rec.Answers[a.Path]; got != a.Value {
			t.Errorf("%s = %q on the server, the persona answered %q", a.Path, got, a.Value)
		}
	}
	// months_to_first_job, computed by Web Forms from the dates given on the page, is the
	// number tracer's engine computes for the persona.
	var months string
	for _, a := range answers {
		if nameOf(a.Path) == builtin.MonthsToFirstJob {
			months = a.Value
			if got := rec.Answers[a.Path]; !sameNumber(got, a.Value) {
				t.Errorf("%s = %q on the server, tracer computes %q", a.Path, got, a.Value)
			}
		}
	}
	if months == "" {
		t.Errorf("the persona has no %s: the test no longer checks the calculation", builtin.MonthsToFirstJob)
	}
	for p, v := range rec.Answers {
		n := f.Node(nameOf(p))
		if n != nil && n.Kind == forms.KindQuestion && sess.Value(p) == "" {
			t.Errorf("%s = %q on the server, not an answer of the persona", p, v)
		}
	}

	// A forged link and an expired one say so, in Indonesian, and show no form.
	b.navigate(env.URL + "/r/" + strings.Repeat("x", 43))
	b.waitFor("the forged link's page", `document.getElementById('tracer-status') && document.readyState === 'complete'`)
	b.eval(`document.body.textContent`, &text)
	if !strings.Contains(text, "Tautan ini tidak berlaku") || strings.Contains(text, "Dimas") {
		t.Errorf("forged link page: %q", text)
	}
	env.DB.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	b.navigate(env.URL + "/r/" + made[0].Token)
	b.waitFor("the expired link's page", `document.getElementById('tracer-status') && document.readyState === 'complete' && !document.querySelector('#tracer-form')`)
	b.eval(`document.body.textContent`, &text)
	if !strings.Contains(text, "Tautan ini tidak berlaku") {
		t.Errorf("expired link page: %q", text)
	}
}

// nameOf is the question name at the end of an answer path.
func nameOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return path
}

// sameNumber reports whether a and b are the same number (JavaScript and Go may spell it
// differently).
func sameNumber(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}
