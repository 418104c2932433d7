package tui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// interviewScreen asks one question at a time. An answer is validated and saved when the
// enumerator leaves its question; a refused answer keeps the enumerator there with the
// form's message.
type interviewScreen struct {
	*ivSession
	c       *common
	fld     input
	problem string
	// formProblem is the last problem the form found with an answer (a constraint's
	// message), said again in the form's language when it changes.
	formProblem string
	// live is the kind (and arguments) of a problem found by the input itself (an
	// impossible date, a number that does not read): it is rendered in the UI language on
	// every View, so that it follows a change of language.
	live     liveID
	liveArgs []any
	saveErr  string
	// created is set when the interview was started in this screen, touched once the
	// enumerator changed an answer: leaving a created, untouched draft offers to void it.
	created, touched bool
	// savedMark shows "saved" after a save the store confirmed, until the next key.
	savedMark bool
	confirm   bool // asking whether to remove the current repeat instance
	// undid is set when the last key was an Esc that undid an edit: Esc again goes back.
	undid bool
	// langKept is the form language of a resumed draft when it differs from the one the UI
	// language would choose now: the interview keeps it (it is the respondent's language) and
	// a one-line hint says so until the enumerator moves on or switches.
	langKept string
	// langNow says, after Ctrl+L and until the next key, which of the form's languages the
	// interview is now in: two languages may word a question alike, and then nothing else
	// on screen shows that the key did anything.
	langNow string
	plan    *progressPlan
	width   int
	height  int
}

// ivSession is an open interview: the stored record, the form session with its answers,
// what the store holds and where the enumerator is. The interview, jump and review screens
// share it.
type ivSession struct {
	iv       *survey.Interview
	sess     *forms.Session
	resp     *survey.Respondent
	roster   map[string]string // the respondent's roster values by question name
	stop     forms.Stop        // the stop on screen
	saved    map[string]string // what the store holds, by path
	readOnly bool
}

// newSession builds the form session of an opened interview from its stored answers.
func newSession(c *common, msg openedMsg) *ivSession {
	s := &ivSession{iv: msg.iv, resp: msg.resp, roster: msg.resp.Values(), readOnly: msg.readOnly, saved: map[string]string{}}
	f := msg.form
	if f == nil {
		f = c.cfg.Form
	}
	lang := msg.iv.Lang
	if lang == "" {
		lang = c.formLangOf(f)
	}
	opt := forms.Options{Lang: lang, Now: c.cfg.Now, DeviceID: c.cfg.DeviceID, Username: c.cfg.Enumerator, MessageLang: c.lang}
	if msg.created {
		opt.Prefill = s.roster
		if f.ModeChoice(msg.mode) {
			opt.Prefill = make(map[string]string, len(s.roster)+1)
			for k, v := range s.roster {
				opt.Prefill[k] = v
			}
			opt.Prefill[forms.ModeQuestion] = msg.mode
		}
	}
	s.sess = forms.NewSession(f, opt)
	if len(msg.answers) > 0 {
		for _, a := range msg.answers {
			s.saved[a.Path] = a.Value
		}
		if unknown := s.sess.Restore(msg.answers); len(unknown) > 0 {
			c.log.Warn("answers the form does not have", "interview", msg.iv.ID, "count", len(unknown))
		}
	}
	return s
}

// newInterviewScreen shows an opened interview's session at its position.
func newInterviewScreen(c *common, ses *ivSession, msg openedMsg) (*interviewScreen, tea.Cmd) {
	s := &interviewScreen{ivSession: ses, c: c, created: msg.created}
	s.plan = planProgress(ses.sess.Form())
	st, ok := forms.Stop{}, false
	if msg.corrected {
		st, ok = s.firstCommented()
	}
	if !ok && msg.iv.Position != "" {
		st, ok = s.stopAt(msg.iv.Position)
	}
	if !ok {
		st, ok = s.sess.First()
	}
	if !ok {
		return s, nil
	}
	s.show(st)
	if s.readOnly {
		return s, nil
	}
	if !msg.created && s.sess.Lang() != c.formLangOf(ses.sess.Form()) && len(ses.sess.Form().Languages) > 1 {
		s.langKept = s.sess.Lang()
	}
	return s, s.persist("", st.Path)
}

// stopAt finds the stop at path (a question, or a repeat's prompt).
func (s *interviewScreen) stopAt(path string) (forms.Stop, bool) {
	for _, st := range s.sess.Stops() {
		if st.Path == path {
			return st, true
		}
	}
	return forms.Stop{}, false
}

func (s *interviewScreen) show(st forms.Stop) {
	s.stop = st
	s.fld = newInput(&s.c.fkeys, s.sess, st)
	s.problem, s.live, s.liveArgs = "", liveNone, nil
	s.confirm = false
}

// relabel shows the current question in the new language.
func (s *interviewScreen) relabel() {
	if s.fld != nil {
		s.fld.Relabel(s.sess)
	}
}

func (s *interviewScreen) SetSize(w, h int) { s.width, s.height = w, h }

// typing reports whether the question takes free text.
func (s *interviewScreen) typing() bool {
	return s.fld != nil && !s.readOnly && s.fld.Typing()
}

// commit validates what the field holds and stores it in the session; false keeps the
// enumerator on the question with the problem shown.
func (s *interviewScreen) commit() bool {
	if !s.answering() {
		return true
	}
	v, live := s.fld.Value()
	if live != liveNone {
		s.problem, s.live, s.liveArgs = "", live, valueArgs(s.fld)
		return false
	}
	if v == s.sess.Value(s.stop.Path) {
		return true
	}
	p, err := s.sess.Set(s.stop.Path, v)
	if err != nil {
		s.problem = err.Error()
		return false
	}
	s.touched = true
	if p != nil {
		s.problem, s.formProblem = p.Message, p.Message
		return false
	}
	return true
}

// stayed says, under why the answer on screen cannot be taken, that a key that leaves the
// question did not: else the key seems to do nothing, and the next keys are typed into an
// answer the enumerator thinks she left.
func (s *interviewScreen) stayed() {
	if s.live != liveNone && s.problem == "" {
		s.problem = liveText(s.c.t, s.live, s.liveArgs)
	}
	s.live, s.liveArgs = liveStayed, nil
}

// unconfirmed reports whether the question on screen holds an edit that differs from the
// answer in the session (or does not read yet).
func (s *interviewScreen) unconfirmed() bool {
	if !s.answering() {
		return false
	}
	v, live := s.fld.Value()
	return live != liveNone || v != s.sess.Value(s.stop.Path)
}

// answering reports whether the question on screen takes an answer the enumerator edits
// (not a note, a repeat's prompt, or a read-only answer).
func (s *interviewScreen) answering() bool {
	if s.fld == nil || s.readOnly || s.sess.ReadOnly(s.stop.Path) {
		return false
	}
	k := s.fld.Kind()
	return k != fieldNote && k != fieldPrompt
}

// persist saves every answer that changed since the last save and records the position,
// with the leave and enter events, in one queued write.
func (s *interviewScreen) persist(leave, enter string) tea.Cmd {
	return s.saveProgress(leave, enter, "")
}

// saveProgress is persist that also, when holder is not empty, writes every answer of the
// repeat holder again after removing the stored ones (its instances were renumbered), in
// the same transaction.
func (s *interviewScreen) saveProgress(leave, enter, holder string) tea.Cmd {
	if s.readOnly {
		return nil
	}
	var dropped, replaced []string
	if holder != "" {
		for p := range s.saved {
			if under(p, holder) {
				dropped = append(dropped, p)
				delete(s.saved, p)
			}
		}
		sort.Strings(dropped)
		replaced = []string{holder}
	}
	cur := s.sess.Answers()
	seen := make(map[string]bool, len(cur))
	var changed []survey.Answer
	for _, a := range cur {
		seen[a.Path] = true
		if old, ok := s.saved[a.Path]; !ok || old != a.Value {
			changed = append(changed, a)
			s.saved[a.Path] = a.Value
		}
	}
	var removed []string
	for p := range s.saved {
		if !seen[p] {
			removed = append(removed, p)
		}
	}
	sort.Strings(removed)
	for _, p := range removed {
		delete(s.saved, p)
	}
	id := s.iv.ID
	var evs []survey.Event
	if leave != "" {
		evs = append(evs, survey.Event{InterviewID: id, Kind: survey.EventLeave, Path: leave})
	}
	if enter != "" && enter != leave {
		evs = append(evs, survey.Event{InterviewID: id, Kind: survey.EventEnter, Path: enter})
	}
	store := s.c.cfg.Interviews
	changedPaths := make([]string, len(changed))
	for i, a := range changed {
		changedPaths[i] = a.Path
	}
	c := survey.Changes{Answers: changed, Removed: slices.Concat(removed, replaced), Position: enter, Events: evs}
	return s.c.write(func(ctx context.Context) error {
		if err := store.SaveProgress(ctx, id, c); err != nil {
			return fmt.Errorf("save progress: %w", err)
		}
		return nil
	}, func(err error) tea.Msg {
		// on failure every path involved is written or removed again by the next save
		return savedMsg{id: id, changed: changedPaths, removed: slices.Concat(removed, dropped), err: err}
	})
}

// move leaves the current question for st, saving on the way.
func (s *interviewScreen) move(st forms.Stop) tea.Cmd {
	leave := s.stop.Path
	s.langKept = ""
	s.show(st)
	return s.persist(leave, st.Path)
}

// neighbour returns the stop before (step -1) or after (+1) the current one. The session's
// Next and Prev take a path, and a repeat's add-another prompt has the repeat's own path, so
// they take the prompt for the repeat itself (whose instances come after it): going back from
// the prompt would skip every instance. The list of stops tells the two apart, so it is used
// while the current stop is in it; Next and Prev only continue from a question that has just
// become irrelevant.
func (s *interviewScreen) neighbour(step int) (forms.Stop, bool) {
	stops := s.sess.Stops()
	for i, st := range stops {
		if st.Path == s.stop.Path && st.Prompt == s.stop.Prompt {
			if j := i + step; j >= 0 && j < len(stops) {
				return stops[j], true
			}
			return forms.Stop{}, false
		}
	}
	if s.stop.Prompt {
		// the repeat itself became irrelevant: continue after the last stop before it
		var prev, next forms.Stop
		okPrev, okNext := false, false
		target := s.stop.Node.Index
		for _, st := range stops {
			if st.Node.Index < target {
				prev, okPrev = st, true
			} else if !okNext && st.Node.Index > lastIndex(s.stop.Node) {
				next, okNext = st, true
			}
		}
		if step < 0 {
			return prev, okPrev
		}
		return next, okNext
	}
	if step > 0 {
		return s.sess.Next(s.stop.Path)
	}
	return s.sess.Prev(s.stop.Path)
}

// highlightTaker is a choice input whose highlighted option Enter takes when nothing is
// picked (see takeHighlight); leaving by any other key records only what was picked.
// untaken says why Enter cannot go on when a search stays on screen that Enter did not take
// (nothing matches it, or a multiple choice, where Space picks), liveNone otherwise.
type highlightTaker interface {
	takeHighlight()
	untaken() liveID
	dropInapplicable() string
	hidesAnswer() bool
}

// requiredVariant is the message said instead of one ending "Enter goes on" where the answer
// on screen cannot be taken (a required question with nothing picked): Enter would not.
var requiredVariant = map[liveID]liveID{
	liveArrowsNone:    liveArrowsNoneRequired,
	liveSearchNoMatch: liveSearchNoMatchRequired,
	liveSearchMany:    liveSearchManyRequired,
}

// next validates the answer (required and constraint included) and goes to the next stop,
// or to the review at the end.
func (s *interviewScreen) next() tea.Cmd {
	if s.readOnly {
		if st, ok := s.neighbour(1); ok {
			s.show(st)
		}
		return nil
	}
	if h, ok := s.fld.(highlightTaker); ok && !s.sess.ReadOnly(s.stop.Path) {
		h.takeHighlight()
		if id := h.untaken(); id != liveNone {
			// what is picked on screen is recorded; the enumerator stays to read why
			if !s.commit() {
				return nil
			}
			if s.sess.Check(s.stop.Path) != nil {
				// no "Enter goes on" where it would not (a required question, nothing picked)
				if req, ok := requiredVariant[id]; ok {
					id = req
				}
			}
			s.problem, s.live, s.liveArgs = "", id, nil
			return s.persist(s.stop.Path, s.stop.Path)
		}
		if dropped := h.dropInapplicable(); dropped != "" {
			// What the screen shows is recorded, and the enumerator stays to see that the
			// earlier answer is gone: pick again, or Enter goes on.
			if !s.commit() {
				return nil
			}
			id := liveInapplicable
			if s.sess.Check(s.stop.Path) != nil {
				id = liveInapplicableRequired // no "Enter goes on": it would not
			}
			s.problem, s.live, s.liveArgs = "", id, []any{survey.Printable(s.choiceLabels(dropped))}
			return s.persist(s.stop.Path, s.stop.Path)
		}
	}
	if !s.commit() {
		return nil
	}
	if !s.stop.Prompt {
		if p := s.sess.Check(s.stop.Path); p != nil {
			s.problem, s.formProblem = p.Message, p.Message
			return nil
		}
	}
	st, ok := s.neighbour(1)
	if !ok {
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), s.c.navigate(goReviewMsg{}))
	}
	return s.move(st)
}

// back goes to the previous stop; an answer the form refuses keeps the enumerator here.
func (s *interviewScreen) back() tea.Cmd {
	if !s.commit() {
		s.stayed()
		return nil
	}
	st, ok := s.neighbour(-1)
	if !ok {
		return nil
	}
	if s.readOnly {
		s.show(st)
		return nil
	}
	return s.move(st)
}

// goTo jumps to the stop at path.
func (s *interviewScreen) goTo(path string) tea.Cmd {
	if !s.commit() {
		s.stayed()
		return nil
	}
	st, ok := s.stopAt(path)
	if !ok {
		return nil
	}
	if s.readOnly {
		s.show(st)
		return nil
	}
	return s.move(st)
}

// saveNow keeps what is on screen (when the form accepts it) and saves everything. refused
// says, in the UI language, where and why the entry on screen was not kept ("" when it was).
func (s *interviewScreen) saveNow() (cmd tea.Cmd, refused string) {
	if s.readOnly {
		return s.c.flush(), ""
	}
	if !s.commit() {
		s.c.log.Info("left a question with a refused entry", "interview", s.iv.ID, "path", s.stop.Path)
		why := s.problem
		if s.live != liveNone {
			why = liveText(s.c.t, s.live, s.liveArgs)
		}
		refused = survey.Printable(survey.Plurals(s.c.t.InterviewQuitRefused, forms.PlainText(s.sess.Label(s.stop.Path)), why))
	}
	return s.persist(s.stop.Path, s.stop.Path), refused
}

// instanceOf returns the innermost repeat instance path around path, "" outside repeats.
func instanceOf(path string) string {
	i := strings.LastIndexByte(path, ']')
	if i < 0 {
		return ""
	}
	return path[:i+1]
}

// holderOf returns the repeat path of an instance path: "rep[2]" -> "rep".
func holderOf(inst string) string {
	if i := strings.LastIndexByte(inst, '['); i >= 0 {
		return inst[:i]
	}
	return inst
}

// addInstance answers yes at a repeat's prompt, or adds an instance to the repeat around the
// current question (the add key): a new instance at the end and its first question.
func (s *interviewScreen) addInstance() tea.Cmd {
	holder := s.stop.Path
	if !s.stop.Prompt {
		if !s.commit() {
			return nil
		}
		holder = holderOf(instanceOf(s.stop.Path))
	}
	inst, err := s.sess.AddInstance(holder)
	if err != nil {
		s.problem = err.Error()
		return nil
	}
	for _, st := range s.sess.Stops() {
		if strings.HasPrefix(st.Path, inst+"/") {
			return s.move(st)
		}
	}
	return s.move(s.stop) // an instance with nothing to ask: stay at the prompt
}

// growable reports whether the repeat around path takes instances from the enumerator (it
// has no repeat_count), so that the add and remove keys apply.
func (s *interviewScreen) growable(path string) bool {
	inst := instanceOf(path)
	if inst == "" {
		return false
	}
	n := s.sess.NodeAt(holderOf(inst))
	return n != nil && n.Kind == forms.KindRepeat && n.RepeatCount == nil
}

// repeatKeyRefused says why a key of the repeats changed nothing: the question is in no
// repeat, or its repeat's count is set by the form.
func (s *interviewScreen) repeatKeyRefused() {
	if s.readOnly {
		return
	}
	s.problem, s.liveArgs = "", nil
	switch {
	case s.stop.Prompt && s.sess.Instances(s.stop.Path) == 0:
		s.live = liveOnFirstPrompt // no instance to go back to
	case s.stop.Prompt:
		s.live = liveOnPrompt
	case instanceOf(s.stop.Path) == "":
		s.live = liveNoRepeat
	default:
		s.live = liveRepeatCounted
	}
}

// instanceName names a repeat instance for the enumerator: "Member 2".
func (s *interviewScreen) instanceName(inst string) string {
	holder := holderOf(inst)
	label := s.sess.Label(holder)
	if n := s.sess.NodeAt(holder); label == "" && n != nil {
		label = n.Name
	}
	return label + " " + strings.Trim(inst[len(holder):], "[]")
}

// under reports whether path is the repeat holder or inside one of its instances.
func under(path, holder string) bool {
	return path == holder || strings.HasPrefix(path, holder+"[") || strings.HasPrefix(path, holder+"/")
}

// removeInstance removes the repeat instance around the current question and renumbers
// the rest: the store's answers under the repeat are replaced in one transaction.
func (s *interviewScreen) removeInstance() tea.Cmd {
	inst := instanceOf(s.stop.Path)
	holder := holderOf(inst)
	if err := s.sess.RemoveInstance(inst); err != nil {
		s.problem = err.Error()
		return nil
	}
	st, ok := s.stopAt(holder)
	if !ok {
		if st, ok = s.sess.First(); !ok {
			return nil
		}
	}
	leave := s.stop.Path
	s.show(st)
	return s.saveProgress(leave, st.Path, holder)
}

// otherInstance moves to the same question in the previous (-1) or next (+1) instance.
func (s *interviewScreen) otherInstance(step int) tea.Cmd {
	if s.stop.Prompt {
		s.repeatKeyRefused()
		return nil
	}
	inst := instanceOf(s.stop.Path)
	if inst == "" {
		s.repeatKeyRefused()
		return nil
	}
	// a move that finds no instance says so
	s.problem, s.live, s.liveArgs = "", liveNoOtherInstance, nil
	holder := holderOf(inst)
	var n int
	fmt.Sscanf(inst[len(holder):], "[%d]", &n)
	n += step
	if n < 1 || n > s.sess.Instances(holder) {
		return nil
	}
	target := fmt.Sprintf("%s[%d]", holder, n)
	rest := strings.TrimPrefix(s.stop.Path, inst)
	if _, ok := s.stopAt(target + rest); ok {
		return s.goTo(target + rest)
	}
	for _, st := range s.sess.Stops() {
		if strings.HasPrefix(st.Path, target+"/") {
			return s.goTo(st.Path)
		}
	}
	return nil
}

// setFormLang switches the form language of the interview.
func (s *interviewScreen) setFormLang(lang string) tea.Cmd {
	if err := s.sess.SetLang(lang); err != nil {
		return nil
	}
	s.langKept = ""
	s.relabel()
	s.reproblem()
	if s.readOnly {
		return nil
	}
	id, l, store := s.iv.ID, s.sess.Lang(), s.c.cfg.Interviews
	s.iv.Lang = l
	return s.c.write(func(ctx context.Context) error { return store.SetLang(ctx, id, l) },
		func(err error) tea.Msg { return savedMsg{id: id, err: err} })
}

// reproblem says again, in the form's language just chosen, the form's problem with the
// answer on screen (a constraint's message, a required answer missing): a message in the
// other language would stay under the question otherwise.
func (s *interviewScreen) reproblem() {
	if s.problem == "" || s.problem != s.formProblem || !s.answering() {
		return
	}
	var p *forms.Problem
	if v, live := s.fld.Value(); live == liveNone && v != s.sess.Value(s.stop.Path) {
		p = s.sess.Validate(s.stop.Path, v)
	} else if live == liveNone {
		p = s.sess.Check(s.stop.Path)
	}
	if p != nil {
		s.problem, s.formProblem = p.Message, p.Message
	}
}

// cycleLang switches to the form's next language.
func (s *interviewScreen) cycleLang() tea.Cmd {
	langs := s.sess.Form().Languages
	if len(langs) < 2 {
		return nil
	}
	i := (indexOf(langs, s.sess.Lang()) + 1) % len(langs)
	cmd := s.setFormLang(langs[i])
	if s.sess.Lang() == langs[i] {
		s.langNow = survey.Plurals(s.c.t.InterviewLangNow, langName(langs[i]), i+1, len(langs))
	}
	return cmd
}

func (s *interviewScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		if msg.id != s.iv.ID {
			return nil
		}
		if msg.err != nil {
			s.c.log.Error("save", "interview", msg.id, "err", msg.err)
			detail := s.c.errText(msg.err)
			if survey.ErrorCode(msg.err) == survey.EFULL {
				detail = s.c.t.ErrFull
			}
			s.saveErr = s.c.t.ErrSave + " " + detail
			for _, p := range msg.changed {
				delete(s.saved, p)
			}
			for _, p := range msg.removed {
				s.saved[p] = "\x00"
			}
		} else {
			s.saveErr = ""
			s.savedMark = len(msg.changed) > 0 || len(msg.removed) > 0
		}
		return nil
	case finalizedMsg:
		return nil
	case goInterviewMsg:
		if msg.path != "" {
			return s.goTo(msg.path)
		}
		return nil
	case tea.KeyPressMsg:
		return s.key(msg)
	case tea.PasteMsg:
		if s.fld != nil && !s.readOnly && s.fld.Update(msg) {
			s.problem, s.live, s.liveArgs = "", s.fld.Note(), s.fld.NoteArgs()
			if s.live == liveNone && strings.ContainsAny(msg.Content, "\r\n") {
				// a paste is typed into the entry, its line breaks as spaces: none is an
				// Enter that would take the answer or the next question's
				s.live = livePasteLines
			}
		} else if strings.TrimSpace(msg.Content) != "" {
			s.wrongKey(tea.KeyPressMsg{Text: msg.Content}) // a paste where nothing is typed
		}
	}
	return nil
}

func (s *interviewScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	s.savedMark = false
	s.langNow = ""
	undid := s.undid
	s.undid = false
	if s.confirm {
		switch {
		case key.Matches(msg, k.Yes):
			return s.removeInstance()
		default:
			s.confirm = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Jump):
		if !s.commit() {
			s.stayed()
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), s.c.navigate(goJumpMsg{}))
	case key.Matches(msg, k.Review):
		if !s.commit() {
			s.stayed()
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), s.c.navigate(goReviewMsg{}))
	case key.Matches(msg, k.FormLang):
		if len(s.sess.Form().Languages) < 2 {
			s.live, s.liveArgs = liveOneLang, nil
			return nil
		}
		return s.cycleLang()
	case key.Matches(msg, k.SaveLeave):
		if s.readOnly {
			return s.c.navigate(goListMsg{})
		}
		if !s.commit() {
			s.stayed()
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), s.c.navigate(s.leaveMsg()))
	case key.Matches(msg, k.Back):
		return s.back()
	}
	if s.fld != nil && !s.readOnly && s.fld.Update(msg) {
		s.problem, s.live, s.liveArgs = "", s.fld.Note(), s.fld.NoteArgs()
		return nil
	}
	switch {
	case key.Matches(msg, k.Esc):
		if s.readOnly {
			return s.c.navigate(goReviewMsg{})
		}
		if !undid && s.unconfirmed() {
			// Esc is not a way to take an answer: an edit not taken with Enter (a stray
			// key over a roster value, a digit that picked another option) is undone,
			// and the saved answer comes back; Esc again goes back.
			s.show(s.stop)
			s.live, s.undid = liveEditUndone, true
			return nil
		}
		if !s.commit() {
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), s.c.navigate(s.leaveMsg()))
	case key.Matches(msg, k.RemoveInstance):
		if !s.readOnly && !s.stop.Prompt && s.growable(s.stop.Path) {
			s.confirm = true
			return nil
		}
		s.repeatKeyRefused()
		return nil
	case key.Matches(msg, k.AddInstance):
		if !s.readOnly && (s.stop.Prompt || s.growable(s.stop.Path)) {
			return s.addInstance()
		}
		s.repeatKeyRefused()
		return nil
	case key.Matches(msg, k.PrevInstance):
		return s.otherInstance(-1)
	case key.Matches(msg, k.NextInstance):
		return s.otherInstance(1)
	}
	if s.fld != nil && s.fld.Kind() == fieldPrompt && !s.readOnly {
		switch pk := &s.c.fkeys.Prompt; {
		case key.Matches(msg, pk.Yes):
			return s.addInstance()
		case key.Matches(msg, pk.No):
			return s.next()
		}
		s.wrongKey(msg)
		return nil
	}
	if key.Matches(msg, k.Next) {
		return s.next()
	}
	s.wrongKey(msg)
	return nil
}

// choiceLabels names the choices of the question on screen in names (space-separated), from
// its whole list, filtered or not: "Kabupaten Kutai Timur".
func (s *interviewScreen) choiceLabels(names string) string {
	n := s.stop.Node
	list := s.sess.Form().Lists[n.ListName]
	var out []string
	for _, name := range strings.Fields(names) {
		label := name
		if list != nil {
			if c := list.Choice(name); c != nil {
				label = forms.PlainText(s.sess.ChoiceLabelAt(s.stop.Path, c))
			}
		}
		out = append(out, label)
	}
	return strings.Join(out, ", ")
}

// wrongKey says which keys the question takes when msg types a character it does not take
// (a letter on a date, any character on a note): a key never does nothing in silence.
func (s *interviewScreen) wrongKey(msg tea.KeyPressMsg) {
	if s.fld != nil && !s.readOnly && msg.Text == "" && msg.Mod == 0 && unusedKey(msg.Code) {
		s.problem, s.live, s.liveArgs = "", liveUnusedKey, nil
		return
	}
	if s.fld == nil || s.readOnly || msg.Text == "" || msg.Mod&^tea.ModShift != 0 {
		return
	}
	id := liveNone
	switch s.fld.Kind() {
	case fieldNote:
		id = liveNoteKey
	case fieldPrompt:
		id = livePromptKey
	case fieldAck:
		id = liveAckKey
	case fieldRank:
		id = liveRankKey
	case fieldMask:
		id = liveMaskKey
	}
	if s.fld.Kind() != fieldNote && s.fld.Kind() != fieldPrompt && s.sess.ReadOnly(s.stop.Path) {
		id = liveReadOnlyKey
	}
	if id != liveNone {
		s.problem, s.live, s.liveArgs = "", id, nil
	}
}

// unusedKey reports whether code is a key a newcomer may press expecting it to do
// something (a function key, a page or line key) that the question did not take.
func unusedKey(code rune) bool {
	switch code {
	case tea.KeyPgUp, tea.KeyPgDown, tea.KeyHome, tea.KeyEnd, tea.KeyInsert, tea.KeyDelete:
		return true
	}
	return code >= tea.KeyF2 && code <= tea.KeyF63
}

// masked returns the answer at path for display away from its question: a number that
// identifies a person (personal_data "nik" or "phone" in the form) is masked; names and dates
// stay readable, as the enumerator confirms them with the respondent.
func masked(s *forms.Session, path string) string {
	switch kind := survey.PersonalData(s.NodeAt(path)); kind {
	case survey.PersonalNIK, survey.PersonalPhone:
		return survey.MaskValue(kind, s.Value(path))
	}
	return s.Value(path)
}

// display returns the answer at path as the enumerator reads it: choice labels for selects,
// numbers grouped in the UI language (6.500.000), personal data masked.
func display(t *texts, s *forms.Session, path string) string {
	return displayAs(t, s, path, masked(s, path))
}

// displayAs returns the answer v of the question at path as it is read, escaped for the
// terminal (survey.Printable).
func displayAs(t *texts, s *forms.Session, path, v string) string {
	return survey.Printable(readAs(t, s, path, v))
}

func readAs(t *texts, s *forms.Session, path, v string) string {
	n := s.NodeAt(path)
	if v != "" && n != nil && (n.Type == "integer" || n.Type == "decimal") {
		return groupDigits(v, t)
	}
	if v == "" || n == nil || n.ListName == "" {
		return v
	}
	names := strings.Fields(v)
	if n.Type == "select_one" {
		names = []string{v} // one choice, whose name may hold spaces
	}
	var out []string
	cs := s.Choices(path)
	for _, name := range names {
		label := name
		for _, c := range cs {
			if c.Name == name {
				label = s.ChoiceLabelAt(path, c)
				break
			}
		}
		out = append(out, label)
	}
	return strings.Join(out, ", ")
}

func (s *interviewScreen) View() string {
	t, st := s.c.t, s.c.st
	w := max(s.width, 20)
	if s.fld == nil {
		return st.Muted.Render(t.InterviewEmpty)
	}
	var top []string
	who := s.who()
	if s.readOnly {
		who += "  " + st.Warn.Render("["+t.InterviewReadOnly+"]")
	}
	if s.savedMark {
		mark := st.OK.Render("✓ " + t.InterviewSavedMark)
		who = ansi.Truncate(who, max(w-ansi.StringWidth(mark)-2, 10), "…")
		who += strings.Repeat(" ", max(w-ansi.StringWidth(who)-ansi.StringWidth(mark), 2)) + mark
	}
	top = append(top, ansi.Truncate(who, w, "…"))
	top = append(top, s.bar(w))
	sec := strings.Join(s.sess.Sections(s.stop.Path), " › ")
	if s.stop.Prompt {
		// a repeat with no label is called by its name, as on its prompt and its instances
		name := s.sess.Label(s.stop.Path)
		if name == "" {
			name = s.stop.Node.Name
		}
		sec = strings.Join(append(s.sess.Sections(s.stop.Path), name), " › ")
	}
	top = append(top, st.Section.Render(ansi.Truncate(sec, w, "…")), "")
	labelAt := len(top) // the label and its hint: what gives way when the window is short
	label := s.sess.Label(s.stop.Path)
	if s.stop.Prompt {
		if label == "" {
			label = s.stop.Node.Name
		}
		label = survey.Plurals(t.InterviewAddAnother, label, s.sess.Instances(s.stop.Path))
	} else if s.sess.Required(s.stop.Path) {
		label += " *"
	}
	top = append(top, richWrap(s.fillRoster(label), w, st.Label, st))
	if h := s.sess.Hint(s.stop.Path); h != "" && !s.stop.Prompt {
		top = append(top, richWrap(s.fillRoster(h), w, st.Hint, st))
	}
	labelEnd := len(top)
	if id := s.identity(); id != "" {
		top = append(top, wrap(id, w, st.Prefill.Render))
	}
	top = append(top, "")
	var bottom []string
	if s.fld.Kind() != fieldPrompt && !s.readOnly {
		// The note stands over the roster's value only: not over an edit of it on screen,
		// nor over a choice that shows nothing picked because an earlier answer made the
		// roster's inapplicable (Kota Bontang after the province became Jawa Timur).
		h, hides := s.fld.(highlightTaker)
		hides = hides && h.hidesAnswer()
		if rv, ok := s.roster[s.stop.Node.Name]; ok && rv != "" && rv == s.sess.Value(s.stop.Path) && !s.unconfirmed() && !hides {
			bottom = append(bottom, wrap(t.InterviewPrefill, w, st.Prefill.Render))
		}
	}
	if s.problem != "" {
		bottom = append(bottom, wrap("✗ "+s.problem, w, st.Error.Render))
	}
	switch {
	case s.live == liveEditUndone: // what Esc did, not a mistake
		bottom = append(bottom, wrap("↺ "+liveText(t, s.live, s.liveArgs), w, st.Prefill.Render))
	case s.live != liveNone:
		bottom = append(bottom, wrap("✗ "+liveText(t, s.live, s.liveArgs), w, st.Error.Render))
	}
	if s.confirm {
		bottom = append(bottom, wrap(survey.Plurals(t.InterviewConfirmRemove, s.instanceName(instanceOf(s.stop.Path))), w, st.Warn.Render))
	}
	if s.langKept != "" {
		bottom = append(bottom, wrap(survey.Plurals(t.InterviewLangKept, langName(s.langKept)), w, st.Hint.Render))
	}
	if s.langNow != "" {
		bottom = append(bottom, wrap(s.langNow, w, st.Hint.Render))
	}
	if s.saveErr != "" {
		bottom = append(bottom, wrap(s.saveErr, w, st.Error.Render))
	}
	if s.iv.ReturnComment != "" && !s.readOnly {
		general, byPath := splitReturnComment(s.iv.ReturnComment)
		if q := byPath[s.stop.Path]; q != "" {
			bottom = append(bottom, wrap(t.ReturnedQuestion+" "+q, w, st.Warn.Render))
		}
		if general != "" {
			bottom = append(bottom, st.Warn.Render(ansi.Truncate(t.ReturnedComment+" "+strings.ReplaceAll(general, "\n", " "), w, "…")))
		}
		if len(byPath) > 0 {
			var labels []string
			for _, stp := range s.sess.Stops() {
				if _, ok := byPath[stp.Path]; ok && !stp.Prompt {
					labels = append(labels, s.sess.Label(stp.Path))
				}
			}
			list := wrap(survey.Plurals(t.ReturnedList, len(byPath), strings.Join(labels, "; ")), w, st.Warn.Render)
			if lines := strings.Split(list, "\n"); len(lines) > 2 {
				list = strings.Join(lines[:2], "\n") + "…"
			}
			bottom = append(bottom, list)
		}
	}
	tail := strings.Join(bottom, "\n")
	used := 0
	for _, l := range top {
		used += strings.Count(l, "\n") + 1
	}
	if tail != "" {
		used += strings.Count(tail, "\n") + 2
	}
	// A label too long for the window is cut, its last line kept ending in "…", rather
	// than the entry under it and what is typed there.
	const minBody = 3
	if over := used + minBody - s.height; over > 0 && s.height > 0 {
		block := strings.Split(strings.Join(top[labelAt:labelEnd], "\n"), "\n")
		if keep := max(len(block)-over-1, 1); keep < len(block) {
			block = append(block[:keep], st.Muted.Render(t.InterviewLabelCut))
			top = append(top[:labelAt], append([]string{strings.Join(block, "\n")}, top[labelEnd:]...)...)
		}
	}
	head := strings.Join(top, "\n")
	used = strings.Count(head, "\n") + 1
	if tail != "" {
		used += strings.Count(tail, "\n") + 2
	}
	room := max(s.height-used, 2)
	body := s.fld.View(t, st, w, room)
	out := head + "\n" + body
	if tail != "" {
		out = fit(out, w, s.height-strings.Count(tail, "\n")-1) + "\n" + tail
	}
	return out
}

// progressPlan is the fixed layout of a form that the progress bar is drawn against.
//
// Counting only the stops that are relevant now is honest but makes a bar jump backwards:
// the consent section alone is "1/6", and once consent is given the form opens up to "3/38".
// So the two halves of the progress line answer different questions:
//   - the bar is the share of the form's answerable questions (notes included) that come
//     before this one in document order. It does not depend on answers, so moving forward
//     never empties it; skipped questions simply make it advance faster. A repeat can be
//     gone through any number of times, so the bar stands still at the repeat's start for
//     all its instances and its prompt, and moves past it once the interview leaves it.
//   - the label counts honestly what is relevant now, but within a part of the form: "Part
//     2/7 · 3/12" is the second of the form's seven top-level sections and the third of the
//     twelve questions it asks now. Relevance changes mostly within a section, so the numbers
//     stay small and steady; a form without sections shows just "3/12".
type progressPlan struct {
	before []int               // before[i]: answerable nodes in Form.Nodes[:i]
	total  int                 // answerable nodes in the form
	part   map[*forms.Node]int // a top-level node's part number, 1-based
	parts  int
}

func planProgress(f *forms.Form) *progressPlan {
	p := &progressPlan{before: make([]int, len(f.Nodes)+1), part: map[*forms.Node]int{}}
	for i, n := range f.Nodes {
		p.before[i] = p.total
		if n.Answerable() {
			p.total++
		}
	}
	p.before[len(f.Nodes)] = p.total
	if f.Root == nil {
		return p
	}
	loose := false // the previous part is a run of top-level questions outside any group
	for _, c := range f.Root.Children {
		if !c.IsGroup() {
			if !c.Answerable() {
				continue
			}
			if !loose {
				p.parts++
			}
			loose = true
			p.part[c] = p.parts
			continue
		}
		if p.before[lastIndex(c)+1] == p.before[c.Index] {
			continue // nothing to ask in it
		}
		p.parts++
		loose = false
		p.part[c] = p.parts
	}
	return p
}

// lastIndex returns the index in Form.Nodes of the last node of n's subtree.
func lastIndex(n *forms.Node) int {
	for len(n.Children) > 0 {
		n = n.Children[len(n.Children)-1]
	}
	return n.Index
}

// outerRepeat returns the outermost repeat that is n or holds n, nil outside repeats.
func outerRepeat(n *forms.Node) *forms.Node {
	var r *forms.Node
	if n.Kind == forms.KindRepeat {
		r = n
	}
	for p := n.Repeat; p != nil; p = p.Repeat {
		r = p
	}
	return r
}

// top returns the top-level node n belongs to.
func top(n *forms.Node) *forms.Node {
	for n.Parent != nil && n.Parent.Parent != nil {
		n = n.Parent
	}
	return n
}

// progress is where the current stop stands; see progressPlan. done of total is the bar's
// share; part of parts is the section and i of n the stop among those it asks now.
type progress struct{ done, total, part, parts, i, n int }

func (s *interviewScreen) progress() progress {
	p, n := s.plan, s.stop.Node
	pr := progress{total: p.total, parts: p.parts}
	if n == nil || n.Index >= len(p.before) {
		return pr
	}
	pr.done = p.before[n.Index] + 1
	if r := outerRepeat(n); r != nil {
		pr.done = p.before[r.Index]
	}
	pr.part = p.part[top(n)]
	for _, st := range s.sess.Stops() {
		if st.Node == nil || p.part[top(st.Node)] != pr.part {
			continue
		}
		pr.n++
		if st.Path == s.stop.Path && st.Prompt == s.stop.Prompt {
			pr.i = pr.n
		}
	}
	return pr
}

// bar draws the progress line of the current stop.
func (s *interviewScreen) bar(w int) string {
	pr := s.progress()
	label := fmt.Sprintf(" %d/%d", pr.i, pr.n)
	if pr.parts > 1 && pr.part > 0 {
		label = " " + survey.Plurals(s.c.t.InterviewPart, pr.part, pr.parts) + " ·" + label
	}
	width := max(min(w-ansi.StringWidth(label)-1, 50), 10)
	full := 0
	if pr.total > 0 {
		full = min(width*pr.done/pr.total, width)
	}
	return s.c.st.BarFull.Render(strings.Repeat("█", full)) + s.c.st.BarEmpty.Render(strings.Repeat("░", width-full)) + label
}

// answerReadOnly reports whether the question on screen is one the form does not let the
// enumerator change (read_only, a value from the roster): the keys of its entry are not
// offered.
func (s *interviewScreen) answerReadOnly() bool {
	return s.fld != nil && s.fld.Kind() != fieldNote && s.fld.Kind() != fieldPrompt && s.sess.ReadOnly(s.stop.Path)
}

func (s *interviewScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	b := []key.Binding{k.Next}
	if s.fld != nil && !s.readOnly && !s.answerReadOnly() {
		b = append(b, s.fld.ShortHelp()...)
	}
	return append(b, k.Back, k.Jump, k.SaveLeave)
}

func (s *interviewScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	var own []key.Binding
	if s.fld != nil && !s.readOnly && !s.answerReadOnly() {
		own = s.fld.FullHelp()
	}
	return [][]key.Binding{
		append([]key.Binding{k.Next, k.Back}, own...),
		{k.Jump, k.Review, k.FormLang, k.SaveLeave, k.Esc},
		{k.AddInstance, k.RemoveInstance, k.PrevInstance, k.NextInstance, k.Quit},
	}
}

// liveText renders a problem the input found, in the UI language: "30 Februari tidak ada".
// A day-of-month message's month argument is a month number, named here.
func liveText(t *texts, id liveID, args []any) string {
	if id == liveMaskBlocked && len(args) > 0 {
		// The reason the digit was refused, then why the keys after it are not taken.
		if why, ok := args[0].(liveID); ok && why != liveNone {
			return liveText(t, why, args[1:]) + " " + t.live(liveMaskBlocked)
		}
	}
	if len(args) > 0 {
		// the names of a date entry and of its parts, in the UI language
		named := make([]any, len(args))
		for i, a := range args {
			switch a := a.(type) {
			case maskEntry:
				named[i] = t.MaskEntries[a]
			case maskPart:
				named[i] = t.maskPart(byte(a))
			default:
				named[i] = a
			}
		}
		args = named
	}
	if (id == liveNoDay || id == liveNoDayYear) && len(args) >= 2 {
		if m, ok := args[1].(int); ok && m >= 1 && m <= 12 {
			args = append([]any{args[0], t.month(m)}, args[2:]...)
		}
	}
	if len(args) == 0 {
		return t.live(id)
	}
	return survey.Plurals(t.live(id), args...)
}

// who names the respondent: "Name (roster id)", the roster id, or a walk-in.
func (s *interviewScreen) who() string {
	if s.resp == nil {
		return s.c.t.ListWalkIn
	}
	who := s.resp.Name
	switch {
	case who == "" && s.resp.RosterID != "":
		who = s.resp.RosterID
	case who == "":
		who = s.c.t.ListWalkIn // a resumed walk-in: no roster entry to name
	default:
		who += " (" + s.resp.RosterID + ")"
	}
	return who
}

// comments returns the supervisor's comments of a returned interview by question path.
func (s *ivSession) comments() map[string]string {
	if s.iv.ReturnComment == "" {
		return nil
	}
	_, byPath := splitReturnComment(s.iv.ReturnComment)
	return byPath
}

// firstCommented returns the first stop, in form order, that the supervisor commented on.
func (s *ivSession) firstCommented() (forms.Stop, bool) {
	byPath := s.comments()
	if len(byPath) == 0 {
		return forms.Stop{}, false
	}
	for _, st := range s.sess.Stops() {
		if _, ok := byPath[st.Path]; ok && !st.Prompt {
			return st, true
		}
	}
	return forms.Stop{}, false
}

// leaveMsg goes home saying the draft is kept; a draft started here and not answered yet
// (the wrong respondent picked) is offered for voiding.
func (s *interviewScreen) leaveMsg() goHomeMsg {
	msg := goHomeMsg{status: s.c.t.InterviewSaved}
	if s.created && !s.touched {
		msg.voidable = &draftRef{id: s.iv.ID, who: s.who()}
	}
	return msg
}

// fillRoster puts the respondent's institution from the roster in place of the form's
// "[BLK]" placeholder ("Kami dari UPTD BLKI Kota Bontang ..."); with none (a walk-in), the
// plain "BLK", so that no bracket is read aloud.
func (s *ivSession) fillRoster(text string) string {
	inst := "BLK"
	if s.resp != nil && s.resp.Institution != "" {
		inst = s.resp.Institution
	}
	return strings.ReplaceAll(text, "[BLK]", inst)
}

// identity is the roster's identity of the respondent, for the question that asks whether
// it is right: name, NIK (masked: the enumerator checks it with the respondent's own
// card), birth date, sex and training.
func (s *interviewScreen) identity() string {
	r := s.resp
	if s.stop.Prompt || s.stop.Node == nil || s.stop.Node.Name != builtin.IdentityOK || r == nil || r.Name == "" {
		return ""
	}
	t := s.c.t
	sex := r.Sex
	if v := t.sex(r.Sex); v != "" {
		sex = v
	}
	return survey.Plurals(t.InterviewIdentity, r.Name, survey.MaskNIK(r.NIK), r.BirthDate, sex, r.ProgramName, r.BatchID)
}

// richWrap renders a label or hint written with ODK's Markdown subset or inline HTML: its
// text with the emphasis (never the markup), in base style, word-wrapped to width.
func richWrap(text string, width int, base lipgloss.Style, st Styles) string {
	var b strings.Builder
	for _, sp := range forms.RichText(text) {
		style := base
		switch {
		case sp.Style&forms.StyleStrong != 0, sp.Style&forms.StyleHeading != 0:
			style = st.Strong
		case sp.Style&forms.StyleEm != 0:
			style = st.Em
		}
		txt := sp.Text
		if sp.Style&forms.StyleLink != 0 {
			style = st.Link
			if sp.URL != "" && sp.URL != txt {
				txt += " (" + sp.URL + ")"
			}
		}
		for i, line := range strings.Split(txt, "\n") {
			if i > 0 {
				b.WriteString("\n")
			}
			if line != "" {
				b.WriteString(style.Render(line))
			}
		}
	}
	return ansi.Wrap(b.String(), max(width, 10), "")
}
