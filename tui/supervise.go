package tui

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/review"
)

// Reviewer is the supervisor's side of the server; cmd/tracer hands in the sync client. It
// is nil unless the logged-in account is a supervisor.
type Reviewer interface {
	// Queue returns a page of the review queue filtered by q.
	Queue(ctx context.Context, q survey.ReviewQuery) (*survey.ReviewPage, error)
	// Review returns one interview's record, flags, revisions and history. Returns ENOTFOUND.
	Review(ctx context.Context, id string) (*survey.ReviewDetail, error)
	// Approve approves the latest revision. Returns ECONFLICT when it is not the latest or
	// the interview is returned.
	Approve(ctx context.Context, id string, revision int, comment string) (*survey.ReviewEvent, error)
	// ReturnWithComments returns the latest revision for correction. Returns EINVALID for
	// an empty comment and ECONFLICT when a later revision is stored.
	ReturnWithComments(ctx context.Context, id string, revision int, comment string, questions []survey.QuestionComment) (*survey.ReturnNotice, error)
	// Coverage returns the roster's coverage, with "today" the day of day.
	Coverage(ctx context.Context, day time.Time) (*review.Coverage, error)
	// Revision returns the record of an earlier revision, for the difference the latest
	// one makes. Returns ENOTFOUND.
	Revision(ctx context.Context, id string, revision int) (*survey.Record, error)
}

// Messages of the supervisor's screens.
type (
	queueMsg struct {
		page *survey.ReviewPage
		err  error
	}
	coverageMsg struct {
		cov *review.Coverage
		err error
	}
	detailMsg struct {
		d *survey.ReviewDetail
		// resp is the alumnus from this laptop's roster, nil when it has none: the
		// identity the supervisor verifies, in full.
		resp *survey.Respondent
		// prev is the revision before the latest, nil for a first revision: the answers
		// the correction changed are marked with what they were.
		prev *survey.Record
		// form is the form the record was made with, nil when this laptop does not have
		// it (formErr says why): the answers are then listed by their names.
		form    *forms.Form
		formErr error
		err     error
	}
	// decidedMsg reports an approval or a return; returned says which.
	decidedMsg struct {
		id       string
		returned bool
		err      error
	}
	goQueueMsg    struct{}
	goCoverageMsg struct{}
	goDetailMsg   struct{ id string }
)

// queueFilters are the filters of the queue, in the order Tab goes through them.
const (
	filterState = iota
	filterFlag
	filterEnumerator
	filterKejuruan
	nFilters
)

// queueScreen is the supervisor's review queue with filters by state, flag, enumerator and
// kejuruan (the programme); Enter opens an interview.
type queueScreen struct {
	c             *common
	field         int
	pick          [nFilters]int // index into values(field); 0 is "all"
	enumerators   []string
	kejuruan      []string
	rows          []*survey.Review
	more          bool
	cursor        int
	loaded        bool
	err           error
	width, height int
}

func newQueueScreen(c *common) *queueScreen { return &queueScreen{c: c} }

func (q *queueScreen) SetSize(w, h int) { q.width, q.height = w, h }

// values lists the choices of a filter, "" first for all.
func (q *queueScreen) values(field int) []string {
	switch field {
	case filterState:
		out := []string{""}
		for _, s := range survey.ReviewStates {
			out = append(out, string(s))
		}
		return out
	case filterFlag:
		return append([]string{""}, review.FlagNames...)
	case filterEnumerator:
		return append([]string{""}, q.enumerators...)
	}
	return append([]string{""}, q.kejuruan...)
}

func (q *queueScreen) value(field int) string {
	v := q.values(field)
	return v[min(q.pick[field], len(v)-1)]
}

func (q *queueScreen) query() survey.ReviewQuery {
	return survey.ReviewQuery{State: survey.ReviewState(q.value(filterState)), Flag: q.value(filterFlag),
		Enumerator: q.value(filterEnumerator), Kejuruan: q.value(filterKejuruan), Limit: 200}
}

// load reads the queue and, for the filters' choices, the coverage's enumerators and
// kejuruan.
func (q *queueScreen) load() tea.Cmd {
	r, ctx, qu := q.c.cfg.Reviewer, q.c.ctx, q.query()
	return tea.Batch(func() tea.Msg {
		p, err := r.Queue(ctx, qu)
		return queueMsg{page: p, err: err}
	}, func() tea.Msg {
		cov, err := r.Coverage(ctx, q.c.cfg.Now())
		return coverageMsg{cov: cov, err: err}
	})
}

func (q *queueScreen) Update(msg tea.Msg) tea.Cmd {
	k := q.c.keys
	switch msg := msg.(type) {
	case goQueueMsg:
		return q.load()
	case queueMsg:
		q.loaded, q.err = true, msg.err
		if msg.err != nil {
			q.c.log.Error("review queue", "err", msg.err)
			return nil
		}
		q.rows, q.more = msg.page.Interviews, msg.page.More
		q.cursor = min(q.cursor, max(len(q.rows)-1, 0))
	case coverageMsg:
		if msg.err == nil && msg.cov != nil {
			q.enumerators = q.enumerators[:0]
			for _, e := range msg.cov.Enumerators {
				q.enumerators = append(q.enumerators, e.Enumerator)
			}
			for _, b := range msg.cov.Breakdowns {
				if b.Dimension == "kejuruan" {
					q.kejuruan = q.kejuruan[:0]
					for _, r := range b.Rows {
						q.kejuruan = append(q.kejuruan, r.Key)
					}
				}
			}
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Esc):
			return q.c.navigate(goHomeMsg{})
		case msg.String() == "tab":
			q.field = (q.field + 1) % nFilters
		case msg.String() == "shift+tab":
			q.field = (q.field + nFilters - 1) % nFilters
		case msg.String() == "left", msg.String() == "right":
			step := 1
			if msg.String() == "left" {
				step = -1
			}
			n := len(q.values(q.field))
			q.pick[q.field] = (q.pick[q.field] + step + n) % n
			q.cursor = 0
			return q.load()
		case key.Matches(msg, k.Up):
			q.cursor = max(q.cursor-1, 0)
		case key.Matches(msg, k.Down):
			q.cursor = max(min(q.cursor+1, len(q.rows)-1), 0)
		case key.Matches(msg, k.PageUp):
			q.cursor = max(q.cursor-10, 0)
		case key.Matches(msg, k.PageDown):
			q.cursor = max(min(q.cursor+10, len(q.rows)-1), 0)
		case key.Matches(msg, k.Coverage):
			return q.c.navigate(goCoverageMsg{})
		case key.Matches(msg, k.Refresh):
			return q.load()
		case msg.String() == "enter":
			if len(q.rows) > 0 {
				return q.c.navigate(goDetailMsg{id: q.rows[q.cursor].InterviewID})
			}
		default:
			return keyUnused(q.c, msg)
		}
	}
	return nil
}

func (q *queueScreen) View() string {
	t, st := q.c.t, q.c.st
	w := max(q.width, 20)
	var b strings.Builder
	names := []string{t.ReviewFilterState, t.ReviewFilterFlag, t.ReviewFilterEnumerator, t.ReviewFilterKejuruan}
	var parts []string
	for f := range nFilters {
		v := q.value(f)
		if v == "" {
			v = t.StateAll
		} else if f == filterState {
			v = t.reviewState(survey.ReviewState(v))
		} else if f == filterFlag {
			v = review.FlagLabel(v, q.c.lang)
		}
		// kept on one line: the filters wrap between themselves
		p := strings.ReplaceAll(names[f]+" ‹"+ansi.Truncate(v, 20, "…")+"›", " ", "\u00a0")
		if f == q.field {
			p = st.Selected.Render("[" + p + "]")
		} else {
			p = " " + p + " "
		}
		parts = append(parts, p)
	}
	b.WriteString(strings.ReplaceAll(ansi.Wrap(strings.Join(parts, ""), w, ""), "\u00a0", " ") + "\n\n")
	if q.err != nil {
		b.WriteString(wrap(t.ErrLoad+" "+q.c.errText(q.err), w, st.Error.Render) + "\n")
	}
	if q.loaded && len(q.rows) == 0 && q.err == nil {
		b.WriteString(st.Muted.Render("  "+t.ReviewEmpty) + "\n")
	}
	// The way in is as wide as its longest (up to 14: "Collect" and a phone's id), so the
	// flags, last, keep the rest of the line.
	viaW := ansi.StringWidth(t.ReviewHeadVia)
	for _, r := range q.rows {
		viaW = max(viaW, min(ansi.StringWidth(viaOf(t, r)), 14))
	}
	if len(q.rows) > 0 {
		b.WriteString(st.Muted.Render(fmt.Sprintf("  %-13s %-13s %-10s %-11s %s %s", t.ReviewHeadState, t.ReviewHeadRespondent, t.ReviewHeadEnumerator, t.ReviewHeadReceived, padRight(t.ReviewHeadVia, viaW), t.ReviewHeadFlags)) + "\n")
	}
	rows := max(q.height-5, 1)
	start := 0
	if q.cursor >= rows {
		start = q.cursor - rows + 1
	}
	for i := start; i < len(q.rows) && i < start+rows; i++ {
		r := q.rows[i]
		var flags []string
		for _, f := range r.Flags {
			flags = append(flags, review.FlagLabel(f.Name, q.c.lang))
		}
		who := r.RespondentID
		if who == "" {
			who = t.ListWalkIn
		}
		if r.Revision > 1 {
			who = fmt.Sprintf("%s r%d", who, r.Revision)
		}
		line := fmt.Sprintf("%-13s %-13s %-10s %-11s %s %s", ansi.Truncate(t.reviewState(r.State), 13, "…"),
			ansi.Truncate(who, 13, "…"), ansi.Truncate(enumeratorOf(r), 10, "…"),
			r.ReceivedAt.Local().Format("01-02 15:04"), padRight(ansi.Truncate(viaOf(t, r), viaW, "…"), viaW), strings.Join(flags, ", "))
		if i == q.cursor {
			line = st.Selected.Render("› " + line)
		} else if len(flags) > 0 {
			line = "  " + st.Warn.Render(line)
		} else {
			line = "  " + line
		}
		b.WriteString(ansi.Truncate(line, w, "…") + "\n")
	}
	foot := survey.Plurals(t.ReviewCount, len(q.rows))
	if q.more {
		foot += " +"
	}
	return fit(b.String(), w, max(q.height-1, 1)) + "\n" + st.Muted.Render(foot)
}

// viaOf says in a few words how the interview in r came: from a tracer laptop, from ODK
// Collect on which phone (its deviceID without the "collect:" that Collect puts first), or
// through a self-response link.
func viaOf(t *texts, r *survey.Review) string {
	switch r.Mode {
	case survey.CaptureCollect:
		return survey.Plurals(t.ReviewViaCollect, survey.Printable(strings.TrimPrefix(r.Device, "collect:")))
	case survey.CaptureWeb:
		return t.ReviewViaWeb
	case "":
		return t.ReviewViaLaptop
	}
	return survey.Printable(r.Mode)
}

func enumeratorOf(r *survey.Review) string {
	if r.Enumerator != "" {
		return r.Enumerator
	}
	return r.SubmittedBy
}

func (q *queueScreen) ShortHelp() []key.Binding {
	k := q.c.keys
	return []key.Binding{k.Open, k.FilterField, k.Filter, k.Coverage, k.Esc}
}

func (q *queueScreen) FullHelp() [][]key.Binding {
	k := q.c.keys
	return [][]key.Binding{{k.Open, k.FilterField, k.Filter, k.Refresh}, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.Coverage, k.Esc}}
}

// detailScreen shows one interview to a supervisor: state, flags, duration, history, and
// the answers read-only with personal data masked; a approves, x returns with a comment,
// c comments on the question under the cursor.
type detailScreen struct {
	c             *common
	id            string
	d             *survey.ReviewDetail
	resp          *survey.Respondent
	prev          *survey.Record
	form          *forms.Form
	formErr       error
	err           error
	lines         []reviewLine
	cursor        int
	notes         map[string]string // question comments for a return, by path
	edit          *lineEdit         // the comment being typed
	editPath      string            // "" for the comment on the interview
	confirm       bool              // approve asked
	leaving       bool              // Esc asked with question comments not sent
	busy          bool
	done          string
	width, height int
}

func newDetailScreen(c *common, id string) *detailScreen {
	return &detailScreen{c: c, id: id, notes: map[string]string{}}
}

func (d *detailScreen) SetSize(w, h int) { d.width, d.height = w, h }

func (d *detailScreen) load() tea.Cmd {
	r, ctx, id := d.c.cfg.Reviewer, d.c.ctx, d.id
	roster, form, formOf := d.c.cfg.Roster, d.c.cfg.Form, d.c.cfg.FormOf
	return func() tea.Msg {
		det, err := r.Review(ctx, id)
		if err != nil {
			return detailMsg{err: err}
		}
		var resp *survey.Respondent
		if rid := det.Review.RespondentID; rid != "" && roster != nil {
			resp, _ = roster.Get(ctx, rid) // a walk-in or an alumnus of another roster has none
		}
		var prev *survey.Record
		if rev := det.Review.Revision; rev > 1 {
			if prev, err = r.Revision(ctx, id, rev-1); err != nil {
				return detailMsg{err: err}
			}
		}
		// the record is read through the form it was made with, which need not be the one
		// new interviews start on
		var formErr error
		if rec := det.Record; rec != nil && formOf != nil {
			form, formErr = formOf(ctx, &survey.Interview{ID: rec.ID, FormID: rec.FormID, FormVersion: rec.FormVersion, FormHash: rec.FormHash})
		}
		return detailMsg{d: det, resp: resp, prev: prev, form: form, formErr: formErr}
	}
}

// typing reports whether a comment is being typed.
func (d *detailScreen) typing() bool { return d.edit != nil }

// build lays out the answers of the record through the form, masking personal data.
func (d *detailScreen) build() {
	d.lines = d.lines[:0]
	rec := d.d.Record
	if rec == nil {
		return
	}
	f := d.form
	if f == nil {
		d.buildRaw()
		return
	}
	s := forms.NewSession(f, forms.Options{Lang: d.c.formLangOf(f), Now: d.c.cfg.Now, MessageLang: d.c.lang})
	s.Restore(rec.AnswerList())
	section := "\x00"
	// Relevance here is computed from the record with its personal data masked (a birth
	// date's "**"), so it can be wrong both ways: a question the record answers was
	// relevant when the interview was finalized (ODK clears the others), and is listed
	// whatever the masks make of it; an unanswered check was not shown to the enumerator.
	listed := map[string]bool{}
	s.EveryQuestion(func(st forms.Stop, relevant bool) {
		answered := rec.Answers[st.Path] != ""
		if st.Node.Kind == forms.KindNote || !relevant && !answered || st.Node.Type == "acknowledge" && !answered {
			return
		}
		listed[st.Path] = true
		if sec := strings.Join(s.Sections(st.Path), " › "); sec != section {
			section = sec
			d.lines = append(d.lines, reviewLine{text: "## " + sec})
		}
		// a supervisor verifies the identity: full name and NIK are shown to her
		v := displayAs(d.c.t, s, st.Path, s.Value(st.Path))
		l := reviewLine{label: forms.PlainText(s.Label(st.Path)), value: v, path: st.Path}
		if d.prev != nil {
			if was := d.prev.Answers[st.Path]; was != s.Value(st.Path) {
				// changed by the correction: what revision n-1 said
				if was == "" {
					was = "—"
				} else {
					was = displayAs(d.c.t, s, st.Path, was)
				}
				l.mark = "Δ"
				l.value = v + "  " + survey.Plurals(d.c.t.ReviewWas, d.prev.Revision, was)
			}
		}
		d.lines = append(d.lines, l)
	})
	d.dropped(s, listed)
	d.cursor = 0
	for i, l := range d.lines {
		if l.path != "" {
			d.cursor = i
			break
		}
	}
}

// dropped lists, under a heading of their own, the answers of the revision before that the
// correction left out and that the questions above do not show (those of a repeat's
// instance it removed): else an answer taken away would go unseen.
func (d *detailScreen) dropped(s *forms.Session, listed map[string]bool) {
	if d.prev == nil {
		return
	}
	var paths []string
	for p, was := range d.prev.Answers {
		if was != "" && d.d.Record.Answers[p] == "" && !listed[p] {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return
	}
	sort.Strings(paths)
	d.lines = append(d.lines, reviewLine{text: "## " + survey.Plurals(d.c.t.ReviewDropped, d.prev.Revision)})
	for _, p := range paths {
		// the question's label from its first instance, the path naming the one removed
		first := firstInstance.ReplaceAllString(p, "[1]")
		label, was := s.Label(first), d.prev.Answers[p]
		if label == "" {
			label = p
		} else {
			label = forms.PlainText(label) + " [" + p + "]"
			was = displayAs(d.c.t, s, first, was) // a choice by its label
		}
		d.lines = append(d.lines, reviewLine{text: "Δ " + label + ": — " + survey.Plurals(d.c.t.ReviewWas, d.prev.Revision, was)})
	}
}

// firstInstance matches the instance numbers of a path.
var firstInstance = regexp.MustCompile(`\[\d+\]`)

// buildRaw lists the record's answers by their names, when this laptop does not have the
// form the record was made with: under a line saying why, every answer still shows, and
// can be commented on.
func (d *detailScreen) buildRaw() {
	rec := d.d.Record
	if d.formErr != nil {
		d.c.log.Warn("review detail: the record's form", "err", d.formErr)
	}
	d.lines = append(d.lines, reviewLine{text: survey.Plurals(d.c.t.ReviewNoForm, rec.FormID, rec.FormVersion), problem: true})
	paths := make([]string, 0, len(rec.Answers))
	for p, v := range rec.Answers {
		if v != "" {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		l := reviewLine{label: p, value: rec.Answers[p], path: p}
		if d.prev != nil {
			if was := d.prev.Answers[p]; was != rec.Answers[p] {
				if was == "" {
					was = "—"
				}
				l.mark = "Δ"
				l.value += "  " + survey.Plurals(d.c.t.ReviewWas, d.prev.Revision, was)
			}
		}
		d.lines = append(d.lines, l)
	}
	d.cursor = 0
	for i, l := range d.lines {
		if l.path != "" {
			d.cursor = i
			break
		}
	}
}

func (d *detailScreen) move(dir, n int) {
	i := d.cursor
	for range n {
		j := i + dir
		for j >= 0 && j < len(d.lines) && d.lines[j].path == "" {
			j += dir
		}
		if j < 0 || j >= len(d.lines) {
			break
		}
		i = j
	}
	d.cursor = i
}

func (d *detailScreen) decide(returned bool, comment string) tea.Cmd {
	r, ctx, id, rev := d.c.cfg.Reviewer, d.c.ctx, d.id, d.d.Review.Revision
	var qs []survey.QuestionComment
	for p, c := range d.notes {
		qs = append(qs, survey.QuestionComment{Path: p, Comment: c})
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].Path < qs[j].Path })
	d.busy = true
	return func() tea.Msg {
		var err error
		if returned {
			_, err = r.ReturnWithComments(ctx, id, rev, comment, qs)
		} else {
			_, err = r.Approve(ctx, id, rev, comment)
		}
		return decidedMsg{id: id, returned: returned, err: err}
	}
}

func (d *detailScreen) Update(msg tea.Msg) tea.Cmd {
	k, t := d.c.keys, d.c.t
	switch msg := msg.(type) {
	case detailMsg:
		d.d, d.resp, d.prev, d.err = msg.d, msg.resp, msg.prev, msg.err
		d.form, d.formErr = msg.form, msg.formErr
		if msg.err != nil {
			d.c.log.Error("review detail", "err", msg.err)
			return nil
		}
		d.build()
	case decidedMsg:
		if msg.id != d.id {
			return nil
		}
		d.busy = false
		if msg.err != nil {
			d.err = msg.err
			return nil
		}
		d.err = nil
		if msg.returned {
			d.done = t.ReviewReturned
		} else {
			d.done = t.ReviewApproved
		}
		d.notes = map[string]string{}
		return d.load()
	case tea.KeyPressMsg:
		if d.busy {
			return nil
		}
		if d.edit != nil {
			switch {
			case msg.String() == "esc":
				d.edit, d.err = nil, nil
			case msg.String() == "enter":
				text := strings.TrimSpace(d.edit.Value())
				path := d.editPath
				if path == "" && text == "" {
					// The prompt stays: closed, the keys typed next (the reason, say
					// "ayo perbaiki") would be the review's commands, a then y approving.
					d.err = survey.Errorf(survey.EINVALID, "%s", t.ReviewNeedComment)
					return nil
				}
				d.edit, d.err = nil, nil
				if path != "" {
					if text == "" {
						delete(d.notes, path)
					} else {
						d.notes[path] = text
					}
					return nil
				}
				return d.decide(true, text)
			default:
				d.err = nil
				d.edit.update(&d.c.fkeys.Edit, msg)
			}
			return nil
		}
		if d.confirm {
			d.confirm = false
			if key.Matches(msg, k.Yes) {
				return d.decide(false, "")
			}
			return nil
		}
		leaving := d.leaving
		d.leaving = false
		switch {
		case key.Matches(msg, k.Esc) && len(d.notes) > 0 && !leaving:
			// the comments typed on questions go with a return (x) only: say so first
			d.err, d.done, d.leaving = nil, "", true
		case key.Matches(msg, k.Esc):
			return d.c.navigate(goQueueMsg{})
		case key.Matches(msg, k.Up):
			d.move(-1, 1)
		case key.Matches(msg, k.Down):
			d.move(1, 1)
		case key.Matches(msg, k.PageUp):
			d.move(-1, 10)
		case key.Matches(msg, k.PageDown):
			d.move(1, 10)
		case d.d == nil:
		case key.Matches(msg, k.Approve):
			d.err, d.done = nil, ""
			d.confirm = true
		case key.Matches(msg, k.ReturnIv):
			d.err, d.done = nil, ""
			d.edit, d.editPath = &lineEdit{}, ""
		case key.Matches(msg, k.Comment):
			if d.cursor < len(d.lines) && d.lines[d.cursor].path != "" {
				d.edit, d.editPath = &lineEdit{}, d.lines[d.cursor].path
				d.edit.SetValue(d.notes[d.editPath])
			}
		default:
			return keyUnused(d.c, msg)
		}
	}
	return nil
}

func (d *detailScreen) View() string {
	t, st := d.c.t, d.c.st
	w := max(d.width, 20)
	var head []string
	if d.d == nil {
		if d.err != nil {
			return wrap(t.ErrLoad+" "+d.c.errText(d.err), w, st.Error.Render)
		}
		return st.Muted.Render(t.ReviewLoading)
	}
	r := d.d.Review
	who := r.RespondentID
	if who == "" {
		who = t.ListWalkIn
	}
	head = append(head, st.Title.Render(ansi.Truncate(fmt.Sprintf("%s · r%d · %s · %s", who, r.Revision, t.reviewState(r.State), enumeratorOf(r)), w, "…")))
	if p := d.resp; p != nil {
		// the roster's identity in full, for the supervisor to verify against the answers
		id := survey.Plurals(t.ReviewIdentity, p.Name, p.NIK, p.BirthDate, p.Institution)
		head = append(head, strings.Split(wrap(id, w, st.Label.Render), "\n")...)
	}
	info := survey.Plurals(t.ReviewReceived, r.ReceivedAt.Local().Format("2006-01-02 15:04"))
	if rec := d.d.Record; rec != nil && !rec.StartedAt.IsZero() && rec.FinalizedAt.After(rec.StartedAt) {
		mins := fmt.Sprint(int(rec.FinalizedAt.Sub(rec.StartedAt).Round(time.Minute).Minutes()))
		if mins == "0" {
			mins = "<1"
		}
		info += " · " + survey.Plurals(t.ReviewDuration, mins)
	}
	if len(d.d.Revisions) > 1 {
		info += " · " + survey.Plurals(t.ReviewRevisions, len(d.d.Revisions))
	}
	head = append(head, st.Muted.Render(ansi.Truncate(info, w, "…")))
	if rec := d.d.Record; rec != nil {
		switch rec.Mode {
		case survey.CaptureCollect:
			head = append(head, st.Muted.Render(ansi.Truncate(survey.Plurals(t.ReviewCollect, rec.Device), w, "…")))
		case survey.CaptureWeb:
			head = append(head, st.Muted.Render(ansi.Truncate(t.ReviewWeb, w, "…")))
		}
	}
	for i, f := range r.Flags {
		if i == 2 {
			head = append(head, st.Warn.Render(survey.Plurals("  "+t.ReviewMoreFlags, len(r.Flags)-2)))
			break
		}
		head = append(head, strings.Split(wrap("⚑ "+review.FlagLabel(f.Name, d.c.lang)+": "+f.LocalReason(d.c.lang), w, st.Warn.Render), "\n")...)
	}
	if n := len(d.d.History); n > 0 {
		h := d.d.History[n-1]
		line := survey.Plurals(t.ReviewLast, t.reviewState(h.To), h.By, h.At.Local().Format("01-02 15:04"))
		if h.Comment != "" {
			line += ": " + strings.ReplaceAll(h.Comment, "\n", " ")
		}
		head = append(head, strings.Split(wrap(line, w, st.Muted.Render), "\n")...)
	}
	var foot []string
	switch {
	case d.edit != nil && d.editPath != "":
		foot = append(foot, st.Warn.Render(t.ReviewQuestionComment), d.edit.view(w-2, st, true))
	case d.edit != nil:
		foot = append(foot, st.Warn.Render(t.ReviewComment), d.edit.view(w-2, st, true))
		if d.err != nil { // an empty reason refused
			foot = append(foot, st.Error.Render(ansi.Truncate(d.c.errText(d.err), w, "…")))
		}
	case d.confirm:
		foot = append(foot, st.Warn.Render(ansi.Truncate(t.ReviewConfirm, w, "…")))
	case d.leaving:
		foot = append(foot, strings.Split(wrap(survey.Plurals(t.ReviewNotesLeave, len(d.notes)), w, st.Warn.Render), "\n")...)
	case d.busy:
		foot = append(foot, st.Muted.Render(t.FinalizeBusy))
	case d.err != nil:
		foot = append(foot, st.Error.Render(ansi.Truncate(d.c.errText(d.err), w, "…")))
	case d.done != "":
		foot = append(foot, st.OK.Render(d.done))
	case len(d.notes) > 0:
		foot = append(foot, st.Warn.Render(survey.Plurals(t.ReviewNotes, len(d.notes))))
	}
	rows := max(d.height-len(head)-len(foot)-1, 1)
	lines := make([]reviewLine, len(d.lines))
	// The comments of the last return on its questions, unless one is being written anew.
	var returned map[string]string
	for i := len(d.d.History) - 1; i >= 0; i-- {
		if h := d.d.History[i]; h.To == survey.ReviewReturned {
			returned = map[string]string{}
			for _, q := range h.Questions {
				returned[q.Path] = q.Comment
			}
			break
		}
	}
	for i, l := range d.lines {
		if n := d.notes[l.path]; n != "" {
			l.mark, l.note = "✎", n
		} else if n := returned[l.path]; n != "" {
			l.mark, l.note = "✎", n
		}
		lines[i] = l
	}
	body := entriesView(lines, d.cursor, w, rows, st, d.c.t)
	out := strings.Join(head, "\n") + "\n" + fit(body, w, rows)
	if len(foot) > 0 {
		out += "\n" + strings.Join(foot, "\n")
	}
	return out
}

func (d *detailScreen) ShortHelp() []key.Binding {
	k := d.c.keys
	switch {
	case d.edit != nil && d.editPath != "":
		return []key.Binding{k.KeepNote, k.Esc} // a question's comment goes with the return (x)
	case d.edit != nil:
		return []key.Binding{k.Send, k.Esc}
	}
	return []key.Binding{k.Approve, k.ReturnIv, k.Comment, k.Up, k.Down, k.Esc}
}

func (d *detailScreen) FullHelp() [][]key.Binding {
	k := d.c.keys
	return [][]key.Binding{{k.Approve, k.ReturnIv, k.Comment}, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.Esc}}
}

// coverageScreen shows traced and approved against the roster by kejuruan, batch, funding
// and regency, and each enumerator's day, as tables with bars; ←/→ switches the table.
type coverageScreen struct {
	c             *common
	cov           *review.Coverage
	err           error
	tab           int // 0..len(Breakdowns)-1, then the enumerators
	offset        int
	width, height int
}

func newCoverageScreen(c *common) *coverageScreen { return &coverageScreen{c: c} }

func (v *coverageScreen) SetSize(w, h int) { v.width, v.height = w, h }

func (v *coverageScreen) load() tea.Cmd {
	r, ctx, now := v.c.cfg.Reviewer, v.c.ctx, v.c.cfg.Now()
	return func() tea.Msg {
		cov, err := r.Coverage(ctx, now)
		return coverageMsg{cov: cov, err: err}
	}
}

func (v *coverageScreen) tabs() int {
	if v.cov == nil {
		return 1
	}
	return len(v.cov.Breakdowns) + 1
}

func (v *coverageScreen) Update(msg tea.Msg) tea.Cmd {
	k := v.c.keys
	switch msg := msg.(type) {
	case goCoverageMsg:
		return v.load()
	case coverageMsg:
		v.cov, v.err = msg.cov, msg.err
		if msg.err != nil {
			v.c.log.Error("coverage", "err", msg.err)
		}
		v.tab = min(v.tab, v.tabs()-1)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Esc):
			return v.c.navigate(goQueueMsg{})
		case msg.String() == "left", msg.String() == "shift+tab":
			v.tab, v.offset = (v.tab+v.tabs()-1)%v.tabs(), 0
		case msg.String() == "right", msg.String() == "tab":
			v.tab, v.offset = (v.tab+1)%v.tabs(), 0
		case key.Matches(msg, k.Up):
			v.offset = max(v.offset-1, 0)
		case key.Matches(msg, k.Down):
			v.offset++
		case key.Matches(msg, k.PageUp):
			v.offset = max(v.offset-10, 0)
		case key.Matches(msg, k.PageDown):
			v.offset += 10
		case key.Matches(msg, k.Refresh):
			return v.load()
		default:
			return keyUnused(v.c, msg)
		}
	}
	return nil
}

func (v *coverageScreen) View() string {
	t, st := v.c.t, v.c.st
	w := max(v.width, 40)
	if v.cov == nil {
		if v.err != nil {
			return wrap(t.ErrLoad+" "+v.c.errText(v.err), w, st.Error.Render)
		}
		return st.Muted.Render(t.ReviewLoading)
	}
	cov := v.cov
	var b strings.Builder
	tot := cov.Total
	b.WriteString(st.Title.Render(survey.Plurals(t.CoverageTotal, tot.Traced, tot.Roster, pct(tot.Traced, tot.Roster), tot.Approved, pct(tot.Approved, tot.Roster))) + "\n")
	if cov.Unlinked > 0 {
		b.WriteString(st.Muted.Render(survey.Plurals(t.CoverageUnlinked, cov.Unlinked)) + "\n")
	}
	var tabs []string
	for i := range v.tabs() {
		name := t.CoverageEnumerator
		if i < len(cov.Breakdowns) {
			name = t.coverageBy(cov.Breakdowns[i].Dimension)
		}
		if i == v.tab {
			tabs = append(tabs, st.Selected.Render("["+name+"]"))
		} else {
			tabs = append(tabs, " "+name+" ")
		}
	}
	b.WriteString(ansi.Truncate(strings.Join(tabs, ""), w, "…") + "\n\n")
	var lines []string
	barW := 16
	keyW := w - 2 - 1 - 9 - 1 - 9 - 1 - barW - 1 - 9
	if v.tab < len(cov.Breakdowns) {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("%-*s %9s %9s %*s %9s", keyW, "", t.CoverageRoster, t.CoverageTraced, barW, "", t.CoverageApproved)))
		for _, r := range cov.Breakdowns[v.tab].Rows {
			name := r.Key
			if name == "" {
				name = "—"
			}
			lines = append(lines, fmt.Sprintf("%-*s %9d %9s %s %9s", keyW, ansi.Truncate(name, keyW, "…"), r.Roster,
				fmt.Sprintf("%d %3d%%", r.Traced, pct(r.Traced, r.Roster)), coverBar(st, r.Traced, r.Approved, r.Roster, barW),
				fmt.Sprintf("%d %3d%%", r.Approved, pct(r.Approved, r.Roster))))
		}
		lines = append(lines, st.Muted.Render(t.CoverageLegend))
	} else {
		lines = append(lines, st.Muted.Render(survey.Plurals(t.CoverageToday, cov.Day)))
		lines = append(lines, st.Muted.Render(fmt.Sprintf("%-14s %8s %-*s %7s %7s %7s", t.ReviewHeadEnumerator, t.CoverageHeadToday, barW, "",
			t.CoverageHeadTotal, t.CoverageHeadApproved, t.CoverageHeadReturned)))
		most := 1
		for _, e := range cov.Enumerators {
			most = max(most, e.Today)
		}
		for _, e := range cov.Enumerators {
			lines = append(lines, fmt.Sprintf("%-14s %8d %s %7d %7d %7d", ansi.Truncate(e.Enumerator, 14, "…"), e.Today,
				syncBar(st, e.Today, most, barW), e.Total, e.Approved, e.Returned))
		}
	}
	rows := max(v.height-strings.Count(b.String(), "\n"), 1)
	v.offset = min(v.offset, max(len(lines)-rows, 0))
	for i := v.offset; i < len(lines) && i < v.offset+rows; i++ {
		b.WriteString(ansi.Truncate(lines[i], w, "…") + "\n")
	}
	return b.String()
}

// coverBar draws approved (full), traced but not approved (half) and the rest of total.
func coverBar(st Styles, traced, approved, total, width int) string {
	if total <= 0 {
		return strings.Repeat(" ", width)
	}
	a := min(width*approved/total, width)
	tr := min(width*traced/total, width)
	return st.BarFull.Render(strings.Repeat("█", a)) + st.BarFull.Render(strings.Repeat("▒", max(tr-a, 0))) +
		st.BarEmpty.Render(strings.Repeat("░", width-max(tr, a)))
}

func pct(n, of int) int {
	if of <= 0 {
		return 0
	}
	return (100*n + of/2) / of
}

func (v *coverageScreen) ShortHelp() []key.Binding {
	k := v.c.keys
	return []key.Binding{k.Filter, k.Up, k.Down, k.Refresh, k.Esc}
}

func (v *coverageScreen) FullHelp() [][]key.Binding {
	k := v.c.keys
	return [][]key.Binding{{k.Filter, k.Refresh, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown}}
}

// padRight pads s with spaces to w cells wide (as %-*s would count bytes, it counts cells).
func padRight(s string, w int) string {
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}
