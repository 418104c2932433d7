package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// exportDB makes a real server database of n interviews of the built-in form and a roster
// of rosterRows rows, stored through the server's own stores: each interview is the
// employed persona with its roster row's identity.
func exportDB(tb testing.TB, n, rosterRows int) server.Sources {
	tb.Helper()
	ctx := context.Background()
	db, err := testbed.OpenServerDB(ctx, filepath.Join(tb.TempDir(), "server.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	roster := sqlite.NewServerRosterStore(db)
	row := func(i int) *survey.Respondent {
		return &survey.Respondent{RosterID: fmt.Sprintf("R%07d", i), NIK: fmt.Sprintf("64080601018%05d", i), Name: fmt.Sprintf("Alumni %d", i),
			Sex: []string{survey.SexMale, survey.SexFemale}[i%2], BirthDate: "1990-01-01", Phone: fmt.Sprintf("+62857%08d", i),
			Institution: "UPTD BLKI Kota Bontang", Kejuruan: []string{"LAS", "TIK", "OTOMOTIF"}[i%3], BatchID: fmt.Sprintf("BTG-2025-%02d", i%12+1),
			TrainingStart: "2025-02-03", TrainingEnd: "2025-04-03", BudgetYear: "2025", Funding: "apbn", Completion: "pass", Regency: "6474"}
	}
	var rows []*survey.Respondent
	for i := range rosterRows {
		rows = append(rows, row(i))
	}
	if _, err := roster.Upload(ctx, rows); err != nil {
		tb.Fatal(err)
	}
	f, persona, err := testbed.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var subs []*survey.Submission
	for i := range n {
		r := row(i % rosterRows)
		as := make([]survey.Answer, len(persona))
		copy(as, persona)
		for k := range as {
			switch as[k].Path {
			case "roster_id":
				as[k].Value = r.RosterID
			case "nik":
				as[k].Value = r.NIK
			case "full_name":
				as[k].Value = r.Name
			case "sex":
				as[k].Value = r.Sex
			case "kejuruan":
				as[k].Value = r.Kejuruan
			case "income_exact":
				as[k].Value = fmt.Sprint(2_000_000 + (i*7919)%6_000_000)
			}
		}
		iv := &survey.Interview{ID: survey.NewID(), Revision: 1, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
			RespondentID: r.RosterID, Enumerator: "gen", StartedAt: at.Add(-20 * time.Minute)}
		body, err := survey.NewRecord(iv, as, at).Canonical()
		if err != nil {
			tb.Fatal(err)
		}
		subs = append(subs, &survey.Submission{InterviewID: iv.ID, Revision: 1, Hash: survey.HashBytes(body), Body: body,
			FormID: f.ID, FormVersion: f.Version, RespondentID: r.RosterID, Enumerator: "gen", SubmittedBy: "gen", DeviceTime: at})
	}
	if _, err := sqlite.NewSubmissionStore(db).Ingest(ctx, subs); err != nil {
		tb.Fatal(err)
	}
	return server.Sources{Reviews: sqlite.NewReviewStore(db), Forms: sqlite.NewFormStore(db), Roster: roster}
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type byteCounter struct{ n int64 }

func (w *byteCounter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkWriteExport drives the export's real path, what "tracer export --db" runs: a
// real SQLite server database of 10,000 interviews of the built-in form with a roster of
// 20,000 rows, read by the review store with the roster joined in SQL, the records
// decoded, the derived columns computed and every format written. It reports the CPU time
// (user and system, of the whole process) per interview exported, the export's fixed costs
// (finding and loading the form) included as the CLI's are, which a shared machine blurs
// less than wall time.
//
//	go test -run='^$' -bench=WriteExport -benchtime=5x ./sync/server
func BenchmarkWriteExport(b *testing.B) {
	const n = 10000
	src := exportDB(b, n, 2*n)
	for _, format := range []export.Format{export.CSV, export.XLSX, export.JSONL, export.SAV, export.DTA} {
		b.Run(string(format), func(b *testing.B) {
			var w byteCounter
			tmp := b.TempDir()
			cpu := cpuTime(b)
			for b.Loop() {
				st, err := server.WriteExport(b.Context(), &w, src, server.ExportOptions{Format: format, Revisions: survey.RevisionsLatest, TempDir: tmp}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if st.Interviews != n {
					b.Fatalf("%d interviews exported, want %d", st.Interviews, n)
				}
			}
			b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N*n), "cpu-µs/interview")
			b.ReportMetric(float64(w.n)/float64(b.N)/1e6, "out-MB")
		})
	}
}
