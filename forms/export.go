package forms

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the form source in data (named name: .xlsx or .md) as an .xlsx XLSForm with
// survey, choices and settings sheets, which ODK, KoboToolbox and tracer load. An .xlsx source
// is written unchanged.
func WriteXLSX(w io.Writer, name string, data []byte) error {
	var tables map[string]*table
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		_, err = w.Write(data)
		return err
	case ".md", ".markdown":
		tables, err = readMarkdown(data)
	default:
		return fmt.Errorf("%s: cannot export a form from %q files", name, filepath.Ext(name))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	x := excelize.NewFile()
	defer x.Close()
	first := true
	for _, sheet := range []string{"survey", "choices", "settings"} {
		t := tables[sheet]
		if t == nil {
			continue
		}
		if first {
			if err := x.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
			first = false
		} else if _, err := x.NewSheet(sheet); err != nil {
			return err
		}
		// Declare the cells the sheet holds: excelize would declare "A1", which readers
		// that trust the declaration (openpyxl in read-only mode) read as one cell.
		width := len(t.header)
		for _, r := range t.rows {
			width = max(width, len(r.cells))
		}
		if width > 0 {
			end, err := excelize.CoordinatesToCellName(width, len(t.rows)+1)
			if err != nil {
				return err
			}
			if err := x.SetSheetDimension(sheet, "A1:"+end); err != nil {
				return err
			}
		}
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		write := func(rowNum int, cells []string) error {
			vals := make([]any, len(cells))
			for i, c := range cells {
				vals[i] = c
			}
			cell, _ := excelize.CoordinatesToCellName(1, rowNum)
			return sw.SetRow(cell, vals)
		}
		if err := write(1, t.header); err != nil {
			return err
		}
		for i, r := range t.rows {
			if err := write(i+2, r.cells); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	_, err = x.WriteTo(w)
	return err
}
