package forms

// Attached data files: the CSV and XML files an XLSForm reads beside its sheets, as ODK
// loads them (docs/XLSFORM.md, "Attached files").
//
//   - select_one_from_file regencies.csv (and select_multiple_from_file, .xml too) takes its
//     choices from the file: the instance regencies, one item per row, its value in the
//     column name and its label in label (or label::Language), unless parameters says
//     value=... label=...;
//   - csv-external NAME and xml-external NAME declare the instance NAME read from NAME.csv or
//     NAME.xml, for expressions;
//   - instance('NAME')/root/item[...]/column reads any of them, as it reads a choice list;
//   - pulldata('NAME', column, keyColumn, key) is the column of the first row of NAME.csv
//     whose keyColumn is key.
//
// A form file loaded from disk finds its attachments beside it or in NAME-media/ (ODK
// Collect's layout). A published form that has attachments travels as a bundle: a zip
// holding the form file and the files it reads, which Parse reads like a form file.

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"tracer/forms/expr"
)

// Attachment is a data file a form reads: its file name and bytes.
type Attachment struct {
	Name string
	Data []byte
}

// Limits of attached files: a list of every village of Indonesia (about 84,000) fits with room.
const (
	maxAttachmentBytes = 32 << 20
	maxAttachmentItems = 250000
	maxBundleEntries   = 64
	maxBundleBytes     = 128 << 20
	// A file's columns and cells are bounded too: what it makes in memory grows with them,
	// not with its bytes (a row of one cell under 20,000 columns is 20,000 cells).
	maxAttachmentColumns = 1000
	maxAttachmentCells   = 1000000
)

// errTooManyCells is what a file that holds more than maxAttachmentCells says.
var errTooManyCells = fmt.Errorf("more than %d cells (rows × columns): split it, or keep only the columns the form reads", maxAttachmentCells)

// fileSource returns the bytes of an attachment by file name, fs.ErrNotExist when there is
// none. nil means the form was given without its files.
type fileSource func(name string) ([]byte, error)

// dirSource finds a form's attachments beside it, then in its NAME-media folder.
func dirSource(formPath string) fileSource {
	dir := filepath.Dir(formPath)
	stem := strings.TrimSuffix(filepath.Base(formPath), filepath.Ext(formPath))
	return func(name string) ([]byte, error) {
		var last error
		for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, stem+"-media", name)} {
			data, err := readLimited(p, maxAttachmentBytes)
			if err == nil {
				return data, nil
			}
			last = err
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
		return nil, last
	}
}

func readLimited(p string, max int64) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return nil, fs.ErrNotExist
	}
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s has more than %d MiB", filepath.Base(p), max>>20)
	}
	return data, nil
}

// openBundle opens a bundle: the one form file (.xlsx, .xls, .md) it holds, read, and a
// source of the files beside it, each read when the form names it. Entries in folders are
// refused: a bundle is flat, as a form's media are.
func openBundle(data []byte) (formName string, form []byte, files fileSource, err error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", nil, nil, fmt.Errorf("not a form bundle (a zip of the form and its files): %v", err)
	}
	if len(zr.File) > maxBundleEntries {
		return "", nil, nil, fmt.Errorf("the bundle holds %d files; at most %d are read", len(zr.File), maxBundleEntries)
	}
	entries := make(map[string]*zip.File)
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		name := zf.Name
		if name != path.Base(name) || name == "" || strings.ContainsAny(name, `\:`) {
			return "", nil, nil, fmt.Errorf("bundle entry %q is in a folder: a bundle holds the form and its files side by side", name)
		}
		if _, dup := entries[name]; dup {
			return "", nil, nil, fmt.Errorf("bundle entry %q appears twice", name)
		}
		entries[name] = zf
		switch strings.ToLower(path.Ext(name)) {
		case ".xlsx", ".xlsm", ".xls", ".md", ".markdown":
			if formName != "" {
				return "", nil, nil, fmt.Errorf("the bundle holds two forms, %s and %s", formName, name)
			}
			formName = name
		}
	}
	if formName == "" {
		return "", nil, nil, errors.New("the bundle holds no form file (.xlsx, .xls or .md)")
	}
	var total int64
	read := func(name string) ([]byte, error) {
		zf := entries[name]
		if zf == nil {
			return nil, fs.ErrNotExist
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("bundle entry %s: %v", name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxAttachmentBytes+1))
		if err != nil {
			return nil, fmt.Errorf("bundle entry %s: %v", name, err)
		}
		if len(b) > maxAttachmentBytes {
			return nil, fmt.Errorf("bundle entry %s has more than %d MiB", name, maxAttachmentBytes>>20)
		}
		if total += int64(len(b)); total > maxBundleBytes {
			return nil, fmt.Errorf("the bundle's files come to more than %d MiB", maxBundleBytes>>20)
		}
		return b, nil
	}
	if form, err = read(formName); err != nil {
		return "", nil, nil, err
	}
	delete(entries, formName)
	return formName, form, read, nil
}

// writeBundle writes the bundle of a form and its attachments, the same bytes for the same
// files: fixed order and times, so that a form loaded from disk and the bundle published
// from it have one hash.
func writeBundle(formName string, form []byte, atts []Attachment) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	if err := add(formName, form); err != nil {
		return nil, err
	}
	sorted := slices.Clone(atts)
	slices.SortFunc(sorted, func(a, b Attachment) int { return strings.Compare(a.Name, b.Name) })
	for _, a := range sorted {
		if err := add(a.Name, a.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Bundle returns what publishing the form file at path sends: the file itself when the form
// reads no attachment, else a bundle (NAME.zip) of the form and the files it reads. The
// form must load.
func Bundle(formPath string) (name string, data []byte, err error) {
	f, err := Load(formPath)
	if err != nil {
		return "", nil, err
	}
	if len(f.Attachments) == 0 {
		data, err := os.ReadFile(formPath)
		return filepath.Base(formPath), data, err
	}
	return f.bundleName, f.bundle, nil
}

var (
	instanceCall = regexp.MustCompile(`instance\s*\(\s*(?:'([^']*)'|"([^"]*)")\s*\)`)
	pulldataCall = regexp.MustCompile(`pulldata\s*\(\s*(?:'([^']*)'|"([^"]*)")`)
)

// attachments loads the data files the survey sheet names, before the survey is compiled:
// the files of select_*_from_file, csv-external and xml-external rows, and the instances
// that expressions read with instance('x') or pulldata('x', ...) that no choice list on the
// choices sheet names. A file that is not there leaves its questions and expressions as
// they were without it (skipped, with a warning); a file that is there but does not read is
// an error naming it and the place.
func (c *compiler) attachments(survey *table) {
	f := c.form
	tried := map[string]bool{}
	load := func(r row, col, file, id string) {
		if tried[file] {
			return
		}
		tried[file] = true
		ext := strings.ToLower(path.Ext(file))
		if c.files == nil { // given without its files
			if ext == ".csv" || ext == ".xml" {
				f.Missing = append(f.Missing, file)
			}
			return
		}
		if file != path.Base(file) || strings.ContainsAny(file, `/\:`) {
			c.errorf(survey, r, col, "attached file %q must be a plain file name, without a folder", file)
			return
		}
		data, err := c.files(file)
		if errors.Is(err, fs.ErrNotExist) {
			if ext == ".csv" || ext == ".xml" {
				f.Missing = append(f.Missing, file)
			}
			return
		}
		if err != nil {
			c.errorf(survey, r, col, "attached file %s: %v", file, err)
			return
		}
		var l *ChoiceList
		switch strings.ToLower(path.Ext(file)) {
		case ".csv":
			l, err = readCSVList(id, data)
		case ".xml":
			l, err = readXMLList(id, data)
		default:
			c.warnf(survey, r, col, "attached file %s: only .csv and .xml files are read here; its values are not loaded", file)
			return
		}
		if err != nil {
			c.errorf(survey, r, col, "attached file %s: %v", file, err)
			return
		}
		l.File = file
		key := id
		if prev := f.Lists[id]; prev != nil && prev.File == "" {
			// search('fruits') beside the choices sheet's placeholder list fruits
			key = "\x00" + id
		}
		f.Lists[key] = l
		f.Attachments = append(f.Attachments, Attachment{Name: file, Data: data})
	}
	exprCols := []string{"relevant", "constraint", "calculation", "choice_filter", "default", "repeat_count", "required", "read_only", "trigger", "label", "hint", "appearance"}
	for _, r := range survey.rows {
		typeCell := survey.get(r, "type")
		if pt, ok := parseType(typeCell); ok {
			switch {
			case pt.info.external && pt.name != "select_one_external" && pt.list != "":
				id := strings.TrimSuffix(pt.list, path.Ext(pt.list))
				if f.Lists[id] == nil || f.Lists[id].File != "" {
					load(r, "type", pt.list, id)
				}
			case pt.info.attachment:
				name := survey.get(r, "name")
				ext := ".csv"
				if pt.info.base == "xml-external" {
					ext = ".xml"
				}
				if name != "" && f.Lists[name] == nil {
					load(r, "name", name+ext, name)
				}
			}
		}
		for _, col := range exprCols {
			text := survey.get(r, col)
			if !strings.Contains(text, "instance") && !strings.Contains(text, "pulldata") && !strings.Contains(text, "search") {
				continue
			}
			for _, re := range []*regexp.Regexp{instanceCall, pulldataCall, searchCall} {
				for _, m := range re.FindAllStringSubmatch(text, -1) {
					id := m[1] + m[2]
					if re != instanceCall {
						id = strings.TrimSuffix(id, ".csv") // Collect reads pulldata('a.csv') and search('a.csv') as a
					}
					if id == "" || (f.Lists[id] != nil && f.Lists[id].File == "" && re != searchCall) {
						continue
					}
					load(r, col, id+".csv", id)
					if f.Lists[id] == nil && re == instanceCall { // an XML file for instance() only
						load(r, col, id+".xml", id)
					}
				}
			}
		}
	}
}

// readCSVList reads a CSV attachment as ODK Collect does: the first row names the columns,
// separated by semicolons if that row has one (as a spreadsheet saves CSV where the decimal
// mark is a comma), else by commas; every other row is an item whose children are the
// columns, values kept as written, a missing cell empty and cells past the last column
// ignored; a line of spaces is an item, an empty line none. The columns name and label are also the item's value and label as a choice.
func readCSVList(id string, data []byte) (*ChoiceList, error) {
	if string(data) == "\xef\xbb\xbf" {
		// A byte-order mark alone: no columns and no items, as ODK Collect reads it (it
		// skips the mark, then finds no header and no record). An empty file is refused.
		l := newAttachedList(id, nil)
		l.known = nil
		return l, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8 text: save it as CSV UTF-8")
	}
	if bytes.IndexByte(data, '\n') < 0 {
		// Lines ended by CR alone, as Excel's "CSV (Macintosh)" saves them.
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	// A line of more cells than a file may have columns is refused before the CSV reader
	// makes a field of each.
	sep := byte(',')
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.IndexByte(first, ';') >= 0 {
		sep = ';'
	}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if bytes.Count(line, []byte{sep}) >= maxAttachmentColumns {
			return nil, fmt.Errorf("line %d has more than %d cells", n+1, maxAttachmentColumns)
		}
	}
	l, err := parseCSVList(id, data, false)
	if errors.Is(err, csv.ErrBareQuote) {
		// A quote inside a field that does not start with one is a character of the
		// field, as the CSV parser of ODK (Apache Commons CSV) reads it.
		l, err = parseCSVList(id, data, true)
	}
	return l, err
}

func parseCSVList(id string, data []byte, lazyQuotes bool) (*ChoiceList, error) {
	r := csv.NewReader(bytes.NewReader(data))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.IndexByte(first, ';') >= 0 {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	r.LazyQuotes = lazyQuotes
	header, err := r.Read()
	if err == io.EOF {
		return nil, errors.New("empty: the first row must name the columns")
	}
	if err != nil {
		return nil, csvError(err)
	}
	header = slices.Clone(header)
	seen := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if h == "" {
			continue
		}
		if j, dup := seen[h]; dup {
			return nil, fmt.Errorf("line 1: column %q appears twice (columns %d and %d)", h, j+1, i+1)
		}
		seen[h] = i
	}
	l := newAttachedList(id, header)
	named := len(seen) // the columns that have a name
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		// A line of spaces is an item, as ODK Collect's CSV reader (Apache Commons CSV)
		// skips only empty lines, which encoding/csv skips too.
		if len(l.Choices) >= maxAttachmentItems {
			return nil, fmt.Errorf("more than %d rows", maxAttachmentItems)
		}
		ch := &Choice{Label: make(Text), Extra: make(map[string]string, named), Row: line}
		if l.cells += named; l.cells > maxAttachmentCells {
			return nil, errTooManyCells
		}
		for i, h := range header {
			if h == "" {
				continue
			}
			v := "" // a short row's missing cells are empty, as in ODK
			if i < len(rec) {
				v = rec[i]
			}
			l.setColumn(ch, h, v)
		}
		l.add(ch)
	}
	l.known = nil
	return l, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %w", pe.Line, pe.Column, pe.Err)
	}
	return err
}

// readXMLList reads an XML attachment: the children of its root element are the items, and
// each item's elements are its columns, a nested one named by its path from the item
// (P_Demographic/P_Name), as a path in an expression reaches it.
func readXMLList(id string, data []byte) (*ChoiceList, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	l := newAttachedList(id, nil)
	l.root, l.item = "", ""
	var path []string // the open elements, the root first
	var ch *Choice
	var items []xmlItem
	hasItem := false
	var text strings.Builder
	leaf := false // the innermost open element has no child element yet
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			switch len(path) {
			case 1:
				l.root = t.Name.Local
			case 2:
				if len(items) >= maxAttachmentItems {
					return nil, fmt.Errorf("more than %d items", maxAttachmentItems)
				}
				line, _ := d.InputPos()
				ch = &Choice{Label: make(Text), Extra: make(map[string]string), Row: line}
				items = append(items, xmlItem{t.Name.Local, ch})
				hasItem = hasItem || t.Name.Local == "item"
			}
			if len(path) > 64 {
				return nil, errors.New("elements nested more than 64 deep")
			}
			// An attribute of an item, or of an element in it, is a column too, named
			// @id (or tag/@id), as a path reaches it: instance('x')/root/item[@id = 2].
			if len(path) >= 2 && ch != nil {
				for _, a := range t.Attr {
					if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
						continue
					}
					col := "@" + a.Name.Local
					if len(path) > 2 {
						col = strings.Join(path[2:], "/") + "/" + col
					}
					if err := l.xmlColumn(ch, col, a.Value); err != nil {
						return nil, err
					}
				}
			}
			text.Reset()
			leaf = true
		case xml.CharData:
			if len(path) >= 3 && text.Len() < 64<<10 {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case len(path) >= 3 && leaf && ch != nil:
				// Text is read without the spaces around it, as JavaRosa reads it.
				if err := l.xmlColumn(ch, strings.Join(path[2:], "/"), strings.TrimSpace(text.String())); err != nil {
					return nil, err
				}
			}
			path = path[:len(path)-1]
			leaf = false
			text.Reset()
		}
	}
	// The items are the root's children named item, as a select from the file reads
	// them (root/item), the others left out; in a file with no item, the children named
	// as the first.
	for _, it := range items {
		if l.item == "" {
			l.item = it.elem
			if hasItem {
				l.item = "item"
			}
		}
		if it.elem == l.item {
			l.add(it.ch)
		}
	}
	l.known = nil
	return l, nil
}

// xmlColumn records the value of column col (an element or an attribute) of an XML item. An
// element the item repeats (<tag>a</tag><tag>b</tag>) is one node each, as in ODK: the
// column reads the first, a path across the items or a predicate sees them all.
func (l *ChoiceList) xmlColumn(ch *Choice, col, v string) error {
	if !l.known[col] {
		if len(l.header) >= maxAttachmentColumns {
			return fmt.Errorf("more than %d columns (kinds of element in an item)", maxAttachmentColumns)
		}
		l.header = append(l.header, col)
	}
	if l.cells++; l.cells > maxAttachmentCells {
		return errTooManyCells
	}
	if _, seen := ch.Extra[col]; seen {
		if ch.more == nil {
			ch.more = map[string][]string{}
		}
		ch.more[col] = append(ch.more[col], v)
		return nil
	}
	l.setColumn(ch, col, v)
	return nil
}

// xmlItem is a child of an XML attachment's root, read before the items are chosen.
type xmlItem struct {
	elem string
	ch   *Choice
}

func newAttachedList(id string, header []string) *ChoiceList {
	l := &ChoiceList{Name: id, byName: make(map[string]*Choice), header: header, root: "root", item: "item", known: map[string]bool{}}
	for _, h := range header {
		if h != "" && h != "name" && h != "label" {
			l.Columns = append(l.Columns, h)
			l.known[h] = true
		}
	}
	return l
}

// setColumn records column h of an attached item: every column is kept under its own name
// for instance() and pulldata(); name and label are also the item's value and label (in
// every language: an attached file has one label column, as in ODK).
func (l *ChoiceList) setColumn(ch *Choice, h, v string) {
	if h == "name" {
		// A value is an answer, which tracer takes without surrounding spaces.
		v = strings.TrimSpace(v)
	}
	ch.Extra[h] = v
	switch {
	case h == "name":
		ch.Name = v
	case h == "label":
		ch.Label[""] = v
	default:
		if !l.known[h] {
			l.Columns = append(l.Columns, h)
		}
	}
	if l.known != nil {
		l.known[h] = true
	}
}

// column is what a path read from an attached item (in its list's predicate or choice
// filter) gives: the element's value, or no node when the item has no such element, so
// that [P_Enumerator] tests that the element is there, as XPath does.
func (c *Choice) column(col string) expr.Value {
	if col == "." {
		return expr.String(c.Name)
	}
	return c.nodes(nil, col)
}

// nodes appends to dst the values of column col of an attached item: none when the item
// has no such element, several when it repeats it.
func (c *Choice) nodes(dst expr.Nodes, col string) expr.Nodes {
	if dst == nil {
		dst = expr.Nodes{}
	}
	v, ok := c.Extra[col]
	if !ok {
		return dst
	}
	dst = append(dst, expr.String(v))
	for _, m := range c.more[col] {
		dst = append(dst, expr.String(m))
	}
	return dst
}

func (l *ChoiceList) add(ch *Choice) {
	ch.attached = true
	l.Choices = append(l.Choices, ch)
	ch.pos = len(l.Choices)
	if _, ok := l.byName[ch.Name]; !ok {
		l.byName[ch.Name] = ch
	}
}

// attachedList returns the list a select_*_from_file question takes its choices from, nil
// when its file is not loaded.
func (c *compiler) attachedList(t *table, r row, n *Node, file string) *ChoiceList {
	id := strings.TrimSuffix(file, path.Ext(file))
	l := c.form.Lists[id]
	if l == nil || l.File != file {
		l = c.form.Lists["\x00"+id] // beside a list of the choices sheet of that name
	}
	if l == nil || l.File != file {
		return nil
	}
	if l.root != "root" || l.item != "item" {
		// The select reads instance('x')/root/item, as pyxform writes it for ODK.
		c.warnf(t, r, "type", "%s holds <%s> items in <%s>, and a select from a file offers the <item> elements of <root>, as in ODK: it offers nothing", file, l.item, l.root)
		return l.emptyCopy()
	}
	value, label := n.Parameters["value"], n.Parameters["label"]
	for _, col := range []string{value, label} {
		if col != "" && col != "name" && col != "label" && !slices.Contains(l.header, col) {
			c.errorf(t, r, "parameters", "%s has no column %q (it has %s)", file, col, strings.Join(l.header, ", "))
			return nil
		}
	}
	l = l.withColumns(value, label)
	// Items a select could not record as chosen are not offered: no value, or, for a
	// select_multiple, a value with a space (its answer keeps values apart with spaces).
	bad := func(ch *Choice) bool {
		return ch.Name == "" || (n.Type == "select_multiple" && strings.ContainsFunc(ch.Name, unicode.IsSpace))
	}
	i := slices.IndexFunc(l.Choices, bad)
	if i < 0 {
		return l
	}
	c.warnf(t, r, "type", "%s: the item on line %d has no value or one with a space (%q), which this %s cannot record; such items are not offered", file, l.Choices[i].Row, l.Choices[i].Name, n.Type)
	out := l.emptyCopy()
	for _, ch := range l.Choices {
		if !bad(ch) {
			cp := *ch
			out.add(&cp)
		}
	}
	return out
}

// useList makes l, from an attached file, the list of select n: under its own name when it
// is the list the form holds by that name, else (its own columns or items) under a name
// of n's own, which no list of the choices sheet can have.
func (c *compiler) useList(n *Node, l *ChoiceList) {
	n.ListName = l.Name
	if c.form.Lists[l.Name] != l {
		n.ListName = l.Name + "\x00" + n.Name
		c.form.Lists[n.ListName] = l
	}
}

// emptyCopy returns a list of the same file and columns with no choices yet.
func (l *ChoiceList) emptyCopy() *ChoiceList {
	return &ChoiceList{Name: l.Name, File: l.File, Columns: l.Columns, header: l.header, root: l.root, item: l.item, byName: make(map[string]*Choice)}
}

// withColumns returns the list of a select that names its value and label columns with
// parameters (value=code label=nama): a copy whose choices take those columns.
func (l *ChoiceList) withColumns(value, label string) *ChoiceList {
	if (value == "" || value == "name") && (label == "" || label == "label") {
		return l
	}
	out := l.emptyCopy()
	for _, c := range l.Choices {
		cp := *c
		if value != "" {
			cp.Name = strings.TrimSpace(c.Extra[value])
		}
		if label != "" {
			cp.Label = Text{"": c.Extra[label]}
		}
		out.add(&cp)
	}
	return out
}

// Lookup returns column of the first item of list id whose keyColumn is key: pulldata().
// As ODK Collect, which loads the file into SQLite, reads it: the file may be named with
// .csv, columns are found ignoring case (and reading other characters than letters and
// digits as _), and the key matches ignoring the case of ASCII letters (NOCASE).
func (f *Form) Lookup(id, column, keyColumn, key string) string {
	l := f.Lists[strings.TrimSuffix(id, ".csv")]
	if l == nil {
		return ""
	}
	if col := searchColumn(l, column); col != "" {
		column = col
	}
	if col := searchColumn(l, keyColumn); col != "" {
		keyColumn = col
	}
	for _, c := range l.Choices {
		if asciiEqualFold(choiceColumn(c, keyColumn), key) {
			return choiceColumn(c, column)
		}
	}
	return ""
}

// asciiEqualFold reports whether a and b are equal ignoring the case of ASCII letters, as
// SQLite's NOCASE compares.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func choiceColumn(c *Choice, col string) string {
	if v, ok := c.Extra[col]; ok {
		return v
	}
	switch col {
	case "name":
		return c.Name
	case "label":
		return c.Label[""]
	}
	return ""
}

// attachmentsHash is the hash of a form loaded with attachments: that of the bundle
// publishing it sends, so that an interview made with the form on disk is one made with the
// published form.
func attachmentsHash(bundle []byte) string {
	sum := sha256.Sum256(bundle)
	return hex.EncodeToString(sum[:])
}
