package forms

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"tracer/forms/expr"
)

// This file writes a form as an ODK XForm, the way pyxform compiles an XLSForm: a model
// with the primary instance, one secondary instance per choice list, binds and itext
// translations, then a body of controls. ODK Collect, Enketo and ODK Web Forms run what it
// writes.
//
// Expressions are written as XPath: ${name} becomes the absolute path of the question,
// /data/g/name, or, when both ends lie in the same repeat, a path relative to the question
// whose column holds the expression (../name), so that it reads the same instance. Inside a
// choice filter, which ODK evaluates for each choice, a question is reached from current(),
// the select itself.

// XFormRoot is the name of the primary instance's root element in the XForms tracer writes,
// and of Form.Root, when the settings sheet gives no name (pyxform's name setting).
const XFormRoot = "data"

// WriteXForm writes f as an ODK XForm to w.
func WriteXForm(w io.Writer, f *Form) error {
	return WriteXFormRoster(w, f, nil)
}

// XFormRoster makes an XForm choose its respondent from an attached roster file, as ODK
// users do with select_one_from_file: the key question becomes a select whose choices are
// the file's rows, and choosing a row fills in the questions prefilled from the roster.
type XFormRoster struct {
	// File is the attachment's name, a CSV file ("roster.csv"): a column name holds the
	// key's value, a column label what the enumerator sees, and every column named after a
	// question in Columns its value.
	File string
	// Key names the question that identifies the respondent (roster_id): a select of the
	// file's rows in the XForm, writable there even when the form makes it read-only.
	Key string
	// Columns names the questions filled in from the chosen row, as the laptop prefills
	// them from the roster: an empty value in the row leaves the question's default.
	Columns []string
}

// WriteXFormRoster writes f as an ODK XForm to w, choosing the respondent from the roster
// file r describes (WriteXForm when r is nil). Returns an error when r names a question the
// form does not have outside repeats, or a key that is a group, metadata or a calculation.
func WriteXFormRoster(w io.Writer, f *Form, r *XFormRoster) error {
	x := newXFormWriter(f)
	if r != nil {
		if err := x.planRoster(r); err != nil {
			return err
		}
	}
	doc := x.document()
	bw := bufio.NewWriter(w)
	bw.WriteString("<?xml version=\"1.0\"?>\n")
	doc.write(bw, 0)
	return bw.Flush()
}

// XFormPath returns the absolute XPath of n in the XForm WriteXForm writes: /data/g/name.
func XFormPath(n *Node) string {
	if n == nil {
		return "/" + XFormRoot
	}
	root := n
	for root.Parent != nil {
		root = root.Parent
	}
	if n == root {
		return "/" + root.Name
	}
	return "/" + root.Name + "/" + n.Path()
}

// XFormType returns the bind type of n in the XForm: string, int, decimal, date, dateTime,
// select1's string, binary for media ...
func XFormType(n *Node) string {
	switch n.Type {
	case "integer":
		return "int"
	case "decimal":
		return "decimal"
	case "range":
		for _, k := range []string{"start", "end", "step"} {
			if v := n.Parameters[k]; strings.ContainsAny(v, ".eE") {
				return "decimal"
			}
		}
		return "int"
	case "date", "today":
		return "date"
	case "time":
		return "time"
	case "dateTime", "start", "end":
		return "dateTime"
	case "geopoint", "start-geopoint", "background-geopoint":
		return "geopoint"
	case "geotrace":
		return "geotrace"
	case "geoshape":
		return "geoshape"
	case "barcode":
		return "barcode"
	case "image", "audio", "video", "file", "osm", "audit", "background-audio":
		return "binary"
	case "rank":
		return "odk:rank"
	}
	return "string"
}

// xel is an XML element being built: attributes in order, then either children or text.
// raw holds mixed content already escaped (a label with <output/> elements).
type xel struct {
	name  string
	attrs []string // name, value pairs
	text  string
	raw   string
	kids  []*xel
}

func el(name string, attrs ...string) *xel { return &xel{name: name, attrs: attrs} }

func (e *xel) attr(name, value string) *xel {
	e.attrs = append(e.attrs, name, value)
	return e
}

func (e *xel) add(kids ...*xel) *xel {
	for _, k := range kids {
		if k != nil {
			e.kids = append(e.kids, k)
		}
	}
	return e
}

var (
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#10;", "\r", "&#13;", "\t", "&#9;")
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
)

func (e *xel) write(w *bufio.Writer, depth int) {
	indent := strings.Repeat("  ", depth)
	w.WriteString(indent + "<" + e.name)
	for i := 0; i+1 < len(e.attrs); i += 2 {
		w.WriteString(" " + e.attrs[i] + `="` + attrEscaper.Replace(e.attrs[i+1]) + `"`)
	}
	switch {
	case len(e.kids) > 0:
		w.WriteString(">\n")
		for _, k := range e.kids {
			k.write(w, depth+1)
		}
		w.WriteString(indent + "</" + e.name + ">\n")
	case e.raw != "":
		w.WriteString(">" + e.raw + "</" + e.name + ">\n")
	case e.text != "":
		w.WriteString(">" + textEscaper.Replace(e.text) + "</" + e.name + ">\n")
	default:
		w.WriteString("/>\n")
	}
}

// xformWriter holds what the parts of one XForm share.
type xformWriter struct {
	f     *Form
	itext bool
	// texts holds the itext entries by language, in the order they were made.
	texts   map[string][]*xel
	textIDs map[string]bool
	// counts names the generated node holding a repeat's count, for counts that are
	// expressions.
	counts map[*Node]string
	// listInstance names the secondary instance of each select.
	listInstance map[*Node]string
	// lists lists the secondary instances to write, in order: choice lists by name.
	lists []xlist
	// setvalues are the model's actions: dynamic defaults.
	setvalues []*xel
	// roster, when set, is the roster attachment the key question chooses from.
	roster *rosterPlan
	// subst writes a reference to a node as this XPath instead of the node's path.
	subst map[*Node]string
}

// rosterPlan is an XFormRoster checked against the form.
type rosterPlan struct {
	id      string // the secondary instance's id: the file's name without .csv
	file    string
	key     *Node
	columns []*Node
}

// xlist is a secondary instance made from a choice list.
type xlist struct {
	id    string
	list  *ChoiceList
	other bool // with the "other" choice of or_other
}

var mediaForms = []string{"image", "big-image", "audio", "video"}

func newXFormWriter(f *Form) *xformWriter {
	x := &xformWriter{f: f, texts: make(map[string][]*xel), textIDs: make(map[string]bool),
		counts: make(map[*Node]string), listInstance: make(map[*Node]string)}
	x.itext = f.itext
	x.planLists()
	return x
}

// planLists decides the secondary instance of every select: its list's name, or, for an
// or_other select whose list other selects use without "other", a copy with "other" added.
func (x *xformWriter) planLists() {
	f := x.f
	plain, other := map[string]bool{}, map[string]bool{}
	for _, n := range f.Nodes {
		if n.ListName == "" || f.Lists[n.ListName] == nil {
			continue
		}
		if n.OrOther {
			other[n.ListName] = true
		} else {
			plain[n.ListName] = true
		}
	}
	files := map[string]bool{}
	for _, l := range f.Lists {
		if l.File != "" {
			files[l.Name] = true
		}
	}
	names := make([]string, 0, len(f.Lists))
	for name, l := range f.Lists {
		// An attached file is an external instance (see attachments), and takes its id
		// from a list of the choices sheet of that name (search()'s placeholder).
		if l.File == "" && !files[name] {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := f.Lists[names[i]], f.Lists[names[j]]
		if len(a.Choices) > 0 && len(b.Choices) > 0 && a.Choices[0].Row != b.Choices[0].Row {
			return a.Choices[0].Row < b.Choices[0].Row
		}
		return names[i] < names[j]
	})
	used := map[string]bool{}
	for _, name := range names {
		used[name] = true
	}
	otherID := map[string]string{}
	for _, name := range names {
		l := f.Lists[name]
		switch {
		case other[name] && !plain[name]:
			x.lists = append(x.lists, xlist{id: name, list: l, other: true})
			otherID[name] = name
		case other[name]:
			x.lists = append(x.lists, xlist{id: name, list: l})
			id := name + "_or_other"
			for used[id] {
				id += "_"
			}
			used[id] = true
			x.lists = append(x.lists, xlist{id: id, list: l, other: true})
			otherID[name] = id
		default:
			x.lists = append(x.lists, xlist{id: name, list: l})
		}
	}
	for _, n := range f.Nodes {
		if n.ListName == "" || f.Lists[n.ListName] == nil || f.Lists[n.ListName].File != "" {
			continue
		}
		if n.OrOther {
			x.listInstance[n] = otherID[n.ListName]
		} else {
			x.listInstance[n] = n.ListName
		}
	}
}

// langAttr is the itext language name of a form language: "default" for the untranslated one.
func langAttr(l string) string {
	if l == "" {
		return "default"
	}
	return l
}

func (x *xformWriter) document() *xel {
	f := x.f
	html := el("h:html",
		"xmlns", "http://www.w3.org/2002/xforms",
		"xmlns:ev", "http://www.w3.org/2001/xml-events",
		"xmlns:h", "http://www.w3.org/1999/xhtml",
		"xmlns:jr", "http://openrosa.org/javarosa",
		"xmlns:odk", "http://www.opendatakit.org/xforms",
		"xmlns:orx", "http://openrosa.org/xforms",
		"xmlns:xsd", "http://www.w3.org/2001/XMLSchema")
	for _, ns := range f.Namespaces {
		html.attr("xmlns:"+ns.Prefix, ns.URI)
	}
	head := el("h:head")
	head.add(&xel{name: "h:title", text: f.Title})
	model := el("model", "odk:xforms-version", "1.0.0")

	// The body first: it makes the itext entries and the setvalue actions.
	body := el("h:body")
	for _, n := range f.Root.Children {
		body.add(x.control(n))
	}
	primary := x.primaryInstance()
	binds := x.binds()
	secondary := x.secondaryInstances()

	if x.itext {
		itext := el("itext")
		for _, l := range f.Languages {
			tr := el("translation")
			if l == f.DefaultLang {
				tr.attr("default", "true()")
			}
			tr.attr("lang", langAttr(l))
			tr.kids = x.texts[l]
			itext.add(tr)
		}
		model.add(itext)
	}
	model.add(el("instance").add(primary))
	model.add(secondary...)
	model.add(binds...)
	model.add(x.setvalues...)
	head.add(model)
	html.add(head, body)
	return html
}

// primaryInstance builds the form's data element: one element per node, a template and a
// first instance per repeat, and the meta group with the instanceID.
func (x *xformWriter) primaryInstance() *xel {
	f := x.f
	root := el(f.Root.Name, "id", f.ID)
	if f.Version != "" {
		root.attr("version", f.Version)
	}
	x.instanceChildren(root, f.Root, outsideRepeats)
	// The meta group: the form's own, if it has one, gets the instanceID.
	var meta *xel
	for _, k := range root.kids {
		if k.name == "meta" && len(k.kids) > 0 {
			meta = k
		}
	}
	if meta == nil {
		meta = el("meta")
		root.add(meta)
	}
	has := map[string]bool{}
	for _, k := range meta.kids {
		has[k.name] = true
	}
	if !has["instanceID"] {
		meta.add(el("instanceID"))
	}
	if f.InstanceName != nil && !has["instanceName"] {
		meta.add(el("instanceName"))
	}
	return root
}

// instanceChildren adds the elements of n's children to parent. A repeat gets its template
// and a first instance, as pyxform writes them; inside a template (in == inTemplate) a nested
// repeat has only its template, inside an instance only its first instance.
func (x *xformWriter) instanceChildren(parent *xel, n *Node, in instanceMode) {
	for _, c := range n.Children {
		if c.Kind == KindRepeat {
			if c.RepeatCount != nil && x.countNode(c) != "" {
				parent.add(el(x.counts[c]))
			}
			if in != inInstance {
				tmpl := el(c.Name, "jr:template", "")
				x.instanceChildren(tmpl, c, inTemplate)
				parent.add(tmpl)
			}
			if in != inTemplate {
				first := el(c.Name)
				x.instanceChildren(first, c, inInstance)
				parent.add(first)
			}
			continue
		}
		e := el(c.Name)
		if c.Kind == KindGroup {
			x.instanceChildren(e, c, in)
		} else if c.DefaultText != "" && c.Kind != KindMeta {
			e.text = c.DefaultText
		}
		parent.add(e)
	}
}

// instanceMode says where in the primary instance elements are being written.
type instanceMode int

const (
	outsideRepeats instanceMode = iota
	inTemplate                  // inside a repeat's jr:template
	inInstance                  // inside a repeat's first instance
)

// countNode returns the name of the generated calculate that holds the count of repeat r,
// or "" when the count is written in jr:count itself: a number, or a reference to a
// question outside every repeat.
func (x *xformWriter) countNode(r *Node) string {
	if name, ok := x.counts[r]; ok {
		return name
	}
	name := ""
	switch root := r.RepeatCount.Root.(type) {
	case *expr.NumberNode:
	case *expr.RefNode:
		if t := x.f.byName[root.Name]; t == nil || t.Repeat != nil {
			name = r.Name + "_count"
		}
	default:
		name = r.Name + "_count"
	}
	if name != "" {
		for x.siblingNamed(r.Parent, name) {
			name += "_"
		}
	}
	x.counts[r] = name
	return name
}

func (x *xformWriter) siblingNamed(parent *Node, name string) bool {
	for _, c := range parent.Children {
		if c.Name == name {
			return true
		}
	}
	for r, n := range x.counts {
		if r.Parent == parent && n == name {
			return true
		}
	}
	return false
}

func (x *xformWriter) secondaryInstances() []*xel {
	var out []*xel
	for i, xl := range x.lists {
		root := el("root")
		for j, c := range xl.list.Choices {
			root.add(x.item(xl, i, j, c))
		}
		if xl.other && x.f.other != nil && xl.list.Choice(x.f.other.Name) == nil {
			root.add(x.item(xl, i, len(xl.list.Choices), x.f.other))
		}
		out = append(out, el("instance", "id", xl.id).add(root))
	}
	// Attachments the form's expressions read: a CSV or XML file beside the form.
	seen := map[string]bool{}
	for _, xl := range x.lists {
		seen[xl.id] = true
	}
	if r := x.rosterInstance(); r != nil {
		out = append(out, r)
		seen[x.roster.id] = true
	}
	for _, a := range x.attachments() {
		if seen[a.id] {
			continue
		}
		seen[a.id] = true
		out = append(out, el("instance", "id", a.id, "src", attachmentSrc(a.file)))
	}
	return out
}

// attachmentSrc is the jr: URI of an attached file named by an instance id or file name.
func attachmentSrc(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return "jr://file-csv/" + name
	case ".xml", ".geojson":
		return "jr://file/" + name
	}
	return "jr://file-csv/" + name + ".csv"
}

// attachment is an external secondary instance: its id and the file it is read from.
type attachment struct{ id, file string }

// attachments lists the secondary instances the form reads that are not choice lists of the
// choices sheet: instance('x') in an expression, pulldata('x', ...), select_one_from_file
// x.csv, each with the file it reads (loaded or not): instance x, file x.csv.
func (x *xformWriter) attachments() []attachment {
	var out []attachment
	add := func(s string) {
		if s == "" {
			return
		}
		l := x.f.Lists[s]
		if l != nil && l.File == "" {
			return
		}
		a := attachment{id: strings.TrimSuffix(s, path.Ext(s)), file: s}
		if file := x.f.declared[s]; file != "" {
			a.file = file
		}
		if l != nil {
			a = attachment{id: l.Name, file: l.File}
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(x.f.declared)) {
		add(id) // declared by a csv-external or xml-external row, read or not
	}
	for _, n := range x.f.Nodes {
		if n.ListName != "" {
			add(n.ListName)
		}
		for _, e := range n.exprs() {
			for _, inst := range instances(e.Root) {
				add(inst)
			}
			walkCalls(e.Root, func(c *expr.CallNode) {
				if c.Name == "pulldata" {
					if s, ok := argString(c, 0); ok {
						add(s)
					}
				}
			})
		}
	}
	return out
}

func (n *Node) exprs() []*expr.Expr {
	var out []*expr.Expr
	for _, e := range []*expr.Expr{n.Relevant, n.Constraint, n.Calculation, n.ChoiceFilter, n.RepeatCount, n.Default, n.RequiredIf, n.ReadOnlyIf} {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

func walkCalls(n expr.Node, fn func(*expr.CallNode)) {
	switch n := n.(type) {
	case *expr.CallNode:
		fn(n)
		for _, a := range n.Args {
			walkCalls(a, fn)
		}
	case *expr.BinaryNode:
		walkCalls(n.L, fn)
		walkCalls(n.R, fn)
	case *expr.UnaryNode:
		walkCalls(n.X, fn)
	case *expr.PathNode:
		for _, preds := range n.Preds {
			for _, p := range preds {
				walkCalls(p, fn)
			}
		}
	}
}

// item builds one choice of a secondary instance.
func (x *xformWriter) item(xl xlist, li, ci int, c *Choice) *xel {
	it := el("item")
	if xl.list.itext {
		id := fmt.Sprintf("%s-%d", xl.id, ci)
		x.addText(id, c.Label, c.Media, nil)
		it.add(&xel{name: "itextId", text: id})
	} else {
		it.add(&xel{name: "label", text: c.Label.In("", x.f.Languages)})
	}
	it.add(&xel{name: "name", text: c.Name})
	for _, col := range xl.list.Columns {
		if !isXMLName(col) || col == "label" || col == "name" || col == "itextId" {
			continue
		}
		if v := c.Extra[col]; v != "" {
			it.add(&xel{name: col, text: v})
		}
	}
	return it
}

// media returns the media files of a row's columns in language lang ("" for the untranslated
// columns), by form: image, big-image, audio, video.
func (x *xformWriter) media(cols map[string]string, lang string) map[string]string {
	return mediaOf(cols, lang)
}

// usesItext reports whether pyxform writes the form's texts as itext: with a language
// other than the default, or media or a guidance hint anywhere, or a ${name} in a choice's
// label. Whether a choice list's items hold a label element or only an itextId is decided
// per list (listUsesItext), as pyxform decides it.
func usesItext(f *Form) bool {
	for _, l := range f.Languages {
		if l != "" {
			return true
		}
	}
	for _, n := range f.Nodes {
		// pyxform writes media and guidance hints as itext only.
		if len(mediaOf(n.Extra, "")) > 0 || len(guidanceHint(n)) > 0 {
			return true
		}
		for _, l := range f.Languages {
			if len(mediaOf(n.Extra, l)) > 0 {
				return true
			}
		}
	}
	for _, l := range f.Lists {
		for _, c := range l.Choices {
			if len(c.Media) > 0 {
				return true
			}
			// A ${name} in a choice's label is an <output/>, which only itext holds.
			for _, t := range c.Label {
				if labelRef.MatchString(t) {
					return true
				}
			}
		}
	}
	return false
}

// listUsesItext reports whether pyxform writes the items of l with an itextId and no label:
// when a choice of l has a translated label, media, or a ${name} in its label. The form's
// other lists keep their labels, whatever the form's languages.
func listUsesItext(l *ChoiceList) bool {
	for _, c := range l.Choices {
		if len(c.Media) > 0 {
			return true
		}
		for lang, t := range c.Label {
			if lang != "" && t != "" || labelRef.MatchString(t) {
				return true
			}
		}
	}
	return false
}

// mediaOf returns the media columns of cols in lang, by media kind.
func mediaOf(cols map[string]string, lang string) map[string]string {
	out := map[string]string{}
	for k, v := range cols {
		if v == "" {
			continue
		}
		name, l, ok := mediaColumn(k)
		if !ok {
			continue
		}
		if foldName(l) == foldName(lang) || (out[name] == "" && l == "") {
			out[name] = v
		}
	}
	return out
}

// addText adds an itext entry in every language: the text, its media and, for a label,
// its guidance hint. ctx is the node whose ${name} outputs are made relative to.
func (x *xformWriter) addText(id string, t Text, media map[string]string, ctx *Node) {
	x.addTextGuided(id, t, media, nil, ctx)
}

// addTextGuided is addText with a guidance hint, shown by ODK on request.
func (x *xformWriter) addTextGuided(id string, t Text, media map[string]string, guidance Text, ctx *Node) {
	if x.textIDs[id] {
		return
	}
	x.textIDs[id] = true
	for _, l := range x.f.Languages {
		e := el("text", "id", id)
		m := x.media(media, l)
		for _, form := range mediaForms {
			if file := m[form]; file != "" {
				dir := "images"
				switch form {
				case "audio":
					dir = "audio"
				case "video":
					dir = "video"
				}
				e.add(&xel{name: "value", attrs: []string{"form", form}, text: "jr://" + dir + "/" + file})
			}
		}
		if s := t.In(l, x.f.Languages); s != "" {
			e.add(x.textValue("value", s, ctx))
		} else if len(e.kids) == 0 && len(guidance) == 0 {
			e.add(&xel{name: "value", text: "-"})
		}
		if g := guidance.In(l, x.f.Languages); g != "" {
			v := x.textValue("value", g, ctx)
			v.attrs = []string{"form", "guidance"}
			e.add(v)
		}
		x.texts[l] = append(x.texts[l], e)
	}
}

// textValue makes an element holding s, with each ${name} as an <output/> of its value.
func (x *xformWriter) textValue(name, s string, ctx *Node) *xel {
	if !strings.Contains(s, "${") {
		return &xel{name: name, text: s}
	}
	var b strings.Builder
	last := 0
	for _, m := range labelRef.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(textEscaper.Replace(s[last:m[0]]))
		ref := s[m[2]:m[3]]
		val := "${" + ref + "}"
		if t := x.f.byName[ref]; t != nil {
			val = x.refPath(t, ctx, false)
		}
		b.WriteString(`<output value="` + attrEscaper.Replace(val) + `"/>`)
		last = m[1]
	}
	b.WriteString(textEscaper.Replace(s[last:]))
	return &xel{name: name, raw: b.String()}
}

// label makes the <label> or <hint> of n: an itext reference, or the text itself.
func (x *xformWriter) label(n *Node, kind string, t Text) *xel {
	var media map[string]string
	var guidance Text
	if kind == "label" {
		media = n.Extra
	} else {
		guidance = guidanceHint(n)
	}
	if len(t) == 0 && len(guidance) == 0 && len(x.media(media, "")) == 0 {
		hasMedia := false
		for _, l := range x.f.Languages {
			if len(x.media(media, l)) > 0 {
				hasMedia = true
			}
		}
		if !hasMedia {
			return nil
		}
	}
	if x.itext {
		id := XFormPath(n) + ":" + kind
		x.addTextGuided(id, t, media, guidance, n)
		return el(kind, "ref", "jr:itext('"+id+"')")
	}
	return x.textValue(kind, t.In("", x.f.Languages), n)
}

// guidanceHint returns n's guidance_hint columns as a text by language.
func guidanceHint(n *Node) Text {
	var t Text
	for k, v := range n.Extra {
		base, lang, _ := strings.Cut(k, "::")
		if base != "guidance_hint" || v == "" {
			continue
		}
		if t == nil {
			t = make(Text)
		}
		t[lang] = v
	}
	return t
}

// message returns the value of a jr:constraintMsg or jr:requiredMsg attribute: the text,
// or an itext reference when the form is translated.
func (x *xformWriter) message(n *Node, kind string, t Text) string {
	if len(t) == 0 {
		return ""
	}
	if x.itext {
		id := XFormPath(n) + ":" + kind
		x.addText(id, t, nil, n)
		return "jr:itext('" + id + "')"
	}
	return t.In("", x.f.Languages)
}

// binds makes one bind per node that has a type or a rule, in document order.
func (x *xformWriter) binds() []*xel {
	var out []*xel
	for _, n := range x.f.Nodes {
		if n.Kind == KindRepeat && n.RepeatCount != nil {
			if name := x.countNode(n); name != "" {
				p := XFormPath(n.Parent) + "/" + name
				if n.Parent == x.f.Root {
					p = "/" + x.f.Root.Name + "/" + name
				}
				ctx := &Node{Name: name, Parent: n.Parent, Repeat: n.Repeat}
				out = append(out, el("bind", "nodeset", p, "type", "string", "readonly", "true()",
					"calculate", x.xpath(n.RepeatCount, ctx)))
			}
		}
		b := el("bind", "nodeset", XFormPath(n))
		if !n.IsGroup() {
			b.attr("type", XFormType(n))
		}
		if n.Relevant != nil {
			b.attr("relevant", x.xpath(n.Relevant, n))
		}
		if n.Constraint != nil {
			b.attr("constraint", x.xpath(n.Constraint, n))
			if m := x.message(n, "jr:constraintMsg", n.ConstraintMsg); m != "" {
				b.attr("jr:constraintMsg", m)
			}
		}
		if n.Calculation != nil && n.Trigger == "" {
			b.attr("calculate", x.xpath(n.Calculation, n))
		}
		switch {
		case n.Required:
			b.attr("required", "true()")
		case n.RequiredIf != nil:
			b.attr("required", x.xpath(n.RequiredIf, n))
		}
		if n.Required || n.RequiredIf != nil {
			if m := x.message(n, "jr:requiredMsg", n.RequiredMsg); m != "" {
				b.attr("jr:requiredMsg", m)
			}
		}
		switch {
		case x.roster != nil && n == x.roster.key:
			// Chosen from the roster's rows on the device, as the laptop's roster picker does.
		case n.ReadOnly || n.Kind == KindNote || n.Kind == KindMeta:
			b.attr("readonly", "true()")
		case n.ReadOnlyIf != nil:
			b.attr("readonly", x.xpath(n.ReadOnlyIf, n))
		}
		if n.Kind == KindMeta {
			x.preload(b, n)
		} else if p := n.Extra["preload"]; p != "" {
			// Old forms write the preload in columns of their own.
			b.attr("jr:preload", p)
			if pp := n.Extra["preload_params"]; pp != "" {
				b.attr("jr:preloadParams", pp)
			}
		}
		if n.Default != nil && n.Repeat == nil {
			// In a repeat, the repeat's control holds it (see repeatDefaults).
			x.defaultAction(n)
		}
		if len(b.attrs) > 2 {
			out = append(out, b)
		}
	}
	out = append(out, el("bind", "nodeset", "/"+x.f.Root.Name+"/meta/instanceID", "type", "string",
		"readonly", "true()", "jr:preload", "uid"))
	if x.f.InstanceName != nil {
		out = append(out, el("bind", "nodeset", "/"+x.f.Root.Name+"/meta/instanceName", "type", "string",
			"calculate", x.xpath(x.f.InstanceName, x.f.Root)))
	}
	return out
}

// preload adds the jr:preload attributes of a metadata node to its bind.
func (x *xformWriter) preload(b *xel, n *Node) {
	switch n.Type {
	case "start", "end":
		b.attr("jr:preload", "timestamp").attr("jr:preloadParams", n.Type)
	case "today":
		b.attr("jr:preload", "date").attr("jr:preloadParams", "today")
	case "deviceid", "username", "email", "phonenumber", "subscriberid", "simserial":
		b.attr("jr:preload", "property").attr("jr:preloadParams", n.Type)
	case "instanceID":
		b.attr("jr:preload", "uid")
	case "start-geopoint":
		x.setvalues = append(x.setvalues, el("odk:setgeopoint", "event", "odk-instance-first-load", "ref", XFormPath(n)))
	case "audit":
		// The audit log is a file the device writes beside the submission.
	}
}

// defaultAction adds the model's setvalue that gives n, outside repeats, its computed
// default when the form opens.
func (x *xformWriter) defaultAction(n *Node) {
	x.setvalues = append(x.setvalues, el("setvalue", "event", "odk-instance-first-load", "ref", XFormPath(n), "value", x.xpath(n.Default, n)))
}

// repeatDefaults returns the setvalues that give the questions of repeat r (in its groups,
// not in repeats nested in it) their computed defaults when the form opens and in each new
// instance. pyxform writes them in the repeat's control, where the ODK XForms spec wants
// an odk-new-repeat action: ODK Web Forms refuses a form with one in the model.
func (x *xformWriter) repeatDefaults(r *Node) []*xel {
	var out []*xel
	var walk func(p *Node)
	walk = func(p *Node) {
		for _, c := range p.Children {
			switch {
			case c.Kind == KindRepeat:
			case c.Kind == KindGroup:
				walk(c)
			case c.Default != nil:
				out = append(out, el("setvalue", "event", "odk-instance-first-load odk-new-repeat", "ref", XFormPath(c), "value", x.xpath(c.Default, c)))
			}
		}
	}
	walk(r)
	return out
}

// control makes the body element of n: a group, a repeat or a control; nil for nodes that
// are never shown (calculations, hidden values, metadata).
func (x *xformWriter) control(n *Node) *xel {
	ref := XFormPath(n)
	if x.roster != nil && n == x.roster.key {
		return x.rosterControl(n)
	}
	switch n.Kind {
	case KindCalculate, KindMeta:
		return nil
	case KindHidden:
		if !n.shown() {
			return nil
		}
	case KindGroup:
		g := el("group", "ref", ref)
		if n.Appearance != "" {
			g.attr("appearance", n.Appearance)
		}
		g.add(x.label(n, "label", n.Label))
		for _, c := range n.Children {
			g.add(x.control(c))
		}
		return g
	case KindRepeat:
		g := el("group", "ref", ref)
		if n.Appearance != "" {
			g.attr("appearance", n.Appearance)
		}
		g.add(x.label(n, "label", n.Label))
		r := el("repeat", "nodeset", ref)
		if n.RepeatCount != nil {
			if name := x.countNode(n); name != "" {
				p := "/" + x.f.Root.Name + "/" + name
				switch {
				case n.Repeat != nil:
					// Inside another repeat: the count of this instance of it, which
					// JavaRosa and ODK Web Forms both read relative to the repeat (an
					// absolute path reads the first instance's count in ODK Web Forms).
					p = "../" + name
				case n.Parent != x.f.Root:
					p = XFormPath(n.Parent) + "/" + name
				}
				r.attr("jr:count", p)
			} else {
				r.attr("jr:count", x.xpath(n.RepeatCount, n))
			}
		}
		if n.Appearance != "" {
			r.attr("appearance", n.Appearance)
		}
		for _, c := range n.Children {
			r.add(x.control(c))
		}
		r.add(x.repeatDefaults(n)...)
		g.add(r)
		return g
	}
	var c *xel
	switch n.Type {
	case "select_one", "select_multiple", "rank":
		name := map[string]string{"select_one": "select1", "select_multiple": "select", "rank": "odk:rank"}[n.Type]
		c = el(name, "ref", ref)
	case "image", "audio", "video", "file":
		mt := map[string]string{"image": "image/*", "audio": "audio/*", "video": "video/*", "file": "application/*"}[n.Type]
		c = el("upload", "mediatype", mt, "ref", ref)
	case "acknowledge":
		c = el("trigger", "ref", ref)
	case "range":
		c = el("range", "ref", ref)
		for _, k := range []string{"start", "end", "step"} {
			def := map[string]string{"start": "1", "end": "10", "step": "1"}[k]
			v := n.Parameters[k]
			if v == "" {
				v = def
			}
			c.attr(k, v)
		}
	default:
		c = el("input", "ref", ref)
	}
	if n.Appearance != "" {
		c.attr("appearance", n.Appearance)
	}
	if a := n.Extra["autoplay"]; a != "" {
		c.attr("autoplay", a)
	}
	c.add(x.label(n, "label", n.Label), x.label(n, "hint", n.Hint))
	if n.ListName != "" {
		c.add(x.itemset(n))
	}
	for _, t := range n.triggers {
		val := ""
		if t.Calculation != nil {
			val = x.xpath(t.Calculation, t)
		}
		if t.Type == "background-geopoint" {
			c.add(el("odk:setgeopoint", "event", "xforms-value-changed", "ref", XFormPath(t)))
			continue
		}
		sv := el("setvalue", "event", "xforms-value-changed", "ref", XFormPath(t))
		if val != "" {
			sv.attr("value", val)
		}
		c.add(sv)
	}
	return c
}

// itemset makes the <itemset> of a select: the nodes of its list's secondary instance,
// filtered by its choice_filter.
func (x *xformWriter) itemset(n *Node) *xel {
	id, ok := x.listInstance[n]
	value, label := "name", "label"
	if !ok {
		// Choices from an attached file.
		id = strings.TrimSuffix(n.ListName, path.Ext(n.ListName))
		if l := x.f.Lists[n.ListName]; l != nil {
			id = l.Name
		}
		if v := n.Parameters["value"]; v != "" {
			value = v
		}
		if l := n.Parameters["label"]; l != "" {
			label = l
		}
	}
	if id == "" {
		return nil
	}
	nodeset := "instance('" + id + "')/root/item"
	if n.ChoiceFilter != nil {
		nodeset += "[" + x.predicate(n.ChoiceFilter, n) + "]"
	}
	if n.randomize {
		// As pyxform writes it: the nodeset wrapped in randomize(), with the seed.
		seed := ""
		if n.seed != nil {
			seed = ", " + x.xpath(n.seed, n)
		}
		nodeset = "randomize(" + nodeset + seed + ")"
	}
	is := el("itemset", "nodeset", nodeset)
	is.add(el("value", "ref", value))
	if l := x.f.Lists[n.ListName]; ok && l != nil && l.itext {
		is.add(el("label", "ref", "jr:itext(itextId)"))
	} else {
		is.add(el("label", "ref", label))
	}
	return is
}

// refPath is how an expression evaluated for ctx names t: a relative path when both are in
// the same repeat instance, so that it reads that instance; the absolute path otherwise. In
// a predicate (pred), the relative path starts from current(), the node ctx.
func (x *xformWriter) refPath(t, ctx *Node, pred bool) string {
	if ctx == nil || ctx == x.f.Root {
		return XFormPath(t)
	}
	// The nearest common ancestor of ctx and t, and whether it is in a repeat.
	anc := map[*Node]int{}
	d := 0
	for p := ctx; p != nil; p = p.Parent {
		anc[p] = d
		d++
	}
	var common *Node
	for p := t; p != nil; p = p.Parent {
		if _, ok := anc[p]; ok {
			common = p
			break
		}
	}
	if common == nil || (common.Kind != KindRepeat && common.Repeat == nil) {
		return XFormPath(t)
	}
	var down []string
	for p := t; p != common; p = p.Parent {
		down = append([]string{p.Name}, down...)
	}
	var steps []string
	for i := 0; i < anc[common]; i++ {
		steps = append(steps, "..")
	}
	steps = append(steps, down...)
	rel := strings.Join(steps, "/")
	if rel == "" {
		rel = "."
	}
	if pred {
		return "current()/" + rel
	}
	return rel
}

// xpath writes e, an expression evaluated for ctx, as XPath.
func (x *xformWriter) xpath(e *expr.Expr, ctx *Node) string {
	var b strings.Builder
	x.writeExpr(&b, e.Root, ctx, false, false)
	return b.String()
}

// predicate writes a choice filter, evaluated for each choice of select ctx, as the
// predicate of its itemset.
func (x *xformWriter) predicate(e *expr.Expr, ctx *Node) string {
	var b strings.Builder
	x.writeExpr(&b, e.Root, ctx, true, false)
	return b.String()
}

var refInString = regexp.MustCompile(`\$\{([^}\s]+)\}`)

// writeExpr prints n as XPath. pred is set inside a predicate, where "." is not ctx;
// absolute is set inside indexed-repeat(), whose arguments name nodes from the root.
func (x *xformWriter) writeExpr(b *strings.Builder, n expr.Node, ctx *Node, pred, absolute bool) {
	operand := func(m expr.Node, paren bool) {
		if paren {
			b.WriteByte('(')
		}
		x.writeExpr(b, m, ctx, pred, absolute)
		if paren {
			b.WriteByte(')')
		}
	}
	switch n := n.(type) {
	case nil:
		b.WriteString("''")
	case *expr.RefNode:
		t := x.f.byName[n.Name]
		switch {
		case t == nil:
			b.WriteString("${" + n.Name + "}")
		case x.subst[t] != "":
			b.WriteString(x.subst[t])
		case absolute:
			b.WriteString(XFormPath(t))
		default:
			b.WriteString(x.refPath(t, ctx, pred))
		}
	case *expr.StringNode:
		// pyxform replaces ${name} inside literals too: jr:choice-name(${q}, '${q}').
		v := refInString.ReplaceAllStringFunc(n.Value, func(m string) string {
			if t := x.f.byName[m[2:len(m)-1]]; t != nil {
				return XFormPath(t)
			}
			return m
		})
		b.WriteString((&expr.StringNode{Value: v}).String())
	case *expr.NumberNode:
		b.WriteString(n.String())
	case *expr.PathNode:
		x.writePath(b, n, ctx, pred)
	case *expr.UnaryNode:
		// "--x" is no XPath: a negated negation, or a negative number, keeps its
		// parentheses, as a binary operand does.
		var inner strings.Builder
		x.writeExpr(&inner, n.X, ctx, pred, absolute)
		_, isBin := n.X.(*expr.BinaryNode)
		b.WriteString(n.Op.String())
		if isBin || strings.HasPrefix(inner.String(), "-") {
			b.WriteString("(" + inner.String() + ")")
		} else {
			b.WriteString(inner.String())
		}
	case *expr.BinaryNode:
		p := n.Op.Prec()
		operand(n.L, precOfNode(n.L) < p)
		b.WriteString(" " + n.Op.String() + " ")
		operand(n.R, precOfNode(n.R) <= p)
	case *expr.CallNode:
		b.WriteString(n.Name + "(")
		abs := absolute || n.Name == "indexed-repeat"
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			x.writeExpr(b, a, ctx, pred, abs)
		}
		b.WriteByte(')')
	default:
		b.WriteString(n.String())
	}
}

// precOfNode is the precedence of the construct n prints as: a binary operator's, or above
// every operator.
func precOfNode(n expr.Node) int {
	switch n := n.(type) {
	case *expr.BinaryNode:
		return n.Op.Prec()
	case *expr.UnaryNode:
		return expr.OpMul.Prec() + 1
	}
	return 1 << 10
}

// writePath prints a location path, its first step the XForm's root when it is absolute,
// with its predicates' ${name} references written as paths.
func (x *xformWriter) writePath(b *strings.Builder, p *expr.PathNode, ctx *Node, pred bool) {
	switch {
	case p.Instance != "":
		b.WriteString("instance(" + (&expr.StringNode{Value: p.Instance}).String() + ")/")
	case p.Current:
		b.WriteString("current()/")
	case p.Absolute:
		b.WriteByte('/')
	}
	for i, s := range p.Steps {
		if i > 0 {
			b.WriteByte('/')
		}
		switch {
		case i == 0 && p.Absolute && p.Instance == "" && !p.Current:
			s = x.f.Root.Name
		case i == 0 && p.Ref != "":
			// ${name}[...]/x: the node's name after the path to its parent, so that the
			// step the filters follow selects every instance of a repeat (a path
			// ending in ".." selects one, and takes no filter).
			s = "${" + p.Ref + "}"
			if t := x.f.byName[p.Ref]; t != nil {
				s = XFormPath(t)
				if t.Parent != nil && t.Parent != x.f.Root {
					s = x.refPath(t.Parent, ctx, pred) + "/" + t.Name
				}
			}
		}
		b.WriteString(s)
		for _, q := range p.StepPreds(i) {
			b.WriteByte('[')
			x.writeExpr(b, q, ctx, true, false) // a ${name} in it reads from current()
			b.WriteByte(']')
		}
	}
}
