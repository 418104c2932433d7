// Package tui is the enumerator's terminal program: home, respondent picker, interview,
// jump, review and finalize, interviews list, settings and help, in Bahasa Indonesia or
// English. It sees the form engine and the survey store interfaces only; cmd/tracer hands
// the stores in. Every database read and write runs in a tea.Cmd that returns a typed
// message; writes run one at a time, in the order the enumerator made them.
package tui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
	"tracer/survey"
)

// Config is what the program needs: the form, the stores and who is interviewing.
type Config struct {
	// Form is the form new interviews start on.
	Form *forms.Form
	// Forms are the study's forms offered for new interviews, Form among them; home
	// switches between them. Empty: Form alone.
	Forms []*forms.Form
	// FormOf returns the exact form an interview was made with (its id, version and hash);
	// nil: every interview is on Form.
	FormOf func(ctx context.Context, iv *survey.Interview) (*forms.Form, error)
	// Newer returns a newer version of f that a draft made with f may move to, nil when
	// there is none; nil: drafts are never offered a move.
	Newer func(ctx context.Context, f *forms.Form) (*forms.Form, error)
	// Offered, when set, returns the study's forms as the last sync left them; home asks
	// each time it shows, so a form published or retired since the start is offered or
	// no longer offered without a restart. An error keeps Forms as they are.
	Offered func(ctx context.Context) ([]*forms.Form, error)
	// LocalForm marks Form as a file tried on this laptop, not published on the server:
	// home says its interviews are not for sync.
	LocalForm bool
	// Syncable reports whether an interview was made with a form the server publishes (its
	// id, version and bytes), as of the last sync; the list marks the others "not for
	// sync", and a sync holds them back. nil: every interview is.
	Syncable   func(iv *survey.Interview) bool
	Interviews survey.InterviewStore
	Roster     survey.RosterStore
	// Attempts keeps contact attempts; with it (and a roster that lists its rows) home
	// offers the call list.
	Attempts survey.AttemptStore
	// Waves are the study's waves as the last sync pulled them: the call list, the
	// picker's warning of a completed interview count only the current wave's attempts
	// and interviews. Nil or none: the study is one wave.
	Waves survey.PulledWaves
	// Updates keeps roster updates proposed from the call list (a new number, domicile or
	// name); without it the call list does not offer them.
	Updates survey.RosterUpdateStore
	// Decider, for a supervisor, lists the roster updates proposed from the field and
	// decides on them; home offers that screen only with it.
	Decider RosterDecider
	Events  survey.EventStore
	// Enumerator is the user name recorded on every interview.
	Enumerator string
	// Lang is the UI language, "id" or "en"; see ResolveLang.
	Lang string
	// SettingsFile is where the settings screen's choices are kept between runs; "" keeps
	// them for this run only. Settings holds what was read from it (see LoadSettings): its
	// form language is used when the form has it, its UI language is already in Lang.
	SettingsFile string
	Settings     Settings
	// DeviceID fills the form's deviceid metadata.
	DeviceID string
	// Logger receives the program's logs; it must not write to the terminal.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Dark is the initial guess of the terminal background; the program asks the terminal
	// and switches when it answers.
	Dark bool

	// Sync is the link to the server; nil when the laptop is not logged in, and then the
	// sync screen says how to log in. Server is the server's address, for people.
	Sync   Syncer
	Server string
	// Role is the logged-in account's role on the server.
	Role survey.Role
	// Reviewer gives a supervisor the review queue and the coverage; nil for others.
	Reviewer Reviewer
	// Catalog gives a supervisor the study's forms to publish, list and retire; nil for
	// others.
	Catalog Catalog
	// Tracing gives a supervisor the tracing progress and the assignments; nil for others.
	Tracing Tracing
	// Links gives a supervisor the self-response links; nil for others.
	Links Links
	// Refusals gives a supervisor what the centre refused after relays took it; Home
	// counts them and lists them only with it.
	Refusals LateRefusals
	// SyncPoll is how often the server is probed in the background (0: never); a probe
	// that finds it reachable syncs when the outbox holds something or the last sync is
	// SyncEvery old.
	SyncPoll, SyncEvery time.Duration
}

// LangFromEnv returns the UI language for an environment: "id" when LC_ALL, LC_MESSAGES or
// LANG (the first one set) starts with "id", else "en".
func LangFromEnv(getenv func(string) string) string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" {
			if strings.HasPrefix(strings.ToLower(s), "id") {
				return "id"
			}
			return "en"
		}
	}
	return "en"
}

// screen names the screen on show.
type screen int

const (
	screenHome screen = iota
	screenPicker
	screenInterview
	screenJump
	screenReview
	screenList
	screenSettings
	screenSync
	screenQueue
	screenDetail
	screenCoverage
	screenMigrate
	screenCalls
	screenForms
	screenUpdates
	screenTracing
	screenLinks
	screenRefused

	// numScreens counts the screens above; it stays last.
	numScreens
)

// page is what every screen model has.
type page interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// common is shared by the root and its screens: size, styles, keys, texts, stores and the
// write queue.
type common struct {
	cfg    Config
	ctx    context.Context
	log    *slog.Logger
	width  int
	height int
	dark   bool
	st     Styles
	keys   KeyMap
	fkeys  fieldKeys
	lang   string
	t      *texts
	help   help.Model
	writes *journal
	seq    uint64
	// formPref is the form language chosen in the settings, "" to follow the UI language.
	formPref string
	// sync is what the program knows of the server and the last sync.
	sync syncState
	// ahead holds the keys typed while a screen opens.
	ahead typeahead
}

// errText returns what err says, in the UI language when its message is known in it
// (survey.LocalMessage): a server's refusal is shown in Indonesian on an Indonesian screen.
func (c *common) errText(err error) string { return survey.LocalMessage(err, c.lang) }

func (c *common) setLang(lang string) {
	t, ok := textsFor(lang)
	if !ok {
		lang = "en"
	}
	c.lang = lang
	c.t = t
	c.keys = DefaultKeyMap()
	c.keys.localize(c.t)
	c.fkeys = newFieldKeys(c.t)
}

func (c *common) setDark(dark bool) {
	c.dark = dark
	c.st = NewStyles(dark)
	c.help.Styles = c.st.Help
}

// Model is the root model: it holds the screens in a table keyed by screen, handles the
// window size and global keys, and routes each message to the screen it belongs to. It never
// writes a screen's fields: a screen changes only in its own Update.
type Model struct {
	c        *common
	screen   screen
	pages    map[screen]page
	showHelp bool
	status   string
	quitting bool
	// quitNote is what the terminal is told once the program has ended ("the draft is
	// saved"), in the UI language.
	quitNote string
}

// QuitNote returns the line to print after the program ended: that the open draft was
// saved, "" when no interview was open.
func (m *Model) QuitNote() string { return m.quitNote }

// New returns the root model. ctx bounds every database call the program makes.
func New(ctx context.Context, cfg Config) *Model {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c := &common{cfg: cfg, ctx: ctx, log: cfg.Logger, width: 80, height: 24, help: help.New(), writes: newJournal()}
	c.setLang(cfg.Lang)
	c.setDark(cfg.Dark)
	if cfg.Form != nil {
		for _, l := range cfg.Form.Languages {
			if l != "" && l == cfg.Settings.FormLang {
				c.formPref = l // a saved choice this form has
			}
		}
	}
	m := &Model{c: c, pages: map[screen]page{
		screenHome:     newHomeScreen(c),
		screenPicker:   newPickerScreen(c),
		screenList:     newListScreen(c),
		screenSettings: newSettingsScreen(c),
		screenSync:     newSyncScreen(c),
		screenQueue:    newQueueScreen(c),
		screenCoverage: newCoverageScreen(c),
		screenForms:    newFormsScreen(c),
		screenUpdates:  newUpdatesScreen(c),
		screenTracing:  newTracingScreen(c),
		screenLinks:    newLinksScreen(c),
		screenRefused:  newRefusedScreen(c),
	}}
	m.setSize(80, 24)
	return m
}

// The screens of the table, by type; nil when that screen is not open.
func (m *Model) home() *homeScreen     { p, _ := m.pages[screenHome].(*homeScreen); return p }
func (m *Model) picker() *pickerScreen { p, _ := m.pages[screenPicker].(*pickerScreen); return p }
func (m *Model) iv() *interviewScreen  { p, _ := m.pages[screenInterview].(*interviewScreen); return p }
func (m *Model) review() *reviewScreen { p, _ := m.pages[screenReview].(*reviewScreen); return p }
func (m *Model) list() *listScreen     { p, _ := m.pages[screenList].(*listScreen); return p }
func (m *Model) queue() *queueScreen   { p, _ := m.pages[screenQueue].(*queueScreen); return p }
func (m *Model) detail() *detailScreen { p, _ := m.pages[screenDetail].(*detailScreen); return p }
func (m *Model) forms() *formsScreen   { p, _ := m.pages[screenForms].(*formsScreen); return p }
func (m *Model) links() *linksScreen   { p, _ := m.pages[screenLinks].(*linksScreen); return p }

// Init asks the terminal for its background, loads the home screen's counts and, when
// logged in, reads the last sync, probes the server and starts the background timer.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.home().load(), m.c.loadRefused(), m.c.lastSyncCmd(), m.c.onlineCmd(true), m.c.syncTick())
}

// current returns the screen on show; home when that screen is not open.
func (m *Model) current() page {
	if p, ok := m.pages[m.screen]; ok {
		return p
	}
	return m.pages[screenHome]
}

// open puts a screen in the table at the window's size and shows it.
func (m *Model) open(sc screen, p page) {
	p.SetSize(m.c.width, max(m.c.height-3, 1))
	m.pages[sc] = p
	m.screen = sc
}

// to sends msg to the screen sc when it is open.
func (m *Model) to(sc screen, msg tea.Msg) tea.Cmd {
	if p, ok := m.pages[sc]; ok {
		return p.Update(msg)
	}
	return nil
}

// setSize pushes the window size, less the header and the help line, to every screen.
func (m *Model) setSize(w, h int) {
	m.c.width, m.c.height = w, h
	m.c.help.SetWidth(w)
	bh := max(h-3, 1)
	for _, p := range m.pages {
		p.SetSize(w, bh)
	}
}

// Navigation messages the screens send to the root.
type (
	// statusMsg puts a line on the status line until the next key.
	statusMsg struct{ text string }
	goHomeMsg struct {
		status string
		// voidable is the draft just left when it may be the wrong respondent's: home
		// offers to void it.
		voidable *draftRef
	}
	goPickerMsg    struct{}
	goListMsg      struct{ returned bool }
	goSettingsMsg  struct{}
	goSyncMsg      struct{}
	goJumpMsg      struct{}
	goReviewMsg    struct{}
	goInterviewMsg struct{ path string }
	quitMsg        struct{}
)

func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// Update handles the window size, the background colour, global keys and navigation, and
// passes the rest to the screen on show. Keys typed while a screen opens wait for it.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.c.arrives(msg) {
		return m, m.arrive(msg)
	}
	return m.update(msg)
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if !m.showHelp && m.screen != screenInterview && m.screen != screenPicker && m.typing() {
			return m, m.typePaste(msg.Content)
		}
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.setDark(msg.IsDark())
		return m, nil
	case tea.KeyPressMsg:
		if m.c.holding() && !key.Matches(msg, m.c.keys.Quit) {
			m.c.holdKey(msg)
			return m, nil
		}
		if m.showHelp {
			if key.Matches(msg, m.c.keys.Quit) {
				return m, m.quit()
			}
			if key.Matches(msg, m.c.keys.Help, m.c.keys.Esc) || msg.String() == "q" {
				m.showHelp = false
			}
			return m, nil
		}
		if key.Matches(msg, m.c.keys.Quit) {
			return m, m.quit()
		}
		if key.Matches(msg, m.c.keys.Help) && (msg.String() == "f1" || !m.typing()) {
			m.showHelp = true
			return m, nil
		}
		m.status = ""
	case statusMsg:
		m.status = msg.text
		return m, nil
	case goHomeMsg:
		m.screen = screenHome
		m.status = msg.status
		return m, m.to(screenHome, msg)
	case goPickerMsg:
		m.screen = screenPicker
		return m, m.to(screenPicker, msg)
	case goListMsg:
		m.screen = screenList
		return m, m.to(screenList, msg)
	case goSettingsMsg:
		m.screen = screenSettings
		return m, nil
	case goSyncMsg:
		m.screen = screenSync
		if m.c.cfg.Sync != nil && !m.c.sync.running {
			return m, m.c.onlineCmd(false)
		}
		return m, nil
	case goQueueMsg:
		if m.c.cfg.Reviewer == nil {
			return m, nil
		}
		m.screen = screenQueue
		return m, m.to(screenQueue, msg)
	case goCoverageMsg:
		if m.c.cfg.Reviewer == nil {
			return m, nil
		}
		m.screen = screenCoverage
		return m, m.to(screenCoverage, msg)
	case goTracingMsg:
		if m.c.cfg.Tracing == nil {
			return m, nil
		}
		m.screen = screenTracing
		return m, m.to(screenTracing, msg)
	case progressMsg, assignedMsg:
		return m, m.to(screenTracing, msg)
	case goLinksMsg:
		if m.c.cfg.Links == nil {
			return m, nil
		}
		m.screen = screenLinks
		return m, m.to(screenLinks, msg)
	case linksListedMsg, linksMadeMsg, linksWrittenMsg, linkRevokedMsg:
		return m, m.to(screenLinks, msg)
	case goFormsMsg:
		if m.c.cfg.Catalog == nil {
			return m, nil
		}
		m.screen = screenForms
		return m, m.to(screenForms, msg)
	case formsListedMsg, formPublishedMsg, formRetiredMsg:
		return m, m.to(screenForms, msg)
	case goCallsMsg:
		if m.c.cfg.Attempts == nil {
			return m, nil
		}
		calls := newCallsScreen(m.c)
		m.open(screenCalls, calls)
		return m, calls.load()
	case callsMsg, callSavedMsg, proposedMsg:
		return m, m.to(screenCalls, msg)
	case goUpdatesMsg:
		if m.c.cfg.Decider == nil {
			return m, nil
		}
		m.screen = screenUpdates
		return m, m.to(screenUpdates, msg)
	case updatesListMsg, updateDecidedMsg:
		return m, m.to(screenUpdates, msg)
	case goRefusedMsg:
		if m.c.cfg.Refusals == nil {
			return m, nil
		}
		m.screen = screenRefused
		return m, m.to(screenRefused, msg)
	case refusedListMsg:
		// Home counts them; the list shows them.
		return m, tea.Batch(m.to(screenHome, msg), m.to(screenRefused, msg))
	case goDetailMsg:
		d := newDetailScreen(m.c, msg.id)
		m.open(screenDetail, d)
		return m, d.load()
	case queueMsg:
		return m, m.to(screenQueue, msg)
	case coverageMsg:
		return m, tea.Batch(m.to(screenQueue, msg), m.to(screenCoverage, msg))
	case detailMsg, decidedMsg:
		return m, m.to(screenDetail, msg)
	case syncNowMsg:
		return m, m.startSync(false)
	case lastSyncMsg, syncTickMsg, onlineMsg, syncProgressMsg, syncDoneMsg:
		return m, m.updateSync(msg)
	case goJumpMsg:
		if iv := m.iv(); iv != nil {
			m.open(screenJump, newJumpScreen(m.c, iv.ivSession))
		}
		return m, nil
	case goReviewMsg:
		if iv := m.iv(); iv != nil {
			m.open(screenReview, newReviewScreen(m.c, iv.ivSession))
		}
		return m, nil
	case goInterviewMsg:
		if m.iv() == nil {
			return m, m.c.navigate(goHomeMsg{})
		}
		m.screen = screenInterview
		return m, m.to(screenInterview, msg)
	case openedMsg:
		if msg.err != nil {
			m.c.log.Error("open interview", "err", msg.err)
			m.status = m.c.t.ErrOpen + " " + m.c.errText(msg.err)
			if errors.Is(msg.err, errSealed) {
				m.status = m.c.t.ErrSealed
			}
			return m, m.to(screenPicker, msg)
		}
		if msg.newer != nil && !msg.readOnly {
			m.open(screenMigrate, newMigrateScreen(m.c, msg)) // a newer version arrived: ask first
			return m, nil
		}
		delete(m.pages, screenMigrate)
		ses := newSession(m.c, msg)
		iv, cmd := newInterviewScreen(m.c, ses, msg)
		delete(m.pages, screenJump)
		delete(m.pages, screenReview)
		m.open(screenInterview, iv)
		if msg.readOnly {
			m.open(screenReview, newReviewScreen(m.c, ses))
		}
		return m, cmd
	case langChangedMsg:
		// The UI language is the enumerator's; an interview keeps its own form language (the
		// respondent's), which Ctrl+L switches. New interviews follow the new UI language.
		m.c.setLang(msg.lang)
		m.c.help.SetWidth(m.c.width)
		return m, m.c.saveSettings()
	case settingsSavedMsg:
		if msg.err != nil {
			m.c.log.Error("save settings", "err", msg.err)
		}
		return m, nil
	case quitMsg:
		m.quitting = true
		return m, tea.Quit
	case homeMsg:
		return m, m.to(screenHome, msg)
	case migratedMsg:
		return m, m.to(screenMigrate, msg)
	case searchMsg:
		return m, m.to(screenPicker, msg)
	case listMsg:
		return m, m.to(screenList, msg)
	case savedMsg, finalizedMsg:
		var cmd tea.Cmd
		if f, ok := msg.(finalizedMsg); ok && f.err == nil {
			cmd = m.c.probeCmd(true, true) // something to push: sync if the server is there
		}
		return m, tea.Batch(cmd, m.to(screenInterview, msg), m.to(screenReview, msg))
	}
	return m, m.current().Update(msg)
}

// typing reports whether the screen on show takes free text, where "?" is a character.
func (m *Model) typing() bool {
	switch m.screen {
	case screenDetail:
		return m.detail() != nil && m.detail().typing()
	case screenForms:
		return m.forms().typing()
	case screenCalls:
		c, _ := m.pages[screenCalls].(*callsScreen)
		return c != nil && (c.typing || c.entering)
	case screenUpdates:
		u, _ := m.pages[screenUpdates].(*updatesScreen)
		return u != nil && u.deciding
	case screenLinks:
		l, _ := m.pages[screenLinks].(*linksScreen)
		return l != nil && l.typing()
	case screenTracing:
		v, _ := m.pages[screenTracing].(*tracingScreen)
		return v != nil && (v.step == assignValue || v.step == assignTo)
	case screenHome:
		return m.home().void.editing()
	case screenList:
		return m.list().void.editing()
	case screenInterview:
		return m.iv() != nil && m.iv().typing()
	}
	return false
}

// maxPaste bounds the runes a paste types into a screen's entry.
const maxPaste = 4096

// typePaste types a paste into the entry a screen is typing in (a call-back time, a new
// phone number, a reason, a comment, a path), one character at a time as if typed: a line
// break or a tab is a space, never an Enter that would take the entry half pasted, and
// control characters are dropped.
func (m *Model) typePaste(s string) tea.Cmd {
	var cmds []tea.Cmd
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if n >= maxPaste {
			break
		}
		k := tea.KeyPressMsg{Code: r, Text: string(r)}
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == ' ':
			k = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case !unicode.IsPrint(r):
			continue
		}
		n++
		_, cmd := m.update(k)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// quit saves what is on screen and ends the program once the write queue is empty.
func (m *Model) quit() tea.Cmd {
	if iv := m.iv(); iv != nil && m.screen == screenInterview && !iv.readOnly {
		m.quitNote = survey.Plurals(m.c.t.InterviewQuitSaved, iv.who())
		save, refused := iv.saveNow()
		if refused != "" {
			m.quitNote += " " + refused
		}
		return tea.Sequence(save, send(quitMsg{}))
	}
	return tea.Sequence(m.c.flush(), send(quitMsg{}))
}

// View draws the header, the screen on show (or its full help) and the short help, fitted to
// the window.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "tracer"
	return v
}

func (m *Model) render() string {
	c := m.c
	w, h := c.width, c.height
	if m.quitting {
		return ""
	}
	p := m.current()
	left := c.st.Header.Render("tracer") + " " + c.st.Muted.Render("· "+c.t.title(m.screen))
	right := c.st.Muted.Render(c.cfg.Enumerator + " · " + strings.ToUpper(c.lang))
	if c.cfg.Sync != nil {
		right = c.syncMark() + " " + right
	}
	header := left + strings.Repeat(" ", max(w-ansi.StringWidth(left)-ansi.StringWidth(right), 1)) + right
	var body string
	if m.showHelp {
		body = m.helpView(max(h-3, 1))
	} else {
		body = p.View()
	}
	status := ""
	if m.status != "" {
		status = c.st.Warn.Render(m.status)
	}
	if w < minWidth || h < minHeight {
		// too small: say so on the status line; the screens wrap rather than cut
		status = c.st.Error.Render(survey.Plurals(c.t.TooSmall, w, h, minWidth, minHeight))
	}
	short := c.help.ShortHelpView(append([]key.Binding{c.keys.Help}, p.ShortHelp()...))
	return fit(header, w, 1) + "\n" + fit(body, w, max(h-3, 1)) + "\n" + fit(status, w, 1) + "\n" + fit(short, w, 1)
}

// helpView is the screen's full help in at most h lines: the title with how to close it,
// then every key; keys that do not fit are counted on the last line, so that a small window
// neither hides how to close the help nor leaves keys out unannounced.
func (m *Model) helpView(h int) string {
	c := m.c
	lines := strings.Split(c.st.Title.Render(c.t.HelpTitle)+"\n"+c.st.Muted.Render(c.t.HelpClose)+"\n\n"+c.fullHelp(m.current().FullHelp()), "\n")
	if len(lines) > h {
		more := len(lines) - h + 1
		lines = append(lines[:h-1], c.st.Muted.Render(survey.Plurals(c.t.EntriesBelow, more)))
	}
	return strings.Join(lines, "\n")
}

// The window size every screen is laid out for; a smaller window is told so.
const minWidth, minHeight = 80, 24

// fit cuts s to exactly h lines of at most w cells, padding with empty lines.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// fullHelp lays out the groups of keys side by side as far as the window's width allows and
// the rest below, so that no key is left out of the help.
func (c *common) fullHelp(groups [][]key.Binding) string {
	h := c.help
	h.SetWidth(0)
	var rows []string
	var row [][]key.Binding
	for _, g := range groups {
		if len(row) > 0 && ansi.StringWidth(widestLine(h.FullHelpView(append(row, g)))) > c.width {
			rows = append(rows, h.FullHelpView(row))
			row = nil
		}
		row = append(row, g)
	}
	if len(row) > 0 {
		rows = append(rows, h.FullHelpView(row))
	}
	return strings.Join(rows, "\n\n")
}

// widestLine is the widest line of a block of text.
func widestLine(s string) string {
	widest := ""
	for _, l := range strings.Split(s, "\n") {
		if ansi.StringWidth(l) > ansi.StringWidth(widest) {
			widest = l
		}
	}
	return widest
}

// hang writes prefix then value word-wrapped to the rest of width, its further lines
// indented under the value's first; value may be styled.
func hang(prefix, value string, width int) string {
	pw := ansi.StringWidth(prefix)
	lines := strings.Split(ansi.Wrap(value, max(width-pw, 10), ""), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", pw) + lines[i]
	}
	return prefix + strings.Join(lines, "\n")
}

// wrap word-wraps plain text to width and styles each line. What a terminal would act on
// in each line is escaped (survey.Printable): the text may come from answers and rosters.
func wrap(s string, width int, style func(...string) string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = survey.Printable(l)
	}
	lines = strings.Split(ansi.Wrap(strings.Join(lines, "\n"), max(width, 10), ""), "\n")
	for i, l := range lines {
		lines[i] = style(l)
	}
	return strings.Join(lines, "\n")
}

// waves returns the study's waves as pulled, none without a store.
func (cfg Config) waves(ctx context.Context) ([]survey.Wave, error) {
	if cfg.Waves == nil {
		return nil, nil
	}
	return cfg.Waves.Waves(ctx)
}
