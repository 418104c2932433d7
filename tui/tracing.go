package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
	"tracer/survey/report"
)

// Tracing gives a supervisor the tracing progress and the assignment of alumni to
// enumerators, through the server (the calls "tracer progress" and "tracer roster assign"
// make).
type Tracing interface {
	// Progress returns the work per enumerator, the alumni never tried and the call-backs
	// overdue.
	Progress(ctx context.Context) (*report.Progress, error)
	// Assign gives the rows sel picks to the enumerator account to. Returns EINVALID when
	// to is not an enumerator or sel names no way or several, ENOTFOUND when it picks no
	// row.
	Assign(ctx context.Context, to string, sel survey.AssignSelector) (survey.AssignResult, error)
}

// tracingTexts are the tracing screen's texts in one language.
type tracingTexts struct {
	Title, Home                                     string
	TabEnumerators, TabNotTried, TabOverdue         string
	Today, Enumerator, Assigned, Attempts, Contacts string
	Completes, Refusals                             string
	NoneNotTried, NoneOverdue, Unassigned           string
	AssignHow, HowKeys, AssignValue, AssignTo       string
	AssignConfirm, Assigned1, AssignFailed, Loading string
	KeyAssign, NotTriedCount, OverdueCount          string
	KnownEnumerators, EnterNext, Empty, BadList     string
	Overdue, CallbackAt, RosterID, AssignedMany     string
	AssignWays                                      [4]string
}

var tracingID = tracingTexts{
	Title: "Pelacakan: kemajuan dan penugasan", Home: "Pelacakan: kemajuan, penugasan",
	TabEnumerators: "Pencacah", TabNotTried: "Belum dicoba", TabOverdue: "Janji telepon lewat",
	Today: "Hari ini %s · angka: hari ini/semua", Enumerator: "Pencacah", Assigned: "Tugas",
	Attempts: "Upaya", Contacts: "Kontak", Completes: "Selesai", Refusals: "Menolak",
	NoneNotTried: "Semua alumni sudah dicoba.", NoneOverdue: "Tidak ada janji telepon yang lewat.", Unassigned: "(belum ditugaskan)",
	AssignHow: "Tugaskan alumni menurut:", HowKeys: "b batch · k kejuruan · r kabupaten/kota · l daftar roster id · Esc batal",
	AssignValue: "%s: ", AssignTo: "ke pencacah: ", AssignConfirm: "Tugaskan %s ke %s? (y/n)",
	Assigned1: "%d alumni ditugaskan ke %s.", AssignFailed: "Tidak ditugaskan: ", Loading: "Memuat…",
	KeyAssign: "tugaskan", NotTriedCount: "%d belum pernah dicoba", OverdueCount: "%d janji lewat",
	KnownEnumerators: "Pencacah: %s", EnterNext: "Enter lanjut · Esc batal", Empty: "Isi dulu, lalu Enter.",
	BadList: "Daftar roster id dipisah spasi atau koma.", Overdue: "lewat", CallbackAt: "janji", RosterID: "roster id",
	AssignedMany: "%d roster id",
	AssignWays:   [4]string{"batch", "kejuruan", "kabupaten/kota", "roster id"},
}

var tracingEN = tracingTexts{
	Title: "Tracing: progress and assignments", Home: "Tracing: progress, assignments",
	TabEnumerators: "Enumerators", TabNotTried: "Not tried yet", TabOverdue: "Call-backs overdue",
	Today: "Today %s · figures: today/all", Enumerator: "Enumerator", Assigned: "Assigned",
	Attempts: "Attempts", Contacts: "Contacts", Completes: "Completes", Refusals: "Refusals",
	NoneNotTried: "Every alumnus has been tried.", NoneOverdue: "No call-back is overdue.", Unassigned: "(not assigned)",
	AssignHow: "Assign alumni by:", HowKeys: "b batch · k kejuruan · r regency · l list of roster ids · Esc cancel",
	AssignValue: "%s: ", AssignTo: "to enumerator: ", AssignConfirm: "Assign %s to %s? (y/n)",
	Assigned1: "Assigned %d alumn{us|i} to %s.", AssignFailed: "Not assigned: ", Loading: "Loading…",
	KeyAssign: "assign", NotTriedCount: "%d never tried", OverdueCount: "%d call-back{s} overdue",
	KnownEnumerators: "Enumerators: %s", EnterNext: "Enter next · Esc cancel", Empty: "Type it first, then Enter.",
	BadList: "Roster ids separated by spaces or commas.", Overdue: "overdue", CallbackAt: "call-back", RosterID: "roster id",
	AssignedMany: "%d roster id{s}",
	AssignWays:   [4]string{"batch", "kejuruan", "regency", "roster ids"},
}

// The tracing screen's messages.
type (
	// goTracingMsg opens the tracing screen.
	goTracingMsg struct{}
	// progressMsg carries the progress read from the server.
	progressMsg struct {
		p   *report.Progress
		err error
	}
	// assignedMsg says how an assignment went.
	assignedMsg struct {
		res survey.AssignResult
		err error
	}
)

// assignStep is where the assignment dialog is.
type assignStep int

const (
	assignNone    assignStep = iota
	assignHow                // choosing batch, kejuruan, regency or list
	assignValue              // typing the batch, kejuruan, regency or the ids
	assignTo                 // typing the enumerator
	assignConfirm            // y or n
)

// tracingScreen is the supervisor's view of the tracing: per enumerator the alumni
// assigned and the attempts, contacts, completes and refusals today and in all; the
// alumni never tried; the call-backs overdue (←/→ switches). a assigns alumni to an
// enumerator by batch, kejuruan, regency or a list of roster ids, asking before it sends.
type tracingScreen struct {
	c             *common
	p             *report.Progress
	err           error
	tab           int
	offset        int
	width, height int
	step          assignStep
	way           int // 0 batch, 1 kejuruan, 2 regency, 3 list
	value, to     lineEdit
	status        string
	statusErr     bool
}

func newTracingScreen(c *common) *tracingScreen { return &tracingScreen{c: c} }

func (v *tracingScreen) SetSize(w, h int) { v.width, v.height = w, h }

func (v *tracingScreen) tt() *tracingTexts { return &v.c.t.Tracing }

func (v *tracingScreen) load() tea.Cmd {
	tr, ctx := v.c.cfg.Tracing, v.c.ctx
	return func() tea.Msg {
		p, err := tr.Progress(ctx)
		return progressMsg{p: p, err: err}
	}
}

// selector is the assignment the dialog describes.
func (v *tracingScreen) selector() (survey.AssignSelector, bool) {
	val := strings.TrimSpace(v.value.Value())
	var sel survey.AssignSelector
	switch v.way {
	case 0:
		sel.Batch = val
	case 1:
		sel.Kejuruan = val
	case 2:
		sel.Regency = val
	default:
		sel.RosterIDs = strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	}
	return sel, sel.Named() == 1
}

func (v *tracingScreen) assignCmd() tea.Cmd {
	sel, _ := v.selector()
	tr, ctx, to := v.c.cfg.Tracing, v.c.ctx, strings.TrimSpace(v.to.Value())
	return func() tea.Msg {
		res, err := tr.Assign(ctx, to, sel)
		return assignedMsg{res: res, err: err}
	}
}

func (v *tracingScreen) Update(msg tea.Msg) tea.Cmd {
	k := v.c.keys
	switch msg := msg.(type) {
	case goTracingMsg:
		v.status = "" // the outcome of an earlier visit's assignment
		return v.load()
	case progressMsg:
		v.p, v.err = msg.p, msg.err
		if msg.err != nil {
			v.c.log.Error("progress", "err", msg.err)
		}
	case assignedMsg:
		if msg.err != nil {
			v.status, v.statusErr = v.tt().AssignFailed+v.c.errText(msg.err), true
			return nil
		}
		v.status, v.statusErr = survey.Plurals(v.tt().Assigned1, msg.res.Assigned, msg.res.To), false
		return v.load()
	case tea.KeyPressMsg:
		if v.step != assignNone {
			return v.assignKey(msg)
		}
		switch {
		case key.Matches(msg, k.Esc):
			return v.c.navigate(goHomeMsg{})
		case msg.String() == "left", msg.String() == "shift+tab":
			v.tab, v.offset = (v.tab+2)%3, 0
		case msg.String() == "right", msg.String() == "tab":
			v.tab, v.offset = (v.tab+1)%3, 0
		case key.Matches(msg, k.Up):
			v.offset = max(v.offset-1, 0)
		case key.Matches(msg, k.Down):
			v.offset++
		case key.Matches(msg, k.PageUp):
			v.offset = max(v.offset-10, 0)
		case key.Matches(msg, k.PageDown):
			v.offset += 10
		case key.Matches(msg, k.Refresh):
			v.status = "" // it told of the progress being replaced
			return v.load()
		case msg.String() == "a":
			v.step, v.status = assignHow, ""
			v.value.SetValue("")
			v.to.SetValue("")
		default:
			return keyUnused(v.c, msg)
		}
	}
	return nil
}

// assignKey drives the assignment dialog: the way, the value, the enumerator, then y to
// send or n to cancel; Esc cancels at any step and nothing is sent.
func (v *tracingScreen) assignKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "esc" {
		v.step, v.status = assignNone, ""
		return nil
	}
	switch v.step {
	case assignHow:
		if i := strings.Index("bkrl", msg.String()); i >= 0 && len(msg.String()) == 1 {
			v.way, v.step, v.status = i, assignValue, ""
		}
	case assignValue, assignTo:
		ed := &v.value
		if v.step == assignTo {
			ed = &v.to
		}
		if msg.String() == "enter" {
			if strings.TrimSpace(ed.Value()) == "" {
				v.status, v.statusErr = v.tt().Empty, true
				return nil
			}
			if _, ok := v.selector(); !ok {
				v.status, v.statusErr = v.tt().BadList, true
				return nil
			}
			v.status = ""
			v.step++
			return nil
		}
		km := defaultEditKeyMap()
		ed.update(&km, msg)
	case assignConfirm:
		switch msg.String() {
		case "y", "Y":
			v.step = assignNone
			return v.assignCmd()
		case "n", "N":
			v.step = assignNone
		}
	}
	return nil
}

// what names the assignment's rows: "batch B1", "roster id R1" or "3 roster ids".
func (v *tracingScreen) what() string {
	tt := v.tt()
	sel, _ := v.selector()
	if v.way == 3 {
		if len(sel.RosterIDs) == 1 {
			return tt.RosterID + " " + survey.Printable(sel.RosterIDs[0])
		}
		return survey.Plurals(tt.AssignedMany, len(sel.RosterIDs))
	}
	return tt.AssignWays[v.way] + " " + survey.Printable(strings.TrimSpace(v.value.Value()))
}

func (v *tracingScreen) View() string {
	t, st, tt := v.c.t, v.c.st, v.tt()
	w := max(v.width, 40)
	if v.p == nil {
		if v.err != nil {
			return wrap(t.ErrLoad+" "+v.c.errText(v.err), w, st.Error.Render)
		}
		return st.Muted.Render(tt.Loading)
	}
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(survey.Plurals(tt.Today, v.p.Day)+" · "+survey.Plurals(tt.NotTriedCount, len(v.p.NotTried))+
		" · "+survey.Plurals(tt.OverdueCount, len(v.p.Overdue)), w, "…")) + "\n")
	var tabs []string
	for i, name := range []string{tt.TabEnumerators, tt.TabNotTried, tt.TabOverdue} {
		if i == v.tab {
			tabs = append(tabs, st.Selected.Render("["+name+"]"))
		} else {
			tabs = append(tabs, " "+name+" ")
		}
	}
	b.WriteString(ansi.Truncate(strings.Join(tabs, ""), w, "…") + "\n")
	// The dialog or the last outcome, above the table so it is never scrolled away.
	var foot []string
	switch v.step {
	case assignHow:
		foot = append(foot, st.Label.Render(tt.AssignHow), tt.HowKeys)
	case assignValue:
		foot = append(foot, st.Label.Render(survey.Plurals(tt.AssignValue, tt.AssignWays[v.way]))+v.value.view(w-20, st, true), st.Muted.Render(tt.EnterNext))
	case assignTo:
		var names []string
		for _, e := range v.p.Enumerators {
			names = append(names, e.Enumerator)
		}
		foot = append(foot, st.Label.Render(tt.AssignTo)+v.to.view(w-20, st, true),
			st.Muted.Render(ansi.Truncate(survey.Plurals(tt.KnownEnumerators, strings.Join(names, ", ")), w, "…")))
	case assignConfirm:
		foot = append(foot, st.Warn.Render(survey.Plurals(tt.AssignConfirm, v.what(), survey.Printable(strings.TrimSpace(v.to.Value())))))
	}
	if v.status != "" {
		style := st.OK.Render
		if v.statusErr {
			style = st.Error.Render
		}
		foot = append(foot, wrap(v.status, w, style))
	}
	for _, f := range foot {
		b.WriteString(ansi.Truncate(f, w, "…") + "\n")
	}
	b.WriteString("\n")
	var lines []string
	switch v.tab {
	case 0:
		lines = append(lines, st.Muted.Render(fmt.Sprintf("%-12s %6s %9s %9s %9s %9s", tt.Enumerator, tt.Assigned, tt.Attempts, tt.Contacts, tt.Completes, tt.Refusals)))
		for _, e := range v.p.Enumerators {
			name := e.Enumerator
			if name == "" {
				name = tt.Unassigned
			}
			pair := func(a, b int) string { return fmt.Sprintf("%d/%d", a, b) }
			lines = append(lines, fmt.Sprintf("%-12s %6d %9s %9s %9s %9s", ansi.Truncate(survey.Printable(name), 12, "…"), e.Assigned,
				pair(e.AttemptsToday, e.Attempts), pair(e.ContactsToday, e.Contacts), pair(e.CompleteToday, e.Completes), pair(e.RefusalsToday, e.Refusals)))
		}
	case 1:
		if len(v.p.NotTried) == 0 {
			lines = append(lines, st.Muted.Render(tt.NoneNotTried))
		}
		for _, p := range v.p.NotTried {
			lines = append(lines, fmt.Sprintf("%-16s %s", survey.Printable(p.RosterID), v.enumerator(p.Enumerator)))
		}
	case 2:
		if len(v.p.Overdue) == 0 {
			lines = append(lines, st.Muted.Render(tt.NoneOverdue))
		}
		now := v.c.cfg.Now()
		for _, p := range v.p.Overdue {
			late := now.Sub(p.Callback).Round(time.Minute)
			lines = append(lines, fmt.Sprintf("%-16s %-14s %s %s (%s %s)", survey.Printable(p.RosterID), v.enumerator(p.Enumerator), tt.CallbackAt,
				p.Callback.In(now.Location()).Format("2006-01-02 15:04"), tt.Overdue, late))
		}
	}
	rows := max(v.height-strings.Count(b.String(), "\n"), 1)
	v.offset = min(v.offset, max(len(lines)-rows, 0))
	for i := v.offset; i < len(lines) && i < v.offset+rows; i++ {
		b.WriteString(ansi.Truncate(lines[i], w, "…") + "\n")
	}
	return b.String()
}

func (v *tracingScreen) enumerator(name string) string {
	if name == "" {
		return v.tt().Unassigned
	}
	return ansi.Truncate(survey.Printable(name), 14, "…")
}

func (v *tracingScreen) ShortHelp() []key.Binding {
	k := v.c.keys
	return []key.Binding{k.Assign, k.Filter, k.Up, k.Down, k.Refresh, k.Esc}
}

func (v *tracingScreen) FullHelp() [][]key.Binding {
	k := v.c.keys
	return [][]key.Binding{{k.Assign, k.Filter, k.Refresh, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown}}
}
