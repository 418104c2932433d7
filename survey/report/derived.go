package report

import (
	"math"
	"sync"

	"tracer/survey"
)

// umkOf returns the minimum wage indicator 17 compares p's income with, and whether p is
// in its denominator: a wage earner in Indonesia with an income, working 35 hours or more,
// whose work regency and interview year have a minimum wage.
func umkOf(p *person, cfg Config) (float64, bool) {
	if p.iv == nil || !p.w || p.o || math.IsNaN(p.income) {
		return 0, false
	}
	h, ok := atoi(p.iv.v[qHoursWeek])
	if !ok || h < 35 {
		return 0, false
	}
	return cfg.UMK.Wage(p.iv.v[qWorkRegency], p.interviewDay.Year())
}

// Derived is what the report derives from one interview of a roster person: the inputs of
// its indicators, so that an export can carry them beside the answers. Numbers are NaN
// where unknown.
type Derived struct {
	// Respondent: consent given and main_status answered. The flags are false otherwise.
	Respondent bool
	// Absorbed (A), Wage (W), SelfEmployed (SE), Unemployed (U) as docs/INDICATORS.md
	// defines them, with the Config's paid-OJT setting.
	Absorbed, Wage, SelfEmployed, Unemployed bool
	// Months since training at the interview (m); FirstJob, the months to the first job.
	Months, FirstJob float64
	// Income: income_exact, else the midpoint of income_band.
	Income float64
	// UMK is the minimum wage indicator 17 uses for this person, NaN when they are not in
	// its denominator; UMKMet says whether the income reaches it.
	UMK    float64
	UMKMet bool
}

// scratch is what deriving one record reads it into: kept in a pool, so that deriving many
// records does not allocate for each, and the paths of one record's answers are matched
// with the last one's.
type scratch struct {
	iv   interview
	memo pathMemo
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// Derive computes the Derived values of record r of roster row (nil for a walk-in) as
// Compute does for the interview it counts. A caller deriving many records sets cfg.UMK
// and cfg.BandMidpoints once: when nil, the default tables are made on every call.
func Derive(r *survey.Record, row *survey.Respondent, cfg Config) Derived {
	return deriveFrom(r, nil, row, cfg)
}

// DeriveAnswers is Derive for a record whose answers come as a list (as a store's export
// reader gives them; r.Answers is not read).
func DeriveAnswers(r *survey.Record, answers []survey.Answer, row *survey.Respondent, cfg Config) Derived {
	if answers == nil {
		answers = []survey.Answer{}
	}
	return deriveFrom(r, answers, row, cfg)
}

// deriveFrom is Derive reading answers, or r.Answers when answers is nil.
func deriveFrom(r *survey.Record, answers []survey.Answer, row *survey.Respondent, cfg Config) Derived {
	if cfg.UMK == nil {
		cfg.UMK = DefaultUMK()
	}
	if cfg.BandMidpoints == nil {
		cfg.BandMidpoints = DefaultBandMidpoints()
	}
	if row == nil {
		row = &survey.Respondent{}
	}
	p := &person{row: row, pass: row.Completion == "pass", trainingEnd: parseDate(row.TrainingEnd)}
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	iv := &sc.iv
	if answers != nil {
		extractAnswers(iv, &sc.memo, r, answers)
	} else {
		extractInto(iv, r, nil)
	}
	if iv.valid {
		p.iv, p.reached = iv, true
	}
	derive(p, cfg, &Counts{})
	d := Derived{Respondent: p.iv != nil, Absorbed: p.a, Wage: p.w, SelfEmployed: p.se, Unemployed: p.u,
		Months: p.months, FirstJob: p.firstJob, Income: p.income, UMK: math.NaN()}
	if wage, ok := umkOf(p, cfg); ok {
		d.UMK, d.UMKMet = wage, p.income >= wage
	}
	return d
}
