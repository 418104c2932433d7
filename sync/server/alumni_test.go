package server_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/sqlite"
	"tracer/sync/server"
)

// alumniCSV returns the rows of the alumni table of a CSV export.
func alumniCSV(t *testing.T, src server.Sources, attempts survey.AttemptLedger) [][]string {
	t.Helper()
	rows, ok := exportTables(t, src, server.ExportOptions{Revisions: survey.RevisionsLatest, Alumni: true, Attempts: attempts})["alumni.csv"]
	if !ok {
		t.Fatal("no alumni.csv in the export")
	}
	return rows
}

// TestAlumniTableSpilled checks that the alumni table is the same whether its sort fits in
// memory or runs through temporary files, and that each alumnus gets its own interviews,
// attempts and disposition: alumni with two interviews, with attempts tied in time, linked
// only by the roster id the interview confirms, and attempts on alumni not interviewed.
func TestAlumniTableSpilled(t *testing.T) {
	ctx := context.Background()
	const alumni = 40
	var rows []*survey.Respondent
	for i := range alumni {
		// Uploaded in an order that is not the roster ids' order.
		j := (i * 7) % alumni
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R%03d", j), Name: fmt.Sprintf("Alumnus %d", j), Completion: "pass"})
	}
	adb := newAnalysisDB(t, rows)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var subs []*survey.Submission
	interview := func(i int, respondent, rosterID, consent string) {
		final := at.Add(time.Duration(i%5) * time.Hour) // ties in time
		subs = append(subs, adb.submission(i, respondent, rosterID, consent, at, final))
	}
	for i := range 30 {
		id := fmt.Sprintf("R%03d", i%20)
		switch {
		case i%9 == 4:
			interview(i, "", id, "yes") // linked by the roster id it confirms
		case i%4 == 1:
			interview(i, id, id, "no")
		default:
			interview(i, id, id, "yes")
		}
	}
	interview(99, "WALKIN-1", "", "yes")
	adb.ingest(subs)
	ledger := sqlite.NewAttemptLedger(adb.db)
	var attempts []*survey.Attempt
	for i := range 60 {
		attempts = append(attempts, &survey.Attempt{ID: fmt.Sprintf("a%03d", i), RosterID: fmt.Sprintf("R%03d", 10+i%25), At: at.Add(time.Duration(i%3) * time.Hour),
			Enumerator: "gen", Mode: survey.ModePhone, Outcome: []string{"3.13", "2.21", "1.1", "2.11", "3.31"}[i%5]})
	}
	if _, err := ledger.Ingest(ctx, attempts, "gen", false); err != nil {
		t.Fatal(err)
	}
	src := adb.src

	inMemory := alumniCSV(t, src, ledger)
	old := *server.AlumniRun
	*server.AlumniRun = 3
	defer func() { *server.AlumniRun = old }()
	spilled := alumniCSV(t, src, ledger)
	if fmt.Sprint(spilled) != fmt.Sprint(inMemory) {
		t.Fatalf("spilled:\n%v\nin memory:\n%v", spilled, inMemory)
	}
	if len(inMemory) != alumni+1 {
		t.Fatalf("%d rows, want a header and %d alumni", len(inMemory), alumni)
	}
	col := map[string]int{}
	for i, c := range inMemory[0] {
		col[c] = i
	}
	got := map[string][]string{}
	for i, r := range inMemory[1:] {
		if want := rows[i].RosterID; r[col["roster_id"]] != want {
			t.Fatalf("row %d is %s, want the roster's order (%s)", i+1, r[col["roster_id"]], want)
		}
		got[r[col["roster_id"]]] = r
	}
	check := func(id, column, want string) {
		t.Helper()
		if v := got[id][col[column]]; v != want {
			t.Errorf("%s %s = %q, want %q", id, column, v, want)
		}
	}
	// R001: interviews 1 and 21, both refused; R002: 2 and 22 (linked by the roster id it
	// confirms), complete; R004: 4 and 24, finalized at the same time (the later read is
	// the last); R012: 12 and attempts 2, 27 and 52; R025: attempts 15 and 40 only.
	check("R001", "interviews", "2")
	check("R001", "respondent", "0")
	check("R001", "disposition", "2.11")
	check("R002", "interviews", "2")
	check("R002", "respondent", "1")
	check("R002", "disposition", "1.1")
	check("R004", "last_interview_id", "00000000-0000-4000-8000-000000000024")
	check("R012", "attempts", "3")
	check("R025", "attempts", "2")
	check("R025", "interviews", "0")
	check("R025", "last_attempt", "3.13")
	check("R039", "attempts", "0")
	check("R039", "disposition", "3.11")
}

// TestAlumniDispositionLabelLanguage: the alumni table's disposition_label is in --lang,
// else in the form's default language (the built-in form's is Indonesian), as the SPSS and
// Stata value labels of the same codes are.
func TestAlumniDispositionLabelLanguage(t *testing.T) {
	adb := newAnalysisDB(t, []*survey.Respondent{{RosterID: "R001", Name: "Sari", Completion: "pass"}, {RosterID: "R002", Name: "Dimas", Completion: "pass"}})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	adb.ingest([]*survey.Submission{adb.submission(1, "R001", "R001", "yes", at, at)})
	for lang, want := range map[string][2]string{
		"":   {"wawancara selesai", "belum dihubungi"},
		"id": {"wawancara selesai", "belum dihubungi"},
		"en": {"complete interview", "not attempted"},
	} {
		rows := exportTables(t, adb.src, server.ExportOptions{Revisions: survey.RevisionsLatest, Alumni: true, Lang: lang})["alumni.csv"]
		col := map[string]int{}
		for i, c := range rows[0] {
			col[c] = i
		}
		for i, w := range want {
			if got := rows[i+1][col["disposition_label"]]; got != w {
				t.Errorf("--lang %q: %s disposition_label = %q, want %q", lang, rows[i+1][col["roster_id"]], got, w)
			}
		}
	}
	if got := export.DispositionLang(nil, "Bahasa Indonesia"); got != "id" {
		t.Errorf("DispositionLang(Bahasa Indonesia) = %q", got)
	}
}

// TestExportUnknownLanguage: an export in a language the form does not have, and that the
// dispositions' labels are not written in, is refused naming the form's languages, not
// written in the form's default language as if asked for; a language of either kind is
// taken.
func TestExportUnknownLanguage(t *testing.T) {
	adb := newAnalysisDB(t, []*survey.Respondent{{RosterID: "R001", Name: "Sari", Completion: "pass"}})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	adb.ingest([]*survey.Submission{adb.submission(1, "R001", "R001", "yes", at, at)})
	for _, lang := range []string{"xx", "fr", "Klingon"} {
		_, err := server.WriteExport(context.Background(), io.Discard, adb.src, server.ExportOptions{Format: export.CSV, Revisions: survey.RevisionsLatest, Lang: lang, TempDir: t.TempDir()}, nil)
		if survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(survey.ErrorMessage(err), "(its languages: ") {
			t.Errorf("--lang %q: %v, want EINVALID naming the form's languages", lang, err)
		}
	}
	for _, lang := range []string{"id", "EN", "English", "Bahasa Indonesia (id)"} {
		if _, err := server.WriteExport(context.Background(), io.Discard, adb.src, server.ExportOptions{Format: export.CSV, Revisions: survey.RevisionsLatest, Lang: lang, TempDir: t.TempDir()}, nil); err != nil {
			t.Errorf("--lang %q: %v", lang, err)
		}
	}
}
