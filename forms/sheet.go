package forms

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"tracer/forms/workbook"
)

// table is one sheet of an XLSForm as rows of cells, with its header normalized.
type table struct {
	name   string   // the sheet's name as written
	header []string // normalized column names, "" for empty header cells
	rows   []row
	md     bool // read from Markdown: rows are line numbers, columns have no letters
}

type row struct {
	num   int // 1-based spreadsheet row, or line number in a Markdown file
	cells []string
}

// get returns the cell of column col (a normalized name) in r, trimmed.
func (t *table) get(r row, col string) string {
	for i, h := range t.header {
		if h == col && i < len(r.cells) {
			return strings.TrimSpace(r.cells[i])
		}
	}
	return ""
}

// colIndex returns the index of a normalized column, or -1.
func (t *table) colIndex(col string) int {
	for i, h := range t.header {
		if h == col {
			return i
		}
	}
	return -1
}

// formSheets are the sheets of an XLSForm the engine reads; others (help, entities, notes)
// are skipped unread.
var formSheets = map[string]bool{"survey": true, "choices": true, "settings": true, "select_choices": true}

// readWorkbook reads the form's sheets of an .xlsx or .xls workbook, within the workbook
// limits.
func readWorkbook(ctx context.Context, data []byte) (map[string]*table, error) {
	wb, err := workbook.Open(ctx, data, workbook.DefaultLimits)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	tables := make(map[string]*table)
	for _, name := range wb.Sheets() {
		key := strings.ToLower(strings.TrimSpace(name))
		if _, dup := tables[key]; dup || !formSheets[key] {
			continue
		}
		t := &table{name: name}
		headerSeen := false
		err := wb.Rows(ctx, name, func(num int, cells []string) error {
			if allEmpty(cells) {
				return nil
			}
			if !headerSeen {
				t.header = normalizeHeader(key, cells)
				headerSeen = true
				return nil
			}
			t.rows = append(t.rows, row{num: num, cells: cells})
			return nil
		})
		if err != nil {
			return nil, err
		}
		tables[key] = t
	}
	return tables, nil
}

// readMarkdown reads an XLSForm written as Markdown tables, the format pyxform reads: a row
// whose first cell is non-empty names a sheet; the next row is its header; the rows after it,
// with an empty first cell, are its data. Lines not starting with "|" are ignored, as are
// separator rows; "\|" is a literal bar inside a cell.
func readMarkdown(data []byte) (map[string]*table, error) {
	tables := make(map[string]*table)
	var cur *table
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(s, "|") {
			continue
		}
		cells := splitMarkdownRow(s)
		if isSeparatorRow(cells) {
			continue
		}
		if first := strings.TrimSpace(cells[0]); first != "" {
			key := strings.ToLower(first)
			if _, dup := tables[key]; dup {
				return nil, fmt.Errorf("line %d: sheet %s appears twice", line, first)
			}
			cur = &table{name: first, md: true}
			tables[key] = cur
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("line %d: table row before any sheet name (start with a row like \"| survey |\")", line)
		}
		cells = cells[1:]
		if cur.header == nil {
			cur.header = normalizeHeader(strings.ToLower(cur.name), cells)
			continue
		}
		if allEmpty(cells) {
			continue
		}
		cur.rows = append(cur.rows, row{num: line, cells: cells})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return tables, nil
}

func splitMarkdownRow(s string) []string {
	s = strings.TrimPrefix(s, "|")
	var cells []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '|':
			b.WriteByte('|')
			i++
		case s[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(s[i])
		}
	}
	if rest := strings.TrimSpace(b.String()); rest != "" {
		cells = append(cells, rest)
	}
	if len(cells) == 0 {
		cells = []string{""}
	}
	return cells
}

func isSeparatorRow(cells []string) bool {
	seen := false
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if strings.Trim(c, "-: ") != "" {
			return false
		}
		seen = true
	}
	return seen
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Column aliases, as pyxform accepts them. Keys are lower-case with spaces and underscores
// folded to "_".
var columnAliases = map[string]map[string]string{
	"survey": {
		"relevance":                "relevant",
		"bind::relevant":           "relevant",
		"calculate":                "calculation",
		"bind::calculate":          "calculation",
		"bind::constraint":         "constraint",
		"jr:constraintmsg":         "constraint_message",
		"bind::jr:constraintmsg":   "constraint_message",
		"jr:requiredmsg":           "required_message",
		"requiredmsg":              "required_message",
		"constraintmsg":            "constraint_message",
		"bind::jr:requiredmsg":     "required_message",
		"bind::required":           "required",
		"readonly":                 "read_only",
		"bind::readonly":           "read_only",
		"jr:count":                 "repeat_count",
		"control::jr:count":        "repeat_count",
		"control::appearance":      "appearance",
		"body::appearance":         "appearance",
		"bind::jr:preload":         "preload",
		"bind::jr:preloadparams":   "preload_params",
		"default_value":            "default",
		"choice_filter_expression": "choice_filter",
		"caption":                  "label",
		"question_label":           "label",
		"message":                  "constraint_message",
	},
	// pyxform's list_header: list_name (or "list name"), value for name and caption for
	// label (image, audio and video are read as media columns elsewhere). Other names
	// (list, option, choice) are columns like any other, which a choice filter may read.
	"choices": {
		"list_name": "list_name",
		"value":     "name",
		"name":      "name",
		"caption":   "label",
	},
	"settings": {
		"title":        "form_title",
		"id_string":    "form_id",
		"form_version": "version",
	},
}

// knownColumns are the XLSForm columns matched without regard to case.
var knownColumns = map[string]bool{
	"type": true, "name": true, "label": true, "hint": true, "required": true, "required_message": true,
	"relevant": true, "constraint": true, "constraint_message": true, "calculation": true,
	"choice_filter": true, "appearance": true, "read_only": true, "default": true, "repeat_count": true,
	"parameters": true, "trigger": true, "list_name": true, "form_title": true, "form_id": true,
	"version": true, "default_language": true, "instance_name": true, "style": true, "note": true,
	"guidance_hint": true, "media": true, "image": true, "audio": true, "video": true,
}

// singleColonPrefix lists the column prefixes old XLSForms separate with one colon.
var singleColonPrefix = map[string]bool{
	"label": true, "hint": true, "constraint_message": true, "required_message": true,
	"guidance_hint": true, "media": true, "image": true, "audio": true, "video": true,
	"bind": true, "body": true, "control": true,
}

// translatable columns: "label::English (en)" keeps its language part.
var translatable = map[string]bool{
	"label": true, "hint": true, "constraint_message": true, "required_message": true,
	"guidance_hint": true, "image": true, "audio": true, "video": true, "media::image": true,
	"media::audio": true, "media::video": true, "big-image": true,
}

// normalizeHeader maps header cells to canonical column names. A translated column becomes
// "label::Language name"; other names are lower-cased, trimmed, with spaces as underscores.
func normalizeHeader(sheet string, cells []string) []string {
	out := make([]string, len(cells))
	aliases := columnAliases[sheet]
	if sheet == "select_choices" || sheet == "external_choices" {
		aliases = columnAliases["choices"]
	}
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		base, lang, hasLang := strings.Cut(c, "::")
		if !hasLang {
			// Old forms write one colon: "label:English", "bind:relevant" (not "jr:count").
			if b, l, ok := strings.Cut(c, ":"); ok && singleColonPrefix[foldName(b)] {
				base, lang, hasLang = b, l, true
			}
		}
		key := foldName(base)
		if hasLang {
			// bind::x, body::x, control::x, media::x keep their prefix for aliasing.
			switch key {
			case "bind", "body", "control", "media", "instance":
				full := key + "::" + foldName(lang)
				if a, ok := aliases[full]; ok {
					out[i] = a
				} else {
					out[i] = full
				}
				continue
			}
		}
		if a, ok := aliases[key]; ok {
			key = a
		} else if !knownColumns[key] && !hasLang {
			// Other columns keep their case: choice filters name them as written.
			key = strings.TrimSpace(base)
		}
		if hasLang {
			out[i] = key + "::" + strings.TrimSpace(lang)
		} else {
			out[i] = key
		}
	}
	return out
}

func foldName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Join(strings.Fields(s), "_")
	return s
}

// colLetter returns the spreadsheet column letters of a 0-based index.
func colLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
