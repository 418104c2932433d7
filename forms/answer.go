package forms

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"tracer/forms/expr"
)

// ProblemKind says why an answer is refused or missing.
type ProblemKind int

// The kinds of problem.
const (
	// ProblemType: the text is not a value of the question's type (not a number, not a date).
	ProblemType ProblemKind = iota + 1
	// ProblemChoice: the value is not one of the question's choices, or is filtered out.
	ProblemChoice
	// ProblemConstraint: the answer breaks the question's constraint.
	ProblemConstraint
	// ProblemRequired: the question is required and has no answer.
	ProblemRequired
)

// Problem is an answer the form refuses, or a required answer that is missing. It is data for
// the enumerator, in the session's language, not a Go error.
type Problem struct {
	Path    string
	Name    string
	Kind    ProblemKind
	Message string
}

// Error returns the message, so a Problem can travel as an error where that is convenient.
func (p *Problem) Error() string { return p.Name + ": " + p.Message }

// Stop is a place the interview can be: an answerable question or note, or the prompt that
// asks whether to add another instance of a repeat (Prompt, with the repeat's path).
type Stop struct {
	Path   string
	Node   *Node
	Prompt bool
}

// Value returns the stored answer at path ("" when none).
func (s *Session) Value(path string) string {
	if it := s.lookup(path); it != nil {
		return it.value
	}
	return ""
}

// Relevant reports whether the item at path is relevant now.
func (s *Session) Relevant(path string) bool {
	it := s.lookup(path)
	return it != nil && it.relevant()
}

// NodeAt returns the node of the item at path, or nil.
func (s *Session) NodeAt(path string) *Node {
	if it := s.lookup(path); it != nil {
		return it.node
	}
	return nil
}

// Set validates value as the answer at path and, when it is acceptable, stores it and
// recomputes what depends on it. A refused answer is returned as a Problem and not stored. The
// error is for paths that are not answerable questions.
func (s *Session) Set(path, value string) (*Problem, error) {
	it := s.lookup(path)
	if it == nil {
		return nil, fmt.Errorf("no question at %s", path)
	}
	n := it.node
	if n.Kind == KindNote && n.ListName != "" {
		return nil, fmt.Errorf("%s: %s", path, s.texts().Label)
	}
	if n.Kind != KindQuestion && n.Kind != KindHidden {
		return nil, fmt.Errorf("%s is a %s, not a question", path, n.Type)
	}
	if n.Unsupported {
		return nil, fmt.Errorf("%s (%s) is not answerable on this device", path, n.Type)
	}
	v, p := s.normalize(it, value)
	if p != nil {
		return p, nil
	}
	if p := s.checkConstraint(it, v); p != nil {
		return p, nil
	}
	s.store(it, v)
	return nil, nil
}

// sameInstances reports whether b is in the same instance as a of every repeat around both:
// a trigger in a repeat sets the question in the instance of the answer that changed, as
// ODK contextualizes the setvalue's reference to it.
func sameInstances(a, b *item) bool {
	inA := map[*Node]*item{}
	for p := a; p != nil; p = p.parent {
		if p.inst != 0 {
			inA[p.node] = p
		}
	}
	for p := b; p != nil; p = p.parent {
		if p.inst != 0 {
			if q, ok := inA[p.node]; ok && q != p {
				return false
			}
		}
	}
	return true
}

// Validate returns the problem Set would find with value at path (its type, its choices,
// its constraint), in the session's language, without storing anything; nil when Set
// would take it or there is no answerable question at path.
func (s *Session) Validate(path, value string) *Problem {
	it := s.lookup(path)
	if it == nil || it.node.Kind != KindQuestion && it.node.Kind != KindHidden || it.node.Unsupported {
		return nil
	}
	v, p := s.normalize(it, value)
	if p != nil {
		return p
	}
	return s.checkConstraint(it, v)
}

// store writes a value and recomputes its dependents and triggered calculations.
func (s *Session) store(it *item, v string) {
	if it.value == v {
		return
	}
	it.value = v
	s.propagate(it)
	for _, n := range it.node.triggers {
		for _, x := range s.items[n.Index] {
			if !sameInstances(it, x) {
				// ODK sets the question in the repeat instances of the changed answer only.
				continue
			}
			// Without a calculation the trigger clears the question: pyxform writes a
			// setvalue with no value, which ODK sets to empty.
			nv := ""
			if n.Calculation != nil {
				nv = s.calcValue(n, s.eval(n.Calculation, x))
			}
			if nv != x.value {
				x.value = nv
				s.propagate(x)
			}
		}
	}
}

// Check returns the problem with the current answer at path, if any: a missing required
// answer, a broken constraint, or a choice no longer allowed. Irrelevant questions have none.
func (s *Session) Check(path string) *Problem {
	return s.check(s.lookup(path))
}

// check is Check of item it (nil: none).
func (s *Session) check(it *item) *Problem {
	if it == nil || !it.relevant() || !it.node.Answerable() || it.node.Kind != KindQuestion {
		return nil
	}
	if it.value == "" {
		if s.required(it) {
			msg := it.node.RequiredMsg.In(s.lang, s.form.Languages)
			if msg == "" {
				msg = s.texts().Required
			}
			return &Problem{Path: it.path, Name: it.node.Name, Kind: ProblemRequired, Message: msg}
		}
		return nil
	}
	// A computed read-only value is the form's own; only its constraint can be broken.
	if it.node.editable() || it.node.Calculation == nil {
		if _, p := s.normalize(it, it.value); p != nil {
			return p
		}
	}
	return s.checkConstraint(it, it.value)
}

func (s *Session) required(it *item) bool {
	n := it.node
	if n.Detached {
		// Computed from an attachment this device does not have: nobody can fill it here.
		return false
	}
	if n.Required {
		return true
	}
	return n.RequiredIf != nil && s.evalBool(n.RequiredIf, it)
}

// Required reports whether the question at path must be answered now.
func (s *Session) Required(path string) bool {
	it := s.lookup(path)
	return it != nil && s.required(it)
}

// ReadOnly reports whether the question at path cannot be changed now.
func (s *Session) ReadOnly(path string) bool {
	it := s.lookup(path)
	if it == nil {
		return true
	}
	n := it.node
	if n.ReadOnly || n.Kind != KindQuestion {
		return true
	}
	return n.ReadOnlyIf != nil && s.evalBool(n.ReadOnlyIf, it)
}

func (s *Session) checkConstraint(it *item, v string) *Problem {
	n := it.node
	if v == "" || n.Constraint == nil {
		return nil
	}
	cur := &it.value // the answer as it stands, checked again, needs no copy
	if v != it.value {
		cur = stringPtr(v)
	}
	saved, savedIt, savedVal := s.env, s.checking, s.checkingVal
	s.env = env{s: s, x: n.Constraint, ctx: it, cur: cur}
	s.checking, s.checkingVal = it, *cur
	ok := expr.ToBool(n.Constraint.Eval(&s.env))
	s.env, s.checking, s.checkingVal = saved, savedIt, savedVal
	if ok {
		return nil
	}
	msg := n.ConstraintMsg.In(s.lang, s.form.Languages)
	if msg == "" {
		msg = s.texts().Constraint
	}
	return &Problem{Path: it.path, Name: n.Name, Kind: ProblemConstraint, Message: s.interpolate(msg, it, cur)}
}

// stringPtr returns a pointer to a copy of v.
func stringPtr(v string) *string { return &v }

// normalize checks a typed answer against the question's type and writes it the way ODK
// writes it in a submission.
func (s *Session) normalize(it *item, raw string) (string, *Problem) {
	n := it.node
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", nil
	}
	// The engine's texts are looked up only to word a problem.
	t := s.texts
	bad := func(kind ProblemKind, msg string) (string, *Problem) {
		return "", &Problem{Path: it.path, Name: n.Name, Kind: kind, Message: msg}
	}
	switch n.Type {
	case "integer":
		i, err := strconv.ParseInt(ungroupThousands(strings.TrimPrefix(v, "+")), 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return bad(ProblemType, t().BigInt)
			}
			return bad(ProblemType, t().Integer)
		}
		if i > math.MaxInt32 || i < math.MinInt32 {
			return bad(ProblemType, t().BigInt)
		}
		return strconv.FormatInt(i, 10), nil
	case "decimal":
		f, refused := parseDecimal(v)
		if refused != nil {
			return bad(ProblemType, refused(t()))
		}
		return fmtNum(f), nil
	case "range":
		f, refused := parseDecimal(v)
		if refused != nil {
			return bad(ProblemType, refused(t()))
		}
		lo, hi, step := rangeParams(n)
		if f < math.Min(lo, hi) || f > math.Max(lo, hi) {
			return bad(ProblemType, fmt.Sprintf(t().Range, fmtNum(lo), fmtNum(hi)))
		}
		if step > 0 {
			k := (f - lo) / step
			if math.Abs(k-math.Round(k)) > 1e-9 {
				return bad(ProblemType, fmt.Sprintf(t().Range, fmtNum(lo), fmtNum(hi)))
			}
		}
		return fmtNum(f), nil
	case "date":
		d, refused := parseDate(v, dateParts(n.Appearance))
		if refused != nil {
			return bad(ProblemType, refused(t()))
		}
		return d, nil
	case "time":
		if t, ok := parseTime(v, s.start, s.opt.Location); ok {
			return t, nil
		}
		return bad(ProblemType, t().Time)
	case "dateTime":
		if t, ok := parseDateTime(v, s.opt.Location); ok {
			return t, nil
		}
		return bad(ProblemType, t().DateTime)
	case "acknowledge":
		switch strings.ToLower(v) {
		case "ok", "yes", "1", "true", "ya":
			return "OK", nil
		}
		return bad(ProblemType, t().Ack)
	case "select_one":
		if p := s.checkChoice(it, v); p != nil {
			return "", p
		}
		return v, nil
	case "select_multiple", "rank":
		fields := strings.Fields(v)
		seen := make(map[string]bool, len(fields))
		for _, f := range fields {
			if seen[f] {
				return bad(ProblemChoice, fmt.Sprintf(t().Dup, f))
			}
			seen[f] = true
			if p := s.checkChoice(it, f); p != nil {
				return "", p
			}
		}
		if n.Type == "rank" {
			return strings.Join(fields, " "), nil
		}
		// Written in the order of the choice list, as ODK does.
		var out []string
		if l := s.form.Lists[n.ListName]; l != nil {
			for _, c := range l.Choices {
				if seen[c.Name] {
					out = append(out, c.Name)
					delete(seen, c.Name)
				}
			}
		}
		for _, f := range fields {
			if seen[f] {
				out = append(out, f)
			}
		}
		return strings.Join(out, " "), nil
	}
	return v, nil
}

func rangeParams(n *Node) (lo, hi, step float64) {
	lo, hi, step = 1, 10, 1
	if v, err := strconv.ParseFloat(n.Parameters["start"], 64); err == nil {
		lo = v
	}
	if v, err := strconv.ParseFloat(n.Parameters["end"], 64); err == nil {
		hi = v
	}
	if v, err := strconv.ParseFloat(n.Parameters["step"], 64); err == nil {
		step = math.Abs(v)
	}
	return lo, hi, step
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (s *Session) checkChoice(it *item, v string) *Problem {
	n := it.node
	if n.OrOther && v == "other" {
		return nil
	}
	l := s.form.Lists[n.ListName]
	if l == nil {
		return nil
	}
	c := l.Choice(v)
	if c == nil {
		return &Problem{Path: it.path, Name: n.Name, Kind: ProblemChoice, Message: fmt.Sprintf(s.texts().Choice, v)}
	}
	if n.ChoiceFilter != nil {
		if !s.choiceAllowed(it, c, s.choicePos(n, c)) {
			return &Problem{Path: it.path, Name: n.Name, Kind: ProblemChoice, Message: fmt.Sprintf(s.texts().Filtered, s.choiceNamed(c))}
		}
	}
	return nil
}

// choicePos returns the 1-based position of choice c in the list of n, 0 if it is not there.
func (s *Session) choicePos(n *Node, c *Choice) int {
	l := s.form.Lists[n.ListName]
	if l == nil {
		return 0
	}
	if pos := c.pos; pos >= 1 && pos <= len(l.Choices) && l.Choices[pos-1] == c {
		return pos
	}
	for i, x := range l.Choices {
		if x == c {
			return i + 1
		}
	}
	return 0
}

// choiceAllowed reports whether choice c, at 1-based position pos in its list, passes the
// choice filter of it's question. The filter is evaluated as the predicate pyxform makes of
// it, instance('list')/root/item[filter]: "." and bare names are the choice and its
// columns, position() its position, last() the list's length, current() the question.
func (s *Session) choiceAllowed(it *item, c *Choice, pos int) bool {
	n := it.node
	saved := s.env
	size := 0
	if l := s.form.Lists[n.ListName]; l != nil {
		size = len(l.Choices)
	}
	s.env = env{s: s, x: n.filter, ctx: it, choice: c, pos: pos, size: size}
	ok := n.filter.Holds(n.filterPred, &s.env)
	s.env = saved
	return ok
}

// Choices returns the choices offered now at path: the question's list, through its choice
// filter, plus "other" for or_other.
func (s *Session) Choices(path string) []*Choice {
	it := s.lookup(path)
	if it == nil || it.node.ListName == "" {
		return nil
	}
	l := s.form.Lists[it.node.ListName]
	if l == nil {
		return nil
	}
	out := l.Choices
	indexed := false
	if eq := it.node.filterEq; eq != nil && !s.scanChoices {
		out, indexed = s.indexed(it, l, eq)
	}
	if it.node.ChoiceFilter != nil && !indexed {
		out = make([]*Choice, 0, len(l.Choices))
		for i, c := range l.Choices {
			if s.choiceAllowed(it, c, i+1) {
				out = append(out, c)
			}
		}
	}
	if it.node.OrOther && l.Choice("other") == nil {
		out = append(out[:len(out):len(out)], s.form.other)
	}
	if it.node.seed != nil && len(out) > 1 {
		// randomize=true with a seed: ODK Collect's order for that seed. Without a seed
		// the list keeps its order (docs/XLSFORM.md).
		shuffled := make([]*Choice, len(out))
		for k, i := range expr.Shuffle(len(out), expr.ToNumber(s.eval(it.node.seed, it))) {
			shuffled[k] = out[i]
		}
		out = shuffled
	}
	return out
}

// choiceNamed names choice c for a message: its label in the session's language, quoted,
// with its name after it when they differ (`"Kota Bontang" (6474)`).
func (s *Session) choiceNamed(c *Choice) string {
	label := strings.TrimSpace(PlainText(s.ChoiceLabel(c)))
	if label == "" || label == c.Name {
		return strconv.Quote(c.Name)
	}
	return strconv.Quote(label) + " (" + c.Name + ")"
}

// ChoiceLabel returns a choice's label in the session's language, with ${name} references
// replaced by their answers (pyxform writes them as <output/>, which ODK fills in), read
// from the top of the form: a select inside a repeat reads them through ChoiceLabelAt.
func (s *Session) ChoiceLabel(c *Choice) string {
	return s.choiceLabelIn(c, s.root)
}

// ChoiceLabelAt is ChoiceLabel for the choice as the select at path offers it: a ${name}
// in its label reads the answer of the repeat instance the select is in.
func (s *Session) ChoiceLabelAt(path string, c *Choice) string {
	it := s.lookup(path)
	if it == nil {
		it = s.root
	}
	return s.choiceLabelIn(c, it)
}

func (s *Session) choiceLabelIn(c *Choice, it *item) string {
	if l := c.Label.In(s.lang, s.form.Languages); l != "" {
		return s.interpolate(l, it, nil)
	}
	return c.Name
}

// rawChoiceLabel is a choice's label as written: what a ${name} of a select_one shows, so
// that a choice label naming its own select does not loop.
func (s *Session) rawChoiceLabel(c *Choice) string {
	if l := c.Label.In(s.lang, s.form.Languages); l != "" {
		return l
	}
	return c.Name
}

// Label returns the label of the node at path in the session's language, with ${name}
// references replaced by their answers; for a node with only media, what the media would
// show. The text keeps the form's Markdown and HTML: show it through RichText or PlainText.
func (s *Session) Label(path string) string {
	it := s.lookup(path)
	if it == nil {
		return ""
	}
	if l := it.node.Label.In(s.lang, s.form.Languages); l != "" {
		return s.interpolate(l, it, nil)
	}
	return s.mediaText(it.node)
}

// mediaText says what the media of a node without a label would show: "[Image: map.png]".
// A terminal cannot show the picture; the enumerator learns there is one, and its name.
func (s *Session) mediaText(n *Node) string {
	t := s.texts()
	var parts []string
	for _, m := range []struct{ kind, word string }{{"image", t.Image}, {"big-image", t.BigImage}, {"audio", t.Audio}, {"video", t.Video}} {
		kind, file := m.kind, ""
		for k, v := range n.Extra {
			base := strings.TrimPrefix(k, "media::")
			name, lang, _ := strings.Cut(base, "::")
			if name != kind || v == "" {
				continue
			}
			if lang == s.lang || file == "" {
				file = v
			}
		}
		if file != "" {
			parts = append(parts, fmt.Sprintf("[%s: %s]", m.word, file))
		}
	}
	return strings.Join(parts, " ")
}

// Hint returns the hint of the node at path in the session's language, with its markup (see
// Label).
func (s *Session) Hint(path string) string {
	it := s.lookup(path)
	if it == nil {
		return ""
	}
	return s.interpolate(it.node.Hint.In(s.lang, s.form.Languages), it, nil)
}

// interpolate replaces ${name} in a text with the answer as seen from it. When cur is not
// nil it is the candidate answer of it being checked, and ${name} of it itself reads it.
func (s *Session) interpolate(text string, it *item, cur *string) string {
	return s.fillRefs(text, it, cur, true)
}

// fillRefs replaces ${name} in text with the answer as seen from it; with labels, a
// select_one's answer by its choice's label (what the enumerator reads), otherwise by the
// stored value, as ODK fills an <output/> (jr:choice-name() of a choice whose label holds
// one).
func (s *Session) fillRefs(text string, it *item, cur *string, labels bool) string {
	if !strings.Contains(text, "${") {
		return text
	}
	return labelRef.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		n := s.form.byName[name]
		if n == nil {
			return m
		}
		var v expr.Value
		if cur != nil && n == it.node {
			v = typedValue(n, *cur)
		} else {
			v = s.nodeValue(it, n, nil)
		}
		str := expr.ToString(v)
		if labels && n.ListName != "" && n.Type == "select_one" {
			if c := s.form.ChoiceOf(n, str); c != nil {
				return s.rawChoiceLabel(c)
			}
		}
		return str
	})
}

// Sections returns the labels of the groups and repeats around path, outermost first.
func (s *Session) Sections(path string) []string {
	it := s.lookup(path)
	var out []string
	for p := it; p != nil; p = p.parent {
		if p == it || p.holder || p.parent == nil {
			continue
		}
		l := s.interpolate(p.node.Label.In(s.lang, s.form.Languages), p, nil)
		if p.inst > 0 {
			if l == "" {
				l = p.node.Name
			}
			l = fmt.Sprintf("%s %d", l, p.inst)
		}
		if l != "" {
			out = append(out, l)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
