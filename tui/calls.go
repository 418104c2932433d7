package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// The call list's messages.
type (
	// goCallsMsg opens the call list.
	goCallsMsg struct{}
	// callsMsg carries the call list read from the stores.
	callsMsg struct {
		calls []*survey.Call
		err   error
	}
	// callSavedMsg says an attempt was saved (or why not); start asks to open the
	// interview of the call's alumnus next.
	callSavedMsg struct {
		err   error
		start *survey.Respondent
	}
	// proposedMsg says a roster update was saved (again: an earlier equal one existed), or why not.
	proposedMsg struct {
		again bool
		err   error
	}
)

// callLabel is home's label of the call list in lang.
func callLabel(lang string) string {
	t, _ := textsFor(lang)
	return t.HomeCalls
}

// callsScreen is the enumerator's call list: the alumni still to trace, in the order to
// call them (survey.CallList), with the numbers to try. One key records the outcome of a
// call, one starts the interview from the call (recorded as an attempt by phone).
type callsScreen struct {
	c             *common
	calls         []*survey.Call
	loaded        bool
	err           error
	status        string
	cursor        int
	width, height int
	// target is the alumnus an outcome or a roster update is being recorded for: the one
	// under the cursor when it began, whatever the list's order when it is read again.
	target *survey.Call
	// picking: choosing an outcome (pick is the cursor in the codes); typing: the call-back
	// time of outcome 2.21.
	picking, typing bool
	// starting: i was pressed once; i or y again starts the interview, any other key
	// cancels (a stray i in typed text must not record an attempt).
	starting bool
	pick     int
	// picked is set once the arrows moved in the outcomes: Enter records only an outcome
	// chosen, never the one the list opened on.
	picked bool
	// code is the outcome code typed while picking ("3.13"): the highlight goes to the
	// first code it begins.
	code []rune
	when []rune
	// choosing: the roster field to update (field is the cursor in survey.UpdateFields);
	// entering: its new value.
	choosing, entering     bool
	field                  int
	value                  []rune
	outcome, start, update key.Binding
	// record, typeCode, cancel and clear are the keys of the outcomes and of the call-back
	// time, for the help line.
	record, codeKey, cancel, clear, next key.Binding
	// first and last go to either end of the list (page up and down are the common keys).
	first, last key.Binding
}

// callCodes are the outcomes offered after a call: every code but "not attempted".
var callCodes = func() []survey.Disposition {
	var out []survey.Disposition
	for _, d := range survey.Dispositions {
		if d.Code != survey.DispositionNotAttempted {
			out = append(out, d)
		}
	}
	return out
}()

func newCallsScreen(c *common) *callsScreen {
	t, _ := textsFor(c.lang)
	return &callsScreen{c: c,
		outcome: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", t.KeyOutcome)),
		start:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", t.KeyStartInterview)),
		update:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", t.KeyRosterUpdate)),
		record:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyRecord)),
		codeKey: key.NewBinding(key.WithKeys("0-9 ."), key.WithHelp("0-9 .", t.KeyCode)),
		cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.KeyCancel)),
		clear:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", t.KeyClear)),
		next:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyNext)),
		first:   key.NewBinding(key.WithKeys("home"), key.WithHelp("home", t.KeyHome)),
		last:    key.NewBinding(key.WithKeys("end"), key.WithHelp("end", t.KeyEnd)),
	}
}

// page is how many alumni a page up or down moves: about the rows the list shows.
func (v *callsScreen) page() int { return max(v.height-8, 1) }

// SetSize sets the screen's size.
func (v *callsScreen) SetSize(w, h int) { v.width, v.height = w, h }

// load reads the roster, the interviews and the attempts and builds the list.
func (v *callsScreen) load() tea.Cmd {
	ctx, cfg := v.c.ctx, v.c.cfg
	return func() tea.Msg {
		lister, ok := cfg.Roster.(survey.RosterLister)
		if !ok || cfg.Attempts == nil {
			return callsMsg{err: survey.Errorf(survey.EINVALID, "%s", textsEN.CallsNoRoster)}
		}
		roster, err := lister.All(ctx)
		if err != nil {
			return callsMsg{err: err}
		}
		attempts, err := cfg.Attempts.List(ctx, survey.AttemptFilter{})
		if err != nil {
			return callsMsg{err: err}
		}
		ivs, err := cfg.Interviews.List(ctx, survey.InterviewFilter{})
		if err != nil {
			return callsMsg{err: err}
		}
		waves, err := cfg.waves(ctx)
		if err != nil {
			return callsMsg{err: err}
		}
		// only the current wave's attempts and interviews keep an alumnus off the list; one
		// whose interview was begun (by phone, say) and not finalized stays, to call back
		calls := survey.CallList(roster, survey.WaveAttempts(waves, attempts), survey.Interviewed(waves, ivs), survey.Begun(waves, ivs), cfg.Now())
		if cfg.Updates != nil {
			updates, err := cfg.Updates.List(ctx, survey.UpdateFilter{})
			if err != nil {
				return callsMsg{err: err}
			}
			survey.PreferProposed(calls, updates)
		}
		return callsMsg{calls: calls}
	}
}

// saveCmd records one attempt by phone with code for the call's alumnus, in one
// transaction; with start, the interview opens once it is saved.
func (v *callsScreen) saveCmd(call *survey.Call, code string, callback time.Time, start bool) tea.Cmd {
	ctx, cfg := v.c.ctx, v.c.cfg
	number := ""
	if len(call.Numbers) > 0 {
		number = call.Numbers[0]
	}
	a := &survey.Attempt{ID: survey.NewID(), RosterID: call.Respondent.RosterID, At: cfg.Now().UTC(), Enumerator: cfg.Enumerator,
		Mode: survey.ModePhone, Channel: number, Outcome: code, Callback: callback}
	return func() tea.Msg {
		err := cfg.Attempts.Add(ctx, a)
		msg := callSavedMsg{err: err}
		if err == nil && start {
			msg.start = call.Respondent
		}
		return msg
	}
}

// proposeCmd saves a roster update proposed for the call's alumnus, in one transaction.
func (v *callsScreen) proposeCmd(call *survey.Call, f survey.UpdateField, value string) tea.Cmd {
	ctx, cfg := v.c.ctx, v.c.cfg
	u := &survey.RosterUpdate{ID: survey.NewID(), RosterID: call.Respondent.RosterID, Field: f, Value: value,
		ProposedBy: cfg.Enumerator, ProposedAt: cfg.Now().UTC()}
	return func() tea.Msg {
		saved, err := cfg.Updates.Propose(ctx, u)
		return proposedMsg{err: err, again: err == nil && saved.ID != u.ID}
	}
}

// updateKey handles the keys of the roster update: the field, then its value.
func (v *callsScreen) updateKey(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	if v.choosing {
		switch {
		case key.Matches(msg, k.Esc):
			v.choosing = false
		case key.Matches(msg, k.Up):
			v.field = max(v.field-1, 0)
		case key.Matches(msg, k.Down):
			v.field = min(v.field+1, len(survey.UpdateFields)-1)
		case msg.String() == "enter":
			v.choosing, v.entering, v.value = false, true, nil
		}
		return nil
	}
	switch msg.String() {
	case "esc":
		v.entering = false
	case "backspace":
		if len(v.value) > 0 {
			v.value = v.value[:len(v.value)-1]
		}
	case "enter":
		f := survey.UpdateFields[v.field]
		value, err := survey.NormalizeUpdateValue(f, string(v.value))
		if err != nil {
			v.status = v.c.t.CallsErr + v.c.errText(err)
			return nil
		}
		v.entering = false
		return v.proposeCmd(v.target, f, value)
	default:
		if t := msg.Text; t != "" {
			for _, r := range t {
				if unicode.IsPrint(r) && len(v.value) < 200 {
					v.value = append(v.value, r)
				}
			}
		}
	}
	return nil
}

// Update handles the call list's keys and messages.
func (v *callsScreen) Update(msg tea.Msg) tea.Cmd {
	k := v.c.keys
	switch msg := msg.(type) {
	case goCallsMsg:
		return v.load()
	case callsMsg:
		v.loaded, v.calls, v.err = true, msg.calls, msg.err
		if msg.err != nil {
			v.c.log.Error("call list", "err", msg.err)
		}
		v.cursor = min(v.cursor, max(len(v.calls)-1, 0))
	case callSavedMsg:
		if msg.err != nil {
			v.status = v.c.t.CallsErr + v.c.errText(msg.err)
			return nil
		}
		v.status = v.c.t.CallsSaved
		if msg.start != nil {
			return tea.Batch(v.load(), v.c.startCmd(msg.start, string(survey.ModePhone)))
		}
		return v.load()
	case proposedMsg:
		switch {
		case msg.err != nil:
			v.status = v.c.t.CallsErr + v.c.errText(msg.err)
			return nil
		case msg.again:
			v.status = v.c.t.CallsProposedOld
		default:
			v.status = v.c.t.CallsProposed
		}
		return v.load()
	case tea.KeyPressMsg:
		if v.typing {
			return v.typeKey(msg)
		}
		if v.choosing || v.entering {
			v.status = ""
			return v.updateKey(msg)
		}
		if v.picking {
			switch {
			case key.Matches(msg, k.Esc):
				v.picking, v.status = false, ""
			case key.Matches(msg, k.Up):
				v.pick, v.picked, v.status, v.code = max(v.pick-1, 0), true, "", nil
			case key.Matches(msg, k.Down):
				v.pick, v.picked, v.status, v.code = min(v.pick+1, len(callCodes)-1), true, "", nil
			case msg.String() == "backspace" && len(v.code) > 0:
				v.typeCode(v.code[:len(v.code)-1])
			case len(msg.Text) == 1 && (msg.Text[0] >= '0' && msg.Text[0] <= '9' || msg.Text[0] == '.' || msg.Text[0] == ','):
				c := rune(msg.Text[0])
				if c == ',' {
					c = '.' // 3,13 as a decimal comma
				}
				if !v.typeCode(append(append([]rune(nil), v.code...), c)) && !v.typeCode([]rune{c}) {
					v.status = survey.Plurals(v.c.t.CallsNoCode, survey.Printable(string(append(v.code, c))))
				}
			case msg.String() == "enter":
				if !v.picked {
					v.status = v.c.t.CallsChooseFirst
					return nil
				}
				if callCodes[v.pick].Callback {
					v.typing, v.when = true, nil
					return nil
				}
				v.picking = false
				return v.saveCmd(v.target, callCodes[v.pick].Code, time.Time{}, false)
			case msg.Text != "":
				v.status = v.c.t.CallsChooseFirst
			}
			return nil
		}
		v.status = ""
		if v.starting {
			v.starting = false
			if (key.Matches(msg, v.start) || msg.String() == "y") && len(v.calls) > 0 {
				// The alumnus answered and agreed: the call is an interview begun by phone.
				// The keys typed until the interview opens are its own (a second i records
				// nothing).
				v.c.hold(callSavedMsg{})
				return v.saveCmd(v.calls[v.cursor], "1.2", time.Time{}, true)
			}
			v.status = v.c.t.CallsStartCancelled
			return nil
		}
		switch {
		case key.Matches(msg, k.Esc):
			return v.c.navigate(goHomeMsg{})
		case key.Matches(msg, k.Up):
			v.cursor = max(v.cursor-1, 0)
		case key.Matches(msg, k.Down):
			v.cursor = min(v.cursor+1, max(len(v.calls)-1, 0))
		case key.Matches(msg, k.PageUp):
			v.cursor = max(v.cursor-v.page(), 0)
		case key.Matches(msg, k.PageDown):
			v.cursor = min(v.cursor+v.page(), max(len(v.calls)-1, 0))
		case key.Matches(msg, v.first):
			v.cursor = 0
		case key.Matches(msg, v.last):
			v.cursor = max(len(v.calls)-1, 0)
		case key.Matches(msg, v.outcome) && len(v.calls) > 0:
			v.picking, v.pick, v.picked, v.target, v.code = true, 0, false, v.calls[v.cursor], nil
		case key.Matches(msg, v.update) && len(v.calls) > 0 && v.c.cfg.Updates != nil:
			v.choosing, v.field, v.target = true, 0, v.calls[v.cursor]
		case key.Matches(msg, v.start) && len(v.calls) > 0:
			v.starting = true
			v.status = survey.Plurals(v.c.t.CallsStartConfirm, survey.Printable(v.calls[v.cursor].Respondent.Name))
		default:
			return keyUnused(v.c, msg)
		}
	}
	return nil
}

// typeCode moves the highlight to the first outcome whose code begins with code, and
// reports whether there is one; code is then what was typed. An empty code keeps the
// highlight where it is.
func (v *callsScreen) typeCode(code []rune) bool {
	if len(code) == 0 {
		v.code, v.status = nil, ""
		return true
	}
	for i, d := range callCodes {
		if strings.HasPrefix(d.Code, string(code)) {
			v.code, v.pick, v.picked, v.status = code, i, true, ""
			return true
		}
	}
	return false
}

// typeKey edits the call-back time; enter saves the attempt when the time reads.
func (v *callsScreen) typeKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() != "enter" {
		v.status = "" // a refusal speaks of the time as it was at Enter, not of the one typed now
	}
	switch msg.String() {
	case "esc":
		v.typing = false
	case "ctrl+u":
		v.when = nil
	case "backspace":
		if len(v.when) > 0 {
			v.when = v.when[:len(v.when)-1]
		}
	case "enter":
		now := v.c.cfg.Now()
		at, err := parseCallback(string(v.when), now)
		if err != nil {
			v.status = v.c.t.CallsBadTime + survey.Printable(string(v.when))
			return nil
		}
		if !at.After(now) {
			v.status = survey.Plurals(v.c.t.CallsPastTime, at.Format("2006-01-02 15:04"))
			return nil
		}
		v.typing, v.picking = false, false
		return v.saveCmd(v.target, survey.DispositionCallback, at.UTC(), false)
	default:
		if t := msg.Text; t != "" && len(v.when) < 32 {
			for _, r := range t {
				if r >= ' ' && r < 0x7f {
					v.when = append(v.when, r)
				}
			}
		}
	}
	return nil
}

// clockTime is a time of day as typed alone or after a day: 9, 14.30 or 14:30.
var clockTime = regexp.MustCompile(`(?:^|(?:besok|tomorrow|\d{4}-\d\d-\d\d) )(\d{1,2}(?:[.:]\d\d)?)$`)

// parseCallback reads "15:04" (today, or tomorrow when passed), "besok 15:04" or
// "tomorrow 15:04" (tomorrow at that time; alone, this time tomorrow), a time from now
// ("+2h", "+2j" for jam, "+30m", "+1d" for days), or "2006-01-02 15:04", in now's zone.
func parseCallback(s string, now time.Time) (time.Time, error) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if g := clockTime.FindStringSubmatchIndex(s); g != nil {
		// 14.30, as Indonesians write the time, is 14:30; an hour alone, 9, is 09:00.
		h, m, ok := strings.Cut(strings.Replace(s[g[2]:g[3]], ".", ":", 1), ":")
		if !ok {
			m = "00"
		}
		if len(h) == 1 {
			h = "0" + h
		}
		s = s[:g[2]] + h + ":" + m
	}
	if d, ok := strings.CutPrefix(s, "+"); ok {
		if n, ok := strings.CutSuffix(d, "d"); ok { // days
			days, err := strconv.Atoi(n)
			return now.AddDate(0, 0, days), err
		}
		dur, err := time.ParseDuration(strings.Replace(d, "j", "h", 1))
		return now.Add(dur), err
	}
	for _, word := range []string{"besok", "tomorrow"} {
		if rest, ok := strings.CutPrefix(s, word); ok {
			rest = strings.TrimSpace(rest)
			if rest == "" {
				return now.AddDate(0, 0, 1), nil
			}
			t, err := time.ParseInLocation("15:04", rest, now.Location())
			if err != nil {
				return time.Time{}, err
			}
			y, m, d := now.AddDate(0, 0, 1).Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, now.Location()), nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, now.Location()); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("15:04", s, now.Location())
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := now.Date()
	at := time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, now.Location())
	if !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	return at, nil
}

// View draws the list, the selected alumnus' numbers, and the outcome chooser.
func (v *callsScreen) View() string {
	st := v.c.st
	w := max(v.width, 40)
	if !v.loaded {
		return st.Muted.Render(v.c.t.CallsLoading)
	}
	if v.err != nil {
		return wrap(v.c.t.CallsErr+v.c.errText(v.err), w, st.Error.Render)
	}
	var b strings.Builder
	b.WriteString(st.Title.Render(survey.Plurals(v.c.t.CallsTitle, len(v.calls))) + "\n")
	if len(v.calls) == 0 {
		b.WriteString(st.Muted.Render(v.c.t.CallsEmpty) + "\n")
		return b.String()
	}
	now := v.c.cfg.Now()
	if v.choosing || v.entering {
		call := v.target
		b.WriteString(wrapPlain(survey.Plurals(v.c.t.CallsUpdatePick, survey.Printable(call.Respondent.RosterID+" "+call.Respondent.Name)), w) + "\n")
		for i, f := range survey.UpdateFields {
			line := "  " + v.c.t.UpdateFieldNames[i]
			if old := f.Of(call.Respondent); old != "" {
				if f == survey.FieldPhone {
					old = survey.LocalPhone(old) // the number being called, as the list shows it
				}
				line += ": " + survey.Printable(old)
			}
			if i == v.field {
				line = st.Selected.Render("> " + line[2:])
			}
			b.WriteString(ansi.Truncate(line, w, "…") + "\n")
		}
		if v.entering {
			prompt := survey.Plurals(v.c.t.CallsUpdateValue, v.c.t.UpdateFieldNames[v.field])
			b.WriteString(wrapPlain(survey.Printable(prompt+string(v.value)), w) + st.Cursor.Render(" ") + "\n")
		}
		if v.status != "" {
			b.WriteString(wrap(v.status, w, st.Error.Render) + "\n")
		}
		return b.String()
	}
	if v.picking {
		name := survey.Printable(v.target.Respondent.Name)
		b.WriteString(wrapPlain(survey.Plurals(v.c.t.CallsPick, name), w) + "\n")
		// Under the codes: the question of the call-back time (wrapped), what is typed on
		// a line of its own (its end in view), and a message; the codes take the rest.
		var tail []string
		if v.typing {
			ex := v.c.cfg.Now().AddDate(0, 0, 1).Format("2006-01-02")
			tail = append(tail, wrap(survey.Plurals(v.c.t.CallsWhen, ex), w, st.Muted.Render))
			typed := survey.Printable(string(v.when))
			if over := ansi.StringWidth(typed) - (w - 4); over > 0 {
				typed = ansi.TruncateLeft(typed, over, "…")
			}
			tail = append(tail, "› "+typed+st.Cursor.Render(" "))
		}
		if v.status != "" {
			tail = append(tail, wrap(v.status, w, st.Error.Render))
		}
		tailText := strings.Join(tail, "\n")
		rows := max(v.height-3-strings.Count(tailText, "\n"), 3) // the title, the prompt, the tail
		first := max(0, min(v.pick-rows/2, len(callCodes)-rows))
		for i := first; i < len(callCodes) && i < first+rows; i++ {
			d := callCodes[i]
			label := d.ID
			if v.c.lang == "en" {
				label = d.EN
			}
			line := fmt.Sprintf("  %-5s %s", d.Code, label)
			if i == v.pick {
				line = st.Selected.Render("> " + line[2:])
			}
			b.WriteString(ansi.Truncate(line, w, "…") + "\n")
		}
		if tailText != "" {
			b.WriteString(tailText + "\n")
		}
		return b.String()
	}
	lineOf := func(i int) string {
		c := v.calls[i]
		var info []string
		switch {
		case c.Due(now):
			info = append(info, st.Warn.Render(v.c.t.CallsDue+" "+c.Callback.In(now.Location()).Format("01-02 15:04")))
		case !c.Callback.IsZero():
			info = append(info, v.c.t.CallsCallBack+" "+c.Callback.In(now.Location()).Format("01-02 15:04"))
		}
		info = append(info, survey.Plurals(v.c.t.CallsTries, len(c.Attempts)))
		if n := len(c.Attempts); n > 0 {
			info = append(info, survey.DispositionLabel(c.Attempts[n-1].Outcome, v.c.lang))
		}
		if c.BestHour >= 0 {
			info = append(info, survey.Plurals(v.c.t.CallsBestHour, c.BestHour))
		}
		return fmt.Sprintf("%s %s · %s", survey.Printable(c.Respondent.RosterID), survey.Printable(c.Respondent.Name), strings.Join(info, " · "))
	}
	// The alumnus selected is wrapped in full (when the call-back is due, the last outcome);
	// the others are one line each.
	var selected string
	if v.cursor >= 0 && v.cursor < len(v.calls) {
		selected = st.Selected.Render(hang("> ", lineOf(v.cursor), w))
	}
	// The message under the list (a question to answer, or what was saved) is wrapped in
	// full, and the list gives it the lines it takes.
	status := wrap(v.status, w, st.Muted.Render)
	rows := max(v.height-4-strings.Count(selected, "\n")-strings.Count(status, "\n"), 1)
	first := max(0, min(v.cursor-rows/2, len(v.calls)-rows))
	for i := first; i < len(v.calls) && i < first+rows; i++ {
		if i == v.cursor {
			b.WriteString(selected + "\n")
		} else {
			b.WriteString(ansi.Truncate("  "+lineOf(i), w, "…") + "\n")
		}
	}
	// The numbers are shown in full for the alumnus being called only.
	var nums []string
	for _, n := range v.calls[v.cursor].Numbers {
		nums = append(nums, survey.Printable(n))
	}
	b.WriteString("\n" + ansi.Truncate(survey.Plurals(v.c.t.CallsNumbers, strings.Join(nums, ", ")), w, "…") + "\n")
	if status != "" {
		b.WriteString(status + "\n")
	}
	return b.String()
}

// ShortHelp lists the call list's main keys.
func (v *callsScreen) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.typing:
		return []key.Binding{v.record, v.clear, v.cancel}
	case v.picking:
		return []key.Binding{k.Up, k.Down, v.codeKey, v.record, v.cancel}
	case v.choosing:
		return []key.Binding{k.Up, k.Down, v.next, v.cancel}
	case v.entering:
		return []key.Binding{v.next, v.cancel}
	}
	return []key.Binding{v.outcome, v.start, v.update, k.Up, k.Down, k.Esc}
}

// FullHelp lists every key of the call list.
func (v *callsScreen) FullHelp() [][]key.Binding {
	k := v.c.keys
	if v.typing || v.picking || v.choosing || v.entering {
		return [][]key.Binding{v.ShortHelp()}
	}
	return [][]key.Binding{{v.outcome, v.start, v.update, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown, v.first, v.last}}
}
