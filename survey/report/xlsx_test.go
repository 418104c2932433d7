package report_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tracer/forms/workbook/xlsxtest"
	"tracer/survey/report"
)

// TestXLSXBreakdownColumns: a breakdown sheet carries O and I, a flag column per indicator,
// and leaves a median blank where it is unknown instead of writing 0; the summary echoes
// the settings.
func TestXLSXBreakdownColumns(t *testing.T) {
	r := compute(t, report.Config{By: []report.Dimension{report.ByKejuruan}})
	var x bytes.Buffer
	if err := report.WriteXLSX(&x, r, "en"); err != nil {
		t.Fatal(err)
	}
	xlsxtest.CheckDimensions(t, x.Bytes())
	// A cell with nothing to say is blank, not an empty text (which COUNTA counts).
	if empty := xlsxtest.EmptyTextCells(t, x.Bytes()); len(empty) > 0 {
		t.Errorf("%d cells hold an empty text: %v", len(empty), empty[:min(len(empty), 5)])
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("kejuruan")
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	col := func(name string) int { return slices.Index(head, name) }
	for _, h := range []string{"O", "I", "Absorption rate (A/S) flag", "Median income, SE (IDR)"} {
		if col(h) < 0 {
			t.Fatalf("no column %q in %q", h, head)
		}
	}
	cell := func(row int, name string) string {
		if c := col(name); c < len(rows[row]) {
			return rows[row][c]
		}
		return ""
	}
	// OTO (row 2): O 0, I 3 (P11, P13, P14); absorption 1/5 suppressed; LAS (row 1): 8/10 small n.
	if rows[2][0] != "OTO" || cell(2, "O") != "0" || cell(2, "I") != "3" || cell(2, "Absorption rate (A/S) flag") != "suppressed" {
		t.Errorf("OTO row = %q", rows[2])
	}
	if cell(1, "Absorption rate (A/S) flag") != "n kecil" {
		t.Errorf("LAS absorption flag = %q, want n kecil", cell(1, "Absorption rate (A/S) flag"))
	}
	// Median income of SE in OTO: no self-employed there, so blank (not 0) in all three columns.
	for _, h := range []string{"Median income, SE (IDR) num", "Median income, SE (IDR)"} {
		if got := cell(2, h); got != "" {
			t.Errorf("OTO %s = %q, want blank", h, got)
		}
	}
	sum, _ := f.GetRows("Summary")
	var text []string
	for _, r := range sum {
		text = append(text, strings.Join(r, "|"))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"Study file|(none: defaults)", "Reference date|2026-01-15 (median interview date)", "UMK table|built-in", "I|3|other inactive"} {
		if !strings.Contains(all, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}
