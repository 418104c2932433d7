package workbook

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Kind is what a cell holds, as the workbook stores it (not as Excel shows it).
type Kind uint8

const (
	// Unknown is an empty cell, or one whose kind the workbook does not say.
	Unknown Kind = iota
	// Text is a string, typed or a formula's.
	Text
	// Number is a number its format shows as a number (General, 0, 0.00, ...).
	Number
	// Date is a number its format shows as a date or a time (an Excel serial day number,
	// counted as Date1904 says), or a date cell holding ISO 8601 text.
	Date
	// Bool is TRUE or FALSE.
	Bool
	// Error is an error value (#N/A, #REF!, #VALUE!, ...), typed or a formula's.
	Error
)

// Cell says what one cell of a raw row holds besides its text.
type Cell struct {
	Kind Kind
	// Formula: the cell holds a formula, and its text is the result the formula had when
	// the file was last saved ("" when the program that saved it did not calculate it).
	Formula bool
}

// maxStyles bounds the cell formats read from a workbook; Excel allows 64,000.
const maxStyles = 1 << 16

// sheetParts is what TypedRows needs of an .xlsx workbook beyond what excelize gives:
// where each sheet's XML is, which cell formats show dates, and the date system.
type sheetParts struct {
	sheets   map[string]string // sheet name -> zip entry name
	dateXF   []bool            // by cell format (the s attribute of a cell)
	date1904 bool
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Pr *struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name string `xml:"name,attr"`
		RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

// readParts finds the sheets, the date formats and the date system of the workbook in zr.
// A part it cannot read leaves what it would tell unknown: excelize has opened the
// workbook, and the cells keep their text.
func readParts(ctx context.Context, zr *zip.Reader) *sheetParts {
	p := &sheetParts{sheets: map[string]string{}}
	wbPath := "xl/workbook.xml"
	var rels xmlRels
	if readXML(zr, "_rels/.rels", &rels) == nil {
		for _, r := range rels.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = partPath("", r.Target)
			}
		}
	}
	var wb xmlWorkbook
	if readXML(zr, wbPath, &wb) != nil {
		return p
	}
	if wb.Pr != nil {
		p.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	}
	dir := path.Dir(wbPath)
	rels = xmlRels{}
	if readXML(zr, path.Join(dir, "_rels", path.Base(wbPath)+".rels"), &rels) != nil {
		return p
	}
	target := map[string]string{}
	styles := path.Join(dir, "styles.xml")
	for _, r := range rels.Rels {
		target[r.ID] = partPath(dir, r.Target)
		if strings.HasSuffix(r.Type, "/styles") {
			styles = partPath(dir, r.Target)
		}
	}
	for _, s := range wb.Sheets {
		if t, ok := target[s.RID]; ok {
			p.sheets[s.Name] = t
		}
	}
	p.dateXF = readDateStyles(ctx, zr, styles)
	return p
}

// partPath resolves a relationship's target against the folder of the part that names it.
func partPath(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(dir, target), "/")
}

func openPart(zr *zip.Reader, name string) (io.ReadCloser, error) {
	for _, e := range zr.File {
		if strings.EqualFold(e.Name, name) {
			return e.Open()
		}
	}
	return nil, fmt.Errorf("no part %s", name)
}

// readXML decodes the small part name (a relationships list, the workbook's sheet list)
// into v.
func readXML(zr *zip.Reader, name string, v any) error {
	rc, err := openPart(zr, name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// readDateStyles returns, for each cell format of the styles part, whether its number
// format shows a date or a time. It reads the part as a stream, keeping at most maxStyles
// formats.
func readDateStyles(ctx context.Context, zr *zip.Reader, name string) []bool {
	rc, err := openPart(zr, name)
	if err != nil {
		return nil
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	custom := map[int]bool{} // numFmtId -> shows a date
	var xfs []int            // each cell format's numFmtId
	inXfs := false
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil
		}
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "numFmt":
				if id, err := strconv.Atoi(attr(e, "numFmtId")); err == nil && len(custom) < maxStyles {
					custom[id] = isDateFormat(attr(e, "formatCode"))
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs && len(xfs) < maxStyles {
					id, _ := strconv.Atoi(attr(e, "numFmtId"))
					xfs = append(xfs, id)
				}
			}
		case xml.EndElement:
			if e.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
	out := make([]bool, len(xfs))
	for i, id := range xfs {
		if date, ok := custom[id]; ok {
			out[i] = date
		} else {
			out[i] = id >= 0 && id < 1<<16 && builtinDate(uint16(id))
		}
	}
	return out
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// Date1904 reports whether the workbook counts its dates from 1904, as Excel for the Mac
// once did: its serial day number 0 is 1904-01-01, where in the usual 1900 date system
// day 1 is 1900-01-01 (and, for dates from March 1900 on, day 0 is 1899-12-30).
func (w *Workbook) Date1904() bool {
	if w.legacy != nil {
		return w.legacy.date1904
	}
	return w.xlsxParts(context.Background()).date1904
}

// xlsxParts returns what TypedRows reads of an .xlsx workbook's parts, read when first
// asked for: a form never needs them.
func (w *Workbook) xlsxParts(ctx context.Context) *sheetParts {
	if w.parts == nil {
		w.parts = readParts(ctx, w.zr)
	}
	return w.parts
}

// TypedRows is RawRows telling fn, too, whether the row is hidden in the sheet and what
// each cell holds: kinds[i] is the kind of cells[i]. An
// .xlsx row's kinds are read from the sheet's XML in step with its text, so memory stays
// bounded by one row.
func (w *Workbook) TypedRows(ctx context.Context, sheet string, fn func(row int, cells []string, kinds []Cell, hidden bool) error) error {
	if w.legacy != nil {
		return w.legacy.legacyTypedRows(ctx, sheet, w.lim, true, fn)
	}
	var meta *cellReader
	parts := w.xlsxParts(ctx)
	if name, ok := parts.sheets[sheet]; ok {
		if rc, err := openPart(w.zr, name); err == nil {
			defer rc.Close()
			meta = &cellReader{d: xml.NewDecoder(rc), dateXF: parts.dateXF, max: w.lim.Columns}
		}
	}
	return w.visibleRows(ctx, sheet, excelize.Options{RawCellValue: true}, func(n int, cells []string, hidden bool) error {
		kinds := make([]Cell, len(cells))
		if meta != nil {
			row, err := meta.row(n)
			if err != nil {
				// XML excelize reads with more leniency (another encoding, a damaged
				// end): the rest of the cells are read by their text alone.
				meta, row = nil, nil
			}
			copy(kinds, row)
		}
		return fn(n, cells, kinds, hidden)
	})
}

// SheetHidden reports whether sheet is hidden in the workbook (hidden, or very hidden:
// shown again only by a macro).
func (w *Workbook) SheetHidden(sheet string) bool {
	if w.legacy != nil {
		for _, s := range w.legacy.sheets {
			if s.name == sheet {
				return s.hidden
			}
		}
		return false
	}
	visible, err := w.f.GetSheetVisible(sheet)
	return err == nil && !visible
}

// HiddenColumns returns the 1-based numbers of the columns hidden in sheet, in order. It
// reads an .xlsx sheet's XML only up to its cells.
func (w *Workbook) HiddenColumns(ctx context.Context, sheet string) ([]int, error) {
	if w.legacy != nil {
		data, err := w.legacy.sheet(ctx, sheet, w.lim)
		if err != nil {
			return nil, err
		}
		return data.hiddenCols, nil
	}
	name, ok := w.xlsxParts(ctx).sheets[sheet]
	if !ok {
		return nil, nil
	}
	rc, err := openPart(w.zr, name)
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var hidden []int
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tok, err := d.Token()
		if err != nil {
			return hidden, nil
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if e.Name.Local == "sheetData" {
			return hidden, nil
		}
		if e.Name.Local != "col" || !xmlTrue(attr(e, "hidden")) {
			continue
		}
		lo, err1 := strconv.Atoi(attr(e, "min"))
		hi, err2 := strconv.Atoi(attr(e, "max"))
		if err1 != nil || err2 != nil || lo < 1 {
			continue
		}
		for c := lo; c <= min(hi, w.lim.Columns); c++ {
			hidden = append(hidden, c)
		}
	}
}

func xmlTrue(s string) bool { return s == "1" || s == "true" }

// cellReader reads the kinds of a sheet's cells from its XML, row by row.
type cellReader struct {
	d      *xml.Decoder
	dateXF []bool
	max    int // columns kept
	next   int // the number of the row read ahead, 0 when none
	cells  []Cell
	prev   int // the number of the last row read
	done   bool
}

// row returns the kinds of row n's cells, by column; nil for a row the XML does not hold.
// Rows are asked for in increasing order.
func (r *cellReader) row(n int) ([]Cell, error) {
	for !r.done && r.next < n {
		if err := r.readRow(); err != nil {
			return nil, err
		}
	}
	if r.next == n {
		return r.cells, nil
	}
	return nil, nil
}

// readRow reads the next row element of the XML into r.next and r.cells.
func (r *cellReader) readRow() error {
	for {
		tok, err := r.d.Token()
		if errors.Is(err, io.EOF) {
			r.done, r.next, r.cells = true, 0, nil
			return nil
		}
		if err != nil {
			return err
		}
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "row" {
			continue
		}
		n, err := strconv.Atoi(attr(e, "r"))
		if err != nil || n <= r.prev {
			n = r.prev + 1
		}
		r.prev, r.next = n, n
		r.cells = r.cells[:0]
		return r.readCells()
	}
}

// readCells reads the cells of the row element just started, up to its end.
func (r *cellReader) readCells() error {
	col := 0
	for {
		tok, err := r.d.Token()
		if err != nil {
			return err
		}
		switch e := tok.(type) {
		case xml.EndElement:
			if e.Name.Local == "row" {
				return nil
			}
		case xml.StartElement:
			if e.Name.Local != "c" {
				continue
			}
			col++
			if ref := attr(e, "r"); ref != "" {
				if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
					col = c
				}
			}
			cell, err := r.readCell(e)
			if err != nil {
				return err
			}
			if col > r.max {
				continue // the row is over the limit: visibleRows refuses it
			}
			for len(r.cells) < col {
				r.cells = append(r.cells, Cell{})
			}
			r.cells[col-1] = cell
		}
	}
}

// readCell reads the cell element c up to its end.
func (r *cellReader) readCell(c xml.StartElement) (Cell, error) {
	var cell Cell
	hasValue := false
	for depth := 0; ; {
		tok, err := r.d.Token()
		if err != nil {
			return cell, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			switch e.Name.Local {
			case "f":
				cell.Formula = true
			case "v", "is":
				hasValue = true
			}
		case xml.EndElement:
			if depth == 0 {
				if hasValue {
					cell.Kind = r.kind(c)
				}
				return cell, nil
			}
			depth--
		}
	}
}

// kind is what cell c holds, by its type and its format.
func (r *cellReader) kind(c xml.StartElement) Kind {
	switch attr(c, "t") {
	case "s", "str", "inlineStr":
		return Text
	case "b":
		return Bool
	case "e":
		return Error
	case "d":
		return Date
	}
	if s, err := strconv.Atoi(attr(c, "s")); err == nil && s >= 0 && s < len(r.dateXF) && r.dateXF[s] {
		return Date
	}
	return Number
}
