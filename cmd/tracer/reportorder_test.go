package main

import (
	"bytes"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportAnyOrder checks that no figure of "tracer report" depends on the order the
// store gives the records in, which the report leaves to the store (survey.RecordFilter's
// AnyOrder: SQLite walks its table). The database is gendb's, with revisions, returns,
// approvals, competing interviews of one alumnus and contact attempts; its submissions are
// then written again in the reverse of their sequence, so that the table's order is the
// opposite of the sequence's, and every report (each revision set, JSON and text, with
// the study's weights) must be the same bytes.
func TestReportAnyOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the database generator")
	}
	work := t.TempDir()
	gendb := filepath.Join(work, "gendb")
	if out, err := exec.Command("go", "build", "-o", gendb, "tracer/sync/testbed/gendb").CombinedOutput(); err != nil {
		t.Fatalf("build gendb: %v\n%s", err, out)
	}
	db := filepath.Join(work, "server.db")
	if out, err := exec.Command(gendb, "-o", db, "-n", "1500", "-roster", "1800", "-attempts", "-returned", "0.1",
		"-approve", "0.7", "-shuffle").CombinedOutput(); err != nil {
		t.Fatalf("gendb: %v\n%s", err, out)
	}
	study := filepath.Join(work, "study.toml")
	if err := os.WriteFile(study, []byte("period_from = 2025-01-01\nperiod_to = 2025-11-30\nreference_date = 2026-10-15\n"+
		"nonresponse_weights = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	reports := func(tag string) map[string][]byte {
		out := map[string][]byte{}
		for _, revisions := range []string{"approved", "latest"} {
			for _, name := range []string{"report.json", "report.txt"} {
				path := filepath.Join(work, tag+"-"+revisions+"-"+name)
				args := []string{"report", "--db", db, "--study", study, "--revisions", revisions, "--lang", "en", "-o", path}
				if _, stderr, err := runMain(t, work, args...); err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr)
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				out[revisions+" "+name] = b
			}
		}
		return out
	}
	before := reports("seq")

	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`CREATE TEMP TABLE copied AS SELECT * FROM submissions`,
		`DELETE FROM submissions`,
		`INSERT INTO submissions SELECT * FROM copied ORDER BY seq DESC`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var firstSeq, lastSeq int64
	if err := raw.QueryRow(`SELECT (SELECT seq FROM submissions ORDER BY rowid LIMIT 1), (SELECT seq FROM submissions ORDER BY rowid DESC LIMIT 1)`).Scan(&firstSeq, &lastSeq); err != nil {
		t.Fatal(err)
	}
	if firstSeq <= lastSeq {
		t.Fatalf("the table's first row has seq %d, its last %d: not written in reverse", firstSeq, lastSeq)
	}
	raw.Close()

	after := reports("rowid")
	for k, b := range before {
		if !bytes.Equal(b, after[k]) {
			t.Errorf("%s differs when the table holds the records in the reverse of their sequence", k)
		}
	}
}
