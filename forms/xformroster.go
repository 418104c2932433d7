package forms

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"tracer/forms/expr"
)

// This file writes the roster choice of an XForm for ODK Collect: tracer's laptops prefill
// an interview from the roster row the enumerator picked, which an XForm cannot do by
// itself. The XForm instead carries the roster as an attached CSV file (an external
// secondary instance, jr://file-csv/), the key question becomes a select of its rows, and
// choosing a row runs one setvalue per prefilled question (the xforms-value-changed event
// of the key, as pyxform writes a trigger), reading the row's column of the same name.

// planRoster checks r against the form and keeps what the writer needs.
func (x *xformWriter) planRoster(r *XFormRoster) error {
	if strings.ToLower(path.Ext(r.File)) != ".csv" || strings.ContainsAny(r.File, "/\\'\"") {
		return fmt.Errorf("roster file %q: a CSV file name is needed", r.File)
	}
	key := x.f.byName[r.Key]
	if key == nil || key.Repeat != nil || key.IsGroup() || key.Kind == KindMeta || key.Kind == KindCalculate || key.Kind == KindNote {
		return fmt.Errorf("roster key %q: the form has no question of that name outside repeats", r.Key)
	}
	p := &rosterPlan{id: strings.TrimSuffix(r.File, path.Ext(r.File)), file: r.File, key: key}
	if x.f.Lists[p.id] != nil {
		return fmt.Errorf("roster file %q: the form has a choice list of the same name", r.File)
	}
	for _, name := range r.Columns {
		n := x.f.byName[name]
		if n == nil || n == key || n.Repeat != nil || n.IsGroup() || n.Kind == KindMeta || n.Kind == KindCalculate || n.Kind == KindNote {
			return fmt.Errorf("roster column %q: the form has no question of that name outside repeats to fill in", name)
		}
		if !slices.Contains(p.columns, n) {
			p.columns = append(p.columns, n)
		}
	}
	x.roster = p
	return nil
}

// rosterControl is the key question's control: a select of the roster's rows, with the
// actions that fill in the prefilled questions when a row is chosen.
func (x *xformWriter) rosterControl(n *Node) *xel {
	p := x.roster
	c := el("select1", "ref", XFormPath(n))
	app := n.Appearance
	if app == "" {
		app = "autocomplete" // filter the rows as the enumerator types
	}
	c.attr("appearance", app)
	c.add(x.label(n, "label", n.Label), x.label(n, "hint", n.Hint))
	c.add(el("itemset", "nodeset", "instance('"+p.id+"')/root/item").add(el("value", "ref", "name"), el("label", "ref", "label")))
	row := "instance('" + p.id + "')/root/item[name = " + XFormPath(n) + "]"
	filled := map[*Node]string{} // each prefilled question -> the XPath of its new value
	for _, col := range p.columns {
		v := row + "/" + col.Name
		if d := x.defaultValue(col); d != "" {
			v = "if(string-length(" + v + ") > 0, " + v + ", " + d + ")"
		}
		filled[col] = v
	}
	// A computed default that reads a prefilled question is computed again once the row
	// is chosen, as the laptop computes defaults after the prefill. It reads the row, not
	// the question: the actions run in the form's order, and a select's value may wait on
	// such a default (a regency filtered by the province that defaults from it).
	x.subst = filled
	defer func() { x.subst = nil }()
	for _, d := range x.f.Nodes {
		v, ok := filled[d]
		switch {
		case ok:
		case d.Default == nil || d.Repeat != nil || d == n:
			continue
		default:
			for _, ref := range d.Default.Refs() {
				if t := x.f.byName[ref]; t != nil && filled[t] != "" {
					v = x.xpath(d.Default, d)
					break
				}
			}
		}
		if v != "" {
			c.add(el("setvalue", "event", "xforms-value-changed", "ref", XFormPath(d), "value", v))
		}
	}
	for _, t := range n.triggers {
		sv := el("setvalue", "event", "xforms-value-changed", "ref", XFormPath(t))
		if t.Calculation != nil {
			sv.attr("value", x.xpath(t.Calculation, t))
		}
		c.add(sv)
	}
	return c
}

// defaultValue is the XPath of n's default ("" when it has none).
func (x *xformWriter) defaultValue(n *Node) string {
	switch {
	case n.Default != nil:
		return x.xpath(n.Default, n)
	case n.DefaultText != "":
		return (&expr.StringNode{Value: n.DefaultText}).String()
	}
	return ""
}

// rosterInstance is the roster file's external secondary instance, nil without a roster.
func (x *xformWriter) rosterInstance() *xel {
	if x.roster == nil {
		return nil
	}
	return el("instance", "id", x.roster.id, "src", "jr://file-csv/"+x.roster.file)
}
