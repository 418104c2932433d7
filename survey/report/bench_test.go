package report_test

import (
	"fmt"
	"iter"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/report"
)

// BenchmarkReport computes the full report (every indicator, all 12 breakdowns, weights)
// over 100,000 roster persons with one interview each, records generated lazily.
//
//	go test -run='^$' -bench=Report -benchtime=3x ./survey/report
func BenchmarkReport(b *testing.B) {
	const n = 100_000
	kej := []string{"LAS", "OTO", "LIS", "REF", "ALB", "TIK", "PAR", "KEC"}
	reg := []string{"6474", "6472", "6408", "6471", "6402"}
	roster := make([]*survey.Respondent, n)
	for i := range roster {
		roster[i] = &survey.Respondent{RosterID: fmt.Sprintf("R%06d", i), NIK: fmt.Sprintf("6474%012d", i),
			Sex: []string{"L", "P"}[i%2], BirthDate: fmt.Sprintf("%d-03-15", 1985+i%20), Education: strconv.Itoa(3 + i%5),
			Institution: "UPTD BLKI Kota Bontang", Kejuruan: kej[i%len(kej)], ProgramName: "Program " + kej[i%len(kej)],
			BatchID: fmt.Sprintf("B%03d", i%200), TrainingEnd: fmt.Sprintf("2025-%02d-15", 1+i%12), BudgetYear: "2025",
			Funding: []string{"apbn", "apbd_kab_murni", "csr"}[i%3], Completion: []string{"pass", "pass", "pass", "dropout"}[i%4],
			Regency: reg[i%len(reg)]}
	}
	recs := func(yield func(*survey.Record, error) bool) {
		at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			a := map[string]string{
				"grp_consent/consent": "yes", "grp_consent/interview_date": "2026-11-01",
				"grp_status/main_status": strconv.Itoa(1 + i%8), "grp_search/searching_4w": "yes", "grp_search/available_2w": "yes",
				"months_to_first_job": strconv.Itoa(i%15 - 2), "grp_job/income_exact": strconv.Itoa(2_000_000 + i%40*100_000),
				"grp_job/hours_week": "40", "grp_job/work_regency": reg[i%len(reg)], "grp_job/contract": "pkwt",
				"grp_job/job_match": strconv.Itoa(1 + i%5), "grp_job/skill_use": strconv.Itoa(1 + i%5),
				"grp_training/status_before": strconv.Itoa(1 + i%7), "grp_assessment/sat_overall": strconv.Itoa(1 + i%5),
				"grp_assessment/recommend": strconv.Itoa(i % 11), "grp_job/how_found": "online relation", "grp_job/sector_kbli": "C",
			}
			if !yield(&survey.Record{ID: strconv.Itoa(i), Revision: 1, RespondentID: roster[i].RosterID, FinalizedAt: at, Answers: a}, nil) {
				return
			}
		}
	}
	var seqRecs iter.Seq2[*survey.Record, error] = recs
	b.ResetTimer()
	for b.Loop() {
		r, err := report.Compute(roster, seqRecs, report.Config{Weights: true})
		if err != nil {
			b.Fatal(err)
		}
		if r.Total.N.T != n {
			b.Fatalf("T = %d", r.Total.N.T)
		}
	}
}

// BenchmarkReportStream folds a report as tracer report does from a database: a roster of
// a million rows added to a Roster one at a time (never held as rows) and a million
// interviews streamed one record at a time with UUID ids, under the soft heap limit tracer
// report sets (report.HeapLimit). It reports the process's peak RSS (VmHWM, Linux) after the run.
//
//	go test -run='^$' -bench=ReportStream -benchtime=1x ./survey/report
func BenchmarkReportStream(b *testing.B) {
	const n = 1_000_000
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(report.HeapLimit))
	kej := []string{"LAS", "OTO", "LIS", "REF", "ALB", "TIK", "PAR", "KEC"}
	reg := []string{"6474", "6472", "6408", "6471", "6402"}
	row := func(i int) *survey.Respondent {
		return &survey.Respondent{RosterID: fmt.Sprintf("R%07d", i), NIK: fmt.Sprintf("6474%012d", i), Name: fmt.Sprintf("Alumni %d", i),
			Sex: []string{"L", "P"}[i%2], BirthDate: fmt.Sprintf("%d-03-%02d", 1985+i%20, 1+i%28), Education: strconv.Itoa(3 + i%5),
			Institution: "UPTD BLKI Kota Bontang", Kejuruan: kej[i%len(kej)], ProgramName: "Program " + kej[i%len(kej)],
			BatchID: fmt.Sprintf("B%03d", i%200), TrainingEnd: fmt.Sprintf("2025-%02d-15", 1+i%12), BudgetYear: "2025",
			Funding: []string{"apbn", "apbd_kab_murni", "csr"}[i%3], Completion: []string{"pass", "pass", "pass", "dropout"}[i%4],
			Regency: reg[i%len(reg)]}
	}
	recs := func(yield func(*survey.Record, error) bool) {
		at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			a := map[string]string{
				"grp_consent/consent": "yes", "grp_consent/interview_date": fmt.Sprintf("2026-%02d-%02d", 9+i%3, 1+i%28),
				"grp_status/main_status": strconv.Itoa(1 + i%8), "grp_search/searching_4w": "yes", "grp_search/available_2w": "yes",
				"months_to_first_job": strconv.Itoa(i%15 - 2), "grp_job/income_exact": strconv.Itoa(2_000_000 + (i*7919)%6_000_000),
				"grp_job/hours_week": "40", "grp_job/work_regency": reg[i%len(reg)], "grp_job/contract": "pkwt",
				"grp_job/job_match": strconv.Itoa(1 + i%5), "grp_job/skill_use": strconv.Itoa(1 + i%5),
				"grp_training/status_before": strconv.Itoa(1 + i%7), "grp_assessment/sat_overall": strconv.Itoa(1 + i%5),
				"grp_assessment/recommend": strconv.Itoa(i % 11), "grp_job/how_found": "online relation", "grp_job/sector_kbli": "C",
			}
			if !yield(&survey.Record{ID: survey.NewID(), Revision: 1, RespondentID: fmt.Sprintf("R%07d", i), FinalizedAt: at.Add(time.Duration(i) * time.Second), Answers: a}, nil) {
				return
			}
		}
	}
	for b.Loop() {
		ro := report.NewRoster()
		for i := range n {
			ro.Add(row(i))
		}
		r, err := report.ComputeRoster(ro, recs, report.Config{Weights: true})
		if err != nil {
			b.Fatal(err)
		}
		if r.Total.N.T != n || r.Total.N.S != n*3/4 {
			b.Fatalf("T = %d, S = %d", r.Total.N.T, r.Total.N.S)
		}
	}
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if v, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB"))); err == nil {
					b.ReportMetric(float64(v)/1024, "peak-RSS-MB")
				}
			}
		}
	}
}
