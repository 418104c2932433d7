package export

import (
	"slices"
	"strconv"
	"strings"

	"tracer/forms"
	"tracer/survey"
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
	cols   []column
	id     int
}

// schema is the layout of an export: its tables in document order, the interview table first.
type schema struct {
	form       *forms.Form
	versions   []*forms.Form // every version exported, oldest first; nil for one version
	tables     []*table
	byNode     map[*forms.Node]*table
	repeats    bool
	lang       string
	labels     map[string]map[string]string // list -> code -> label in lang
	roster     []string                     // roster fields joined
	rosterFunc func(string) (*survey.Respondent, bool)
	derived    *Derived
	alumni     *Alumni
}

// key names a node as forms.Record does: its name, or its group path below its repeat when
// the name is used more than once in the form.
func key(f *forms.Form, n *forms.Node) string {
	if f.Node(n.Name) == n {
		return n.Name
	}
	return rel(n, n.Repeat)
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

func newSchema(f *forms.Form, opt Options) *schema {
	s := &schema{form: f, byNode: map[*forms.Node]*table{}}
	s.lang = f.DefaultLang
	if opt.Lang != "" {
		if l, ok := f.MatchLang(opt.Lang); ok {
			s.lang = l
		}
	}
	s.rosterFunc = opt.Roster
	if opt.Roster != nil {
		s.roster = append(slices.Clone(RosterColumns), opt.RosterExtra...)
	}
	if opt.Labels {
		s.labels = map[string]map[string]string{}
		for name, l := range f.Lists {
			m := make(map[string]string, len(l.Choices))
			for _, c := range l.Choices {
				if lab := c.Label.In(s.lang, f.Languages); lab != "" {
					m[c.Name] = lab
				}
			}
			s.labels[name] = m
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
	used := map[string]bool{"interviews": true, "codebook": true}
	for _, n := range f.Nodes {
		if n.Kind == forms.KindRepeat {
			s.repeats = true
			k := key(f, n)
			name := sheetName(k, used)
			t := &table{name: name, key: k, repeat: n, id: len(s.tables)}
			for i, c := range keyColumns {
				t.cols = append(t.cols, column{name: c.name, kind: colKey, idx: i, num: c.name == "index"})
			}
			s.tables = append(s.tables, t)
			s.byNode[n] = t
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
		if c.multi {
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
		t := &table{name: sheetName("alumni", used), key: "alumni", id: len(s.tables)}
		for i, c := range opt.Alumni.Columns {
			t.cols = append(t.cols, column{name: c.Name, kind: colAlumni, idx: i, num: !c.Text})
		}
		s.tables = append(s.tables, t)
	}
	for _, t := range s.tables {
		names := make([]string, len(t.cols))
		for i, c := range t.cols {
			names[i] = c.name
		}
		for i, n := range varNames(names) {
			t.cols[i].stat = n
		}
	}
	return s
}

// addVersion appends the columns of an older version g that the schema lacks: a question
// only g has, or a choice of a select_multiple only g's list has. A repeat only g has is
// not exported.
func (s *schema) addVersion(g *forms.Form) {
	tables := map[string]*table{"": s.tables[0]}
	for _, t := range s.tables[1:] {
		tables[t.key] = t
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
		if list := g.Lists[n.ListName]; c.multi && list != nil {
			for _, ch := range list.Choices {
				if !have[k+"/"+ch.Name] {
					t.cols = append(t.cols, column{name: k + "/" + ch.Name, kind: colDummy, node: n, rel: c.rel, choice: ch, num: true})
				}
			}
		}
	}
}

// columnVersions names the versions that have column c of table t, joined by ", ".
func (s *schema) columnVersions(t *table, c *column) string {
	if c.kind != colValue && c.kind != colDummy {
		return "all"
	}
	var out []string
	for _, v := range s.versions {
		n := v.Node(c.node.Name)
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
// choice the form offers under that code (the "other" of or_other), else v itself.
func (s *schema) choiceLabel(m map[string]string, n *forms.Node, v string) string {
	if l, ok := m[v]; ok {
		return l
	}
	if ch := s.form.ChoiceOf(n, v); ch != nil {
		if l := ch.Label.In(s.lang, s.form.Languages); l != "" {
			return l
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
