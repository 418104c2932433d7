package forms

import (
	"fmt"
	"strings"
)

// This file implements XLSForm's or_other, as pyxform compiles it: "select_one colors
// or_other" adds the choice "other" to what the question offers and, right after the
// question, a text question colors_other that is relevant when "other" is selected.
//
// pyxform labels the choice "Other" and the text question "Specify other." in every
// language; tracer says it in Indonesian for an Indonesian form language ("Lainnya",
// "Sebutkan lainnya."), since its enumerators read Indonesian. The stored values are the
// same as ODK's.

// orOther adds the "specify other" text question of select n, or warns that or_other means
// nothing on n's type.
func (c *compiler) orOther(t *table, r row, n *Node) {
	f := c.form
	if n.Type != "select_one" && n.Type != "select_multiple" {
		c.warnf(t, r, "type", "or_other works only with select_one and select_multiple, not %s: it is ignored", n.Type)
		n.OrOther = false
		return
	}
	if t.get(r, "choice_filter") != "" {
		// pyxform refuses it: its filter would apply to the "other" choice too, which has
		// none of the list's columns.
		c.errorf(t, r, "choice_filter", "a choice_filter does not go with or_other (pyxform refuses it): add a choice named other to the list, with the columns the filter reads, and a text question relevant when it is selected")
	}
	if f.other == nil {
		f.other = &Choice{Name: "other", Label: c.otherText("Other", "Lainnya")}
	}
	parent := n.Parent
	o := &Node{Name: n.Name + "_other", Type: "text", Kind: KindQuestion, Row: r.num, Parent: parent, Repeat: n.Repeat,
		Label: c.otherText("Specify other.", "Sebutkan lainnya."), Hint: make(Text), ConstraintMsg: make(Text), RequiredMsg: make(Text)}
	o.Index = len(f.Nodes)
	f.Nodes = append(f.Nodes, o)
	o.childIdx = len(parent.Children)
	parent.Children = append(parent.Children, o)
	c.names[o.Name] = append(c.names[o.Name], o)
	c.rows = append(c.rows, rowSource{r: r, node: o, relevant: fmt.Sprintf("selected(../%s, 'other')", n.Name)})
}

// otherText gives en in every language of the form, id in an Indonesian one.
func (c *compiler) otherText(en, id string) Text {
	out := make(Text)
	for _, l := range c.form.Languages {
		out[l] = en
		if isIndonesian(l) || (l == "" && isIndonesian(c.defaultLanguage())) {
			out[l] = id
		}
	}
	return out
}

// defaultLanguage returns the settings sheet's default_language as written, or "".
func (c *compiler) defaultLanguage() string {
	if t := c.tables["settings"]; t != nil && len(t.rows) > 0 {
		return t.get(t.rows[0], "default_language")
	}
	return ""
}

// isIndonesian reports whether a language column name or code is Indonesian.
func isIndonesian(lang string) bool {
	low := strings.ToLower(lang)
	return LangCode(lang) == "id" || strings.Contains(low, "indonesia") || strings.Contains(low, "bahasa")
}

// ChoiceOf returns the choice named name that question n offers: one of its list, or the
// "other" that or_other adds; nil if there is none.
func (f *Form) ChoiceOf(n *Node, name string) *Choice {
	if l := f.Lists[n.ListName]; l != nil {
		if c := l.Choice(name); c != nil {
			return c
		}
	}
	if n.OrOther && name == "other" {
		return f.other
	}
	return nil
}

// appearanceKind applies the appearances that change what a question is. "hidden" (CHT's,
// honoured by Enketo) keeps a question off the screen: it holds a prefilled or computed
// value, like a hidden row. "label" on a select is the header row of a table of selects
// (ODK shows the choices' labels as column heads): it shows, takes no answer, and so is a
// note, not a question that would keep an answer nobody meant.
func (c *compiler) appearanceKind(t *table, r row, n *Node) {
	if n.Kind != KindQuestion {
		return
	}
	for _, w := range strings.Fields(strings.ToLower(n.Appearance)) {
		switch {
		case w == "hidden":
			n.Kind = KindHidden
			return
		case w == "label" && n.ListName != "":
			n.Kind = KindNote
			if t.get(r, "required") != "" && !strings.EqualFold(t.get(r, "required"), "no") && !strings.EqualFold(t.get(r, "required"), "false") {
				c.warnf(t, r, "required", "%s %q has appearance label (a table header): it takes no answer, so required is ignored", n.Type, n.Name)
			}
			return
		}
	}
}
