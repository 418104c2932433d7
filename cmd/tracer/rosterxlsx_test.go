package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

// TestRosterWorkbookImportAndUpload: "tracer roster import" on a laptop and "tracer roster
// upload" to a real server read an office's workbook by what its cells hold, and say the
// same: a NIK stored as a number refuses its row naming the cell, a phone number stored as
// a number gets its 0 back with a warning, a formula's #N/A refuses its row, a hidden
// column is warned of; the server stores the rows the laptop does.
func TestRosterWorkbookImportAndUpload(t *testing.T) {
	ctx := context.Background()
	f := excelize.NewFile()
	for i, r := range [][]any{
		{"ID", "Nama", "NIK", "Kejuruan", "No HP", "Catatan"},
		{"W-1", "Ani", "6474064307910001", "TIK", int64(81234560001), "ok"},
		{"W-2", "Budi", int64(6474060307910002), "TIK", "081234560002"},
		{"W-3", "Citra", "6474064307910003", "TIK", "081234560003"},
	} {
		if err := f.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sheet1", "F4", "VLOOKUP(A4,Data!A:B,2,FALSE)"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetColVisible("Sheet1", "F", false); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := f.SaveAs(file); err != nil {
		t.Fatal(err)
	}
	problems := "sheet Sheet1 row 1: Catatan: warning: column F is hidden in the sheet, read all the same; unhide it to check its values, or delete it if it is not roster data\n" +
		"sheet Sheet1 row 2: No HP: warning: stored as a number (cell E2), which drops the leading 0: read as 081234560001; format the column as Text to keep it\n" +
		"sheet Sheet1 row 3: NIK: NIK stored as a number (cell C3, 6474060307910002): Excel keeps only 15 digits of a number, so the NIK's last digit may be lost even where it looks right; format the column as Text and type the NIK again\n" +
		"sheet Sheet1 row 4: Catatan: cell F4 holds a formula whose result the file does not keep (a program saved it without calculating): open the file in Excel or LibreOffice and save it again\n"

	out, _, err := runMain(t, t.TempDir(), "roster", "import", file)
	if want := problems + "imported 1, rejected 2 (1 new, 0 updated, 0 unchanged)\n"; out != want || exitCode(err) != 1 {
		t.Errorf("import: exit %d (%v)\n%s\nwant\n%s", exitCode(err), err, out, want)
	}

	env := testbed.NewEnv(t, nil, nil)
	sup := t.TempDir()
	_, code, err := env.Users.CreateUser(ctx, "sri", survey.RoleSupervisor)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, sup, "login", env.URL, code); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	out, _, err = runMain(t, sup, "roster", "upload", file)
	if want := problems + "uploaded 1 row as sri, rejected 2 (1 new, 0 updated, 0 unchanged)\n"; out != want || exitCode(err) != 1 {
		t.Errorf("upload: exit %d (%v)\n%s\nwant\n%s", exitCode(err), err, out, want)
	}
	roster := sqlite.NewServerRosterStore(env.DB)
	r, err := roster.RosterRow(ctx, "W-1")
	if err != nil || r.Phone != "+6281234560001" || r.PhoneRaw != "081234560001" {
		t.Errorf("W-1 on the server: %+v, %v", r, err)
	}
	for _, id := range []string{"W-2", "W-3"} {
		if r, err := roster.RosterRow(ctx, id); err != nil || r != nil {
			t.Errorf("refused row %s on the server: %+v, %v", id, r, err)
		}
	}
}
