// Package workbook opens .xlsx and legacy .xls workbooks that come from outside (XLSForms, rosters) with
// limits on everything they can make the program read: the file, each zip entry and all of
// them together (as declared and as really decompressed, so a zip bomb is refused after
// reading no more than the limit), the rows and columns of a sheet, and the length of a
// cell. A workbook over a limit is refused with an error that names the limit; reading
// stops when its context is cancelled.
//
//	wb, err := workbook.Open(ctx, data, workbook.DefaultLimits)
//	if err != nil {
//		return err // a *workbook.LimitError names the limit it broke
//	}
//	defer wb.Close()
//	err = wb.Rows(ctx, "survey", func(row int, cells []string) error { ... })
//
// It wraps github.com/xuri/excelize/v2 for .xlsx, reads .xls (Excel 97-2003, BIFF8) itself
// from the compound file github.com/richardlehane/mscfb opens, and uses the standard
// library otherwise.
package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Limits bound what a workbook may make the program read.
type Limits struct {
	// FileBytes bounds the .xlsx file itself.
	FileBytes int64
	// EntryBytes bounds one decompressed part of the workbook (a sheet's XML, the shared
	// strings).
	EntryBytes int64
	// TotalBytes bounds all decompressed parts together.
	TotalBytes int64
	// Rows and Columns bound one sheet.
	Rows, Columns int
	// CellBytes bounds one cell's text.
	CellBytes int
}

// DefaultLimits fit any real XLSForm or roster with room to spare: a form of thousands of
// rows is well under a megabyte of sheet XML; a roster of 100,000 alumni is under 64 MB.
var DefaultLimits = Limits{
	FileBytes:  32 << 20,
	EntryBytes: 64 << 20,
	TotalBytes: 128 << 20,
	Rows:       200000,
	Columns:    1000,
	CellBytes:  64 << 10,
}

// ErrLimit is the error every *LimitError matches with errors.Is.
var ErrLimit = errors.New("workbook over a size limit")

// ErrCorrupt is matched by the errors of a file that is not a readable .xlsx workbook.
var ErrCorrupt = errors.New("not a readable .xlsx workbook")

// LimitError says which limit a workbook broke, and where.
type LimitError struct {
	Limit string // "file size", "part size", "total size", "rows", "columns", "cell length"
	Max   int64  // the limit
	Where string // the part, sheet or cell, when known
}

// Error names the limit and where it was broken.
func (e *LimitError) Error() string {
	where := ""
	if e.Where != "" {
		where = " (" + e.Where + ")"
	}
	switch e.Limit {
	case "rows", "columns":
		return fmt.Sprintf("the workbook has more than %d %s in a sheet%s", e.Max, e.Limit, where)
	case "cell length":
		return fmt.Sprintf("a cell holds more than %s of text%s", bytesText(e.Max), where)
	}
	return fmt.Sprintf("the workbook is too large: its %s is over %s%s", e.Limit, bytesText(e.Max), where)
}

// Is makes errors.Is(err, ErrLimit) hold.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Workbook is an open workbook. Close it when done.
type Workbook struct {
	f      *excelize.File
	legacy *legacyBook // an .xls workbook, when f is nil
	zr     *zip.Reader // an .xlsx workbook's parts
	parts  *sheetParts // what TypedRows reads of them, once read
	lim    Limits
}

// Open checks the bytes of an .xlsx or .xls file against lim and opens it. Every zip entry
// of an .xlsx is decompressed once into nothing, counting, to learn its real size (a header
// may lie); nothing larger than lim.EntryBytes is ever held. An .xls is known by its first
// bytes, whatever its name. The error is a *LimitError for a limit, ctx.Err() when
// cancelled, or matches ErrCorrupt and says why the file is not a readable workbook.
func Open(ctx context.Context, data []byte, lim Limits) (*Workbook, error) {
	if int64(len(data)) > lim.FileBytes {
		return nil, &LimitError{Limit: "file size", Max: lim.FileBytes}
	}
	if isLegacy(data) {
		b, err := openLegacy(ctx, data, lim)
		if err != nil {
			return nil, err
		}
		return &Workbook{legacy: b, lim: lim}, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var total int64
	for _, e := range zr.File {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if e.UncompressedSize64 > uint64(lim.EntryBytes) {
			return nil, &LimitError{Limit: "part size", Max: lim.EntryBytes, Where: e.Name}
		}
		n, err := realSize(ctx, e, lim.EntryBytes)
		if err != nil {
			return nil, err
		}
		if total += n; total > lim.TotalBytes {
			return nil, &LimitError{Limit: "total size", Max: lim.TotalBytes}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.TotalBytes, UnzipXMLSizeLimit: lim.EntryBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return &Workbook{f: f, zr: zr, lim: lim}, nil
}

// realSize decompresses entry e into nothing and returns its size, refusing it as soon as
// it passes max.
func realSize(ctx context.Context, e *zip.File, max int64) (int64, error) {
	rc, err := e.Open()
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %v", ErrCorrupt, e.Name, err)
	}
	defer rc.Close()
	var n int64
	buf := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, err := rc.Read(buf)
		n += int64(k)
		if n > max {
			return n, &LimitError{Limit: "part size", Max: max, Where: e.Name}
		}
		if err == io.EOF {
			return n, nil
		}
		if errors.Is(err, zip.ErrFormat) {
			// The reader stops where the header said the part ends.
			return n, fmt.Errorf("%w: part %s holds more than its header declares (a damaged or hostile file)", ErrCorrupt, e.Name)
		}
		if err != nil {
			return n, fmt.Errorf("%w: %s: %v", ErrCorrupt, e.Name, err)
		}
	}
}

// Close releases the workbook's temporary files.
func (w *Workbook) Close() error {
	if w.f == nil {
		return nil
	}
	return w.f.Close()
}

// Sheets returns the names of the workbook's sheets, in order.
func (w *Workbook) Sheets() []string {
	if w.legacy != nil {
		names := make([]string, len(w.legacy.sheets))
		for i, s := range w.legacy.sheets {
			names[i] = s.name
		}
		return names
	}
	return w.f.GetSheetList()
}

// Rows calls fn with each row of sheet in order: its 1-based number and its cells' text,
// empty rows included. It stops at the first error fn returns, at a row, column or cell over
// the limits (a *LimitError naming the cell), or when ctx is cancelled.
func (w *Workbook) Rows(ctx context.Context, sheet string, fn func(row int, cells []string) error) error {
	return w.rows(ctx, sheet, excelize.Options{}, fn)
}

// RawRows is Rows with each cell's stored value instead of its formatted text: dates stay
// Excel serial numbers and numbers keep all their digits (a NIK typed as a number).
func (w *Workbook) RawRows(ctx context.Context, sheet string, fn func(row int, cells []string) error) error {
	return w.rows(ctx, sheet, excelize.Options{RawCellValue: true}, fn)
}

func (w *Workbook) rows(ctx context.Context, sheet string, opts excelize.Options, fn func(row int, cells []string) error) error {
	return w.visibleRows(ctx, sheet, opts, func(row int, cells []string, _ bool) error { return fn(row, cells) })
}

func (w *Workbook) visibleRows(ctx context.Context, sheet string, opts excelize.Options, fn func(row int, cells []string, hidden bool) error) error {
	if w.legacy != nil {
		return w.legacy.legacyRows(ctx, sheet, w.lim, opts.RawCellValue, func(row int, cells []string) error { return fn(row, cells, false) })
	}
	rows, err := w.f.Rows(sheet)
	if err != nil {
		return fmt.Errorf("read sheet %s: %w", sheet, err)
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if n > w.lim.Rows {
			return &LimitError{Limit: "rows", Max: int64(w.lim.Rows), Where: "sheet " + sheet}
		}
		cells, err := rows.Columns(opts)
		if err != nil {
			return fmt.Errorf("read sheet %s row %d: %w", sheet, n, err)
		}
		if len(cells) > w.lim.Columns {
			return &LimitError{Limit: "columns", Max: int64(w.lim.Columns), Where: fmt.Sprintf("sheet %s row %d", sheet, n)}
		}
		for i, c := range cells {
			if len(c) > w.lim.CellBytes {
				name, _ := excelize.CoordinatesToCellName(i+1, n)
				return &LimitError{Limit: "cell length", Max: int64(w.lim.CellBytes), Where: fmt.Sprintf("%s!%s", sheet, name)}
			}
		}
		if err := fn(n, cells, len(cells) > 0 && rows.GetRowOpts().Hidden); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("read sheet %s: %w", sheet, err)
	}
	return nil
}
