package export_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

// TestXLSXSelectCodesAreNumbers checks that a select_one's code that is a number is a
// number cell, so that Excel's AVERAGE reads it, while a code that would change as a number
// (01), a text code, a select_multiple's codes and labels stay text.
func TestXLSXSelectCodesAreNumbers(t *testing.T) {
	f, err := forms.Parse("t.md", []byte(`
| survey |
| | type | name | label |
| | select_one status | main_status | Status |
| | select_one zcode | zcode | Code with a zero |
| | select_one yn | consent | Consent |
| | select_multiple status | many | Many |
| choices |
| | list_name | name | label |
| | status | 1 | Working |
| | status | -99 | Refused |
| | status | 3 | Self-employed |
| | zcode | 01 | One |
| | yn | yes | Yes |
`))
	if err != nil {
		t.Fatal(err)
	}
	recs := []*survey.Record{
		{ID: "a", Revision: 1, Answers: map[string]string{"main_status": "1", "zcode": "01", "consent": "yes", "many": "3"}},
		{ID: "b", Revision: 1, Answers: map[string]string{"main_status": "-99", "many": "1 3"}},
	}
	cellTypes := func(labels bool) map[string]excelize.CellType {
		var buf bytes.Buffer
		if _, err := export.Write(&buf, f, seq(recs), export.Options{Format: export.XLSX, Labels: labels}); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows("interviews")
		out := map[string]excelize.CellType{}
		for i, h := range rows[0] {
			for r := 2; r <= 3; r++ {
				cell, _ := excelize.CoordinatesToCellName(i+1, r)
				typ, err := x.GetCellType("interviews", cell)
				if err != nil {
					t.Fatal(err)
				}
				v, _ := x.GetCellValue("interviews", cell)
				if v != "" {
					out[h+" "+v] = typ
				}
			}
		}
		return out
	}
	isText := func(typ excelize.CellType) bool {
		return typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
	}
	got := cellTypes(false)
	for _, k := range []string{"main_status 1", "main_status -99", "many/3 1"} {
		if typ, ok := got[k]; !ok || isText(typ) {
			t.Errorf("%s: cell type %v (present %v), want a number", k, typ, ok)
		}
	}
	for _, k := range []string{"zcode 01", "consent yes", "many 3", "many 1 3"} {
		if typ, ok := got[k]; !ok || !isText(typ) {
			t.Errorf("%s: cell type %v (present %v), want text", k, typ, ok)
		}
	}
	got = cellTypes(true)
	if typ, ok := got["main_status Working"]; !ok || !isText(typ) {
		t.Errorf("labelled main_status: cell type %v (present %v), want text", typ, ok)
	}
}
