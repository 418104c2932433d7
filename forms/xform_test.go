package forms_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
)

// xnode is a parsed XML element, for assertions on a written XForm.
type xnode struct {
	Name  string // prefix:local as written, "h:html"
	Attrs map[string]string
	Text  string
	Kids  []*xnode
}

// parseXML reads a document into xnodes, failing the test if it is not well-formed XML.
func parseXML(t *testing.T, data []byte) *xnode {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	prefixes := map[string]string{
		"http://www.w3.org/2002/xforms": "", "http://www.w3.org/1999/xhtml": "h",
		"http://openrosa.org/javarosa": "jr", "http://www.opendatakit.org/xforms": "odk",
		"http://openrosa.org/xforms": "orx", "http://www.w3.org/2001/xml-events": "ev",
		"http://www.w3.org/2001/XMLSchema": "xsd", "xmlns": "xmlns",
	}
	qname := func(n xml.Name) string {
		if p := prefixes[n.Space]; p != "" {
			return p + ":" + n.Local
		}
		return n.Local
	}
	var stack []*xnode
	var root *xnode
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the XForm is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xnode{Name: qname(tok.Name), Attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.Attrs[qname(a.Name)] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	return root
}

// all returns every element below n (n included) named name, in document order.
func (n *xnode) all(name string) []*xnode {
	var out []*xnode
	var walk func(x *xnode)
	walk = func(x *xnode) {
		if x.Name == name {
			out = append(out, x)
		}
		for _, k := range x.Kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

// find returns the first element named name whose attribute attr is val ("" matches any).
func (n *xnode) find(name, attr, val string) *xnode {
	for _, x := range n.all(name) {
		if attr == "" || x.Attrs[attr] == val {
			return x
		}
	}
	return nil
}

func xformOf(t *testing.T, f *forms.Form) (*xnode, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, f); err != nil {
		t.Fatal(err)
	}
	return parseXML(t, buf.Bytes()), buf.String()
}

// TestXFormOfEveryCorpusForm writes the built-in form and every corpus form as an XForm
// and checks its structure: well-formed, one bind per question, every control bound to an
// element of the primary instance, every itemset reading a secondary instance that is there,
// every itext reference defined in every language.
func TestXFormOfEveryCorpusForm(t *testing.T) {
	paths := append([]string{"builtin"}, corpus(t)...)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			var f *forms.Form
			var err error
			if p == "builtin" {
				f, err = builtin.Load()
			} else {
				f, err = forms.Load(p)
			}
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := xformOf(t, f)
			model := doc.find("model", "", "")
			if model == nil {
				t.Fatal("no model")
			}
			var primary *xnode
			ids := map[string]bool{}
			for _, in := range model.Kids {
				if in.Name != "instance" {
					continue
				}
				if in.Attrs["id"] == "" {
					primary = in.Kids[0]
				} else {
					ids[in.Attrs["id"]] = true
				}
			}
			if primary == nil || primary.Name != "data" || primary.Attrs["id"] != f.ID {
				t.Fatalf("primary instance root %+v, want data with id %q", primary, f.ID)
			}
			// Every path of the instance, template or not.
			paths := map[string]bool{}
			var walk func(x *xnode, prefix string)
			walk = func(x *xnode, prefix string) {
				p := prefix + "/" + x.Name
				paths[p] = true
				for _, k := range x.Kids {
					walk(k, p)
				}
			}
			walk(primary, "")
			if !paths["/data/meta/instanceID"] {
				t.Error("no /data/meta/instanceID")
			}
			binds := map[string]*xnode{}
			for _, b := range model.all("bind") {
				if !paths[b.Attrs["nodeset"]] {
					t.Errorf("bind %s names no element of the instance", b.Attrs["nodeset"])
				}
				binds[b.Attrs["nodeset"]] = b
			}
			for _, n := range f.Nodes {
				if !paths[forms.XFormPath(n)] {
					t.Errorf("%s: no element %s in the instance", n.Name, forms.XFormPath(n))
				}
				if !n.IsGroup() && binds[forms.XFormPath(n)] == nil {
					t.Errorf("%s: no bind", n.Name)
				}
				if b := binds[forms.XFormPath(n)]; b != nil && !n.IsGroup() && b.Attrs["type"] != forms.XFormType(n) {
					t.Errorf("%s: bind type %q, want %q", n.Name, b.Attrs["type"], forms.XFormType(n))
				}
			}
			body := doc.find("h:body", "", "")
			for _, tag := range []string{"input", "select1", "select", "odk:rank", "upload", "trigger", "range", "group"} {
				for _, c := range body.all(tag) {
					if !paths[c.Attrs["ref"]] {
						t.Errorf("<%s ref=%q> names no element of the instance", tag, c.Attrs["ref"])
					}
				}
			}
			for _, is := range body.all("itemset") {
				ns := is.Attrs["nodeset"]
				id, _, _ := strings.Cut(strings.TrimPrefix(ns, "instance('"), "')")
				if !ids[id] {
					t.Errorf("itemset %s reads no secondary instance", ns)
				}
			}
			// Every itext reference is defined in every translation.
			trs := doc.all("translation")
			for _, lbl := range append(body.all("label"), body.all("hint")...) {
				ref := lbl.Attrs["ref"]
				if !strings.HasPrefix(ref, "jr:itext('") {
					continue
				}
				id := strings.TrimSuffix(strings.TrimPrefix(ref, "jr:itext('"), "')")
				for _, tr := range trs {
					if tr.find("text", "id", id) == nil {
						t.Errorf("itext %s missing in %s", id, tr.Attrs["lang"])
					}
				}
			}
			if len(f.Languages) > 1 && len(trs) != len(f.Languages) {
				t.Errorf("%d translations, want %d", len(trs), len(f.Languages))
			}
		})
	}
}

// TestXFormShapes pins down how the writer spells the XLSForm features in the XForm, the way
// pyxform does.
func TestXFormShapes(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label::English (en) | label::Bahasa Indonesia (id) | relevant | constraint | constraint_message::English (en) | calculation | choice_filter | repeat_count | default | trigger | required | image::English (en) |
| | start | started | | | | | | | | | | | | |
| | today | day | | | | | | | | | | | | |
| | deviceid | device | | | | | | | | | | | | |
| | integer | age | Age | Umur | | . >= 15 | Too young | | | | | | yes | age.png |
| | select_one prov | prov | Province | Provinsi | | | | | | | | | | |
| | select_one city or_other | city | City | Kota | ${age} > 17 | | | | | | | | | |
| | integer | n | How many | Berapa | | | | | | | | | | |
| | begin repeat | kids | Kid | Anak | | | | | | ${n} + 1 | | | | |
| | integer | kage | Age | Umur | | . < ${age} | | | | | | | | |
| | calculate | kdouble | | | | | | ${kage} * 2 | | | | | | |
| | select_one city | kcity | City | Kota | | | | | prov = ${kprov} | | | | | |
| | select_one prov | kprov | Province | Provinsi | | | | | | | | | | |
| | begin repeat | toy | Toy | Mainan | | | | | | | | | | |
| | text | tname | Name ${kage} | Nama | | | | | | | | | | |
| | end repeat | | | | | | | | | | | | | |
| | end repeat | | | | | | | | | | | | | |
| | begin repeat | visit | Visit | Kunjungan | | | | | | ${n} | | | | |
| | date | vdate | Date | Tanggal | | | | | | | today() | | | |
| | end repeat | | | | | | | | | | | | | |
| | calculate | first | | | | | | indexed-repeat(${kage}, ${kids}, 1) | | | | | | |
| | calculate | stamp | | | | | | concat(${prov}, '!') | | | | ${prov} | | |
| choices |
| | list_name | name | label::English (en) | label::Bahasa Indonesia (id) | prov |
| | prov | a | A | A | |
| | prov | b | B | B | |
| | city | x | X | X | a |
| | city | y | Y | Y | b |
| settings |
| | form_id | version | default_language |
| | shapes | 7 | Bahasa Indonesia (id) |
`)
	doc, text := xformOf(t, f)
	bind := func(path string) map[string]string {
		t.Helper()
		b := doc.find("bind", "nodeset", path)
		if b == nil {
			t.Fatalf("no bind for %s", path)
		}
		return b.Attrs
	}
	itemset := func(ref string) string {
		t.Helper()
		for _, tag := range []string{"select1", "select"} {
			if c := doc.find(tag, "ref", ref); c != nil {
				if is := c.find("itemset", "", ""); is != nil {
					return is.Attrs["nodeset"]
				}
			}
		}
		t.Fatalf("no itemset for %s", ref)
		return ""
	}
	checks := []struct{ what, got, want string }{
		{"start preload", bind("/data/started")["jr:preload"] + " " + bind("/data/started")["jr:preloadParams"], "timestamp start"},
		{"today preload", bind("/data/day")["jr:preload"] + " " + bind("/data/day")["type"], "date date"},
		{"deviceid preload", bind("/data/device")["jr:preloadParams"], "deviceid"},
		{"int type", bind("/data/age")["type"], "int"},
		{"required", bind("/data/age")["required"], "true()"},
		{"translated constraint message", bind("/data/age")["jr:constraintMsg"], "jr:itext('/data/age:jr:constraintMsg')"},
		{"relevant", bind("/data/city")["relevant"], "/data/age > 17"},
		{"or_other's list with other, as another select uses the list without", itemset("/data/city"), "instance('city_or_other')/root/item"},
		{"filter inside a repeat", itemset("/data/kids/kcity"), "instance('city')/root/item[prov = current()/../kprov]"},
		{"or_other question", bind("/data/city_other")["relevant"], "selected(../city, 'other')"},
		{"reference outside the repeat", bind("/data/kids/kage")["constraint"], ". < /data/age"},
		{"reference in the same repeat", bind("/data/kids/kdouble")["calculate"], "../kage * 2"},
		{"indexed-repeat keeps absolute paths", bind("/data/first")["calculate"], "indexed-repeat(/data/kids/kage, /data/kids, 1)"},
		{"computed repeat count", doc.find("repeat", "nodeset", "/data/kids").Attrs["jr:count"], "/data/kids_count"},
		{"its calculation", bind("/data/kids_count")["calculate"], "/data/n + 1"},
		{"plain repeat count", doc.find("repeat", "nodeset", "/data/visit").Attrs["jr:count"], "/data/n"},
		{"trigger: no calculate bind", bind("/data/stamp")["calculate"], ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	// The trigger's setvalue sits in the control of the question that triggers it.
	if sv := doc.find("select1", "ref", "/data/prov").find("setvalue", "", ""); sv == nil ||
		sv.Attrs["event"] != "xforms-value-changed" || sv.Attrs["ref"] != "/data/stamp" || sv.Attrs["value"] != "concat(/data/prov, '!')" {
		t.Errorf("trigger setvalue: %+v", sv)
	}
	// A computed default in a repeat is set when the form opens and on each new instance,
	// by a setvalue in the repeat's control, as pyxform writes it (ODK Web Forms refuses
	// an odk-new-repeat action in the model).
	if sv := doc.find("repeat", "nodeset", "/data/visit").find("setvalue", "ref", "/data/visit/vdate"); sv == nil || sv.Attrs["event"] != "odk-instance-first-load odk-new-repeat" || sv.Attrs["value"] != "today()" {
		t.Errorf("default setvalue: %+v", sv)
	}
	if sv := doc.find("model", "", "").find("setvalue", "ref", "/data/visit/vdate"); sv != nil {
		t.Errorf("default setvalue of a question in a repeat in the model: %+v", sv)
	}
	// Each repeat has one template and one first instance; a nested one is in each once.
	for _, want := range []struct {
		s string
		n int
	}{{`<kids jr:template="">`, 1}, {`<kids>`, 1}, {`<toy jr:template="">`, 1}, {`<toy>`, 1}, {`<kids_count/>`, 1}} {
		if got := strings.Count(text, want.s); got != want.n {
			t.Errorf("%s appears %d times, want %d", want.s, got, want.n)
		}
	}
	// Itext: one translation per language, the default marked; choices by itextId; media
	// and ${name} outputs in the label's text.
	trs := doc.all("translation")
	if len(trs) != 2 || trs[1].Attrs["lang"] != "Bahasa Indonesia (id)" || trs[1].Attrs["default"] != "true()" || trs[0].Attrs["default"] != "" {
		t.Fatalf("translations: %+v", trs)
	}
	age := trs[0].find("text", "id", "/data/age:label")
	if age == nil || len(age.Kids) != 2 || age.Kids[0].Attrs["form"] != "image" || age.Kids[0].Text != "jr://images/age.png" || age.Kids[1].Text != "Age" {
		t.Errorf("age label in English: %+v", age)
	}
	if !strings.Contains(text, `Name <output value="../../kage"/>`) {
		t.Error("the toy's label does not output ../../kage")
	}
	if it := doc.find("instance", "id", "city"); it == nil || len(it.all("item")) != 2 || it.all("item")[0].find("itextId", "", "").Text != "city-0" {
		t.Errorf("city instance: %+v", it)
	}
	if it := doc.find("instance", "id", "city_or_other"); it == nil || len(it.all("item")) != 3 || it.all("item")[2].find("name", "", "").Text != "other" {
		t.Errorf("city_or_other instance: %+v", it)
	}
	if tx := trs[1].find("text", "id", "city_or_other-2"); tx == nil || tx.Kids[0].Text != "Lainnya" {
		t.Errorf("the Indonesian label of other: %+v", tx)
	}
}

// TestXFormGuidanceHint: a guidance hint is a "guidance" form of the hint's itext, even
// without a hint, and it turns the untranslated form to itext, as pyxform does.
// TestXFormNegation: a negation of a negation or of a negative number keeps its
// parentheses ("--x" is a syntax error to ODK), and one of a sum too.
func TestXFormNegation(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | calculation |
| | integer | i | I | |
| | calculate | a | | -(-${i}) |
| | calculate | b | | -(-1) |
| | calculate | c | | -(${i} - 1) |
| | calculate | d | | - ${i} |
| | calculate | e | | 2 - -${i} |
`)
	doc, _ := xformOf(t, f)
	for name, want := range map[string]string{"a": "-(-/data/i)", "b": "-(-1)", "c": "-(/data/i - 1)", "d": "-/data/i", "e": "2 - -/data/i"} {
		b := doc.find("bind", "nodeset", "/data/"+name)
		if b == nil || b.Attrs["calculate"] != want {
			t.Errorf("%s: calculate %v, want %q", name, b, want)
		}
	}
}

func TestXFormGuidanceHint(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | hint | guidance_hint | autoplay | audio |
| | text | q | Q | H | Ask slowly | audio | q.mp3 |
| | text | r | R | | Only guidance | | |
| | text | s | S | | | | |
`)
	doc, _ := xformOf(t, f)
	tr := doc.find("translation", "lang", "default")
	if tr == nil {
		t.Fatal("no default translation")
	}
	q := tr.find("text", "id", "/data/q:hint")
	if q == nil || len(q.Kids) != 2 || q.Kids[0].Text != "H" || q.Kids[1].Attrs["form"] != "guidance" || q.Kids[1].Text != "Ask slowly" {
		t.Errorf("q's hint: %+v", q)
	}
	r := tr.find("text", "id", "/data/r:hint")
	if r == nil || len(r.Kids) != 1 || r.Kids[0].Attrs["form"] != "guidance" {
		t.Errorf("r's hint: %+v", r)
	}
	if tr.find("text", "id", "/data/s:hint") != nil || doc.find("input", "ref", "/data/s").find("hint", "", "") != nil {
		t.Error("s has a hint it was not given")
	}
	if l := tr.find("text", "id", "/data/q:label"); l == nil || l.Kids[0].Attrs["form"] != "audio" || l.Kids[0].Text != "jr://audio/q.mp3" {
		t.Errorf("q's label: %+v", l)
	}
	if in := doc.find("input", "ref", "/data/q"); in.Attrs["autoplay"] != "audio" {
		t.Errorf("q's control: %+v", in.Attrs)
	}
}
