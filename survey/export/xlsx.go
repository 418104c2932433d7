package export

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tracer/survey"
)

type xlsxSink struct {
	s    *schema
	f    *excelize.File
	sw   []*excelize.StreamWriter
	next []int // next row number per table
	vals []any
	bold int
	date int // style of date cells
	time int // style of date-time cells
	out  io.Writer
}

// datedZip is a zip writer whose entries are dated now (zip.Writer.Create dates them 1980).
type datedZip struct {
	*zip.Writer
	now time.Time
}

func (z datedZip) Create(name string) (io.Writer, error) { return createEntry(z.Writer, name, z.now) }

func newXLSXSink(w io.Writer, s *schema, now time.Time) (*xlsxSink, error) {
	x := &xlsxSink{s: s, f: excelize.NewFile(), next: make([]int, len(s.tables))}
	x.out = w
	// excelize builds the whole zipped workbook in a bytes.Buffer before writing it out (to
	// patch zip64 headers of parts over 4 GB); zipping straight into w keeps memory flat. The
	// buffer excelize then copies out is empty.
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		fastDeflate(zw)
		return datedZip{zw, now}
	})
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	x.bold = bold
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	if x.date, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return nil, err
	}
	if x.time, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return nil, err
	}
	for i, t := range s.tables {
		if i == 0 {
			if err := x.f.SetSheetName("Sheet1", t.name); err != nil {
				return nil, err
			}
		} else if _, err := x.f.NewSheet(t.name); err != nil {
			return nil, err
		}
		sw, err := x.streamWriter(t.name)
		if err != nil {
			return nil, err
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		header := make([]any, len(t.cols))
		for j, c := range t.cols {
			header[j] = excelize.Cell{StyleID: bold, Value: c.name}
		}
		if err := sw.SetRow("A1", header); err != nil {
			return nil, err
		}
		x.sw = append(x.sw, sw)
		x.next[i] = 2
	}
	if _, err := x.f.NewSheet("codebook"); err != nil {
		return nil, err
	}
	return x, nil
}

func (x *xlsxSink) row(t *table, cells []string) error {
	n := x.next[t.id]
	if n > excelize.TotalRows {
		return ErrTooManyRows
	}
	if cap(x.vals) < len(cells) {
		x.vals = make([]any, len(cells))
	}
	vals := x.vals[:len(cells)]
	for i, v := range cells {
		vals[i] = x.cellValue(&t.cols[i], v)
	}
	cell, err := excelize.CoordinatesToCellName(1, n)
	if err != nil {
		return err
	}
	x.next[t.id] = n + 1
	return x.sw[t.id].SetRow(cell, vals)
}

// cellValue gives numeric columns numbers, so they sum and sort in Excel, date columns
// dates (a number with a date format), and every other value a text cell holding the value
// exactly: Excel never evaluates a text cell, so no quote is added. A select_one's code
// that is a number written as a number is written so ("1", "-99", not "01"), so that
// AVERAGE and the like work on main_status or a satisfaction scale; its labels
// (--labels), text codes and a select_multiple's codes stay text.
func (x *xlsxSink) cellValue(c *column, v string) any {
	if v == "" {
		return nil
	}
	if c.single && x.s.labels == nil {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(n, 10) == v {
			return n
		}
		if survey.PlainNumber(v) {
			if f, err := strconv.ParseFloat(v, 64); err == nil && strconv.FormatFloat(f, 'f', -1, 64) == v {
				return f
			}
		}
	}
	if c.num {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
		if survey.PlainNumber(v) {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f
			}
		}
	}
	switch dateKind(c) {
	case varDate:
		if t, ok := parseDay(v); ok {
			return excelize.Cell{StyleID: x.date, Value: t}
		}
	case varDateTime:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return excelize.Cell{StyleID: x.time, Value: t.UTC()}
		}
	}
	return v
}

// dateKind says whether column c holds dates (varDate), dates and times (varDateTime) or
// neither (varString).
func dateKind(c *column) varKind {
	switch c.kind {
	case colMeta:
		if c.name == "started_at" || c.name == "finalized_at" {
			return varDateTime
		}
	case colRoster, colAlumni:
		if strings.HasSuffix(c.name, "_date") {
			return varDate
		}
	case colValue:
		switch c.node.Type {
		case "date", "today":
			return varDate
		case "dateTime", "start", "end":
			return varDateTime
		}
	}
	return varString
}

func (x *xlsxSink) finish(codebook [][]string) error {
	defer x.f.Close()
	for i, sw := range x.sw {
		// A table over the data gives every column a filter button.
		t := x.s.tables[i]
		end, err := excelize.CoordinatesToCellName(len(t.cols), max(x.next[i]-1, 2))
		if err != nil {
			return err
		}
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + end, Name: "table_" + strconv.Itoa(i+1), StyleName: "TableStyleLight1", ShowRowStripes: ptr(false)}); err != nil {
			return fmt.Errorf("export %s: %w", t.name, err)
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("export %s: %w", x.s.tables[i].name, err)
		}
	}
	sw, err := x.streamWriter("codebook")
	if err != nil {
		return err
	}
	for r, row := range codebook {
		vals := make([]any, len(row))
		for i, v := range row {
			switch {
			case r == 0:
				vals[i] = excelize.Cell{StyleID: x.bold, Value: v}
			case v != "": // an empty one stays a blank cell, not an empty text
				vals[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(io.Discard)
}

// streamWriter returns a stream writer of the sheet, which declares no used range: the
// rows to come are not counted yet, and excelize would declare the "A1" of a new sheet,
// which readers that trust the declaration (openpyxl in read-only mode) read as one cell.
// Without one, they read the sheet whole.
func (x *xlsxSink) streamWriter(sheet string) (*excelize.StreamWriter, error) {
	if err := x.f.SetSheetDimension(sheet, ""); err != nil {
		return nil, err
	}
	return x.f.NewStreamWriter(sheet)
}

func (x *xlsxSink) abort() { x.f.Close() }

func ptr[T any](v T) *T { return &v }
