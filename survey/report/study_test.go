package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey/report"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReadStudy: every setting of a study file reaches the report and is echoed in its
// settings; a UMK table from a file replaces the built-in one.
func TestReadStudy(t *testing.T) {
	dir := t.TempDir()
	// P01 earns 4,000,000 in 6411 (2026), P02 3,500,000 (band 4) in 6472, P03 5,200,000 in
	// 6474, P15 3,800,000 in 6474 (2025); P09 (OJT) counts only as absorbed.
	writeFile(t, dir, "umk.csv", "region,year,wage\n6411,2026,4100000\n6472,2026,3500000\n6474,2026,4400000\n6474,2025,3000000\n")
	p := writeFile(t, dir, "study.toml", `
# Tracer study 2025, BLKI Bontang
period_from = 2025-01-01
period_to = "2025-12-31"
reference_date = 2025-08-15
paid_ojt_absorbed = true
nonresponse_weights = true
umk_file = "umk.csv"
windows = [12, 6]

[income_band_midpoints]
4 = 3_600_000
`)
	cfg, err := report.ReadStudy(p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Compute(rosterRows(), seq(records()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Settings
	if st.From != "2025-01-01" || st.To != "2025-12-31" || st.AsOf != "2025-08-15" || !st.PaidOJTAbsorbed || !st.Weights ||
		st.UMK != "umk.csv" || st.Study != "study.toml" || st.BandMidpoints["4"] != 3_600_000 || st.BandMidpoints["2"] != 1_500_000 {
		t.Errorf("settings = %+v", st)
	}
	if r.Total.N.T != 30 || r.Total.N.A != 10 || len(r.Weights) != 4 {
		t.Errorf("T %d A %d weights %d, want 30, 10 (OJT absorbed), 4 cells", r.Total.N.T, r.Total.N.A, len(r.Weights))
	}
	// Windows 6 and 12, sorted; no 3.
	if r.Total.Get("employed_within_3") != nil || r.Total.Get("employed_within_6") == nil || r.Total.Get("employed_within_12") == nil {
		t.Errorf("windows: %v", st.Windows)
	}
	// UMK among full-time W in Indonesia with an income: P01 4.0m < 4.1m, P02 3.6m ≥ 3.5m,
	// P03 5.2m ≥ 4.4m, P15 (interviewed 2025) 3.8m ≥ 3.0m: 3 of 4 (P05 works 30 hours, P04
	// abroad). With the built-in table P02's 3.6m would be under Samarinda's UMK.
	if v := r.Total.Get("umk"); v.Num != 3 || v.Den != 4 {
		t.Errorf("umk = %v/%d, want 3/4", v.Num, v.Den)
	}
	// 1.2 × UMK: P03 5.2m ≥ 5.28m? no; P15 3.8m ≥ 3.6m: 1.
	if v := r.Total.Get("umk_120"); v.Num != 1 {
		t.Errorf("umk_120 = %v, want 1", v.Num)
	}
}

// TestReadStudyErrors: a bad study file is refused with one line naming the file and what is wrong.
func TestReadStudyErrors(t *testing.T) {
	dir := t.TempDir()
	for name, tt := range map[string]struct{ content, want string }{
		"typo":     {"paid_ojt_absorbd = true\n", `unknown setting "paid_ojt_absorbd"`},
		"date":     {"reference_date = \"15/08/2025\"\n", "is not YYYY-MM-DD"},
		"order":    {"period_from = 2025-12-31\nperiod_to = 2025-01-01\n", "period_to 2025-01-01 is before period_from 2025-12-31"},
		"window":   {"windows = [0]\n", "windows: 0 is not a number of months"},
		"midpoint": {"[income_band_midpoints]\n3 = -1\n", "band 3: -1 is not a positive income"},
		"nan band": {"[income_band_midpoints]\n3 = nan\n", "band 3: NaN is not a positive income"},
		"inf band": {"[income_band_midpoints]\n3 = inf\n", "band 3: +Inf is not a positive income"},
		"nan e":    {"eligibility_e = nan\n", "eligibility_e: NaN is not a share from 0 to 1"},
		"umk":      {"umk_file = \"none.csv\"\n", "umk_file"},
		"syntax":   {"windows = [3,\n", "line"},
	} {
		p := writeFile(t, dir, name+".toml", tt.content)
		_, err := report.ReadStudy(p)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line naming %s and %q", name, err, p, tt.want)
		}
	}
}

// TestStudyEligibilityE: the response rates' e is a study setting, a share from 0 to 1;
// left out, it is estimated (nil).
func TestStudyEligibilityE(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "study.toml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg, err := report.ReadStudy(write("eligibility_e = 0.85\n"))
	if err != nil || cfg.EligibilityE == nil || *cfg.EligibilityE != 0.85 {
		t.Fatalf("eligibility_e 0.85: %v %v", cfg.EligibilityE, err)
	}
	if cfg, err := report.ReadStudy(write("windows = [6]\n")); err != nil || cfg.EligibilityE != nil {
		t.Fatalf("left out: %v %v", cfg.EligibilityE, err)
	}
	if _, err := report.ReadStudy(write("eligibility_e = 1.5\n")); err == nil || !strings.Contains(err.Error(), "share from 0 to 1") {
		t.Fatalf("eligibility_e 1.5: %v", err)
	}
}
