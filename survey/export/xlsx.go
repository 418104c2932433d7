package export

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

type xlsxSink struct {
	s    *schema
	f    *excelize.File
	sw   []*excelize.StreamWriter
	next []int // next row number per table
	vals []any
	bold int
	out  io.Writer
}

func newXLSXSink(w io.Writer, s *schema) (*xlsxSink, error) {
	x := &xlsxSink{s: s, f: excelize.NewFile(), next: make([]int, len(s.tables))}
	x.out = w
	// excelize builds the whole zipped workbook in a bytes.Buffer before writing it out (to
	// patch zip64 headers of parts over 4 GB); zipping straight into w keeps memory flat. The
	// buffer excelize then copies out is empty.
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	x.bold = bold
	for i, t := range s.tables {
		if i == 0 {
			if err := x.f.SetSheetName("Sheet1", t.name); err != nil {
				return nil, err
			}
		} else if _, err := x.f.NewSheet(t.name); err != nil {
			return nil, err
		}
		sw, err := x.f.NewStreamWriter(t.name)
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
		vals[i] = cellValue(&t.cols[i], v)
	}
	cell, err := excelize.CoordinatesToCellName(1, n)
	if err != nil {
		return err
	}
	x.next[t.id] = n + 1
	return x.sw[t.id].SetRow(cell, vals)
}

// cellValue gives numeric columns numbers, so they sum and sort in Excel, and every other
// value a neutralised string. A string cell is never evaluated by Excel, but it may be saved
// as CSV later.
func cellValue(c *column, v string) any {
	if v == "" {
		return nil
	}
	if c.num {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
		if plainNumber(v) {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f
			}
		}
	}
	return Neutralize(v)
}

func (x *xlsxSink) finish(codebook [][]string) error {
	defer x.f.Close()
	for i, sw := range x.sw {
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("export %s: %w", x.s.tables[i].name, err)
		}
	}
	sw, err := x.f.NewStreamWriter("codebook")
	if err != nil {
		return err
	}
	for r, row := range codebook {
		vals := make([]any, len(row))
		for i, v := range row {
			if r == 0 {
				vals[i] = excelize.Cell{StyleID: x.bold, Value: v}
			} else {
				vals[i] = Neutralize(v)
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

func (x *xlsxSink) abort() { x.f.Close() }
