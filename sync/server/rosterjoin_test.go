package server_test

import (
	"context"
	"io"
	"maps"
	"slices"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestExportJoinsConfirmedRosterID checks that the export joins an interview without a
// respondent id to the roster row of the roster id it confirms, the row the report and the
// alumni table count it for, and computes its derived variables with that row.
func TestExportJoinsConfirmedRosterID(t *testing.T) {
	adb := newAnalysisDB(t, []*survey.Respondent{
		{RosterID: "R001", Name: "Ani", Completion: "pass", TrainingEnd: "2025-06-30"},
		{RosterID: "R002", Name: "Budi", Completion: "pass", TrainingEnd: "2025-06-30"},
	})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	adb.ingest([]*survey.Submission{
		adb.submission(1, "R001", "R001", "yes", at, at),
		adb.submission(2, "", "R002", "yes", at, at),
		adb.submission(3, "", "R404", "yes", at, at),
	})
	rows := exportTables(t, adb.src, server.ExportOptions{Revisions: survey.RevisionsLatest})["interviews.csv"]
	if len(rows) != 4 {
		t.Fatalf("%d rows, want a header and 3 interviews", len(rows))
	}
	col := columns(rows[0])
	want := map[string]string{"R001": "R001", "R002": "R002", "R404": ""}
	for _, r := range rows[1:] {
		confirmed := r[col["roster_id"]]
		if got := r[col["roster_roster_id"]]; got != want[confirmed] {
			t.Errorf("interview confirming %s (respondent id %q): roster_roster_id %q, want %q", confirmed, r[col["respondent_id"]], got, want[confirmed])
		}
		if got := r[col["roster_full_name"]]; (got == "") != (want[confirmed] == "") {
			t.Errorf("interview confirming %s: roster_full_name %q", confirmed, got)
		}
	}
}

// TestLinkByNIKEverywhere checks that an interview without respondent id whose roster id
// names no row of the reporting period is counted for the alumnus of its NIK, and one that
// names a row before the period for that row's person in it, alike by the report, the
// response rates, the export's roster join, the alumni table and the progress: the same
// person is never a respondent and "not attempted" at once.
func TestLinkByNIKEverywhere(t *testing.T) {
	ctx := context.Background()
	const nik = "64080612020400"
	adb := newAnalysisDB(t, []*survey.Respondent{
		{RosterID: "R001", Name: "Ani", NIK: nik + "71", Completion: "pass", TrainingEnd: "2025-06-30"},
		// Budi failed a batch and passed a later one: the later one describes him.
		{RosterID: "R002", Name: "Budi", NIK: nik + "72", Completion: "fail", TrainingEnd: "2025-03-31"},
		{RosterID: "R003", Name: "Budi", NIK: nik + "72", Completion: "pass", TrainingEnd: "2025-06-30"},
		{RosterID: "R004", Name: "Citra", NIK: nik + "74", Completion: "pass", TrainingEnd: "2025-06-30"},
		// Dedi's first batch ended before the period.
		{RosterID: "R005", Name: "Dedi", NIK: nik + "75", Completion: "pass", TrainingEnd: "2023-06-30"},
		{RosterID: "R006", Name: "Dedi", NIK: nik + "75", Completion: "pass", TrainingEnd: "2025-09-30"},
		{RosterID: "R007", Name: "Eka", NIK: nik + "77", Completion: "pass", TrainingEnd: "2025-06-30"},
		// Fajar was interviewed as the alumnus of his batch before the period.
		{RosterID: "R008", Name: "Fajar", NIK: nik + "78", Completion: "pass", TrainingEnd: "2024-06-30"},
		{RosterID: "R009", Name: "Fajar", NIK: nik + "78", Completion: "pass", TrainingEnd: "2025-06-30"},
	})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	sub := func(i int, respondent, confirmed, nik string) *survey.Submission {
		return adb.submissionWith(i, respondent, map[string]string{"grp_consent/roster_id": confirmed, "grp_identity/nik": nik, "grp_identity/nik_clean": nik}, at, at)
	}
	// want is the roster row each interview counts for, by its id's last digit.
	subs := []*survey.Submission{
		sub(1, "R001", "R001", nik+"71"),
		sub(2, "", "", nik+"72"),
		sub(3, "", "R404", nik[:4]+" "+nik[4:]+"74"),
		sub(4, "", "R005", nik+"75"),
		sub(5, "", "", nik+"99"),
		sub(6, "R008", "R008", nik+"78"),
	}
	want := map[string]string{"1": "R001", "2": "R003", "3": "R004", "4": "R006", "5": "", "6": "R009"}
	adb.ingest(subs)
	study := report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	src := adb.src
	tables := exportTables(t, src, server.ExportOptions{Revisions: survey.RevisionsLatest, Alumni: true, Study: study})
	table := func(name string) (map[string]int, [][]string) {
		rows := tables[name]
		if len(rows) == 0 {
			t.Fatalf("no %s in the export", name)
		}
		return columns(rows[0]), rows[1:]
	}
	col, rows := table("interviews.csv")
	if len(rows) != len(subs) {
		t.Fatalf("%d interviews exported, want %d", len(rows), len(subs))
	}
	for _, r := range rows {
		id := r[col["interview_id"]]
		if got, w := r[col["roster_roster_id"]], want[id[len(id)-1:]]; got != w {
			t.Errorf("interview %s: roster_roster_id %q, want %q", id, got, w)
		}
	}
	col, rows = table("alumni.csv")
	disposition, cases := map[string]string{}, map[string]string{}
	caseCodes := map[string]int{}
	for _, r := range rows {
		disposition[r[col["roster_id"]]] = r[col["disposition"]]
		if r[col["case"]] == "1" {
			cases[r[col["roster_id"]]] = r[col["case_disposition"]]
			caseCodes[r[col["case_disposition"]]]++
		} else if r[col["case"]] != "0" || r[col["case_disposition"]] != "" {
			t.Errorf("alumni row %s: case %q, case_disposition %q", r[col["roster_id"]], r[col["case"]], r[col["case_disposition"]])
		}
	}
	// One case per graduate of the period, on the row describing them: Budi's passed R003,
	// Dedi's R006 in the period.
	wantCases := map[string]string{"R001": "1.1", "R003": "1.1", "R004": "1.1", "R006": "1.1", "R007": "3.11", "R009": "1.1"}
	if !maps.Equal(cases, wantCases) {
		t.Errorf("alumni table's cases %v\nwant %v", cases, wantCases)
	}
	// With every revision exported, the cases read the latest of each themselves.
	all := exportTables(t, src, server.ExportOptions{Revisions: survey.RevisionsAll, Alumni: true, Study: study})["alumni.csv"]
	allCases := map[string]string{}
	for _, r := range all[1:] {
		if r[col["case"]] == "1" {
			allCases[r[col["roster_id"]]] = r[col["case_disposition"]]
		}
	}
	if !maps.Equal(allCases, wantCases) {
		t.Errorf("alumni table's cases with every revision %v\nwant %v", allCases, wantCases)
	}
	wantDisp := map[string]string{"R001": "1.1", "R002": "3.11", "R003": "1.1", "R004": "1.1", "R005": "3.11", "R006": "1.1", "R007": "3.11",
		"R008": "3.11", "R009": "1.1"}
	if !maps.Equal(disposition, wantDisp) {
		t.Errorf("alumni table's dispositions %v\nwant %v", disposition, wantDisp)
	}

	rep, err := server.WriteReport(ctx, io.Discard, src, server.ReportOptions{Format: server.ReportJSON, Revisions: survey.RevisionsLatest, Study: study})
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Total.N; n.T != 6 || n.G != 6 || n.S != 5 || n.Reached != 5 {
		t.Errorf("report: T %d G %d reached %d S %d, want 6 6 5 5", n.T, n.G, n.Reached, n.S)
	}
	if rep.Counts.Unlinked != 1 {
		t.Errorf("report: %d interviews unlinked, want 1 (the NIK no roster row has)", rep.Counts.Unlinked)
	}
	got := map[string]int{}
	for _, d := range rep.Response.Dispositions {
		got[d.Code] = d.N
	}
	// The cases are the graduates of the period: Ani, Budi (R002 and R003), Citra, Dedi
	// (R006), Eka, who alone was never tried, and Fajar (R009).
	if want := map[string]int{"1.1": 5, "3.11": 1}; !maps.Equal(got, want) {
		t.Errorf("response rates' dispositions %v, want %v", got, want)
	}
	if !maps.Equal(caseCodes, got) {
		t.Errorf("the alumni table's cases count %v, the report's rates %v", caseCodes, got)
	}

	// The default report and export count the approved revisions; the response rates
	// and the alumni table's cases still count every interview (its latest revision): a
	// disposition is what happened in the field, reviewed yet or not. Interview 1 is
	// approved; the rest wait for review.
	if _, err := src.Reviews.Approve(ctx, subs[0].InterviewID, 1, "", "sri"); err != nil {
		t.Fatal(err)
	}
	rep, err = server.WriteReport(ctx, io.Discard, src, server.ReportOptions{Format: server.ReportJSON, Study: study})
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Total.N; n.S != 1 {
		t.Errorf("report of approved revisions: S %d, want 1", n.S)
	}
	got = map[string]int{}
	for _, d := range rep.Response.Dispositions {
		got[d.Code] = d.N
	}
	if want := map[string]int{"1.1": 5, "3.11": 1}; !maps.Equal(got, want) {
		t.Errorf("response rates' dispositions in the report of approved revisions %v, want %v", got, want)
	}
	approved := exportTables(t, src, server.ExportOptions{Alumni: true, Study: study})["alumni.csv"]
	apCases := map[string]string{}
	for _, r := range approved[1:] {
		if r[col["case"]] == "1" {
			apCases[r[col["roster_id"]]] = r[col["case_disposition"]]
		}
	}
	if !maps.Equal(apCases, wantCases) {
		t.Errorf("alumni table's cases in the export of approved revisions %v\nwant %v", apCases, wantCases)
	}

	p, err := server.ComputeProgress(ctx, src, nil, at, time.UTC, "")
	if err != nil {
		t.Fatal(err)
	}
	var notTried []string
	for _, n := range p.NotTried {
		notTried = append(notTried, n.RosterID)
	}
	// Budi's, Dedi's and Fajar's other rows are their persons' too: reached by NIK.
	if !slices.Equal(notTried, []string{"R007"}) {
		t.Errorf("progress lists %v as never tried, want [R007]", notTried)
	}
}

// TestExportJoinsRosterCertification checks that the export carries the roster's
// certification record, which the report's certification indicator (19) reads before the
// answers, so that the indicator is recomputed from the export: Ani's record says assessed
// and competent while she answered neither, Budi has no record and answered no.
func TestExportJoinsRosterCertification(t *testing.T) {
	adb := newAnalysisDB(t, []*survey.Respondent{
		{RosterID: "R001", Name: "Ani", Completion: "pass", TrainingEnd: "2025-06-30",
			Extra: map[string]string{"cert_assessed": "yes", "cert_result": "competent"}},
		{RosterID: "R002", Name: "Budi", Completion: "pass", TrainingEnd: "2025-06-30"},
	})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	adb.ingest([]*survey.Submission{
		adb.submission(1, "R001", "R001", "yes", at, at),
		adb.submissionWith(2, "R002", map[string]string{"grp_consent/roster_id": "R002", "grp_training/cert_assessed": "no"}, at, at),
	})
	rows := exportTables(t, adb.src, server.ExportOptions{Revisions: survey.RevisionsLatest})["interviews.csv"]
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and 2 interviews", len(rows))
	}
	col := columns(rows[0])
	for _, c := range []string{"roster_cert_assessed", "roster_cert_result"} {
		if _, ok := col[c]; !ok {
			t.Fatalf("no %s column in %v", c, rows[0])
		}
	}
	assessed, competent := 0, 0
	for _, r := range rows[1:] {
		a, res := r[col["roster_cert_assessed"]], r[col["roster_cert_result"]]
		if a == "" {
			a, res = r[col["cert_assessed"]], r[col["cert_result"]]
		}
		if a == "yes" {
			assessed++
			if res == "competent" {
				competent++
			}
		}
	}
	rep, err := server.WriteReport(context.Background(), io.Discard, adb.src, server.ReportOptions{Format: server.ReportJSON, Revisions: survey.RevisionsLatest})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, v := range rep.Total.Values {
		switch v.ID {
		case "cert_coverage":
			found++
			if v.Num != 1 || v.Num != float64(assessed) || v.Den != 2 {
				t.Errorf("report: cert_coverage %v/%v; the export gives %d assessed of 2, want 1", v.Num, v.Den, assessed)
			}
		case "cert_pass":
			found++
			if v.Num != 1 || v.Num != float64(competent) {
				t.Errorf("report: cert_pass %v/%v; the export gives %d competent, want 1", v.Num, v.Den, competent)
			}
		}
	}
	if found != 2 {
		t.Errorf("the report has %d of the certification indicators, want 2", found)
	}
}

// TestAlumniTableRecountsResponseBreakdowns checks that the alumni table carries the roster
// attributes the response rates break down by (funding and the roster's regency, besides
// kejuruan, batch and sex) and the enumerator each case counts under, so that each cell's
// cases are recounted from it: Ani (APBN, 6474) completed, Budi (APBN, 6472, assigned to
// sri) was never tried, Citra (APBD, 6474) completed, both interviewed by gen and assigned to
// no one, and Dedi (APBD, 6472) did not pass and is no case.
func TestAlumniTableRecountsResponseBreakdowns(t *testing.T) {
	adb := newAnalysisDB(t, []*survey.Respondent{
		{RosterID: "R001", Name: "Ani", Completion: "pass", TrainingEnd: "2025-06-30", Funding: "apbn", Regency: "6474", ProgramName: "Las"},
		{RosterID: "R002", Name: "Budi", Completion: "pass", TrainingEnd: "2025-06-30", Funding: "apbn", Regency: "6472", ProgramName: "Las"},
		{RosterID: "R003", Name: "Citra", Completion: "pass", TrainingEnd: "2025-06-30", Funding: "apbd", Regency: "6474", ProgramName: "Tata boga"},
		{RosterID: "R004", Name: "Dedi", Completion: "fail", TrainingEnd: "2025-06-30", Funding: "apbd", Regency: "6472", ProgramName: "Tata boga"},
	})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	adb.ingest([]*survey.Submission{
		adb.submission(1, "R001", "R001", "yes", at, at),
		adb.submission(2, "R003", "R003", "yes", at, at),
	})
	testbed.Token(t, sqlite.NewUserStore(adb.db), "sri", survey.RoleEnumerator)
	if _, err := sqlite.NewServerRosterStore(adb.db).Assign(context.Background(), survey.AssignSelector{RosterIDs: []string{"R002"}}, "sri", "sup"); err != nil {
		t.Fatal(err)
	}
	rows := exportTables(t, adb.src, server.ExportOptions{Revisions: survey.RevisionsLatest, Alumni: true})["alumni.csv"]
	if len(rows) != 5 {
		t.Fatalf("%d rows, want a header and 4 alumni", len(rows))
	}
	col := columns(rows[0])
	for _, c := range []string{"program_name", "funding", "domicile_regency", "case_enumerator"} {
		if _, ok := col[c]; !ok {
			t.Fatalf("no %s column in the alumni table: %v", c, rows[0])
		}
	}
	if got := rows[3][col["program_name"]]; got != "Tata boga" {
		t.Errorf("Citra's program_name %q, want Tata boga", got)
	}
	// I and U of each cell, from the table's cases.
	type iu struct{ I, U int }
	recount := map[string]map[string]iu{"funding": {}, "regency": {}, "enumerator": {}}
	for _, r := range rows[1:] {
		if r[col["case"]] != "1" {
			if r[col["case_enumerator"]] != "" {
				t.Errorf("%s is no case but has case_enumerator %q", r[col["roster_id"]], r[col["case_enumerator"]])
			}
			continue
		}
		for by, c := range map[string]string{"funding": "funding", "regency": "domicile_regency", "enumerator": "case_enumerator"} {
			v := recount[by][r[col[c]]]
			switch r[col["case_disposition"]] {
			case "1.1":
				v.I++
			case "3.11":
				v.U++
			}
			recount[by][r[col[c]]] = v
		}
	}
	want := map[string]map[string]iu{
		"funding":    {"apbn": {1, 1}, "apbd": {1, 0}},
		"regency":    {"6474": {2, 0}, "6472": {0, 1}},
		"enumerator": {"gen": {2, 0}, "sri": {0, 1}},
	}
	if !maps.EqualFunc(recount, want, maps.Equal) {
		t.Errorf("cells recounted from the alumni table %v, want %v", recount, want)
	}
	rep, err := server.WriteReport(context.Background(), io.Discard, adb.src, server.ReportOptions{Format: server.ReportJSON, Revisions: survey.RevisionsLatest})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]iu{}
	for _, b := range rep.Response.Breakdowns {
		if b.By != "funding" && b.By != "regency" && b.By != "enumerator" {
			continue
		}
		got[string(b.By)] = map[string]iu{}
		for _, c := range b.Cells {
			got[string(b.By)][c.Key] = iu{c.Outcomes.I, c.Outcomes.U}
		}
	}
	if !maps.EqualFunc(got, recount, maps.Equal) {
		t.Errorf("the report's response cells %v, the alumni table's %v", got, recount)
	}
}
