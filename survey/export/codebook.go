package export

import (
	"strings"

	"tracer/forms"
)

// codebook returns the codebook table: a header, then one row per column of every table.
// Columns: table, column, question, type, choice (the code of a 0/1 column), then a label and
// a choices column per form language ("code = label" lines).
func (s *schema) codebook() [][]string {
	f := s.form
	header := []string{"table", "column", "question", "type", "list", "choice"}
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
			r[0], r[1] = t.name, c.name
			switch c.kind {
			case colMeta:
				r[3] = "metadata"
				fillAll(r[6:6+nl], metaColumns[c.idx].desc)
			case colRoster:
				r[3] = "roster"
				fillAll(r[6:6+nl], "roster field "+s.roster[c.idx])
			case colKey:
				r[3] = "link"
				fillAll(r[6:6+nl], keyColumns[c.idx].desc)
			case colValue:
				r[2], r[3], r[4] = c.node.Name, c.node.Type, c.node.ListName
				for i, l := range f.Languages {
					r[6+i] = c.node.Label[l]
					if list := f.Lists[c.node.ListName]; list != nil {
						r[6+nl+i] = choiceLines(list, l)
					}
				}
			case colDummy:
				r[2], r[3], r[4], r[5] = c.node.Name, "0/1", c.node.ListName, c.choice.Name
				for i, l := range f.Languages {
					r[6+i] = c.choice.Label[l]
					r[6+nl+i] = "1 = chosen, 0 = not chosen, empty = question not answered"
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

func choiceLines(l *forms.ChoiceList, lang string) string {
	var b strings.Builder
	for i, c := range l.Choices {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Name)
		b.WriteString(" = ")
		b.WriteString(c.Label[lang])
	}
	return b.String()
}
