package forms

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tracer/forms/expr"
)

// Options configure a Session.
type Options struct {
	// Lang is the form language to start in (full name or code); the form's default when empty.
	Lang string
	// Now is the session's clock; time.Now when nil.
	Now func() time.Time
	// Location is the enumerator's time zone: start, end, now() and typed times and
	// dateTimes are written in it, with its offset, as ODK writes them ("+07:00"). When nil
	// the location of the times Now returns is used (time.Local for time.Now).
	// Restoring an interview whose start carries an offset, with no Location given, takes
	// that offset: a server checking it evaluates today() on the enumerator's calendar.
	Location *time.Location
	// Prefill gives starting values by question name (or path), for example from a roster row.
	Prefill map[string]string
	// DeviceID and Username fill the deviceid and username metadata.
	DeviceID, Username string
	// UUID makes uuid() values and the instanceID metadata ("uuid:" + UUID()); random
	// version-4 UUIDs when nil.
	UUID func() string
	// Random makes random() values; math/rand when nil.
	Random func() float64
	// MessageLang is the language of the engine's own messages (a required answer, a
	// number that reads two ways), "id" or "en": the UI's, on a screen. When empty they
	// follow the form language. The form's own messages are in the form language.
	MessageLang string
}

// Session is the runtime of one interview: answers, relevance, calculations, validation,
// repeats and navigation. It is not safe for concurrent use.
type Session struct {
	form *Form
	opt  Options
	lang string
	root *item
	// scanChoices tests every choice against a choice filter, never the filter's index:
	// the tests compare both ways.
	scanChoices bool
	// items holds each node's items (one per repeat instance), in document order.
	items [][]*item
	// byPath holds the items whose paths the form does not know: those inside repeat
	// instances. An item outside repeats is found through the form (see lookup).
	byPath map[string]*item
	env    env
	// checking is the item whose constraint is being checked, and checkingVal the
	// candidate answer it holds meanwhile, wherever the constraint reads it (see value).
	checking    *item
	checkingVal string
	start       time.Time
	// zoneFromStart is set when Options gave no Location: a restored interview then takes
	// the zone its start was written in.
	zoneFromStart bool
	// slab holds the items not yet handed out while the session's first tree is built, and
	// kids the room for their lists of children.
	slab []item
	kids []*item
	// mem is the memory the first tree was built in.
	mem *sessionMemory
}

// release clears the memory of the session's first tree and returns it, for a new session
// of the same form. The session must not be used afterwards.
func (s *Session) release() *sessionMemory {
	m := s.mem
	clear(m.items)
	clear(m.lists)
	clear(m.slab)
	clear(m.kids[:cap(m.kids)])
	clear(m.byPath)
	*s = Session{}
	return m
}

// item is one node in one repeat instance: the session's copy of the form tree.
type item struct {
	node     *Node
	parent   *item
	children []*item // group or instance: one per child node; repeat holder: its instances
	path     string
	value    string
	inst     int  // 1-based instance number for a repeat instance, 0 otherwise
	holder   bool // a repeat's holder: its children are the instances
	selfRel  bool // the node's own relevance condition holds here
	inRepeat bool // a repeat instance or inside one: its path names the instance
	// typed is value as an expression value (see typedValue), made when value was typedOf:
	// an answer read by many expressions is converted once, not at each read.
	typed   expr.Value
	typedOf string
	// calc is the value the calculation of an editable question gave last: the answer is
	// replaced only when the calculation gives something else (see recomputeItem).
	calc string
}

func (it *item) relevant() bool {
	for p := it; p != nil; p = p.parent {
		if !p.selfRel {
			return false
		}
	}
	return true
}

// instance returns the innermost repeat instance around it (it itself if it is one).
func (it *item) instance() *item {
	for p := it; p != nil; p = p.parent {
		if p.inst > 0 {
			return p
		}
	}
	return nil
}

// NewSession starts an interview of f.
func NewSession(f *Form, opt Options) *Session {
	s := newSession(f, opt)
	s.recomputeAll()
	return s
}

// newSession builds a session of f with its prefill and defaults, before anything is
// computed.
func newSession(f *Form, opt Options) *Session { return newSessionIn(f, opt, nil) }

// sessionMemory is the memory of a session's first tree: its items, the lists that hold
// them and the index of the items inside repeats. A check that is done with its session
// gives it back to the form (see CheckAnswers), cleared, for the next session of that form.
type sessionMemory struct {
	items  [][]*item
	lists  []*item
	slab   []item
	kids   []*item
	byPath map[string]*item
}

// newSessionIn is newSession building in mem, memory of an earlier session of f that is
// no longer used, or in new memory when mem is nil.
func newSessionIn(f *Form, opt Options, mem *sessionMemory) *Session {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.UUID == nil {
		opt.UUID = newUUID
	}
	if opt.Random == nil {
		opt.Random = mrand.Float64
	}
	if mem == nil || len(mem.slab) != len(f.Nodes) {
		mem = &sessionMemory{
			items:  make([][]*item, len(f.Nodes)),
			lists:  make([]*item, len(f.Nodes)),
			slab:   make([]item, len(f.Nodes)),
			kids:   make([]*item, 0, len(f.Nodes)),
			byPath: make(map[string]*item),
		}
	}
	s := &Session{form: f, opt: opt, lang: f.DefaultLang, byPath: mem.byPath, mem: mem}
	if opt.Lang != "" {
		if l, ok := f.MatchLang(opt.Lang); ok {
			s.lang = l
		}
	}
	s.env.s = s
	if s.opt.Location == nil {
		s.opt.Location = opt.Now().Location()
		s.zoneFromStart = true
	}
	s.start = s.now()
	// Outside repeats each node has one item: the items, and each node's list of them, are
	// cut from one allocation each. A list grows out of its window (into an allocation of
	// its own) when a repeat instance adds to it.
	s.items = mem.items
	s.slab = mem.slab
	s.kids = mem.kids[:0]
	lists := mem.lists
	for i := range s.items {
		s.items[i] = lists[i : i : i+1]
	}
	s.root = &item{node: f.Root, selfRel: true}
	s.build(s.root, f.Root, false)
	s.slab, s.kids = nil, nil
	for name, v := range opt.Prefill {
		if it := s.lookup(name); it != nil {
			it.value = v
		} else if n := f.byName[name]; n != nil && n.Repeat == nil {
			if its := s.items[n.Index]; len(its) == 1 {
				its[0].value = v
			}
		}
	}
	// Defaults come after the prefill, so that a default can be computed from a roster value.
	for _, n := range f.Nodes {
		for _, it := range s.items[n.Index] {
			s.initDefault(it)
		}
	}
	return s
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// formatUUID writes b as a UUID: lower-case hex in groups of 8, 4, 4, 4 and 12 digits.
func formatUUID(b [16]byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// build creates the items below parent for the children of node n, with their metadata
// values and, when defaults is set, their defaults.
func (s *Session) build(parent *item, n *Node, defaults bool) {
	if k := len(n.Children); parent.children == nil && k > 0 && k <= cap(s.kids)-len(s.kids) {
		// A group's or an instance's children are its node's: room for exactly that many.
		parent.children, s.kids = s.kids[len(s.kids):len(s.kids):len(s.kids)+k], s.kids[:len(s.kids)+k]
	}
	for _, c := range n.Children {
		var it *item
		if len(s.slab) > 0 {
			it, s.slab = &s.slab[0], s.slab[1:]
		} else {
			it = new(item)
		}
		*it = item{node: c, parent: parent, selfRel: true, inRepeat: parent.inRepeat}
		if !parent.inRepeat && c.path != "" {
			it.path = c.path
		} else {
			it.path = joinPath(parent.path, c.Name)
		}
		parent.children = append(parent.children, it)
		s.addItem(it)
		if c.Kind == KindRepeat {
			it.holder = true
			continue
		}
		s.initMeta(it)
		if defaults {
			s.initDefault(it)
		}
		if c.Kind == KindGroup {
			s.build(it, c, defaults)
		}
	}
}

// lookup returns the item at path, or nil.
func (s *Session) lookup(path string) *item {
	if n := s.form.outside[path]; n != nil {
		if its := s.items[n.Index]; len(its) == 1 && its[0].path == path {
			return its[0]
		}
	}
	return s.byPath[path]
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

func (s *Session) addItem(it *item) {
	if it.inRepeat || it.path != it.node.path {
		s.byPath[it.path] = it
	}
	list := s.items[it.node.Index]
	// Keep document order: instances are appended at the end of their repeat, and items of
	// later instances come after earlier ones, so a sorted insert by path order is rarely needed.
	s.items[it.node.Index] = append(list, it)
}

// initMeta gives a new metadata item its value.
func (s *Session) initMeta(it *item) {
	n := it.node
	switch n.Type {
	case "start":
		it.value = formatDateTime(s.start)
		return
	case "today":
		it.value = s.start.Format("2006-01-02")
		return
	case "deviceid":
		it.value = s.opt.DeviceID
		return
	case "username":
		it.value = s.opt.Username
	case "instanceID":
		it.value = "uuid:" + s.opt.UUID()
	}
}

// initDefault gives an item without a value its default.
func (s *Session) initDefault(it *item) {
	n := it.node
	if it.value != "" || it.holder || n.Kind == KindGroup || n.Kind == KindMeta {
		return
	}
	if n.DefaultText != "" {
		it.value = n.DefaultText
	} else if n.Default != nil {
		it.value = s.calcValue(n, s.eval(n.Default, it))
	}
}

func formatDateTime(t time.Time) string {
	return t.Format("2006-01-02T15:04:05.000-07:00")
}

// now reads the session's clock in the enumerator's time zone.
func (s *Session) now() time.Time { return s.opt.Now().In(s.opt.Location) }

// Form returns the session's form.
func (s *Session) Form() *Form { return s.form }

// Lang returns the current form language.
func (s *Session) Lang() string { return s.lang }

// SetLang switches the form language, by full name or code.
func (s *Session) SetLang(lang string) error {
	l, ok := s.form.MatchLang(lang)
	if !ok {
		return fmt.Errorf("the form has no language %q (it has %s)", lang, langList(s.form.Languages))
	}
	s.lang = l
	return nil
}

// --- evaluation -------------------------------------------------------------------------

// env evaluates expressions for the session. ctx is the item whose expression runs.
type env struct {
	s      *Session
	x      *expr.Expr // the expression being evaluated, for its predicates
	ctx    *item
	cur    *string // a candidate value standing in for ctx's value, during validation
	choice *Choice // the choice under test, in choice filters and instance predicates
	pos    int     // the candidate's 1-based position, in predicates
	size   int     // the number of candidates, in predicates, for last()
	outer  *item   // in the filter of a repeat's instances (ctx the one under test): the expression's own item
	outCur *string // cur of the expression's own item, in such a filter
}

func (s *Session) eval(x *expr.Expr, ctx *item) expr.Value {
	saved := s.env
	s.env = env{s: s, x: x, ctx: ctx}
	v := x.Eval(&s.env)
	s.env = saved
	return v
}

func (s *Session) evalBool(x *expr.Expr, ctx *item) bool { return expr.ToBool(s.eval(x, ctx)) }

// value converts an item's answer into an expression value by its question type. The item
// whose constraint is being checked holds the candidate answer, however the constraint
// reaches it (a path across repeat instances, a filter on them), as ODK validates the node
// holding the new value.
func (s *Session) value(it *item) expr.Value {
	if !it.relevant() {
		return expr.String("")
	}
	if it == s.checking && s.checkingVal != it.value {
		return typedValue(it.node, s.checkingVal)
	}
	return it.typedValue()
}

// typedValue returns the item's value converted by its question type, as typedValue does.
func (it *item) typedValue() expr.Value {
	if it.typed == nil || it.typedOf != it.value {
		it.typed, it.typedOf = typedValue(it.node, it.value), it.value
	}
	return it.typed
}

func typedValue(n *Node, v string) expr.Value {
	if v == "" {
		return expr.String("")
	}
	switch n.Type {
	case "integer", "decimal", "range":
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return expr.Number(f)
		}
	case "date", "dateTime", "today", "start", "end":
		if d, ok := expr.ToDate(expr.String(v)); ok {
			return d
		}
	default:
		// A calculated number stored in Java's scientific notation (storedNumber) is that
		// number, as ODK Collect keeps the number a calculation gives, in a text question
		// too.
		if n.Calculation != nil && javaScientific.MatchString(v) {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return expr.Number(f)
			}
		}
	}
	return expr.String(v)
}

// javaScientific matches a number as Java writes a double in scientific notation.
var javaScientific = regexp.MustCompile(`^-?[0-9]\.[0-9]+E-?[0-9]+$`)

func (e *env) Ref(name string) expr.Value {
	n := e.s.form.byName[name]
	if n == nil {
		return expr.String("")
	}
	return e.own().node(n)
}

// Lookup answers pulldata() from the form's attached files.
func (e *env) Lookup(instance, column, keyColumn, key string) string {
	return e.s.form.Lookup(instance, column, keyColumn, key)
}

// own returns the env of the expression's own item: e itself, or, inside the filter of a
// repeat's instances, where ${name} and current() read what the expression itself reads
// (pyxform writes ${name} there as current()/../name), the env around the filter.
func (e *env) own() *env {
	if e.outer == nil {
		return e
	}
	return &env{s: e.s, x: e.x, ctx: e.outer, cur: e.outCur}
}

// Bound reads a reference the form bound at load to the node at index id (see bindRefs):
// what Ref reads for its name.
func (e *env) Bound(id int) expr.Value {
	if nodes := e.s.form.Nodes; id >= 0 && id < len(nodes) {
		return e.own().node(nodes[id])
	}
	return nil
}

// node returns the value of node n seen from the context. The context's own node, named by
// ${name} or by a path while a candidate answer is being checked, is that candidate, as "."
// is: ODK reads the node being validated, which holds the new value.
func (e *env) node(n *Node) expr.Value {
	if e.cur != nil && e.ctx != nil && n == e.ctx.node {
		return e.Current()
	}
	return e.s.nodeValue(e.ctx, n, nil)
}

// nodeValue resolves n as seen from ctx: inside the repeat instances that ctx is in, the same
// instance; elsewhere every instance, relevant or not (one that is not relevant reads as
// empty, as in ODK). pin overrides the instance chosen for some repeats.
func (s *Session) nodeValue(ctx *item, n *Node, pin map[*Node]int) expr.Value {
	if n.Repeat == nil && n.Kind != KindRepeat {
		its := s.items[n.Index]
		if len(its) == 1 {
			return s.value(its[0])
		}
		return expr.String("")
	}
	if pin == nil && n.Kind != KindRepeat && ctx != nil {
		// The common case: a sibling in the same repeat instance.
		if inst := ctx.enclosingInstanceOf(n.Repeat); inst != nil && s.sameInstances(ctx, n) {
			if it := within(inst, n); it != nil {
				return s.value(it)
			}
		}
	}
	its := s.resolve(ctx, n, pin)
	if n.Kind == KindRepeat {
		out := make(expr.Nodes, 0, len(its))
		for _, it := range its {
			for range it.children {
				out = append(out, expr.String(""))
			}
		}
		return out
	}
	if len(its) == 1 && s.sameInstances(ctx, n) {
		return s.value(its[0])
	}
	out := make(expr.Nodes, 0, len(its))
	for _, it := range its {
		out = append(out, s.value(it))
	}
	return out
}

// sameInstances reports whether every repeat around n also encloses ctx, so that n resolves
// to one item.
func (s *Session) sameInstances(ctx *item, n *Node) bool {
	for r := n.Repeat; r != nil; r = r.Repeat {
		if ctx == nil || ctx.enclosingInstanceOf(r) == nil {
			return false
		}
	}
	return true
}

func (it *item) enclosingInstanceOf(r *Node) *item {
	for p := it; p != nil; p = p.parent {
		if p.inst > 0 && p.node == r {
			return p
		}
	}
	return nil
}

// resolve returns the items of n seen from ctx. For a repeat node it returns its holder(s).
func (s *Session) resolve(ctx *item, n *Node, pin map[*Node]int) []*item {
	// The chain of nodes from the root to n.
	var chain []*Node
	for p := n; p != nil && p != s.form.Root; p = p.Parent {
		chain = append(chain, p)
	}
	cur := []*item{s.root}
	for i := len(chain) - 1; i >= 0; i-- {
		c := chain[i]
		var next []*item
		for _, it := range cur {
			child := childFor(it, c)
			if child == nil {
				continue
			}
			if !child.holder || i == 0 {
				next = append(next, child)
				continue
			}
			if idx, ok := pin[c]; ok {
				if idx >= 1 && idx <= len(child.children) {
					next = append(next, child.children[idx-1])
				}
				continue
			}
			if ctx != nil {
				if inst := ctx.enclosingInstanceOf(c); inst != nil && inst.parent == child {
					next = append(next, inst)
					continue
				}
			}
			next = append(next, child.children...)
		}
		cur = next
	}
	return cur
}

// childFor returns the item of node c among the children of a group or instance item.
func childFor(it *item, c *Node) *item {
	if c.childIdx < len(it.children) {
		if ch := it.children[c.childIdx]; ch.node == c {
			return ch
		}
	}
	return nil
}

// within returns the item of n inside instance inst, where inst is an instance of n's
// innermost repeat, by walking down from inst.
func within(inst *item, n *Node) *item {
	var chain [16]*Node
	k := 0
	for p := n; p != inst.node; p = p.Parent {
		if p == nil || k == len(chain) {
			return nil
		}
		chain[k] = p
		k++
	}
	it := inst
	for i := k - 1; i >= 0 && it != nil; i-- {
		it = childFor(it, chain[i])
	}
	return it
}

func (e *env) Path(p *expr.PathNode) expr.Value {
	if p.Current && e.outer != nil {
		return e.own().Path(p)
	}
	if p.Instance != "" {
		return e.instancePath(p)
	}
	if a, ok := e.s.form.rootAttrs[p]; ok {
		if a == "@id" {
			return expr.String(e.s.form.ID)
		}
		return expr.String(e.s.form.Version)
	}
	steps := p.Steps
	if e.choice != nil && e.choice.attached && !p.Absolute && !p.Current && p.Ref == "" && !slices.Contains(steps, "..") {
		return e.choice.column(strings.Join(steps, "/"))
	}
	if len(steps) == 1 && !p.Absolute && !p.Current && p.Ref == "" {
		if steps[0] == "." && e.choice == nil {
			return e.Current()
		}
		if e.choice != nil {
			switch steps[0] {
			case ".", "name":
				return expr.String(e.choice.Name)
			case "label":
				return e.s.itemLabel(e.choice)
			}
			return expr.String(e.choice.Extra[steps[0]])
		}
	}
	// The loader resolved every other path to the node it names.
	n := e.s.form.paths[p]
	if n == nil {
		return expr.String("")
	}
	if fl, ok := e.s.form.filters[p]; ok {
		return e.filtered(n, fl)
	}
	if n == e.s.form.Root {
		return expr.String("")
	}
	if top := e.s.form.pathTop[p]; top != nil {
		// The path leaves the instances it starts in: it reads every one from top.
		return e.s.nodeValue(e.ctx.liftTo(top), n, nil)
	}
	return e.node(n)
}

// filtered returns the values of n through the instances of the repeats of fl that their
// predicates keep: one value per item of n (an empty one per instance when n is the
// repeat), in document order. The instances of other repeats on the way are those the
// context is in, else all, as a reference reads them.
func (e *env) filtered(n *Node, fl []pathFilter) expr.Value {
	ctx := e.own().ctx
	var chain []*Node
	for p := n; p != nil && p != e.s.form.Root; p = p.Parent {
		chain = append(chain, p)
	}
	cur := []*item{e.s.root}
	for i := len(chain) - 1; i >= 0; i-- {
		c := chain[i]
		var next []*item
		for _, it := range cur {
			child := childFor(it, c)
			switch {
			case child == nil:
			case !child.holder:
				next = append(next, child)
			default:
				insts := child.children
				kept := false
				for _, f := range fl {
					if f.repeat == c {
						insts, kept = e.keep(insts, f.preds), true
					}
				}
				if !kept && ctx != nil {
					if inst := ctx.enclosingInstanceOf(c); inst != nil && inst.parent == child {
						insts = []*item{inst}
					}
				}
				next = append(next, insts...)
			}
		}
		cur = next
	}
	out := make(expr.Nodes, 0, len(cur))
	for _, it := range cur {
		if n.Kind == KindRepeat {
			out = append(out, expr.String(""))
			continue
		}
		out = append(out, e.item(it))
	}
	return out
}

// keep returns the instances that every predicate holds for, each tested as the context
// with its position among those the previous predicate kept.
func (e *env) keep(insts []*item, preds []expr.Node) []*item {
	own := e.own()
	for _, pred := range preds {
		var kept []*item
		for i, it := range insts {
			sub := env{s: e.s, x: e.x, ctx: it, pos: i + 1, size: len(insts), outer: own.ctx, outCur: own.cur}
			if e.x.Holds(pred, &sub) {
				kept = append(kept, it)
			}
		}
		insts = kept
	}
	return insts
}

// choicesWhere returns the choices (the items of a list) that every predicate holds for,
// each tested with its position among those the previous predicate kept.
func (e *env) choicesWhere(cands []*Choice, preds []expr.Node) []*Choice {
	for _, pred := range preds {
		var kept []*Choice
		for i, c := range cands {
			sub := env{s: e.s, x: e.x, ctx: e.ctx, cur: e.cur, choice: c, pos: i + 1, size: len(cands)}
			if e.x.Holds(pred, &sub) {
				kept = append(kept, c)
			}
		}
		cands = kept
	}
	return cands
}

// attachedPath resolves instance('x')/root/item[pred]/column/... against the items of an
// attached file: the path's first steps must name its root and items, as in the file; a
// column an item does not have is no node.
func (e *env) attachedPath(l *ChoiceList, p *expr.PathNode) expr.Value {
	if p.Steps[0] != l.root || p.Steps[1] != l.item {
		return expr.Nodes{}
	}
	cands := e.choicesWhere(l.Choices, p.StepPreds(1))
	out := make(expr.Nodes, 0, len(cands))
	if len(p.Steps) == 2 {
		for _, c := range cands {
			out = append(out, expr.String(c.Name)) // an item itself, as in count(...)
		}
		return out
	}
	col := strings.Join(p.Steps[2:], "/")
	for _, c := range cands {
		out = c.nodes(out, col)
	}
	return out
}

// liftTo returns the item of node top around it (it itself if it is of top), or nil if
// there is none, as for the form's root.
func (it *item) liftTo(top *Node) *item {
	for p := it; p != nil; p = p.parent {
		if p.node == top && !p.holder {
			return p
		}
	}
	return nil
}

func (e *env) Current() expr.Value {
	if e.outer != nil {
		return e.own().Current()
	}
	if e.ctx == nil {
		return expr.String("")
	}
	if e.cur != nil && *e.cur != e.ctx.value {
		return typedValue(e.ctx.node, *e.cur)
	}
	return e.ctx.typedValue()
}

// instancePath resolves instance('list')/root/item[pred]/column against the form's choice
// list of that name: the choices the predicates keep, each giving its column (name, label
// in the current language, or an extra column). A secondary instance the session does not
// have (an unattached external file) is an empty node set.
func (e *env) instancePath(p *expr.PathNode) expr.Value {
	l := e.s.form.Lists[p.Instance]
	if l == nil || len(p.Steps) < 2 {
		return expr.Nodes{}
	}
	if l.File != "" {
		return e.attachedPath(l, p)
	}
	if len(p.Steps) > 3 {
		return expr.Nodes{}
	}
	cands := e.choicesWhere(l.Choices, p.StepPreds(1))
	out := make(expr.Nodes, 0, len(cands))
	for _, c := range cands {
		col := "name" // an item itself, as in count(instance('l')/root/item[...])
		if len(p.Steps) == 3 {
			col = p.Steps[2]
		}
		switch col {
		case "name":
			out = append(out, expr.String(c.Name))
		case "label":
			if v, ok := e.s.itemLabel(c).(expr.String); ok {
				out = append(out, v)
			}
		default:
			out = append(out, expr.String(c.Extra[col]))
		}
	}
	return out
}

// Position is the context position: in a predicate or a choice filter the candidate's, and
// anywhere else 1, the position of the one node an expression is evaluated for, as ODK's
// engine gives it. A bare position() in a repeat is not the instance's index (that is
// position(..)).
func (e *env) Position() int {
	if e.pos > 0 {
		return e.pos
	}
	return 1
}

// PositionOf returns the position of the node p names, for position(path): the index of
// the instance of a repeat seen from the context (an outer repeat's for ../.. inside a nested
// one), 1 for any other node, which is the only one of its name in its parent.
func (e *env) PositionOf(p *expr.PathNode) int {
	if e.pos > 0 || e.choice != nil {
		return e.Position()
	}
	n := e.s.form.paths[p]
	if n == nil {
		// A path the form does not map (..): the index of the instance around the context.
		if e.ctx != nil {
			if inst := e.ctx.instance(); inst != nil {
				return inst.inst
			}
		}
		return 1
	}
	if n.Kind != KindRepeat {
		return 1
	}
	if e.ctx != nil {
		if inst := e.ctx.enclosingInstanceOf(n); inst != nil {
			return inst.inst
		}
	}
	for _, h := range e.s.resolve(e.ctx, n, nil) {
		if len(h.children) > 0 {
			return 1
		}
	}
	return 0
}

// NodeCount counts the nodes of the question a reference or a path names, seen from the
// context, for count(): every one, answered or not, relevant or not, as ODK counts nodes. A
// repeat's instances are left to the value of the reference (ok false).
func (e *env) NodeCount(x expr.Node) (int, bool) {
	if e.choice != nil {
		return 0, false
	}
	var n *Node
	ctx := e.ctx
	switch x := x.(type) {
	case *expr.RefNode:
		n = e.s.form.byName[x.Name]
	case *expr.PathNode:
		if e.s.form.filters[x] != nil {
			return 0, false // its value holds the nodes the filters keep
		}
		n = e.s.form.paths[x]
		if top := e.s.form.pathTop[x]; top != nil {
			ctx = e.ctx.liftTo(top)
		}
	}
	if n == nil || n.Kind == KindRepeat || n == e.s.form.Root {
		return 0, false
	}
	if n.Repeat == nil {
		return len(e.s.items[n.Index]), true
	}
	return len(e.s.resolve(ctx, n, nil)), true
}

// Last returns the size of the context for last(): the number of candidates inside a
// predicate, 1 elsewhere.
func (e *env) Last() int {
	if e.size > 0 {
		return e.size
	}
	return 1
}

func (e *env) IndexedRepeat(name string, repeats []string, indexes []int) expr.Value {
	n := e.s.form.byName[name]
	if n == nil {
		return expr.String("")
	}
	pin := make(map[*Node]int, len(repeats))
	for i, r := range repeats {
		if rn := e.s.form.byName[r]; rn != nil && i < len(indexes) {
			pin[rn] = indexes[i]
		}
	}
	its := e.s.resolve(e.ctx, n, pin)
	if len(its) == 1 {
		return e.item(its[0])
	}
	out := make(expr.Nodes, 0, len(its))
	for _, it := range its {
		out = append(out, e.item(it))
	}
	return out
}

// item returns the value of it, or the candidate answer when it is the item being checked.
func (e *env) item(it *item) expr.Value {
	if e.cur != nil && it == e.ctx {
		return e.Current()
	}
	return e.s.value(it)
}

// ChoiceLabel returns the label of choice value of question for jr:choice-name(): "" when
// the question's choice filter leaves the choice out now, as ODK Collect (JavaRosa) reads
// the choices through the filter, evaluated for the question as seen from the context (its
// first instance, seen from outside its repeat).
func (e *env) ChoiceLabel(question, value string) string {
	n := e.s.form.byName[question]
	if n == nil || n.ListName == "" {
		return ""
	}
	c := e.s.form.ChoiceOf(n, value)
	if c == nil {
		return ""
	}
	its := e.s.resolve(e.own().ctx, n, nil)
	if n.ChoiceFilter != nil && c != e.s.form.other {
		if len(its) == 0 || !e.s.choiceAllowed(its[0], c, e.s.choicePos(n, c)) {
			return ""
		}
	}
	label := c.Label.In(e.s.lang, e.s.form.Languages)
	if strings.Contains(label, "${") {
		// The label's ${name} is an <output/>, which ODK fills as seen from the select
		// (JavaRosa's fillTemplateString; ODK Web Forms alike).
		at := e.own().ctx
		if len(its) > 0 {
			at = its[0]
		}
		label = e.s.fillRefs(label, at, nil, false)
	}
	return label
}

func (e *env) Now() time.Time  { return e.s.now() }
func (e *env) UUID() string    { return e.s.opt.UUID() }
func (e *env) Random() float64 { return e.s.opt.Random() }

// --- recomputation ----------------------------------------------------------------------

// recomputeAll evaluates every relevance condition, calculation and repeat count in
// dependency order.
func (s *Session) recomputeAll() {
	for _, n := range s.form.order {
		for _, it := range s.items[n.Index] {
			s.recomputeItem(it, false)
		}
	}
}

// recomputeItem refreshes one item's relevance, calculation and (for a repeat holder) its
// instances. It reports whether anything a reference could see changed. live is set when
// something the item reads has just changed: only then does the calculation of an editable
// question replace its answer; otherwise (a new session, a restored draft, a new instance)
// it fills an empty one, and an answer already there is kept exactly.
func (s *Session) recomputeItem(it *item, live bool) bool {
	n := it.node
	changed := false
	if it.holder {
		// A count that is empty, or no number, leaves the instances and their answers
		// as they are, as ODK does: the enumerator clearing the number to type it again,
		// or its question turning not relevant (it then reads empty), loses nothing.
		if n.RepeatCount != nil && it.parent.relevant() {
			k := expr.ToNumber(s.eval(n.RepeatCount, it))
			count := len(it.children)
			if !math.IsNaN(k) {
				count = int(math.Max(0, math.Min(k, maxInstances)))
			}
			for len(it.children) < count {
				s.appendInstance(it)
				changed = true
			}
			for len(it.children) > count {
				s.removeInstance(it.children[len(it.children)-1])
				changed = true
			}
		}
		if n.Relevant != nil {
			for _, inst := range it.children {
				if r := s.evalBool(n.Relevant, inst); r != inst.selfRel {
					inst.selfRel = r
					changed = true
				}
			}
		}
		return changed
	}
	if n.Relevant != nil {
		if r := s.evalBool(n.Relevant, it); r != it.selfRel {
			it.selfRel = r
			changed = true
		}
	}
	if n.Calculation != nil && n.Trigger == "" {
		switch {
		case !n.editable():
			if v := s.calcValue(n, s.eval(n.Calculation, it)); v != it.value {
				it.value = v
				changed = true
			}
		default:
			// A calculation on an editable question gives its starting value, and then, as
			// in ODK, replaces the answer, typed or not, each time what it reads changes
			// so that it gives a new value. Anything else (a new session, a restored draft,
			// a new instance) only fills an empty answer and keeps one already there.
			v := s.calcValue(n, s.eval(n.Calculation, it))
			if (live && v != it.calc || it.value == "") && v != it.value {
				it.value = v
				changed = true
			}
			it.calc = v
		}
	}
	return changed
}

// maxInstances bounds what a repeat_count can ask for.
const maxInstances = 10000

// editable reports whether the enumerator can change the node's value.
func (n *Node) editable() bool {
	return n.Kind == KindQuestion && !n.ReadOnly && n.ReadOnlyIf == nil
}

// propagate recomputes what a change of item it can affect, and nothing else: each affected
// node is recomputed only in the repeat instance where the change happened when it shares
// that repeat, and only when one of its dependencies actually changed. it may be a repeat
// instance that was just added.
func (s *Session) propagate(it *item) {
	type scope struct {
		all  bool
		inst *item
	}
	dirty := map[*Node]scope{it.node: {inst: it.instance()}}
	// dirtyOf finds the change that reaches n's dependency d: d itself or a group around it.
	dirtyOf := func(d *Node) (scope, bool) {
		for p := d; p != nil; p = p.Parent {
			if sc, ok := dirty[p]; ok {
				return sc, true
			}
		}
		return scope{}, false
	}
	for _, n := range it.node.closure {
		var sc scope
		hit := false
		merge := func(ds scope) {
			one := scope{all: true}
			if !ds.all && ds.inst != nil && isInside(n, ds.inst.node) && !n.crossInst {
				one = scope{inst: ds.inst}
			}
			if !hit {
				sc, hit = one, true
			} else if sc.all || one.all || sc.inst != one.inst {
				sc = scope{all: true}
			}
		}
		for _, d := range n.deps {
			if ds, ok := dirtyOf(d); ok {
				merge(ds)
			}
		}
		if n.Parent != nil {
			if ds, ok := dirtyOf(n.Parent); ok {
				merge(ds)
			}
		}
		if !hit {
			continue
		}
		changed := false
		if sc.all {
			for _, x := range s.items[n.Index] {
				if s.recomputeItem(x, true) {
					changed = true
				}
			}
		} else {
			for _, x := range s.itemsIn(sc.inst, n) {
				if s.recomputeItem(x, true) {
					changed = true
				}
			}
		}
		if changed {
			dirty[n] = sc
		}
	}
}

// itemsIn returns the items of n inside instance inst (n lies inside inst's repeat).
func (s *Session) itemsIn(inst *item, n *Node) []*item {
	if n.Repeat == inst.node {
		if x := within(inst, n); x != nil {
			return []*item{x}
		}
		return nil
	}
	var out []*item
	for _, x := range s.items[n.Index] {
		if x.isInside(inst) {
			out = append(out, x)
		}
	}
	return out
}

// isInside reports whether node n lies inside repeat r.
func isInside(n, r *Node) bool {
	for p := n.Repeat; p != nil; p = p.Repeat {
		if p == r {
			return true
		}
	}
	return false
}

func (it *item) isInside(anc *item) bool {
	for p := it; p != nil; p = p.parent {
		if p == anc {
			return true
		}
	}
	return false
}

// --- repeats ------------------------------------------------------------------------------

func (s *Session) appendInstance(holder *item) *item {
	inst := &item{node: holder.node, parent: holder, inst: len(holder.children) + 1, selfRel: true, inRepeat: true}
	inst.path = fmt.Sprintf("%s[%d]", holder.path, inst.inst)
	holder.children = append(holder.children, inst)
	s.byPath[inst.path] = inst
	s.build(inst, holder.node, true)
	// Items are appended to their node's list; that is document order unless this holder is
	// not the node's last (a nested repeat in an earlier outer instance).
	if hs := s.items[holder.node.Index]; hs[len(hs)-1] != holder {
		s.sortItems(holder.node)
	}
	if holder.node.Relevant != nil {
		inst.selfRel = s.evalBool(holder.node.Relevant, inst)
	}
	var sub []*item
	var collect func(x *item)
	collect = func(x *item) {
		for _, c := range x.children {
			sub = append(sub, c)
			collect(c)
		}
	}
	collect(inst)
	sort.SliceStable(sub, func(i, j int) bool { return sub[i].node.rank < sub[j].node.rank })
	for _, x := range sub {
		s.recomputeItem(x, false)
	}
	return inst
}

func (s *Session) removeInstance(inst *item) {
	holder := inst.parent
	idx := inst.inst - 1
	holder.children = append(holder.children[:idx], holder.children[idx+1:]...)
	s.forget(inst)
	for i, c := range holder.children[idx:] {
		c.inst = idx + i + 1
		s.repath(c, fmt.Sprintf("%s[%d]", holder.path, c.inst))
	}
}

// forget drops inst and everything below it from the session's indexes.
func (s *Session) forget(it *item) {
	delete(s.byPath, it.path)
	if !(it.inst > 0) {
		list := s.items[it.node.Index]
		for i, x := range list {
			if x == it {
				s.items[it.node.Index] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
	}
	for _, c := range it.children {
		s.forget(c)
	}
}

func (s *Session) repath(it *item, path string) {
	delete(s.byPath, it.path)
	it.path = path
	s.byPath[path] = it
	for _, c := range it.children {
		if c.inst > 0 {
			s.repath(c, fmt.Sprintf("%s[%d]", path, c.inst))
		} else {
			s.repath(c, joinPath(path, c.node.Name))
		}
	}
}

// sortItems keeps every node inside repeat r listed in document order after instances were
// added.
func (s *Session) sortItems(r *Node) {
	for _, n := range s.form.Nodes[r.Index+1:] {
		if !isInside(n, r) {
			break
		}
		list := s.items[n.Index]
		sort.SliceStable(list, func(i, j int) bool { return itemLess(list[i], list[j]) })
	}
}

// itemLess orders two items of the same node by their repeat instance numbers, outermost first.
func itemLess(a, b *item) bool {
	ia, ib := instancePath(a), instancePath(b)
	for k := 0; k < len(ia) && k < len(ib); k++ {
		if ia[k] != ib[k] {
			return ia[k] < ib[k]
		}
	}
	return len(ia) < len(ib)
}

func instancePath(it *item) []int {
	var out []int
	for p := it; p != nil; p = p.parent {
		if p.inst > 0 {
			out = append(out, p.inst)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// AddInstance adds an instance at the end of the repeat at holderPath (the repeat's path
// without an index) and returns the new instance's path.
func (s *Session) AddInstance(holderPath string) (string, error) {
	h := s.lookup(holderPath)
	if h == nil || !h.holder {
		return "", fmt.Errorf("no repeat at %s", holderPath)
	}
	if h.node.RepeatCount != nil {
		return "", fmt.Errorf("repeat %s has a fixed count (%s)", h.node.Name, h.node.RepeatCount.Src)
	}
	inst := s.appendInstance(h)
	s.propagate(inst)
	return inst.path, nil
}

// RemoveInstance removes the repeat instance at path; later instances move up one.
func (s *Session) RemoveInstance(path string) error {
	it := s.lookup(path)
	if it == nil || it.inst == 0 {
		return fmt.Errorf("no repeat instance at %s", path)
	}
	if it.node.RepeatCount != nil {
		return fmt.Errorf("repeat %s has a fixed count (%s)", it.node.Name, it.node.RepeatCount.Src)
	}
	h := it.parent
	s.removeInstance(it)
	s.propagate(h)
	s.recomputeAll()
	return nil
}

// Instances returns the number of instances of the repeat at holderPath.
func (s *Session) Instances(holderPath string) int {
	if h := s.lookup(holderPath); h != nil && h.holder {
		return len(h.children)
	}
	return 0
}

// itemLabel is the label element of a choice as instance('list')/root/item/label reads it.
// A list of the choices sheet whose labels are itext (translated, with media or with a
// ${name}) has none (pyxform writes an itextId instead), so it gives no node, as in ODK;
// the form's other lists, and an attached file's label column, have their labels.
func (s *Session) itemLabel(c *Choice) expr.Value {
	if c.itext {
		return expr.Nodes{}
	}
	return expr.String(c.Label.In(s.lang, s.form.Languages))
}
