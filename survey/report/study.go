package report

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// study is the content of a study file (docs/REPORT.md, Settings): every setting the
// indicator definitions leave to the study, in TOML.
type study struct {
	PeriodFrom          studyDate          `toml:"period_from"`
	PeriodTo            studyDate          `toml:"period_to"`
	ReferenceDate       studyDate          `toml:"reference_date"`
	PaidOJTAbsorbed     bool               `toml:"paid_ojt_absorbed"`
	NonresponseWeights  bool               `toml:"nonresponse_weights"`
	UMKFile             string             `toml:"umk_file"`
	IncomeBandMidpoints map[string]float64 `toml:"income_band_midpoints"`
	Windows             []int              `toml:"windows"`
	EligibilityE        *float64           `toml:"eligibility_e"`
}

// studyDate is a date written as a TOML date (2025-12-31) or a string ("2025-12-31").
type studyDate struct{ time.Time }

// UnmarshalTOML reads a TOML local date or an ISO date string.
func (d *studyDate) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case time.Time:
		d.Time = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
		return nil
	case string:
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("date %q is not YYYY-MM-DD", v)
		}
		d.Time = t
		return nil
	}
	return fmt.Errorf("a date is YYYY-MM-DD, not %v", v)
}

// ReadStudy reads the study file at path into the Config it sets: the reporting period
// (period_from, period_to), the reference date, paid OJT as absorbed, non-response
// weights, the minimum-wage table (umk_file, a CSV read by ReadUMK, relative to the study
// file), the income band midpoints and the windows of "employed within k months". A setting
// left out keeps its default; an unknown one is an error, so a misspelt setting is not
// silently ignored.
func ReadStudy(path string) (Config, error) {
	var s study
	md, err := toml.DecodeFile(path, &s)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return Config{}, fmt.Errorf("study file %s: line %d: %s", path, perr.Position.Line, perr.Message)
		}
		return Config{}, fmt.Errorf("study file %s: %w", path, err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return Config{}, fmt.Errorf("study file %s: unknown setting %q (see docs/REPORT.md)", path, u[0].String())
	}
	cfg := Config{
		From: s.PeriodFrom.Time, To: s.PeriodTo.Time, AsOf: s.ReferenceDate.Time,
		PaidOJTAbsorbed: s.PaidOJTAbsorbed, Weights: s.NonresponseWeights, Study: filepath.Base(path),
	}
	if !cfg.From.IsZero() && !cfg.To.IsZero() && cfg.To.Before(cfg.From) {
		return Config{}, fmt.Errorf("study file %s: period_to %s is before period_from %s", path, cfg.To.Format(time.DateOnly), cfg.From.Format(time.DateOnly))
	}
	for _, k := range s.Windows {
		if k <= 0 || k > 120 {
			return Config{}, fmt.Errorf("study file %s: windows: %d is not a number of months from 1 to 120", path, k)
		}
	}
	ws := append([]int(nil), s.Windows...)
	sort.Ints(ws)
	for i := 1; i < len(ws); i++ {
		if ws[i] == ws[i-1] {
			return Config{}, fmt.Errorf("study file %s: windows: %d twice", path, ws[i])
		}
	}
	cfg.Windows = ws
	if e := s.EligibilityE; e != nil {
		if !(*e >= 0 && *e <= 1) { // TOML has nan
			return Config{}, fmt.Errorf("study file %s: eligibility_e: %v is not a share from 0 to 1", path, *e)
		}
		cfg.EligibilityE = e
	}
	if len(s.IncomeBandMidpoints) > 0 {
		cfg.BandMidpoints = DefaultBandMidpoints()
		for code, v := range s.IncomeBandMidpoints {
			if !(v > 0) || math.IsInf(v, 1) { // TOML has nan and inf
				return Config{}, fmt.Errorf("study file %s: income_band_midpoints: band %s: %v is not a positive income", path, code, v)
			}
			cfg.BandMidpoints[code] = v
		}
	}
	if s.UMKFile != "" {
		p := s.UMKFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		f, err := os.Open(p)
		if err != nil {
			return Config{}, fmt.Errorf("study file %s: umk_file: %w", path, err)
		}
		defer f.Close()
		if cfg.UMK, err = ReadUMK(f); err != nil {
			return Config{}, fmt.Errorf("study file %s: umk_file %s: %w", path, s.UMKFile, err)
		}
		cfg.UMKName = filepath.Base(p)
	}
	return cfg, nil
}
