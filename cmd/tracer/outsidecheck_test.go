package main

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCheckedFromEveryExportFormat has an outside checker's script
// (testdata/outside_check.py), written from docs/INDICATORS.md, docs/REPORT.md and
// docs/TRACING.md without the report's code, recompute "tracer report --format json" from
// the office's roster file and the exported tables alone: populations, every indicator
// with its numerator, denominator, percentage and small-cell flag, medians and quartiles,
// in total and in every cell of every breakdown; the superseded interviews, the weights,
// the distributions; the final dispositions, AAPOR's rates in total and per cell, e, the
// non-response table and the interview modes; and each interview's derived variables
// (d_respondent ... d_umk_met, d_weight); then of each of two waves added to the study,
// with the interviews begun in the wave. It reads the export in each format an analyst
// gets (CSV, CSV for Indonesian Excel, XLSX, Stata, and SPSS through PSPP's pspp-convert),
// mapping the numbered codes of SPSS and Stata back by the codebook. The database is gendb's, with
// contact attempts, partial interviews, second interviews, walk-ins and interviews returned
// for correction; the roster file is the server's roster written out as the office keeps it.
// Without pandas and openpyxl (Debian's python3-pandas, python3-openpyxl) or pspp-convert
// (pspp) the test is skipped, except in CI, which installs them.
func TestReportCheckedFromEveryExportFormat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the database generator")
	}
	need := func(what string, err error) {
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed in CI", what)
			}
			t.Skipf("%s is not installed", what)
		}
	}
	need("pandas or openpyxl", exec.Command("/usr/bin/python3", "-c", "import pandas, openpyxl").Run())
	_, err := exec.LookPath("pspp-convert")
	need("pspp-convert", err)
	work := t.TempDir()
	gendb := filepath.Join(work, "gendb")
	if out, err := exec.Command("go", "build", "-o", gendb, "tracer/sync/testbed/gendb").CombinedOutput(); err != nil {
		t.Fatalf("build gendb: %v\n%s", err, out)
	}
	db := filepath.Join(work, "server.db")
	if out, err := exec.Command(gendb, "-o", db, "-n", "1500", "-roster", "1900", "-attempts", "-returned", "0.05",
		"-approve", "0.7", "-shuffle", "-check", "300").CombinedOutput(); err != nil {
		t.Fatalf("gendb: %v\n%s", err, out)
	}
	roster := filepath.Join(work, "roster.csv")
	writeRosterFile(t, db, roster)
	study := filepath.Join(work, "study.toml")
	if err := os.WriteFile(study, []byte("period_from = 2025-02-01\nperiod_to = 2025-10-31\nreference_date = 2026-09-30\n"+
		"nonresponse_weights = true\nwindows = [6, 12]\n[income_band_midpoints]\n1 = 750_000\n8 = 11_000_000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	umk, err := filepath.Abs(filepath.Join("..", "..", "survey", "report", "umk_kaltim.csv"))
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(work, "report.json")
	if _, stderr, err := runMain(t, work, "report", "--db", db, "--study", study, "--revisions", "latest", "--format", "json", "-o", report); err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	for _, format := range []string{"csv", "excel-id", "xlsx", "dta", "sav"} {
		t.Run(format, func(t *testing.T) {
			dir := filepath.Join(work, format)
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "export.zip")
			if format == "xlsx" {
				out = filepath.Join(dir, "export.xlsx")
			}
			args := []string{"export", "--db", db, "--study", study, "--revisions", "latest", "--alumni", "--format", format, "-o", out}
			if format == "excel-id" {
				args = append(args[:len(args)-4], "--format", "csv", "--csv-dialect", "excel-id", "-o", out)
			}
			if _, stderr, err := runMain(t, dir, args...); err != nil {
				t.Fatalf("export: %v\n%s", err, stderr)
			}
			if format != "xlsx" {
				unzipTo(t, out, dir)
			}
			got, err := exec.Command("/usr/bin/python3", filepath.Join("testdata", "outside_check.py"), "--format", format,
				"--roster", roster, "--export", dir, "--report", report, "--umk", umk, "--from", "2025-02-01", "--to", "2025-10-31",
				"--reference", "2026-09-30", "--windows", "6,12", "--band", "1=750000", "--band", "8=11000000").CombinedOutput()
			if err != nil {
				t.Fatalf("the outside check differs from the report: %v\n%s", err, got)
			}
			t.Logf("%s", got)
		})
	}

	// Two waves: each wave's report and export (its alumni table, and the derived variables
	// of the interviews begun in it, d_weight the wave's own) against the interviews the
	// checker places in the wave by started_at.
	for _, w := range [][]string{{"6 bulan", "2026-09-01T00:00:00Z"}, {"12 bulan", "2026-10-16T00:00:00Z"}} {
		if _, stderr, err := runMain(t, work, "wave", "add", w[0], "--from", w[1], "--db", db); err != nil {
			t.Fatalf("wave add: %v\n%s", err, stderr)
		}
	}
	for i, w := range []string{"6 bulan", "12 bulan"} {
		t.Run(strings.ReplaceAll(w, " ", "-"), func(t *testing.T) {
			dir := filepath.Join(work, fmt.Sprint("wave", i))
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			report, out := filepath.Join(dir, "report.json"), filepath.Join(dir, "export.zip")
			for _, args := range [][]string{
				{"report", "--db", db, "--study", study, "--revisions", "latest", "--wave", w, "--format", "json", "-o", report},
				{"export", "--db", db, "--study", study, "--revisions", "latest", "--wave", w, "--alumni", "--format", "csv", "-o", out},
			} {
				if _, stderr, err := runMain(t, dir, args...); err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr)
				}
			}
			unzipTo(t, out, dir)
			bound := []string{"--started-to", "2026-10-16T00:00:00Z"}
			if i == 1 {
				bound = []string{"--started-from", "2026-10-16T00:00:00Z"}
			}
			args := append([]string{filepath.Join("testdata", "outside_check.py"), "--roster", roster, "--export", dir, "--report", report,
				"--umk", umk, "--from", "2025-02-01", "--to", "2025-10-31", "--reference", "2026-09-30", "--windows", "6,12",
				"--band", "1=750000", "--band", "8=11000000"}, bound...)
			got, err := exec.Command("/usr/bin/python3", args...).CombinedOutput()
			if err != nil {
				t.Fatalf("the outside check differs from the wave's report: %v\n%s", err, got)
			}
			t.Logf("%s", got)
		})
	}
}

// writeRosterFile writes the server database's roster as the CSV file an office keeps.
func writeRosterFile(t *testing.T, db, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT body FROM server_roster ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	cols := strings.Split("roster_id,nik,full_name,sex,birth_date,phone_main,education,institution,kejuruan,program_name,"+
		"batch_id,training_start_date,training_end_date,budget_year,funding,completion,domicile_regency", ",")
	if err := w.Write(cols); err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		var r map[string]string
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = r[c]
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
}
