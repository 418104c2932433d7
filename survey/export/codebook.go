package export

import (
	"strings"

	"tracer/forms"
)

// codebook returns the codebook table: a header, then one row per column of every table.
// Columns: table, column, variable (the column's name in SPSS and Stata files), question,
// type, list, choice (the code of a 0/1 column), then a label and a choices column per form
// language ("code = label" lines).
func (s *schema) codebook() [][]string {
	f := s.form
	header := []string{"table", "column", "variable", "question", "type", "list", "choice"}
	for _, l := range f.Languages {
		header = append(header, langSuffix("label", l))
	}
	for _, l := range f.Languages {
		header = append(header, langSuffix("choices", l))
	}
	if s.versions != nil {
		header = append(header, "versions")
	}
	rows := [][]string{header}
	nl := len(f.Languages)
	for _, t := range s.tables {
		for _, c := range t.cols {
			r := make([]string, len(header))
			r[0], r[1], r[2] = t.name, c.name, c.stat
			switch c.kind {
			case colMeta:
				r[4] = "metadata"
				fillAll(r[7:7+nl], metaColumns[c.idx].desc)
			case colRoster:
				r[4] = "roster"
				fillAll(r[7:7+nl], "roster field "+s.roster[c.idx])
			case colDerived:
				r[4] = "derived"
				fillAll(r[7:7+nl], s.derived.Columns[c.idx].Desc)
			case colAlumni:
				r[4] = "alumni"
				fillAll(r[7:7+nl], s.alumni.Columns[c.idx].Desc)
			case colKey:
				r[4] = "link"
				fillAll(r[7:7+nl], keyColumns[c.idx].desc)
			case colValue:
				r[3], r[4], r[5] = c.node.Name, c.node.Type, c.node.ListName
				var choices []*forms.Choice
				var in [][]string
				all := 0
				if c.single || c.multi {
					choices, in, all = s.choiceVersions(t, &c)
				}
				for i, l := range f.Languages {
					r[7+i] = c.node.Label.In(l, f.Languages)
					r[7+nl+i] = choiceLines(choices, in, all, l)
				}
			case colDummy:
				r[3], r[4], r[5], r[6] = c.node.Name, "0/1", c.node.ListName, c.choice.Name
				for i, l := range f.Languages {
					r[7+i] = c.choice.Label.In(l, f.Languages)
					r[7+nl+i] = "1 = chosen, 0 = not chosen, empty = question not answered"
				}
			}
			if s.versions != nil {
				r[len(r)-1] = s.columnVersions(t, &c)
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func fillAll(dst []string, v string) {
	for i := range dst {
		dst[i] = v
	}
}

// langSuffix names a per-language codebook column: label_id, label_en, or label for an
// untranslated form.
func langSuffix(base, lang string) string {
	if c := forms.LangCode(lang); c != "" {
		return base + "_" + c
	}
	return base
}

// choiceLines lists choices as "code = label" lines in lang; when in[i] names fewer than
// all versions, the line ends with the versions that offer that choice.
func choiceLines(choices []*forms.Choice, in [][]string, all int, lang string) string {
	var b strings.Builder
	for i, c := range choices {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Name)
		b.WriteString(" = ")
		b.WriteString(c.Label.In(lang, nil))
		if i < len(in) && len(in[i]) < all {
			b.WriteString(" (versions ")
			b.WriteString(strings.Join(in[i], ", "))
			b.WriteString(")")
		}
	}
	return b.String()
}
