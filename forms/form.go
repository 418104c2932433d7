package forms

import (
	"strings"
	"sync"

	"tracer/forms/expr"
)

// IsVersion reports whether an interview saved as of form version version was made with
// f's version: the same version, or, for a form whose settings give no version (named from
// its content), an empty one, as interviews of such a form were saved before versions were
// named so. The caller compares the form's hash too, which tells the content apart.
func (f *Form) IsVersion(version string) bool {
	return version == f.Version || version == "" && f.VersionFromContent
}

// Namespace is an XML namespace prefix and its URI.
type Namespace struct{ Prefix, URI string }

// Form is a compiled form, ready to run interviews.
type Form struct {
	ID           string
	Title        string
	Version      string
	InstanceName *expr.Expr
	// Namespaces holds the XML namespaces the settings sheet declares (namespaces:
	// esri="http://esri.com/xforms"), in the order written, for names with a prefix
	// (esri:code); the XForm declares them on its root as pyxform does.
	Namespaces []Namespace
	// Languages lists the form's languages in the order their columns appear; DefaultLang is
	// one of them. An untranslated form has the single language "" (shown as "default").
	Languages   []string
	DefaultLang string
	// Root is the form's top-level group; its descendants are in document order.
	Root *Node
	// Nodes holds every node below Root in document order.
	Nodes []*Node
	// Lists holds the choice lists by name.
	Lists map[string]*ChoiceList
	// Hash is the SHA-256 (hex) of the source bytes the form was loaded from; for a form
	// read with attached files, of the bundle that publishing it sends (see Bundle), so that
	// the file on disk and the published bundle are one form.
	Hash string
	// Source is the file name the form was loaded from.
	Source string
	// VersionFromContent says that the form's settings give no version and Version was
	// named from the form's content (see nameVersion).
	VersionFromContent bool
	// Warnings lists problems that do not stop the form from loading.
	Warnings []*Issue
	// Attachments holds the data files the form read (select_one_from_file, pulldata,
	// instance()), in the order it named them.
	Attachments []Attachment
	// Missing names the CSV and XML files the form reads that it was not given (beside
	// it, in its bundle): their selects are skipped and their lookups give nothing.
	Missing []string

	declared map[string]string // the instances csv-external and xml-external rows declare: id to file
	// itext says that the form's texts are itext in its XForm (usesItext): the items of its
	// choice lists then have no label element for a path to read.
	itext      bool
	bundleName string // with attachments: the bundle publishing the form sends (see Bundle)
	bundle     []byte

	byName map[string]*Node
	// byPath maps each node's Path to the node, made at the first NodeAt.
	byPath     map[string]*Node
	byPathOnce sync.Once
	paths      map[*expr.PathNode]*Node // the node each location path of an expression names
	// pathTop holds, for each path that climbs out of a repeat instance around its context
	// and back down into that repeat, the highest node it climbs to: it reads every
	// instance from there (see escapeTop).
	pathTop map[*expr.PathNode]*Node
	// filters holds the filtered steps of each path of the form with predicates
	// (${member}[age >= 18]/name), root first (see filterPath).
	filters map[*expr.PathNode][]pathFilter
	// rootAttrs holds the attribute of the form's root each path names, "@id" or
	// "@version", read as the XForm writes them.
	rootAttrs map[*expr.PathNode]string

	other *Choice // the "other" choice that or_other adds
	order []*Node // nodes in dependency (evaluation) order
	// outside maps the path of each node outside repeats to the node: such a node has one
	// item in every session, at that path.
	outside map[string]*Node
	// memory keeps the memory of sessions that CheckAnswers is done with (*sessionMemory).
	memory sync.Pool
}

// Node returns the node with the given name, or nil: also nil for a name the form gives
// two nodes (in different groups), which NodeAt tells apart.
func (f *Form) Node(name string) *Node { return f.byName[name] }

// NodeAt returns the node an answer's path names ("work/income", "members[2]/age": repeat
// instances numbered or not), or nil.
func (f *Form) NodeAt(path string) *Node {
	f.byPathOnce.Do(func() {
		f.byPath = make(map[string]*Node, len(f.Nodes))
		for _, n := range f.Nodes {
			f.byPath[n.Path()] = n
		}
	})
	if strings.IndexByte(path, '[') >= 0 {
		path = Unnumbered(path)
	}
	return f.byPath[path]
}

// Unnumbered returns path without its repeat instance numbers: "members/age" for
// "members[2]/age".
func Unnumbered(path string) string {
	var b strings.Builder
	b.Grow(len(path))
	for i := 0; i < len(path); i++ {
		if path[i] != '[' {
			b.WriteByte(path[i])
			continue
		}
		for i < len(path) && path[i] != ']' {
			i++
		}
	}
	return b.String()
}

// LangCode returns the short code of a language column name, "id" for "Bahasa Indonesia (id)";
// a name without a code in parentheses is returned lower-cased.
func LangCode(lang string) string {
	if i := strings.LastIndexByte(lang, '('); i >= 0 && strings.HasSuffix(lang, ")") {
		return strings.ToLower(strings.TrimSpace(lang[i+1 : len(lang)-1]))
	}
	return strings.ToLower(strings.TrimSpace(lang))
}

// MatchLang returns the form language that want names, by full name or code
// (case-insensitive), and whether there was one.
func (f *Form) MatchLang(want string) (string, bool) {
	want = strings.TrimSpace(want)
	for _, l := range f.Languages {
		if strings.EqualFold(l, want) {
			return l, true
		}
	}
	for _, l := range f.Languages {
		if LangCode(l) == strings.ToLower(want) {
			return l, true
		}
	}
	// Forms that name languages without a code: "English", "Bahasa Indonesia", "French".
	for _, l := range f.Languages {
		for _, name := range langNames[strings.ToLower(want)] {
			if strings.Contains(strings.ToLower(l), name) {
				return l, true
			}
		}
	}
	return "", false
}

// langNames gives the words a language column may use instead of a code.
var langNames = map[string][]string{
	"id": {"indonesia", "bahasa"}, "en": {"english", "inggris"}, "fr": {"french", "français", "francais"},
	"es": {"spanish", "español", "espanol"}, "pt": {"portuguese", "português"}, "ar": {"arabic"},
	"sw": {"swahili"}, "zh": {"chinese"}, "ms": {"malay", "melayu"}, "am": {"amharic"},
}

// Kind is what a node is.
type Kind int

// The kinds of node.
const (
	KindQuestion  Kind = iota // asks the enumerator for an answer
	KindNote                  // shows text, takes no answer
	KindCalculate             // computed, never shown
	KindHidden                // holds a default or prefilled value, never shown
	KindMeta                  // metadata filled automatically (start, end, deviceid ...)
	KindGroup
	KindRepeat
)

// Node is one row of the survey sheet: a question, note, calculation, metadata field, group
// or repeat.
type Node struct {
	Name string
	// Type is the question type without its list name: "select_one", "integer", "begin_group" ...
	Type string
	Kind Kind
	// ListName is the choice list of a select; OrOther marks "or_other".
	ListName string
	OrOther  bool
	// Unsupported is set for types a terminal cannot capture (image, geopoint ...): the session
	// skips them.
	Unsupported bool
	// External is set for selects whose choices live in an attachment that is not loaded.
	External bool
	// Detached is set for a computed, read-only question whose calculation reads a secondary
	// instance (an attached data file) that is not loaded: it stays empty and its required
	// flag cannot be enforced on this device.
	Detached bool

	Label, Hint, ConstraintMsg, RequiredMsg Text

	Required   bool
	RequiredIf *expr.Expr // an expression in the required column
	ReadOnly   bool
	ReadOnlyIf *expr.Expr

	Relevant, Constraint, Calculation  *expr.Expr
	ChoiceFilter, RepeatCount, Default *expr.Expr
	// DefaultText is a default that is a plain value, not an expression.
	DefaultText string
	// Trigger names the questions whose change recomputes this calculation, separated
	// by ", " (the trigger column's ${a}, ${b}).
	Trigger    string
	Appearance string
	Parameters map[string]string
	// Extra holds the columns the engine does not interpret, by normalized column name.
	Extra map[string]string

	Row      int // the source row (a line number in a Markdown form)
	Index    int // position in Form.Nodes
	childIdx int // position among Parent.Children
	Parent   *Node
	Children []*Node
	Repeat   *Node // the innermost enclosing repeat, or nil

	// filter is ChoiceFilter as the predicate of instance('list')/root/item[...], filterPred
	// that predicate: how ODK evaluates a choice filter.
	filter     *expr.Expr
	filterPred expr.Node
	filterEq   *eqFilter // the filter answered from an index, when it is column = value
	// randomize is the parameter randomize=true of a select; seed its seed parameter (a
	// number or ${name}), nil without one.
	randomize bool
	seed      *expr.Expr

	deps, dependents []*Node // dependency graph among relevance, calculations and repeat counts
	triggers         []*Node // calculations whose trigger is this node
	rank             int     // position in the evaluation order
	// noControl is set for a question with a calculation or a trigger and neither label nor
	// hint: pyxform writes no body control for it, so ODK never shows it and only its
	// calculation or trigger sets it.
	noControl bool
	// crossInst is set when the node's relevance, calculation or repeat count may read
	// another instance of a repeat it is in (indexed-repeat, a path out of the instance and
	// back): a change in one instance is recomputed for it in every instance.
	crossInst bool
	closure   []*Node // everything a change of this node can affect, in order; set at load
	path      string  // Path(), set at load: the path of its item outside repeat instances
}

// shown reports whether ODK has a control for n, one the enumerator sees and answers (a
// group or repeat, a question, a note, a question hidden only by its appearance).
func (n *Node) shown() bool {
	switch n.Kind {
	case KindCalculate, KindMeta:
		return false
	case KindHidden:
		return n.Type != "hidden" && !n.noControl
	}
	return true
}

// IsGroup reports whether the node is a group or repeat.
func (n *Node) IsGroup() bool { return n.Kind == KindGroup || n.Kind == KindRepeat }

// inside reports whether n is below group or repeat g.
func (n *Node) inside(g *Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == g {
			return true
		}
	}
	return false
}

// Answerable reports whether the enumerator is asked this node on this device.
func (n *Node) Answerable() bool {
	return (n.Kind == KindQuestion || n.Kind == KindNote) && !n.Unsupported
}

// Path returns the node's path of group and repeat names from the root, joined by "/".
func (n *Node) Path() string {
	var parts []string
	for p := n; p != nil && p.Parent != nil; p = p.Parent {
		parts = append(parts, p.Name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// Text is a text in each of the form's languages, keyed by language name ("" when untranslated).
type Text map[string]string

// In returns the text in lang, falling back to the untranslated text, then to any language,
// in a stable order given by langs.
func (t Text) In(lang string, langs []string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s := t[""]; s != "" {
		return s
	}
	for _, l := range langs {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// ChoiceList is a named list of choices from the choices sheet.
type ChoiceList struct {
	Name    string
	Choices []*Choice
	// Columns lists the extra columns the choices carry, for choice filters.
	Columns []string
	// File is the attached file the list was read from (regencies.csv), "" for a list of
	// the choices sheet.
	File   string
	header []string // an attached file's columns, in its order
	// root and item name an attached file's elements (root/item for a CSV file); "" for a
	// list of the choices sheet, whose paths are not checked by name.
	root, item string
	// itext says that pyxform writes the list's items with an itextId and no label: a
	// choice has a translated label, media, or a ${name} in its label (see listUsesItext).
	itext  bool
	byName map[string]*Choice
	// known holds the columns of an attached file while it is read; cells counts what
	// was read of it (see maxAttachmentCells).
	known map[string]bool
	cells int
}

// Choice returns the choice with the given name, or nil.
func (l *ChoiceList) Choice(name string) *Choice { return l.byName[name] }

// Choice is one option of a choice list.
type Choice struct {
	Name  string
	Label Text
	// Extra holds the choice's other columns (for choice filters), by column name.
	Extra map[string]string
	// Media holds the choice's media files by column name ("image", "audio::English (en)").
	Media map[string]string
	Row   int

	pos      int  // 1-based position in its list, set at load
	attached bool // an item of an attached file (see Choice.column)
	itext    bool // its list's items have an itextId and no label (ChoiceList.itext)
	// more holds, for an item of an attached XML file with an element repeated
	// (<tag>a</tag><tag>b</tag>), the values after the first, which Extra holds.
	more map[string][]string
}
