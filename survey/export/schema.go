package export

import (
	"slices"
	"strconv"
	"strings"

	"tracer/forms"
)

// colKind says where a column's value comes from.
type colKind int

const (
	colMeta    colKind = iota // record metadata
	colRoster                 // a roster field of the respondent
	colKey                    // a repeat table's link columns
	colValue                  // an answer
	colDummy                  // one choice of a select_multiple, as 0/1
	colDerived                // a derived variable (Options.Derived)
	colAlumni                 // a column of the alumni table (Options.Alumni)
)

// The metadata columns, in order, first in the interview table.
var metaColumns = []struct{ name, desc string }{
	{"interview_id", "interview id (UUID made on the laptop)"},
	{"revision", "revision of the interview (1, 2, ...)"},
	{"respondent_id", "roster id of the respondent (empty for a walk-in)"},
	{"enumerator", "user name of the enumerator"},
	{"form_version", "version of the form the interview was made with"},
	{"started_at", "when the interview started (UTC, RFC 3339)"},
	{"finalized_at", "when this revision was finalized (UTC, RFC 3339)"},
	{"capture_mode", "how the answers were captured: laptop (tracer), collect (ODK Collect) or web (self-response link)"},
	{"device", "the device that captured the answers: the phone's id for ODK Collect (collect:...), empty otherwise"},
}

// RosterColumns are the roster fields joined to every interview (as roster_<name>) when a
// roster lookup is given: the column names of survey.Respondent.Values.
var RosterColumns = []string{
	"roster_id", "nik", "full_name", "sex", "birth_date", "phone_main", "education",
	"institution", "kejuruan", "program_name", "batch_id", "training_start_date",
	"training_end_date", "budget_year", "funding", "completion", "domicile_regency",
}

// The link columns of a repeat table.
var keyColumns = []struct{ name, desc string }{
	{"interview_id", "id of the interview this instance belongs to"},
	{"instance", "instance path: the index in each enclosing repeat, joined by '.' (2.3 = 3rd instance inside the 2nd of the parent)"},
	{"parent_instance", "instance path of the enclosing repeat's instance; empty when the repeat is not nested"},
	{"index", "index of this instance in its repeat, from 1"},
}

type column struct {
	name string
	stat string // variable name in SPSS and Stata files
	kind colKind
	node *forms.Node
	rel  string // answer path relative to the row's instance
	// alts are the paths an older version kept the same question under (it moved between
	// groups), read when rel holds nothing
	alts   []string
	choice *forms.Choice
	idx    int  // metadata, roster or key position
	num    bool // numeric in XLSX
	multi  bool // select_multiple value
	single bool // select_one value
}

type table struct {
	name   string // sheet and file name
	key    string // column-name key of the repeat ("" for interviews)
	repeat *forms.Node
	// parent is the table of the enclosing repeat, the interview table for a repeat not
	// nested; nil for the interview table
	parent *table
	// holders are the repeat's paths relative to its enclosing repeat's instance, in the
	// form written with, then in older versions where they differ (it moved between
	// groups); an instance is read under the first one a record has
	holders []string
	cols    []column
	id      int
}

// schema is the layout of an export: its tables in document order, the interview table first.
type schema struct {
	form     *forms.Form
	versions []*forms.Form // every version exported, oldest first; nil for one version
	tables   []*table
	byNode   map[*forms.Node]*table
	used     map[string]bool // table names taken
	repeats  bool
	lang     string
	aapor    string                       // the AAPOR dispositions' labels' language (DispositionLang)
	labels   map[string]map[string]string // list -> code -> label in lang, every version's
	roster   []string                     // roster fields joined
	derived  *Derived
	alumni   *Alumni
	twins    map[twinKey]*forms.Node // counterpart's answers
}

// key names a node as forms.Record does: its name, or its group path below its repeat when
// the name is used more than once in the form.
func key(f *forms.Form, n *forms.Node) string {
	if f.Node(n.Name) == n {
		return n.Name
	}
	return rel(n, n.Repeat)
}

type twinKey struct {
	v *forms.Form
	n *forms.Node
}

// counterpart returns the node of version v that node n of a column stands for: the node
// of n's name, matched by name across versions wherever its group is, or, where v uses the
// name more than once (in two groups), the one at n's path; nil when v has neither.
func (s *schema) counterpart(v *forms.Form, n *forms.Node) *forms.Node {
	if m := v.Node(n.Name); m != nil {
		return m
	}
	k := twinKey{v, n}
	if m, ok := s.twins[k]; ok {
		return m
	}
	var twin *forms.Node
	p := n.Path()
	for _, m := range v.Nodes {
		if m.Name == n.Name && m.Path() == p {
			twin = m
			break
		}
	}
	if s.twins == nil {
		s.twins = map[twinKey]*forms.Node{}
	}
	s.twins[k] = twin
	return twin
}

// rel returns n's static path relative to repeat r (the full path when r is nil).
func rel(n, r *forms.Node) string {
	p := n.Path()
	if r != nil {
		p = strings.TrimPrefix(p, r.Path()+"/")
	}
	return p
}

// exported reports whether a node gets a column: anything that can hold a value.
func exported(n *forms.Node) bool {
	return !n.IsGroup() && n.Kind != forms.KindNote && !n.Unsupported
}

func numericType(t string) bool {
	return t == "integer" || t == "decimal" || t == "range"
}

// DispositionLang returns the language, "id" or "en", of the AAPOR dispositions' labels in
// an export of form f asked in lang: lang when given, else the form's default language. The
// alumni table's disposition_label and the SPSS and Stata value labels of its codes follow
// it alike.
func DispositionLang(f *forms.Form, lang string) string {
	if lang == "" && f != nil {
		lang = f.DefaultLang
	}
	if forms.LangCode(lang) == "id" || strings.Contains(strings.ToLower(lang), "indonesia") {
		return "id"
	}
	return "en"
}

func newSchema(f *forms.Form, opt Options) *schema {
	s := &schema{form: f, byNode: map[*forms.Node]*table{}}
	s.lang = f.DefaultLang
	if opt.Lang != "" {
		if l, ok := f.MatchLang(opt.Lang); ok {
			s.lang = l
		}
	}
	s.aapor = DispositionLang(f, opt.Lang)
	if opt.Roster != nil || opt.RosterJoined {
		s.roster = append(slices.Clone(RosterColumns), opt.RosterExtra...)
	}
	if opt.Labels {
		// the form's own lists first, then what only older versions' lists have
		s.labels = map[string]map[string]string{}
		for _, g := range append([]*forms.Form{f}, reversed(opt.Versions)...) {
			lang := s.langOf(g)
			for name, l := range g.Lists {
				m := s.labels[name]
				if m == nil {
					m = make(map[string]string, len(l.Choices))
					s.labels[name] = m
				}
				for _, c := range l.Choices {
					if _, ok := m[c.Name]; ok {
						continue
					}
					if lab := c.Label.In(lang, g.Languages); lab != "" {
						m[c.Name] = lab
					}
				}
			}
		}
	}
	main := &table{name: "interviews"}
	for i, m := range metaColumns {
		main.cols = append(main.cols, column{name: m.name, kind: colMeta, idx: i, num: m.name == "revision"})
	}
	for i, r := range s.roster {
		main.cols = append(main.cols, column{name: "roster_" + r, kind: colRoster, idx: i})
	}
	s.tables = append(s.tables, main)
	s.byNode[nil] = main
	// The tables the export makes keep their names; a repeat called so gets _2.
	s.used = map[string]bool{"interviews": true, "codebook": true}
	if opt.Alumni != nil && opt.Alumni.Rows != nil && opt.Format != JSONL {
		s.used["alumni"] = true
	}
	for _, n := range f.Nodes {
		if n.Kind == forms.KindRepeat {
			s.byNode[n] = s.addRepeat(f, n, s.byNode[n.Repeat])
			continue
		}
		if !exported(n) {
			continue
		}
		t := s.byNode[n.Repeat]
		k := key(f, n)
		c := column{name: k, kind: colValue, node: n, rel: rel(n, n.Repeat), num: numericType(n.Type)}
		list := f.Lists[n.ListName]
		switch n.Type {
		case "select_one":
			c.single = true
		case "select_multiple":
			c.multi = true
		}
		t.cols = append(t.cols, c)
		if c.multi && dummies(list) {
			for _, ch := range offered(f, n, list) {
				t.cols = append(t.cols, column{name: k + "/" + ch.Name, kind: colDummy, node: n, rel: c.rel, choice: ch, num: true})
			}
		}
	}
	if len(opt.Versions) > 0 {
		s.versions = append(slices.Clone(opt.Versions), f)
		for _, g := range opt.Versions {
			s.addVersion(g)
		}
	}
	if opt.Derived != nil && opt.Derived.Values != nil {
		s.derived = opt.Derived
		for i, d := range opt.Derived.Columns {
			main.cols = append(main.cols, column{name: d.Name, kind: colDerived, idx: i, num: !d.Text})
		}
	}
	if opt.Alumni != nil && opt.Alumni.Rows != nil && opt.Format != JSONL {
		s.alumni = opt.Alumni
		t := &table{name: "alumni", key: "alumni", id: len(s.tables)}
		for i, c := range opt.Alumni.Columns {
			t.cols = append(t.cols, column{name: c.Name, kind: colAlumni, idx: i, num: !c.Text})
		}
		s.tables = append(s.tables, t)
	}
	for _, t := range s.tables {
		names := make([]string, len(t.cols))
		questions := make([]bool, len(t.cols))
		for i, c := range t.cols {
			names[i] = c.name
			questions[i] = c.kind == colValue
		}
		for i, n := range varNames(names, questions) {
			t.cols[i].stat = n
		}
	}
	return s
}

// addRepeat adds the table of repeat n of form f, below the table of its enclosing repeat
// (the interview table when it is not nested).
func (s *schema) addRepeat(f *forms.Form, n *forms.Node, parent *table) *table {
	s.repeats = true
	k := key(f, n)
	t := &table{name: sheetName(k, s.used), key: k, repeat: n, parent: parent, holders: []string{rel(n, n.Repeat)}, id: len(s.tables)}
	for i, c := range keyColumns {
		t.cols = append(t.cols, column{name: c.name, kind: colKey, idx: i, num: c.name == "index"})
	}
	s.tables = append(s.tables, t)
	return t
}

// reversed returns a copy of fs, last first.
func reversed(fs []*forms.Form) []*forms.Form {
	out := slices.Clone(fs)
	slices.Reverse(out)
	return out
}

// langOf returns the language of form g the export's labels are in: the export's
// language when g has it, else g's default.
func (s *schema) langOf(g *forms.Form) string {
	if l, ok := g.MatchLang(s.lang); ok {
		return l
	}
	return g.DefaultLang
}

// addVersion appends what an older version g has and the schema lacks: a repeat only g
// has (its table, nested where g nests it), a question only g has, or a choice of a
// select_multiple only g's list has. A repeat both have under another group path is read
// under either path.
func (s *schema) addVersion(g *forms.Form) {
	tables := map[string]*table{"": s.tables[0]}
	for _, t := range s.tables[1:] {
		tables[t.key] = t
	}
	for _, n := range g.Nodes {
		if n.Kind != forms.KindRepeat {
			continue
		}
		pk := ""
		if n.Repeat != nil {
			pk = key(g, n.Repeat)
		}
		parent := tables[pk]
		if parent == nil {
			continue // its enclosing repeat is nested differently in g: not reachable
		}
		k := key(g, n)
		if t := tables[k]; t != nil {
			if t.parent == parent && !slices.Contains(t.holders, rel(n, n.Repeat)) {
				t.holders = append(t.holders, rel(n, n.Repeat))
			}
			continue
		}
		tables[k] = s.addRepeat(g, n, parent)
	}
	for _, n := range g.Nodes {
		if !exported(n) {
			continue
		}
		tk := ""
		if n.Repeat != nil {
			tk = key(g, n.Repeat)
		}
		t := tables[tk]
		if t == nil {
			continue
		}
		k := key(g, n)
		have := map[string]bool{}
		for i := range t.cols {
			c := &t.cols[i]
			have[c.name] = true
			mine := c.kind == colValue && c.name == k || c.kind == colDummy && strings.HasPrefix(c.name, k+"/")
			if mine && c.rel != rel(n, n.Repeat) && !slices.Contains(c.alts, rel(n, n.Repeat)) {
				c.alts = append(c.alts, rel(n, n.Repeat))
			}
		}
		c := column{name: k, kind: colValue, node: n, rel: rel(n, n.Repeat), num: numericType(n.Type),
			single: n.Type == "select_one", multi: n.Type == "select_multiple"}
		if !have[k] {
			t.cols = append(t.cols, c)
		}
		if list := g.Lists[n.ListName]; c.multi && list != nil && dummies(list) {
			for _, ch := range list.Choices {
				if !have[k+"/"+ch.Name] {
					t.cols = append(t.cols, column{name: k + "/" + ch.Name, kind: colDummy, node: n, rel: c.rel, choice: ch, num: true})
				}
			}
		}
	}
}

// maxFileDummies bounds the choice columns of a select_multiple from an attached file.
const maxFileDummies = 250

// dummies reports whether a select_multiple of list l gets one 0/1 column per choice: always,
// except for a list from an attached file longer than a table can take (every village of a
// province), whose answer column alone is written.
func dummies(l *forms.ChoiceList) bool {
	return l == nil || l.File == "" || len(l.Choices) <= maxFileDummies
}

// versionOf returns the exported version named version; the form written with when
// none is.
func (s *schema) versionOf(version string) *forms.Form {
	for _, g := range s.versions {
		if g.Version == version {
			return g
		}
	}
	return s.form
}

// repeatIn returns the repeat of version v whose table is t, nil when v has none.
func repeatIn(v *forms.Form, t *table) *forms.Node {
	for _, n := range v.Nodes {
		if n.Kind == forms.KindRepeat && key(v, n) == t.key {
			return n
		}
	}
	return nil
}

// columnVersions names the versions that have column c of table t, joined by ", ".
func (s *schema) columnVersions(t *table, c *column) string {
	if c.kind == colKey {
		var out []string
		for _, v := range s.versions {
			if repeatIn(v, t) != nil {
				out = append(out, v.Version)
			}
		}
		return strings.Join(out, ", ")
	}
	if c.kind != colValue && c.kind != colDummy {
		return "all"
	}
	var out []string
	for _, v := range s.versions {
		n := s.counterpart(v, c.node)
		if n == nil || !exported(n) || rel(n, n.Repeat) != c.rel && !slices.Contains(c.alts, rel(n, n.Repeat)) {
			continue
		}
		if (n.Repeat == nil) != (t.repeat == nil) || (n.Repeat != nil && key(v, n.Repeat) != t.key) {
			continue
		}
		if c.kind == colDummy && v.ChoiceOf(n, c.choice.Name) == nil {
			continue
		}
		out = append(out, v.Version)
	}
	return strings.Join(out, ", ")
}

// choiceVersions returns the choices select column c of table t offers in any version:
// the form's own first, then those only older versions have, each with the versions that
// offer it; all is the number of versions that have the question.
func (s *schema) choiceVersions(t *table, c *column) (choices []*forms.Choice, in [][]string, all int) {
	versions := s.versions
	if versions == nil {
		return offered(s.form, c.node, s.form.Lists[c.node.ListName]), nil, 0
	}
	have := strings.Split(s.columnVersions(t, c), ", ")
	at := map[string]int{}
	for _, v := range append([]*forms.Form{s.form}, reversed(versions[:len(versions)-1])...) {
		if !slices.Contains(have, v.Version) {
			continue
		}
		n := s.counterpart(v, c.node)
		for _, ch := range offered(v, n, v.Lists[n.ListName]) {
			i, ok := at[ch.Name]
			if !ok {
				i = len(choices)
				at[ch.Name] = i
				choices = append(choices, ch)
				in = append(in, nil)
			}
			in[i] = append(in[i], v.Version)
		}
	}
	for i := range in {
		slices.SortFunc(in[i], func(a, b string) int { return s.versionIndex(a) - s.versionIndex(b) })
	}
	return choices, in, len(have)
}

// versionIndex is the place of version v among the exported versions, oldest first.
func (s *schema) versionIndex(v string) int {
	for i, g := range s.versions {
		if g.Version == v {
			return i
		}
	}
	return len(s.versions)
}

// offered returns the choices question n offers: its list's, then the "other" of or_other.
func offered(f *forms.Form, n *forms.Node, list *forms.ChoiceList) []*forms.Choice {
	var out []*forms.Choice
	if list != nil {
		out = append(out, list.Choices...)
	}
	if n.OrOther && (list == nil || list.Choice("other") == nil) {
		if ch := f.ChoiceOf(n, "other"); ch != nil {
			out = append(out, ch)
		}
	}
	return out
}

// sheetName makes a table name that is a valid sheet name (31 characters, none of []:*?/\)
// and a plain file name, unique among used.
func sheetName(k string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, k)
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	base := name
	for i := 2; used[strings.ToLower(name)]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	used[strings.ToLower(name)] = true
	return name
}

// label returns the value of a select as labels in the chosen language: a select_one's code
// replaced by its label, a select_multiple's codes by their labels joined by "; ". The
// "other" that or_other adds gets its label; codes without a label (a choice list loaded
// from a file) are kept.
func (s *schema) label(c *column, v string) string {
	if s.labels == nil || v == "" || !(c.single || c.multi) {
		return v
	}
	m := s.labels[c.node.ListName]
	if c.single {
		return s.choiceLabel(m, c.node, v)
	}
	parts := strings.Fields(v)
	for i, p := range parts {
		parts[i] = s.choiceLabel(m, c.node, p)
	}
	return strings.Join(parts, "; ")
}

// choiceLabel returns the label of code v of question n: from its list's labels m, else the
// choice the form, then an older version, offers n under that code (the "other" of
// or_other, a list renamed), else v itself.
func (s *schema) choiceLabel(m map[string]string, n *forms.Node, v string) string {
	if l, ok := m[v]; ok {
		return l
	}
	for _, g := range append([]*forms.Form{s.form}, reversed(s.versions)...) {
		gn := s.counterpart(g, n)
		if gn == nil {
			continue
		}
		if ch := g.ChoiceOf(gn, v); ch != nil {
			if l := ch.Label.In(s.langOf(g), g.Languages); l != "" {
				return l
			}
		}
	}
	return v
}

// dummy returns the 0/1 value of a choice column: "" when the question has no answer.
func dummy(v, choice string) string {
	if v == "" {
		return ""
	}
	for len(v) > 0 {
		i := strings.IndexByte(v, ' ')
		var w string
		if i < 0 {
			w, v = v, ""
		} else {
			w, v = v[:i], v[i+1:]
		}
		if w == choice {
			return "1"
		}
	}
	return "0"
}
