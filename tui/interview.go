package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
	"tracer/survey"
)

// interviewScreen asks one question at a time. An answer is validated and saved when the
// enumerator leaves its question; a refused answer keeps the enumerator there with the
// form's message.
type interviewScreen struct {
	c        *common
	iv       *survey.Interview
	sess     *forms.Session
	resp     *survey.Respondent
	roster   map[string]string // the respondent's roster values by question name
	stop     forms.Stop
	fld      *field
	problem  string
	saveErr  string
	saved    map[string]string // what the store holds, by path
	readOnly bool
	confirm  bool // asking whether to remove the current repeat instance
	width    int
	height   int
}

// newInterviewScreen builds the session of an opened interview and goes to its position.
func newInterviewScreen(c *common, msg openedMsg) (*interviewScreen, tea.Cmd) {
	s := &interviewScreen{c: c, iv: msg.iv, resp: msg.resp, roster: msg.resp.Values(), readOnly: msg.readOnly, saved: map[string]string{}}
	lang := msg.iv.Lang
	if lang == "" {
		lang = c.formLang()
	}
	opt := forms.Options{Lang: lang, Now: c.cfg.Now, DeviceID: c.cfg.DeviceID, Username: c.cfg.Enumerator}
	if msg.created {
		opt.Prefill = s.roster
	}
	s.sess = forms.NewSession(c.cfg.Form, opt)
	if len(msg.answers) > 0 {
		as := make([]forms.Answer, len(msg.answers))
		for i, a := range msg.answers {
			as[i] = forms.Answer{Path: a.Path, Value: a.Value}
			s.saved[a.Path] = a.Value
		}
		if unknown := s.sess.Restore(as); len(unknown) > 0 {
			c.log.Warn("answers the form does not have", "interview", msg.iv.ID, "count", len(unknown))
		}
	}
	st, ok := forms.Stop{}, false
	if msg.iv.Position != "" {
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
	s.fld = newField(s.sess, st)
	s.problem = ""
	s.confirm = false
}

// relabel shows the current question in the new language.
func (s *interviewScreen) relabel() {
	if s.fld != nil && s.fld.items != nil {
		s.fld.relabel(s.sess)
	}
}

func (s *interviewScreen) SetSize(w, h int) { s.width, s.height = w, h }

// typing reports whether the question takes free text.
func (s *interviewScreen) typing() bool {
	if s.fld == nil || s.readOnly {
		return false
	}
	switch s.fld.kind {
	case fieldText, fieldOne, fieldMany:
		return !s.fld.readOnly
	}
	return false
}

// commit validates what the field holds and stores it in the session; false keeps the
// enumerator on the question with the problem shown.
func (s *interviewScreen) commit() bool {
	if s.fld == nil || s.readOnly || s.fld.readOnly {
		return true
	}
	switch s.fld.kind {
	case fieldNote, fieldPrompt:
		return true
	}
	v, live := s.fld.value()
	if live != "" {
		s.problem = s.c.t[live]
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
	if p != nil {
		s.problem = p.Message
		return false
	}
	return true
}

// persist saves every answer that changed since the last save and records the position,
// with the leave and enter events, in one queued write.
func (s *interviewScreen) persist(leave, enter string) tea.Cmd {
	if s.readOnly {
		return nil
	}
	cur := s.sess.Answers()
	seen := make(map[string]bool, len(cur))
	var changed []survey.Answer
	for _, a := range cur {
		seen[a.Path] = true
		if old, ok := s.saved[a.Path]; !ok || old != a.Value {
			changed = append(changed, survey.Answer{Path: a.Path, Value: a.Value})
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
	return s.c.write(func(ctx context.Context) error {
		for _, p := range removed {
			if _, err := store.DeleteAnswers(ctx, id, p); err != nil {
				return fmt.Errorf("remove answer: %w", err)
			}
		}
		switch len(changed) {
		case 0:
		case 1:
			var first []survey.Event
			if len(evs) > 0 && evs[0].Kind == survey.EventLeave {
				first, evs = evs[:1], evs[1:]
			}
			if err := store.SaveAnswer(ctx, id, changed[0].Path, changed[0].Value, first...); err != nil {
				return fmt.Errorf("save answer: %w", err)
			}
		default:
			if err := store.SaveAnswers(ctx, id, changed); err != nil {
				return fmt.Errorf("save answers: %w", err)
			}
		}
		if enter == "" {
			if len(evs) > 0 && s.c.cfg.Events != nil {
				return s.c.cfg.Events.Append(ctx, evs...)
			}
			return nil
		}
		if err := store.SetPosition(ctx, id, enter, evs...); err != nil {
			return fmt.Errorf("save position: %w", err)
		}
		return nil
	}, func(err error) tea.Msg {
		return savedMsg{id: id, changed: changedPaths, removed: removed, err: err}
	})
}

// move leaves the current question for st, saving on the way.
func (s *interviewScreen) move(st forms.Stop) tea.Cmd {
	leave := s.stop.Path
	s.show(st)
	return s.persist(leave, st.Path)
}

// next validates the answer (required and constraint included) and goes to the next stop,
// or to the review at the end.
func (s *interviewScreen) next() tea.Cmd {
	if s.readOnly {
		if st, ok := s.sess.Next(s.stop.Path); ok {
			s.show(st)
		}
		return nil
	}
	if !s.commit() {
		return nil
	}
	if !s.stop.Prompt {
		if p := s.sess.Check(s.stop.Path); p != nil {
			s.problem = p.Message
			return nil
		}
	}
	st, ok := s.sess.Next(s.stop.Path)
	if !ok {
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), send(goReviewMsg{}))
	}
	return s.move(st)
}

// back goes to the previous stop; an answer the form refuses keeps the enumerator here.
func (s *interviewScreen) back() tea.Cmd {
	if !s.commit() {
		return nil
	}
	st, ok := s.sess.Prev(s.stop.Path)
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

// saveNow keeps what is on screen (when the form accepts it) and saves everything.
func (s *interviewScreen) saveNow() tea.Cmd {
	if s.readOnly {
		return s.c.flush()
	}
	if !s.commit() {
		s.c.log.Info("left a question with a refused entry", "interview", s.iv.ID, "path", s.stop.Path)
	}
	return s.persist(s.stop.Path, s.stop.Path)
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

// addInstance answers yes at a repeat's prompt: a new instance and its first question.
func (s *interviewScreen) addInstance() tea.Cmd {
	inst, err := s.sess.AddInstance(s.stop.Path)
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

// removeInstance removes the repeat instance around the current question and renumbers
// the rest in one write.
func (s *interviewScreen) removeInstance() tea.Cmd {
	inst := instanceOf(s.stop.Path)
	holder := holderOf(inst)
	if err := s.sess.RemoveInstance(inst); err != nil {
		s.problem = err.Error()
		return nil
	}
	var under []survey.Answer
	for _, a := range s.sess.Answers() {
		if a.Path == holder || strings.HasPrefix(a.Path, holder+"[") || strings.HasPrefix(a.Path, holder+"/") {
			under = append(under, survey.Answer{Path: a.Path, Value: a.Value})
		}
	}
	for p := range s.saved {
		if p == holder || strings.HasPrefix(p, holder+"[") || strings.HasPrefix(p, holder+"/") {
			delete(s.saved, p)
		}
	}
	for _, a := range under {
		s.saved[a.Path] = a.Value
	}
	st, ok := s.stopAt(holder)
	if !ok {
		if st, ok = s.sess.First(); !ok {
			return nil
		}
	}
	leave := s.stop.Path
	s.show(st)
	id, store := s.iv.ID, s.c.cfg.Interviews
	replace := s.c.write(func(ctx context.Context) error {
		return store.ReplaceAnswers(ctx, id, holder, under)
	}, func(err error) tea.Msg { return savedMsg{id: id, err: err} })
	return tea.Sequence(replace, s.persist(leave, st.Path))
}

// otherInstance moves to the same question in the previous (-1) or next (+1) instance.
func (s *interviewScreen) otherInstance(step int) tea.Cmd {
	inst := instanceOf(s.stop.Path)
	if inst == "" {
		return nil
	}
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
	s.relabel()
	if s.readOnly {
		return nil
	}
	id, l, store := s.iv.ID, s.sess.Lang(), s.c.cfg.Interviews
	s.iv.Lang = l
	return s.c.write(func(ctx context.Context) error { return store.SetLang(ctx, id, l) },
		func(err error) tea.Msg { return savedMsg{id: id, err: err} })
}

// cycleLang switches to the form's next language.
func (s *interviewScreen) cycleLang() tea.Cmd {
	langs := s.c.cfg.Form.Languages
	if len(langs) < 2 {
		return nil
	}
	i := indexOf(langs, s.sess.Lang())
	return s.setFormLang(langs[(i+1)%len(langs)])
}

func (s *interviewScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		if msg.id != s.iv.ID {
			return nil
		}
		if msg.err != nil {
			s.c.log.Error("save", "interview", msg.id, "err", msg.err)
			s.saveErr = s.c.t["err.save"] + " " + survey.ErrorMessage(msg.err)
			for _, p := range msg.changed {
				delete(s.saved, p)
			}
			for _, p := range msg.removed {
				s.saved[p] = "\x00"
			}
		} else {
			s.saveErr = ""
		}
		return nil
	case finalizedMsg:
		return nil
	case tea.KeyPressMsg:
		return s.key(msg)
	case tea.PasteMsg:
		if s.fld != nil && !s.readOnly {
			s.fld.update(msg)
		}
	}
	return nil
}

func (s *interviewScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
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
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), send(goJumpMsg{}))
	case key.Matches(msg, k.Review):
		if !s.commit() {
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), send(goReviewMsg{}))
	case key.Matches(msg, k.FormLang):
		return s.cycleLang()
	case key.Matches(msg, k.SaveLeave):
		if s.readOnly {
			return send(goListMsg{})
		}
		if !s.commit() {
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), send(goHomeMsg{status: s.c.t["iv.saved"]}))
	case key.Matches(msg, k.Back):
		return s.back()
	}
	if s.fld != nil && !s.readOnly && s.fld.update(msg) {
		s.problem = ""
		if s.fld.note != "" {
			s.problem = s.c.t[s.fld.note]
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Esc):
		if s.readOnly {
			return send(goReviewMsg{})
		}
		if !s.commit() {
			return nil
		}
		return tea.Sequence(s.persist(s.stop.Path, s.stop.Path), send(goHomeMsg{status: s.c.t["iv.saved"]}))
	case key.Matches(msg, k.RemoveInstance):
		if !s.readOnly && instanceOf(s.stop.Path) != "" && !s.stop.Prompt {
			s.confirm = true
		}
		return nil
	case msg.String() == "ctrl+up":
		return s.otherInstance(-1)
	case msg.String() == "ctrl+down":
		return s.otherInstance(1)
	}
	if s.fld != nil && s.fld.kind == fieldPrompt && !s.readOnly {
		switch msg.String() {
		case "1", "y", "Y", "ctrl+n":
			return s.addInstance()
		case "2", "n", "N", "enter", "tab":
			return s.next()
		}
		return nil
	}
	if key.Matches(msg, k.Next) {
		return s.next()
	}
	return nil
}

// sensitive reports whether a question holds personal data to mask where it is not entered.
func sensitive(n *forms.Node) bool {
	if n == nil || n.Type != "text" {
		return false
	}
	return n.Name == "nik" || strings.Contains(n.Name, "phone")
}

// masked returns the answer at path for display away from its question.
func masked(s *forms.Session, path string) string {
	v := s.Value(path)
	n := s.NodeAt(path)
	if v == "" || !sensitive(n) {
		return v
	}
	if n.Name == "nik" {
		return survey.MaskNIK(v)
	}
	return survey.MaskPhone(v)
}

// display returns the answer at path as the enumerator reads it: choice labels for selects.
func display(s *forms.Session, path string) string {
	v := masked(s, path)
	n := s.NodeAt(path)
	if v == "" || n == nil || n.ListName == "" {
		return v
	}
	var out []string
	cs := s.Choices(path)
	for _, name := range strings.Fields(v) {
		label := name
		for _, c := range cs {
			if c.Name == name {
				label = s.ChoiceLabel(c)
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
		return st.Muted.Render(t["iv.empty"])
	}
	var top []string
	who := ""
	if s.resp != nil {
		who = s.resp.Name
		if who == "" {
			who = s.resp.RosterID
		} else {
			who += " (" + s.resp.RosterID + ")"
		}
	}
	if s.readOnly {
		who += "  " + st.Warn.Render("["+t["iv.readonly"]+"]")
	}
	top = append(top, ansi.Truncate(who, w, "…"))
	i, n := s.sess.Index(s.stop.Path)
	top = append(top, s.bar(i+1, n, w))
	sec := strings.Join(s.sess.Sections(s.stop.Path), " › ")
	if s.stop.Prompt {
		sec = strings.Join(append(s.sess.Sections(s.stop.Path), s.sess.Label(s.stop.Path)), " › ")
	}
	top = append(top, st.Section.Render(ansi.Truncate(sec, w, "…")), "")
	label := s.sess.Label(s.stop.Path)
	if s.stop.Prompt {
		if label == "" {
			label = s.stop.Node.Name
		}
		label = fmt.Sprintf(t["iv.addanother"], label, s.sess.Instances(s.stop.Path))
	} else if s.sess.Required(s.stop.Path) {
		label += " *"
	}
	top = append(top, wrap(label, w, st.Label.Render))
	if h := s.sess.Hint(s.stop.Path); h != "" && !s.stop.Prompt {
		top = append(top, wrap(h, w, st.Hint.Render))
	}
	top = append(top, "")
	var bottom []string
	if s.fld.kind != fieldPrompt && !s.readOnly {
		if rv, ok := s.roster[s.stop.Node.Name]; ok && rv != "" && rv == s.sess.Value(s.stop.Path) {
			bottom = append(bottom, st.Prefill.Render(t["iv.prefill"]))
		}
	}
	if s.problem != "" {
		bottom = append(bottom, wrap("✗ "+s.problem, w, st.Error.Render))
	}
	if s.confirm {
		bottom = append(bottom, st.Warn.Render(fmt.Sprintf(t["iv.confirmremove"], instanceOf(s.stop.Path))))
	}
	if s.saveErr != "" {
		bottom = append(bottom, st.Error.Render(s.saveErr))
	}
	head := strings.Join(top, "\n")
	tail := strings.Join(bottom, "\n")
	used := strings.Count(head, "\n") + 1
	if tail != "" {
		used += strings.Count(tail, "\n") + 2
	}
	room := max(s.height-used, 2)
	body := s.fld.view(t, st, w, room)
	out := head + "\n" + body
	if tail != "" {
		out = fit(out, w, s.height-strings.Count(tail, "\n")-1) + "\n" + tail
	}
	return out
}

// bar draws the progress bar with "i/n".
func (s *interviewScreen) bar(i, n, w int) string {
	label := fmt.Sprintf(" %d/%d", i, n)
	width := max(min(w-len(label)-1, 50), 10)
	full := 0
	if n > 0 {
		full = width * i / n
	}
	return s.c.st.BarFull.Render(strings.Repeat("█", full)) + s.c.st.BarEmpty.Render(strings.Repeat("░", width-full)) + label
}

func (s *interviewScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	b := []key.Binding{k.Next, k.Back}
	if s.fld != nil {
		switch s.fld.kind {
		case fieldOne:
			b = append(b, k.Pick)
		case fieldMany:
			b = append(b, k.Pick, k.Toggle)
		case fieldAck:
			b = append(b, k.Toggle)
		}
	}
	return append(b, k.Jump, k.SaveLeave)
}

func (s *interviewScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Next, k.Back, k.Pick, k.Toggle, k.Up, k.Down},
		{k.Jump, k.Review, k.FormLang, k.SaveLeave, k.Esc},
		{k.AddInstance, k.RemoveInstance, k.PrevInstance, k.NextInstance, k.Quit},
	}
}
