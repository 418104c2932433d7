package tui

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
	"tracer/survey"
)

// homeScreen shows the form in use, the enumerator, the interview counts and the actions.
type homeScreen struct {
	c      *common
	counts map[survey.State]int // every form's
	byForm map[string]map[survey.State]int
	today  int // interviews finalized today
	roster int
	// wave and waveDone: the current wave and its alumni interviewed in the form in use
	wave     string
	waveDone int
	loaded   bool
	err      error
	// offer is the draft just left that may be the wrong respondent's: v voids it.
	offer  *draftRef
	void   *voidPrompt
	status string
	// addr is the server's address drawn as a QR code over Home (a), nil when hidden.
	addr          *addressView
	width, height int
	// late counts what the centre refused after relays took it (a supervisor's).
	late int
}

func newHomeScreen(c *common) *homeScreen { return &homeScreen{c: c, void: &voidPrompt{c: c}} }

// load reads the counts.
func (h *homeScreen) load() tea.Cmd {
	ctx, cfg := h.c.ctx, h.c.cfg
	return func() tea.Msg {
		byForm, err := cfg.Interviews.FormCounts(ctx)
		if err != nil {
			return homeMsg{err: err}
		}
		counts := map[survey.State]int{}
		for _, m := range byForm {
			for st, n := range m {
				counts[st] += n
			}
		}
		n := 0
		if cfg.Roster != nil {
			if n, err = cfg.Roster.Count(ctx); err != nil {
				return homeMsg{err: err}
			}
		}
		today, err := doneToday(ctx, cfg.Interviews, cfg.Now())
		if err != nil {
			return homeMsg{err: err}
		}
		wave, waveDone, err := currentWaveDone(ctx, cfg)
		if err != nil {
			return homeMsg{err: err}
		}
		var offered []*forms.Form
		if cfg.Offered != nil && !cfg.LocalForm {
			if offered, err = cfg.Offered(ctx); err != nil {
				h.c.log.Warn("read the study's forms", "err", err)
				offered = nil
			}
		}
		return homeMsg{counts: counts, byForm: byForm, roster: n, today: today, forms: offered, wave: wave, waveDone: waveDone}
	}
}

// currentWaveDone returns the study's current wave and how many alumni have a completed
// interview of the form in use begun in it; "" and 0 when the study has no waves. The
// counts by state beside it span every wave.
func currentWaveDone(ctx context.Context, cfg Config) (string, int, error) {
	waves, err := cfg.waves(ctx)
	if err != nil || len(waves) == 0 {
		return "", 0, err
	}
	ivs, err := cfg.Interviews.List(ctx, survey.InterviewFilter{FormID: cfg.Form.ID})
	if err != nil {
		return "", 0, err
	}
	return survey.CurrentWave(waves), len(survey.Interviewed(waves, ivs)), nil
}

// doneToday counts the interviews finalized (or finalized and sent) on now's day, by the
// laptop's clock. The list comes most recently updated first, so reading stops at the first
// interview of an earlier day.
func doneToday(ctx context.Context, store survey.InterviewStore, now time.Time) (int, error) {
	y, m, d := now.Local().Date()
	n := 0
	for _, state := range []survey.State{survey.StateFinalized, survey.StateSent} {
		ivs, err := store.List(ctx, survey.InterviewFilter{State: state, Limit: 500})
		if err != nil {
			return 0, err
		}
		for _, iv := range ivs {
			if yy, mm, dd := iv.UpdatedAt.Local().Date(); yy != y || mm != m || dd != d {
				break
			}
			n++
		}
	}
	return n, nil
}

func (h *homeScreen) SetSize(w, ht int) { h.width, h.height = w, ht }

func (h *homeScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case goHomeMsg:
		h.offer, h.status = msg.voidable, ""
		return tea.Batch(h.load(), h.c.loadRefused())
	case refusedListMsg:
		if msg.err == nil {
			h.late = len(msg.list)
		}
	case voidedMsg:
		h.status = h.void.done(msg)
		return h.load()
	case addressMsg:
		h.addressFound(msg)
	case homeMsg:
		h.loaded = true
		h.err = msg.err
		if msg.err != nil {
			h.c.log.Error("load counts", "err", msg.err)
			return nil
		}
		h.counts, h.byForm, h.roster, h.today = msg.counts, msg.byForm, msg.roster, msg.today
		h.wave, h.waveDone = msg.wave, msg.waveDone
		if len(msg.forms) > 0 {
			h.c.setForms(msg.forms)
		}
	case tea.KeyPressMsg:
		k := h.c.keys
		if h.void.editing() {
			return h.void.update(msg)
		}
		if h.addr != nil {
			h.addr = nil // any key closes the address
			return nil
		}
		offer := h.offer
		h.offer, h.status = nil, ""
		if offer != nil && key.Matches(msg, k.VoidOffer) {
			h.void.offer(*offer)
			return nil
		}
		switch {
		case key.Matches(msg, k.NewInterview):
			return h.c.navigate(goPickerMsg{})
		case key.Matches(msg, k.Interviews):
			return h.c.navigate(goListMsg{})
		case key.Matches(msg, k.Settings):
			return h.c.navigate(goSettingsMsg{})
		case key.Matches(msg, k.Sync):
			return h.c.navigate(goSyncMsg{})
		case key.Matches(msg, k.Returned):
			return h.c.navigate(goListMsg{returned: true})
		case key.Matches(msg, k.Queue) && h.c.cfg.Reviewer != nil:
			return h.c.navigate(goQueueMsg{})
		case msg.String() == "7" && h.c.cfg.Reviewer != nil:
			return h.c.navigate(goCoverageMsg{})
		case msg.String() == "9" && h.c.cfg.Catalog != nil:
			return h.c.navigate(goFormsMsg{})
		case msg.String() == "u" && h.c.cfg.Decider != nil:
			return h.c.navigate(goUpdatesMsg{})
		case msg.String() == "0" && h.c.cfg.Tracing != nil:
			return h.c.navigate(goTracingMsg{})
		case msg.String() == "l" && h.c.cfg.Links != nil:
			return h.c.navigate(goLinksMsg{})
		case msg.String() == "r" && h.c.cfg.Refusals != nil:
			return h.c.navigate(goRefusedMsg{})
		case msg.String() == "8" && h.c.cfg.Attempts != nil:
			return h.c.navigate(goCallsMsg{})
		case msg.String() == "a" && h.addressOffered():
			return h.showAddress(h.c.cfg.Server)
		case msg.String() == "f" && len(h.c.cfg.Forms) > 1:
			h.c.nextForm()
			return nil
		case msg.String() == "q":
			return tea.Sequence(h.c.flush(), send(quitMsg{}))
		case h.c.cfg.Reviewer == nil && len(msg.Text) == 1 && strings.Contains("679u0l", msg.Text):
			// a supervisor's key on an account without that screen
			return send(statusMsg{survey.Plurals(h.c.t.HomeKeySupervisor, msg.Text)})
		case msg.Text != "" && msg.Text != " ":
			// any other key typed says so, rather than nothing happening
			return send(statusMsg{survey.Plurals(h.c.t.HomeKeyUnused, survey.Printable(ansi.Truncate(msg.Text, 20, "…")))})
		}
	}
	return nil
}

func (h *homeScreen) View() string {
	if h.addr != nil {
		return h.addressViewText()
	}
	// a window too short: the actions become one paragraph (homeInline), the counts by state
	// go (homeCompact), the labels' column narrows (homeNarrow), the blank line above the
	// actions and the account's role go (homeCramped), then the actions take their short
	// names (homeTight): the first that fits, so that Home uses the rows it has
	var v string
	for level := homeFull; level <= homeTight; level++ {
		if v = h.view(level); h.height <= 0 || strings.Count(strings.TrimSuffix(v, "\n"), "\n")+1 <= h.height {
			break
		}
	}
	return v
}

// The layouts of Home, from the tallest.
const (
	homeFull    = iota // every count, one action a line
	homeInline         // as full, with the actions as one wrapped paragraph
	homeCompact        // as inline, with no counts by state (today's row has the drafts and the waiting, action 5 the returned)
	homeNarrow         // as compact, with the labels' column as wide as this language's and no blank line above the rows
	homeCramped        // as narrow, with no blank line above the actions and no account hint
	homeTight          // as cramped, with the actions' short names
)

// view draws home in the layout level (homeFull to homeTight).
func (h *homeScreen) view(level int) string {
	c, t, st := h.c, h.c.t, h.c.st
	inline, compact, narrow := level >= homeInline, level >= homeCompact, level >= homeNarrow
	cramped, tight := level >= homeCramped, level >= homeTight
	f := c.cfg.Form
	var b strings.Builder
	b.WriteString(st.Title.Render(f.Title) + "\n")
	line := fmt.Sprintf("%s %s", t.HomeForm, f.ID)
	if f.Version != "" { // a form tried with --form may have none
		line += fmt.Sprintf(" · %s %s", t.HomeVersion, f.Version)
	}
	if n := len(c.cfg.Forms); n > 1 {
		line += " · " + survey.Plurals(t.HomeForms, c.formIndex()+1, n)
	}
	b.WriteString(st.Muted.Render(line) + "\n")
	if c.cfg.LocalForm {
		b.WriteString(wrap(t.HomeLocalForm, h.width, st.Warn.Render) + "\n")
	}
	lw := homeLabelWidth()
	if narrow {
		lw = 0
		for _, l := range []string{t.HomeEnumerator, t.HomeSupervisor, t.HomeToday, t.HomeRoster, t.HomeServer} {
			lw = max(lw, ansi.StringWidth(l))
		}
	} else {
		b.WriteString("\n")
	}
	row := func(label, value string) {
		b.WriteString(hang("  "+label+strings.Repeat(" ", max(lw-ansi.StringWidth(label), 0))+"  ", value, h.width) + "\n")
	}
	if c.cfg.Role == survey.RoleSupervisor {
		who := c.cfg.Enumerator + " " + st.Warn.Render("("+t.HomeSupervisorRole+")")
		if cramped {
			who = c.cfg.Enumerator // the actions name the queue
		}
		row(t.HomeSupervisor, who)
	} else {
		row(t.HomeEnumerator, c.cfg.Enumerator)
	}
	row(t.HomeToday, survey.Plurals(t.HomeTodayCounts, h.today, h.counts[survey.StateDraft], h.counts[survey.StateFinalized]))
	roster := survey.Plurals(t.HomeAlumni, h.roster)
	if h.wave != "" {
		roster += " · " + survey.Plurals(t.HomeWaveDone, survey.Printable(h.wave), h.waveDone)
	}
	row(t.HomeRoster, roster)
	if h.err != nil {
		b.WriteString(st.Error.Render("  "+t.ErrLoad+" "+h.c.errText(h.err)) + "\n")
	}
	if !compact {
		// with several forms, the counts are the form's in use, beside every form's
		count := func(st survey.State) string {
			if len(c.cfg.Forms) < 2 {
				return fmt.Sprint(h.counts[st])
			}
			return survey.Plurals(t.HomeFormCount, h.byForm[f.ID][st], h.counts[st])
		}
		row(t.HomeDrafts, count(survey.StateDraft))
		row(t.HomeFinalized, count(survey.StateFinalized))
		row(t.HomeSent, count(survey.StateSent))
		row(t.HomeReturned, count(survey.StateReturned))
	}
	row(t.HomeServer, c.serverLine())
	if !cramped {
		b.WriteString("\n")
	}
	// a void offer, its prompt or its outcome take the place of the actions (the keys still
	// work, and the help line names them)
	switch {
	case h.void.editing():
		b.WriteString(h.void.view(h.width) + "\n")
		return b.String()
	case h.offer != nil:
		b.WriteString(wrap(survey.Plurals(t.VoidOffer, h.offer.who), h.width, st.Warn.Render) + "\n")
		return b.String()
	case h.status != "":
		b.WriteString(wrap(h.status, h.width, st.OK.Render) + "\n")
		return b.String()
	}
	var paragraph []string
	short := func(label, name string) string {
		if tight {
			return name
		}
		return label
	}
	action := func(k, label string) {
		if inline {
			// no-break spaces keep a key with its label while wrapping; they are spaces again after
			// and non-breaking hyphens keep "Self-response" whole; both are restored after
			paragraph = append(paragraph, st.Key.Render(k)+"\u00a0"+strings.NewReplacer(" ", "\u00a0", "-", "\u2011").Replace(label))
			return
		}
		b.WriteString("  " + st.Key.Render(k) + "  " + label + "\n")
	}
	action("1", short(t.HomeNew, t.KeyNew))
	action("2", short(t.HomeList, t.KeyInterviews))
	action("3", short(t.HomeSettings, t.KeySettings))
	action("4", short(t.HomeSync, t.KeySync))
	action("5", short(survey.Plurals(t.HomeReturnedList, h.counts[survey.StateReturned]), fmt.Sprintf("%s (%d)", t.KeyReturned, h.counts[survey.StateReturned])))
	formsBeside := !inline && c.cfg.Reviewer != nil && c.cfg.Catalog != nil
	// The tracing screen shares the coverage's line when both fit: the supervisor's views
	// side by side, and Home keeps its full layout at 80x24.
	tracingShown := false
	if c.cfg.Reviewer != nil {
		if formsBeside {
			// the study's forms share the queue's line: a supervisor's home keeps its rows
			b.WriteString("  " + st.Key.Render("6") + "  " + t.HomeQueue + "   " + st.Key.Render("9") + "  " + t.HomeForms9 + "\n")
		} else {
			action("6", short(t.HomeQueue, t.KeyQueue))
		}
		cov := "  " + st.Key.Render("7") + "  " + t.HomeCoverage
		trc := st.Key.Render("0") + "  " + t.Tracing.Home
		if !inline && c.cfg.Tracing != nil && ansi.StringWidth(cov)+4+ansi.StringWidth(trc) <= h.width {
			b.WriteString(cov + "    " + trc + "\n")
			tracingShown = true
		} else {
			action("7", short(t.HomeCoverage, t.KeyCoverage))
		}
	}
	if c.cfg.Attempts != nil {
		action("8", short(callLabel(c.lang), t.HomeShortCalls))
	}
	if c.cfg.Catalog != nil && !formsBeside {
		action("9", short(t.HomeForms9, t.HomeShortForms))
	}
	// The links share the roster updates' line when both fit, as the tracing screen shares
	// the coverage's: a supervisor's Home keeps its full layout at 80x24.
	linksShown := false
	if c.cfg.Decider != nil {
		upd := "  " + st.Key.Render("u") + "  " + t.HomeUpdates
		lnk := st.Key.Render("l") + "  " + t.Links.Home
		if !inline && c.cfg.Links != nil && ansi.StringWidth(upd)+4+ansi.StringWidth(lnk) <= h.width {
			b.WriteString(upd + "    " + lnk + "\n")
			linksShown = true
		} else {
			action("u", short(t.HomeUpdates, t.HomeShortUpdates))
		}
	}
	if c.cfg.Tracing != nil && !tracingShown {
		action("0", short(t.Tracing.Home, t.HomeShortTracing))
	}
	if c.cfg.Links != nil && !linksShown {
		action("l", short(t.Links.Home, t.HomeShortLinks))
	}
	if c.cfg.Refusals != nil && h.late > 0 {
		action("r", st.Error.Render(survey.Plurals(t.Refused.Home, h.late)))
	}
	if h.addressOffered() {
		// the address shares the quit line when both fit, as the links share the updates'
		adr := "  " + st.Key.Render("a") + "  " + t.Address.Home
		quit := st.Key.Render("q") + "  " + t.HomeQuit
		if !inline && ansi.StringWidth(adr)+4+ansi.StringWidth(quit) <= h.width {
			b.WriteString(adr + "    " + quit + "\n")
			return b.String()
		}
		action("a", short(t.Address.Home, t.HomeShortAddress))
	}
	action("q", short(t.HomeQuit, t.KeyQuit))
	if inline {
		b.WriteString(strings.NewReplacer("\u00a0", " ", "\u2011", "-").Replace(hang("  ", strings.Join(paragraph, "\u00a0· "), h.width)) + "\n")
	}
	return b.String()
}

// addressOffered reports whether Home offers the server's address as a QR code: to a
// supervisor whose laptop knows the server's address.
func (h *homeScreen) addressOffered() bool {
	return h.c.cfg.Role == survey.RoleSupervisor && h.c.cfg.Server != ""
}

// homeLabels are the labels of the home screen's counts in the language of t.
func homeLabels(t *texts) []string {
	return []string{t.HomeEnumerator, t.HomeSupervisor, t.HomeToday, t.HomeRoster, t.HomeDrafts, t.HomeFinalized, t.HomeSent, t.HomeReturned, t.HomeServer}
}

// homeLabelWidth is the width of the home screen's label column: the longest label in any UI
// language, so that the column does not move when the language changes.
func homeLabelWidth() int {
	w := 0
	for _, lang := range uiLangs {
		t, _ := textsFor(lang)
		for _, l := range homeLabels(t) {
			w = max(w, ansi.StringWidth(l))
		}
	}
	return w
}

func (h *homeScreen) ShortHelp() []key.Binding {
	k := h.c.keys
	if h.void.editing() {
		return h.void.keys()
	}
	if h.c.cfg.Reviewer != nil {
		return []key.Binding{k.NewInterview, k.Interviews, k.Sync, k.Queue, k.Quit}
	}
	return []key.Binding{k.NewInterview, k.Interviews, k.Settings, k.Sync, k.Quit}
}

func (h *homeScreen) FullHelp() [][]key.Binding {
	c, k, t := h.c, h.c.keys, h.c.t
	if h.void.editing() {
		return [][]key.Binding{h.void.keys()}
	}
	// The keys Home offers besides, labelled as Home lists them.
	on := func(keys, label string) key.Binding {
		// "Keluar" as the key help writes its words: "keluar" (but "BLK" stays).
		if r := []rune(label); len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
			label = string(unicode.ToLower(r[0])) + string(r[1:])
		}
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, label))
	}
	var more []key.Binding
	if c.cfg.Reviewer != nil {
		more = append(more, k.Queue, on("7", t.HomeCoverage))
	}
	if c.cfg.Attempts != nil {
		more = append(more, on("8", callLabel(c.lang)))
	}
	if c.cfg.Catalog != nil {
		more = append(more, on("9", t.HomeForms9))
	}
	if c.cfg.Tracing != nil {
		more = append(more, on("0", t.Tracing.Home))
	}
	if c.cfg.Decider != nil {
		more = append(more, on("u", t.HomeUpdates))
	}
	if c.cfg.Links != nil {
		more = append(more, on("l", t.Links.Home))
	}
	if h.addressOffered() {
		more = append(more, on("a", t.Address.Home))
	}
	// Two columns at most, so that a supervisor's long labels fit 80 columns.
	groups := [][]key.Binding{{k.NewInterview, k.Interviews, k.Settings, k.Sync, k.Returned, k.Help, on("q", t.HomeQuit), k.Quit}}
	if len(more) > 0 {
		groups = append(groups, more)
	}
	return groups
}

// formIndex returns the place of the form in use among the study's forms.
func (c *common) formIndex() int {
	for i, f := range c.cfg.Forms {
		if f == c.cfg.Form {
			return i
		}
	}
	return 0
}

// nextForm makes the next of the study's forms the one new interviews start on; its
// language follows the UI language unless the saved choice is one it has.
func (c *common) nextForm() {
	c.cfg.Form = c.cfg.Forms[(c.formIndex()+1)%len(c.cfg.Forms)]
	c.formPref = ""
	for _, l := range c.cfg.Form.Languages {
		if l != "" && l == c.cfg.Settings.FormLang {
			c.formPref = l
		}
	}
}

// setForms makes forms the study's forms: the one in use stays when it is still offered
// (its newest version, when a newer one arrived), else the first is used.
func (c *common) setForms(list []*forms.Form) {
	cur := c.cfg.Form
	c.cfg.Forms = list
	for _, f := range list {
		if cur != nil && f.ID == cur.ID {
			if f != cur {
				c.cfg.Form = f
			}
			return
		}
	}
	c.cfg.Form = list[0]
	c.formPref = ""
	for _, l := range c.cfg.Form.Languages {
		if l != "" && l == c.cfg.Settings.FormLang {
			c.formPref = l
		}
	}
}

// keyUnused says on the status line that a typed key does nothing on the screen on show,
// rather than nothing happening; a key that types nothing (an arrow, Enter) says nothing.
func keyUnused(c *common, msg tea.KeyPressMsg) tea.Cmd {
	if msg.Text == "" || msg.Text == " " {
		return nil
	}
	return send(statusMsg{survey.Plurals(c.t.ScreenKeyUnused, survey.Printable(ansi.Truncate(msg.Text, 20, "…")))})
}
