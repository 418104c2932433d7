package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

// hostile holds what a terminal would act on: clear the screen, set the title, a C1 CSI,
// a bidirectional override.
const hostile = "\x1b[2J\x1b]0;owned\x07\u009b31m\u202e"

// noEscapes fails when out holds a byte or character a terminal would act on.
func noEscapes(t *testing.T, what, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\x00"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s prints %q raw:\n%q", what, bad, out)
		}
	}
}

// Names and identifiers with control characters are refused where they come in; what an
// older database or a file still holds is printed escaped.
func TestControlCharactersAreRefusedOrEscaped(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "server.db")
	if _, _, err := runMain(t, dir, "user", "add", "ani"+hostile, "--role", "enumerator", "--db", dbPath); err == nil || !strings.Contains(err.Error(), "control characters") {
		t.Errorf("user add with escapes: %v", err)
	}
	if _, _, err := runMain(t, dir, "user", "add", "ani", "--role", "enumerator", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	// A name stored before names were checked.
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE users SET name = ? WHERE name = 'ani'`, "ani"+hostile); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, _, err := runMain(t, dir, "user", "list", "--db", dbPath)
	if err != nil || !strings.Contains(out, `ani\x1b[2J\x1b]0;owned\x07\u009b31m\u202e`) {
		t.Errorf("user list: %v\n%q", err, out)
	}
	noEscapes(t, "user list", out)

	file := filepath.Join(dir, "roster.csv")
	csv := "roster_id,full_name,nik,sex\nA-1" + hostile + ",Dewi" + hostile + ",6474064307910001,P" + hostile + "\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runMain(t, dir, "roster", "import", "--dry-run", file)
	if !strings.Contains(out, "row 2: roster_id: holds a control character") {
		t.Errorf("roster import: %q", out)
	}
	noEscapes(t, "roster import", out)
}

// TestNoServerDatabaseNamesTheCommandsFlags: a command that reads the server database,
// run in a folder without one (a supervisor's laptop), names --server URL only when it takes
// that flag; one that does not would refuse it next.
func TestNoServerDatabaseNamesTheCommandsFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"link", "list"}, {"link", "revoke", "X"}, {"user", "list"}, {"progress"}, {"wave", "list"}, {"report"}, {"export", "--format", "csv", "-o", filepath.Join(dir, "x.csv")}} {
		_, _, err := runMain(t, dir, args...)
		if err == nil || !strings.Contains(err.Error(), "no server database at") {
			t.Errorf("%v in an empty folder: %v", args, err)
			continue
		}
		takes := false
		help := []string{args[0], "--help"}
		if args[0] == "link" || args[0] == "user" || args[0] == "wave" {
			help = []string{args[0], args[1], "--help"}
		}
		if out, stderr, _ := runMain(t, dir, help...); strings.Contains(out+stderr, "-server") {
			takes = true
		}
		if names := strings.Contains(err.Error(), "--server"); names != takes {
			t.Errorf("%v: %q names --server: %v; the command takes it: %v", args, err, names, takes)
		}
	}
}

// TestUserCommandsFindTheServerDatabase checks that only the first account makes a server
// database, saying so (an account added in the wrong folder is unknown to the server that
// runs), and that the other user commands refuse a folder without one.
func TestUserCommandsFindTheServerDatabase(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"user", "list"}, {"user", "code", "ani"}, {"user", "revoke", "ani"}} {
		if _, _, err := runMain(t, dir, args...); err == nil || !strings.Contains(err.Error(), "no server database at "+filepath.Join(dir, "server.db")) {
			t.Errorf("%v in an empty folder: %v", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "server.db")); err == nil {
		t.Fatal("a command that reads accounts made a server database")
	}
	_, stderr, err := runMain(t, dir, "user", "add", "ani", "--role", "enumerator")
	if err != nil || !strings.Contains(stderr, "no server database was at "+filepath.Join(dir, "server.db")) {
		t.Errorf("first account: %v, stderr %q", err, stderr)
	}
	_, stderr, err = runMain(t, dir, "user", "add", "budi", "--role", "enumerator")
	if err != nil || stderr != "" {
		t.Errorf("second account: %v, stderr %q", err, stderr)
	}
	if out, _, err := runMain(t, dir, "user", "list"); err != nil || !strings.Contains(out, "ani") || !strings.Contains(out, "budi") {
		t.Errorf("user list: %v\n%s", err, out)
	}
}

// TestExportNameNotes checks the note an export gives when its file's name says another
// kind of file than it will be.
func TestExportNameNotes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		format, out, note string
	}{
		{"sav", "x.sav", "x.sav will be a zip"},
		{"dta", "x.dta", "x.dta will be a zip"},
		{"csv", "x.csv", "x.csv will be a zip"},
		{"xlsx", "x.csv", "x.csv will be an Excel workbook"},
		{"sav", "x.zip", ""},
		{"xlsx", "x.XLSX", ""},
		{"jsonl", "x.json", ""},
		{"jsonl", "x.jsonl", ""},
		{"jsonl", "x.txt", ""},
		{"jsonl", "x.zip", "x.zip will be JSON lines"},
		{"jsonl", "x.xlsx", "x.xlsx will be JSON lines"},
		{"jsonl", "x.sav", "x.sav will be JSON lines"},
		{"jsonl", "x.CSV", "x.CSV will be JSON lines"},
	} {
		out := filepath.Join(dir, tc.out)
		_, stderr, _ := runMain(t, dir, "export", "--format", tc.format, "-o", out)
		if tc.note == "" && stderr != "" || tc.note != "" && !strings.Contains(stderr, tc.note) {
			t.Errorf("%s to %s: stderr %q, want %q", tc.format, tc.out, stderr, tc.note)
		}
	}
}

// TestOutputFormatFromName: without --format, the output file's extension chooses the
// format of a report or an export; with one that disagrees, the report notes it.
func TestOutputFormatFromName(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runMain(t, dir, "user", "add", "ani", "--role", "admin", "--data", dir); err != nil {
		t.Fatal(err)
	}
	for name, head := range map[string]string{"r.xlsx": "PK", "r.json": "{", "r.html": "<!DOCTYPE html>", "r.txt": "Laporan"} {
		out := filepath.Join(dir, name)
		if _, stderr, err := runMain(t, dir, "report", "--data", dir, "-o", out); err != nil || stderr != "" {
			t.Fatalf("report -o %s: %v, stderr %q", name, err, stderr)
		}
		if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte(head)) {
			t.Errorf("report -o %s begins %.20q, want %q", name, b, head)
		}
	}
	out := filepath.Join(dir, "t.xlsx")
	_, stderr, err := runMain(t, dir, "report", "--data", dir, "--format", "text", "-o", out)
	if b, _ := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("Laporan")) || !strings.Contains(stderr, "t.xlsx will be a text report (--format text)") {
		t.Errorf("report --format text -o t.xlsx: %v, stderr %q, file begins %.20q", err, stderr, b)
	}
	if _, _, err := runMain(t, dir, "report", "--data", dir, "--section", "response", "-o", filepath.Join(dir, "r2.html")); err == nil || !strings.Contains(err.Error(), "name it .txt, .xlsx or .json") {
		t.Errorf("response rates to .html: %v", err)
	}
	// An export's format shows in the note on a name that says another kind of file.
	for name, note := range map[string]string{"e.xlsx": "", "e.jsonl": "", "e.dta": "e.dta will be a zip", "e.sav": "e.sav will be a zip"} {
		_, stderr, _ := runMain(t, dir, "export", "--data", dir, "-o", filepath.Join(dir, name))
		if note == "" && strings.Contains(stderr, "note:") || note != "" && !strings.Contains(stderr, note) {
			t.Errorf("export -o %s: stderr %q, want %q", name, stderr, note)
		}
	}
}

// TestOutputIntoAMissingFolder: a report or an export to -o FILE in a folder that does not
// exist is refused naming FILE and its folder, not the temporary file written beside it.
func TestOutputIntoAMissingFolder(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runMain(t, dir, "user", "add", "ani", "--role", "admin", "--data", dir); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "no-such-folder")
	for _, args := range [][]string{
		{"report", "--data", dir, "-o", filepath.Join(missing, "r.txt")},
		{"report", "--data", dir, "--section", "response", "-o", filepath.Join(missing, "r.json")},
		{"export", "--data", dir, "-o", filepath.Join(missing, "e.zip")},
		{"export", "--data", dir, "--format", "jsonl", "-o", filepath.Join(missing, "e.jsonl")},
	} {
		_, _, err := runMain(t, dir, args...)
		out := args[len(args)-1]
		want := "cannot write " + out + ": the folder " + missing + " does not exist"
		if err == nil || err.Error() != want {
			t.Errorf("%s -o %s: %v, want %q", args[0], out, err, want)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Errorf("%s made the folder %s", args[0], missing)
		}
	}
}

// TestAnalysisFromTheEnrolledServer: on an analyst's laptop, enrolled and holding no server
// database, report, export and progress read from the server it is enrolled with, and say so.
func TestAnalysisFromTheEnrolledServer(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	login := func(name string, role survey.Role) string {
		t.Helper()
		dir := t.TempDir()
		_, code, err := env.Users.CreateUser(ctx, name, role)
		if err != nil {
			t.Fatal(err)
		}
		if out, _, err := runMain(t, dir, "login", env.URL, code); err != nil {
			t.Fatalf("login: %v %s", err, out)
		}
		return dir
	}
	dir, rina := login("andi", survey.RoleAnalyst), login("rina", survey.RoleSupervisor)
	out := filepath.Join(dir, "r.json")
	_, stderr, err := runMain(t, dir, "report", "-o", out)
	if b, _ := os.ReadFile(out); err != nil || !strings.Contains(stderr, "from "+env.URL+", the server this laptop is enrolled with") || !bytes.HasPrefix(b, []byte("{")) {
		t.Errorf("report: %v, stderr %q, wrote %.20q", err, stderr, b)
	}
	if _, stderr, err := runMain(t, rina, "progress"); err != nil || !strings.Contains(stderr, "the server this laptop is enrolled with") {
		t.Errorf("progress: %v, stderr %q", err, stderr)
	}
	// The supervisor opens a wave and lists the waves from her laptop too.
	if out, stderr, err := runMain(t, rina, "wave", "add", "6 bulan"); err != nil || !strings.Contains(out, `wave "6 bulan" starts`) || !strings.Contains(stderr, "the server this laptop is enrolled with") {
		t.Errorf("wave add: %v, stdout %q, stderr %q", err, out, stderr)
	}
	if out, _, err := runMain(t, rina, "wave", "list"); err != nil || !strings.Contains(out, "6 bulan") {
		t.Errorf("wave list: %v\n%s", err, out)
	}
	// --db still reads a database, which must then exist.
	if _, _, err := runMain(t, dir, "report", "--db", filepath.Join(dir, "server.db")); err == nil || !strings.Contains(err.Error(), "no server database at") {
		t.Errorf("report --db of nothing: %v", err)
	}
}

// TestReportThresholdNaN: --threshold NaN is refused as any other number out of its range,
// for the whole report as for the response rates alone.
func TestReportThresholdNaN(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runMain(t, dir, "user", "add", "ani", "--role", "admin", "--data", dir); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"report", "--data", dir, "--threshold", "NaN"},
		{"report", "--data", dir, "--section", "response", "--threshold", "NaN"},
		{"report", "--data", dir, "--section", "response", "--e", "NaN"},
	} {
		_, _, err := runMain(t, dir, args...)
		if exitCode(err) != 2 {
			t.Errorf("%q: %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

// TestReportLang: the report is written in id or en, named by code or name in any case;
// another --lang is refused, not written in Indonesian as if asked for.
func TestReportLang(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runMain(t, dir, "user", "add", "ani", "--role", "admin", "--data", dir); err != nil {
		t.Fatal(err)
	}
	for lang, head := range map[string]string{"": "Laporan", "id": "Laporan", "EN": "Tracer study", "English": "Tracer study"} {
		out, _, err := runMain(t, dir, "report", "--data", dir, "--lang", lang)
		if err != nil || !strings.HasPrefix(out, head) {
			t.Errorf("--lang %q: %v, report begins %.20q, want %q", lang, err, out, head)
		}
	}
	for _, args := range [][]string{
		{"report", "--data", dir, "--lang", "fr"},
		{"report", "--data", dir, "--section", "response", "--lang", "xx"},
	} {
		if out, _, err := runMain(t, dir, args...); exitCode(err) != 2 || !strings.Contains(err.Error(), "--lang must be id or en") || out != "" {
			t.Errorf("%q: %v (exit %d), wrote %.20q", args, err, exitCode(err), out)
		}
	}
}
