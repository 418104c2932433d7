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
