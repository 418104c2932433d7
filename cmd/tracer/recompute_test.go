package main

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportRecomputedByPandas has an analyst's script (testdata/recompute.py) recompute
// every figure of "tracer report" from "tracer export --alumni" and the server database
// alone, by the definitions of docs/INDICATORS.md and docs/TRACING.md: populations,
// indicators with numerators, denominators, percentages, medians and quartiles, in total
// and in every cell of every breakdown, distributions, weights, superseded interviews, the
// final dispositions decided again from the attempts and interviews, AAPOR's rates in
// total and per cell, the non-response table, the interview modes, and the figures of the
// text and HTML reports against the JSON's. The database is gendb's, with contact attempts of every
// outcome class, partial interviews and interviews returned for correction. Without
// pandas (Debian's python3-pandas) the test is skipped, except in CI, which installs it.
func TestReportRecomputedByPandas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the database generator")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import pandas").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pandas is not installed in CI")
		}
		t.Skip("pandas is not installed")
	}
	work := t.TempDir()
	gendb := filepath.Join(work, "gendb")
	if out, err := exec.Command("go", "build", "-o", gendb, "tracer/sync/testbed/gendb").CombinedOutput(); err != nil {
		t.Fatalf("build gendb: %v\n%s", err, out)
	}
	db := filepath.Join(work, "server.db")
	if out, err := exec.Command(gendb, "-o", db, "-n", "2000", "-roster", "2600", "-attempts", "-returned", "0.05",
		"-approve", "0.8", "-shuffle", "-check", "200").CombinedOutput(); err != nil {
		t.Fatalf("gendb: %v\n%s", err, out)
	}
	study := filepath.Join(work, "study.toml")
	if err := os.WriteFile(study, []byte("period_from = 2025-01-01\nperiod_to = 2025-11-30\nreference_date = 2026-10-15\n"+
		"nonresponse_weights = true\npaid_ojt_absorbed = true\nwindows = [9, 12, 18]\n"+
		"[income_band_midpoints]\n8 = 15_000_000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	umk, err := filepath.Abs(filepath.Join("..", "..", "survey", "report", "umk_kaltim.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, revisions := range []string{"approved", "latest"} {
		t.Run(revisions, func(t *testing.T) {
			dir := filepath.Join(work, revisions)
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			json, text, html := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.txt"), filepath.Join(dir, "report.html")
			zipped := filepath.Join(dir, "export.zip")
			for _, args := range [][]string{
				{"report", "--db", db, "--study", study, "--revisions", revisions, "--format", "json", "-o", json},
				{"report", "--db", db, "--study", study, "--revisions", revisions, "--lang", "en", "-o", text},
				{"report", "--db", db, "--study", study, "--revisions", revisions, "--lang", "en", "-o", html},
				{"export", "--db", db, "--study", study, "--revisions", revisions, "--alumni", "--format", "csv", "-o", zipped},
			} {
				if _, stderr, err := runMain(t, dir, args...); err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr)
				}
			}
			unzipTo(t, zipped, dir)
			args := []string{filepath.Join("testdata", "recompute.py"), "--db", db, "--export", dir, "--report", json, "--umk", umk, "--text", text, "--html", html}
			if revisions == "latest" {
				args = append(args, "--latest", filepath.Join(dir, "interviews.csv"))
			}
			out, err := exec.Command("/usr/bin/python3", args...).CombinedOutput()
			if err != nil {
				t.Fatalf("the recomputation differs from the report: %v\n%s", err, out)
			}
			t.Logf("%s", out)
		})
	}
}

// unzipTo writes the files of the zip at path into dir.
func unzipTo(t *testing.T, path, dir string) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, err := os.Create(filepath.Join(dir, filepath.Base(f.Name)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
