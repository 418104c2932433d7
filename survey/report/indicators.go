package report

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"tracer/forms/builtin"
)

// Indicator names one indicator of docs/INDICATORS.md in both report languages.
type Indicator struct {
	ID string
	// No is the indicator's number in docs/INDICATORS.md (Indicators).
	No int
	// ID and EN are the short labels in Bahasa Indonesia and English (at most 34 characters,
	// for the terminal table).
	Indonesian, English string
	// Stat marks a statistic (median, mean, NPS, total) rather than a rate.
	Stat bool
	// Headline indicators get charts in the XLSX report.
	Headline bool
}

// Label returns the indicator's label in lang ("en" for English, Indonesian otherwise).
func (in Indicator) Label(lang string) string {
	if strings.EqualFold(lang, "en") {
		return in.English
	}
	return in.Indonesian
}

// Indicators lists every indicator in report order. employed_within_<k> entries follow
// Config.Windows; absorbed_ojt and absorption_weighted appear only when configured.
var Indicators = []Indicator{
	{ID: "response_rate", No: 1, Indonesian: "Tingkat respons (S/G)", English: "Response rate (S/G)", Headline: true},
	{ID: "contact_rate", No: 1, Indonesian: "Tingkat kontak (terhubungi/G)", English: "Contact rate (reached/G)"},
	{ID: "absorption", No: 2, Indonesian: "Tingkat penyerapan (A/S)", English: "Absorption rate (A/S)", Headline: true},
	{ID: "absorption_weighted", No: 2, Indonesian: "Penyerapan berbobot (A/S)", English: "Absorption, weighted (A/S)"},
	{ID: "absorption_cohort", No: 3, Indonesian: "Penyerapan basis kohort (A/G)", English: "Absorption, cohort basis (A/G)", Headline: true},
	{ID: "absorption_trainee", No: 4, Indonesian: "Penyerapan per peserta latih (A/T)", English: "Absorption per trainee (A/T)"},
	{ID: "wage_employment", No: 5, Indonesian: "Bekerja sbg pekerja/buruh (W/S)", English: "Wage employment (W/S)", Headline: true},
	{ID: "self_employment", No: 6, Indonesian: "Berwirausaha (SE/S)", English: "Self-employment (SE/S)", Headline: true},
	{ID: "absorbed_industry", No: 7, Indonesian: "Porsi industri dari terserap (W/A)", English: "Industry share of absorbed (W/A)"},
	{ID: "absorbed_self", No: 7, Indonesian: "Porsi wirausaha dari terserap", English: "Self-employed share of absorbed"},
	{ID: "absorbed_ojt", No: 7, Indonesian: "Porsi magang berbayar dari terserap", English: "Paid OJT share of absorbed"},
	{ID: "overseas", No: 8, Indonesian: "Penempatan luar negeri (O/S)", English: "Overseas placement (O/S)"},
	{ID: "overseas_absorbed", No: 8, Indonesian: "Luar negeri dari terserap (O/A)", English: "Overseas among absorbed (O/A)"},
	{ID: "unemployment", No: 9, Indonesian: "Tingkat pengangguran (U/(A+U))", English: "Unemployment rate (U/(A+U))", Headline: true},
	{ID: "neet", No: 10, Indonesian: "Tdk bekerja/sekolah/pelatihan", English: "Not in employment/education"},
	{ID: "first_job_months", No: 11, Indonesian: "Waktu tunggu kerja (median bln)", English: "Time to first job (median mo.)", Stat: true},
	{ID: "employed_at_completion", No: 11, Indonesian: "Sudah bekerja saat lulus (t≤0)", English: "Employed at completion (t≤0)"},
	{ID: "employed_within_", No: 12, Indonesian: "Bekerja dalam %d bulan", English: "Employed within %d months", Headline: true},
	{ID: "job_match", No: 13, Indonesian: "Kerja sesuai pelatihan (erat)", English: "Job-training match (close)", Headline: true},
	{ID: "job_match_top3", No: 13, Indonesian: "Kesesuaian termasuk cukup erat", English: "Match incl. fairly close"},
	{ID: "relevant_employment", No: 14, Indonesian: "Kerja relevan (basis S)", English: "Relevant employment (S basis)"},
	{ID: "skill_use", No: 15, Indonesian: "Keterampilan dipakai", English: "Skills used at work"},
	{ID: "income_median", No: 16, Indonesian: "Pendapatan median terserap (Rp)", English: "Median income, absorbed (IDR)", Stat: true},
	{ID: "income_median_wage", No: 16, Indonesian: "Pendapatan median W (Rp)", English: "Median income, W (IDR)", Stat: true},
	{ID: "income_median_self", No: 16, Indonesian: "Pendapatan median SE (Rp)", English: "Median income, SE (IDR)", Stat: true},
	{ID: "umk", No: 17, Indonesian: "Pendapatan ≥ UMK (W penuh waktu)", English: "Earning ≥ UMK (full-time W)", Headline: true},
	{ID: "umk_120", No: 17, Indonesian: "Pendapatan ≥ 1,2 × UMK", English: "Earning ≥ 1.2 × UMK"},
	{ID: "formal_contract", No: 18, Indonesian: "Kontrak formal (PKWTT/PKWT)", English: "Formal contract (PKWTT/PKWT)"},
	{ID: "cert_coverage", No: 19, Indonesian: "Cakupan uji kompetensi (/G)", English: "Certification coverage (/G)"},
	{ID: "cert_pass", No: 19, Indonesian: "Lulus uji kompetensi", English: "Certification pass rate"},
	{ID: "biz_jobs", No: 20, Indonesian: "Pekerja dibayar di usaha alumni", English: "Paid jobs in alumni businesses", Stat: true},
	{ID: "net_entry", No: 21, Indonesian: "Masuk kerja dari tidak bekerja", English: "Net entry into work"},
	{ID: "training_sat_mean", No: 22, Indonesian: "Kepuasan pelatihan (rerata 1-5)", English: "Training satisfaction (mean 1-5)", Stat: true},
	{ID: "training_sat_top2", No: 22, Indonesian: "Puas dgn pelatihan (top-2)", English: "Satisfied with training (top 2)"},
	{ID: "sat_instructor_mean", No: 22, Indonesian: "Kepuasan: instruktur (rerata)", English: "Satisfaction: instructors (mean)", Stat: true},
	{ID: "sat_instructor_top2", No: 22, Indonesian: "Puas dgn instruktur (top-2)", English: "Satisfied: instructors (top 2)"},
	{ID: "sat_practice_mean", No: 22, Indonesian: "Kepuasan: praktik/alat (rerata)", English: "Satisfaction: practice (mean)", Stat: true},
	{ID: "sat_practice_top2", No: 22, Indonesian: "Puas dgn praktik/alat (top-2)", English: "Satisfied: practice (top 2)"},
	{ID: "sat_relevance_mean", No: 22, Indonesian: "Kepuasan: relevansi (rerata)", English: "Satisfaction: relevance (mean)", Stat: true},
	{ID: "sat_relevance_top2", No: 22, Indonesian: "Puas dgn relevansi (top-2)", English: "Satisfied: relevance (top 2)"},
	{ID: "nps", No: 22, Indonesian: "Net Promoter Score", English: "Net Promoter Score", Stat: true},
	{ID: "job_sat_top2", No: 23, Indonesian: "Puas dgn pekerjaan (top-2)", English: "Satisfied with job (top 2)"},
}

// Lookup returns the indicator with id (employed_within_6 included), and whether there is one.
func Lookup(id string) (Indicator, bool) {
	for _, in := range Indicators {
		if in.ID == id {
			return in, true
		}
		if k, ok := strings.CutPrefix(id, "employed_within_"); ok && in.ID == "employed_within_" {
			in.ID = id
			n, _ := strconv.Atoi(k)
			in.Indonesian = strings.Replace(in.Indonesian, "%d", strconv.Itoa(n), 1)
			in.English = strings.Replace(in.English, "%d", strconv.Itoa(n), 1)
			return in, true
		}
	}
	return Indicator{}, false
}

// rate returns a rate value with the small-cell rules applied.
func rate(id string, num, den int) Value {
	v := Value{ID: id, Num: float64(num), Den: den, Flag: flag(den)}
	if den >= 10 {
		pct := 100 * float64(num) / float64(den)
		v.Pct = &pct
	}
	return v
}

func flag(den int) Flag {
	switch {
	case den < 10:
		return FlagSuppressed
	case den < 30:
		return FlagSmall
	}
	return FlagNone
}

// stat returns a statistic over den people with the small-cell rules applied.
func stat(id string, num float64, den int, x float64) Value {
	v := Value{ID: id, Num: num, Den: den, Flag: flag(den)}
	if den >= 10 && !math.IsNaN(x) {
		v.Stat = &x
	}
	return v
}

// quantile returns the q-quantile of sorted xs, interpolated between order statistics
// (Excel QUARTILE.INC, R type 7).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	h := q * float64(len(xs)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-lo)*(xs[i+1]-xs[i])
}

func median(id string, xs []float64) Value {
	sort.Float64s(xs)
	v := stat(id, 0, len(xs), quantile(xs, 0.5))
	if v.Stat != nil {
		q1, q3 := quantile(xs, 0.25), quantile(xs, 0.75)
		v.Q1, v.Q3 = &q1, &q3
	}
	return v
}

// neet is the numerator of indicator 10 as its formula defines it, S − A − ED: paid OJT not
// counted as absorbed is counted as neither employed nor in education.
func neet(n *Populations) int { return n.S - n.A - n.ED }

func in(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// cell computes every indicator over the persons ps.
func cell(key string, ps []*person, cfg Config) Cell {
	c := Cell{Key: key}
	n := &c.N
	var s []*person // respondents (S)
	for _, p := range ps {
		n.T++
		if !p.pass {
			continue
		}
		n.G++
		if p.reached {
			n.Reached++
		}
		if p.iv == nil {
			continue
		}
		s = append(s, p)
		n.S++
		if p.a {
			n.A++
		}
		if p.w {
			n.W++
		}
		if p.o {
			n.O++
		}
		if p.se {
			n.SE++
		}
		if p.ojt {
			n.OJT++
		}
		if p.u {
			n.U++
		}
		if p.ed {
			n.ED++
		}
		if !p.a && !p.u && !(p.ojt && !cfg.PaidOJTAbsorbed) {
			n.I++
		}
	}
	add := func(v Value) { c.Values = append(c.Values, v) }

	add(rate("response_rate", n.S, n.G))
	add(rate("contact_rate", n.Reached, n.G))
	add(rate("absorption", n.A, n.S))
	if cfg.Weights {
		var wa, ws float64
		for _, p := range s {
			ws += p.weight
			if p.a {
				wa += p.weight
			}
		}
		v := Value{ID: "absorption_weighted", Num: wa, Den: n.S, Flag: flag(n.S)}
		if n.S >= 10 && ws > 0 {
			pct := 100 * wa / ws
			v.Pct = &pct
		}
		add(v)
	}
	add(rate("absorption_cohort", n.A, n.G))
	add(rate("absorption_trainee", n.A, n.T))
	add(rate("wage_employment", n.W, n.S))
	add(rate("self_employment", n.SE, n.S))
	add(rate("absorbed_industry", n.W, n.A))
	add(rate("absorbed_self", n.SE, n.A))
	if cfg.PaidOJTAbsorbed {
		add(rate("absorbed_ojt", n.OJT, n.A))
	}
	add(rate("overseas", n.O, n.S))
	add(rate("overseas_absorbed", n.O, n.A))
	add(rate("unemployment", n.U, n.A+n.U))
	add(rate("neet", neet(n), n.S))

	// 11: time to first job, t ≤ 0 set to 0.
	var ts []float64
	atCompletion := 0
	for _, p := range s {
		if math.IsNaN(p.firstJob) {
			continue
		}
		t := p.firstJob
		if t <= 0 {
			t = 0
			atCompletion++
		}
		ts = append(ts, t)
	}
	nt := len(ts)
	add(median("first_job_months", ts))
	add(rate("employed_at_completion", atCompletion, nt))

	// 12: employed within k months, among those observed at least k months.
	for _, k := range cfg.Windows {
		num, den := 0, 0
		for _, p := range s {
			if math.IsNaN(p.months) || p.months < float64(k) {
				continue
			}
			den++
			if !math.IsNaN(p.firstJob) && math.Max(p.firstJob, 0) <= float64(k) {
				num++
			}
		}
		add(rate("employed_within_"+strconv.Itoa(k), num, den))
	}

	// 13-15, 23: among the absorbed with an answer.
	var match12, match123, matchDen, skill, skillDen, jobSat, jobSatDen int
	for _, p := range s {
		if !p.a {
			continue
		}
		if m := p.iv.v[builtin.JobMatch]; m != "" {
			matchDen++
			if in(m, "1", "2") {
				match12++
			}
			if in(m, "1", "2", "3") {
				match123++
			}
		}
		if u := p.iv.v[builtin.SkillUse]; u != "" {
			skillDen++
			if in(u, "1", "2") {
				skill++
			}
		}
		if j := p.iv.v[builtin.JobSatisfaction]; j != "" {
			jobSatDen++
			if in(j, "1", "2") {
				jobSat++
			}
		}
	}
	add(rate("job_match", match12, matchDen))
	add(rate("job_match_top3", match123, matchDen))
	add(rate("relevant_employment", match12, n.S))
	add(rate("skill_use", skill, skillDen))

	// 16: median income of A, W and SE.
	var incA, incW, incSE []float64
	for _, p := range s {
		if !p.a || math.IsNaN(p.income) {
			continue
		}
		incA = append(incA, p.income)
		if p.w {
			incW = append(incW, p.income)
		}
		if p.se {
			incSE = append(incSE, p.income)
		}
	}
	add(median("income_median", incA))
	add(median("income_median_wage", incW))
	add(median("income_median_self", incSE))

	// 17: W in Indonesia with an income, 35+ hours and a known minimum wage.
	umk, umk120, umkDen := 0, 0, 0
	for _, p := range s {
		wage, ok := umkOf(p, cfg)
		if !ok {
			continue
		}
		umkDen++
		if p.income >= wage {
			umk++
		}
		if p.income >= 1.2*wage {
			umk120++
		}
	}
	add(rate("umk", umk, umkDen))
	add(rate("umk_120", umk120, umkDen))

	// 18: formal contract among W with a contract answer.
	formal, contractDen := 0, 0
	for _, p := range s {
		if ct := p.iv.v[builtin.Contract]; p.w && ct != "" {
			contractDen++
			if in(ct, "pkwtt", "pkwt") {
				formal++
			}
		}
	}
	add(rate("formal_contract", formal, contractDen))

	// 19: certification; roster columns cert_assessed/cert_result win over self-report.
	assessed, competent := 0, 0
	for _, p := range ps {
		if !p.pass {
			continue
		}
		a, r := p.row.Extra["cert_assessed"], p.row.Extra["cert_result"]
		if a == "" && p.iv != nil {
			a, r = p.iv.v[builtin.CertAssessed], p.iv.v[builtin.CertResult]
		}
		if a == "yes" {
			assessed++
			if r == "competent" {
				competent++
			}
		}
	}
	add(rate("cert_coverage", assessed, n.G))
	add(rate("cert_pass", competent, assessed))

	// 20: paid workers in alumni businesses: the total, and the mean per business.
	workers, bizDen := 0, 0
	for _, p := range s {
		if w, ok := atoi(p.iv.v[builtin.BizPaidWorkers]); p.se && ok {
			workers += w
			bizDen++
		}
	}
	mean := math.NaN()
	if bizDen > 0 {
		mean = float64(workers) / float64(bizDen)
	}
	add(stat("biz_jobs", float64(workers), bizDen, mean))

	// 21: net entry into work among those not working before.
	entry, entryDen := 0, 0
	for _, p := range s {
		if in(p.iv.v[builtin.StatusBefore], "4", "5", "6", "7") {
			entryDen++
			if p.a {
				entry++
			}
		}
	}
	add(rate("net_entry", entry, entryDen))

	// 22: training satisfaction on each 1-5 item (1 = very satisfied), scored 6 - answer so
	// that higher is better, with the top-2-box share; then NPS from recommend (0-10).
	for _, item := range satItems {
		var sum float64
		top, den := 0, 0
		for _, p := range s {
			if sc, ok := atoi(p.iv.v[item.field]); ok && sc >= 1 && sc <= 5 {
				den++
				sum += float64(6 - sc)
				if sc <= 2 {
					top++
				}
			}
		}
		mean := math.NaN()
		if den > 0 {
			mean = sum / float64(den)
		}
		add(stat(item.id+"_mean", sum, den, mean))
		add(rate(item.id+"_top2", top, den))
	}
	promoters, detractors, npsDen := 0, 0, 0
	for _, p := range s {
		if r, ok := atoi(p.iv.v[builtin.Recommend]); ok && r >= 0 && r <= 10 {
			npsDen++
			switch {
			case r >= 9:
				promoters++
			case r <= 6:
				detractors++
			}
		}
	}
	nps := math.NaN()
	if npsDen > 0 {
		nps = 100 * float64(promoters-detractors) / float64(npsDen)
	}
	add(stat("nps", float64(promoters-detractors), npsDen, nps))
	add(rate("job_sat_top2", jobSat, jobSatDen))
	return c
}

// distributions computes indicator 24 over all respondents: KBLI category, KBJI group and
// employer type of the absorbed, and how the wage-employed found their job (multi-select:
// the share of W naming each option).
func distributions(ps []*person, cfg Config) []Distribution {
	var out []Distribution
	for _, q := range []struct {
		id, field string
		wage      bool
		multi     bool
	}{
		{"sector_kbli", builtin.SectorKBLI, false, false},
		{"occupation_kbji", builtin.OccupationKBJI, false, false},
		{"employer_type", builtin.EmployerType, false, false},
		{"how_found", builtin.HowFound, true, true},
	} {
		counts := map[string]int{}
		den := 0
		for _, p := range ps {
			if !p.pass || p.iv == nil || !p.a || q.wage && !p.w {
				continue
			}
			v := p.iv.v[q.field]
			if q.multi {
				den++
				for _, c := range strings.Fields(v) {
					counts[c]++
				}
				continue
			}
			if v != "" {
				den++
				counts[v]++
			}
		}
		d := Distribution{ID: q.id, Den: den, Flag: flag(den)}
		for code, num := range counts {
			sh := Share{Code: code, Num: num}
			if cfg.Labels != nil {
				sh.Label = cfg.Labels(Dimension(q.field), code)
			}
			if den >= 10 {
				pct := 100 * float64(num) / float64(den)
				sh.Pct = &pct
			}
			d.Items = append(d.Items, sh)
		}
		sort.Slice(d.Items, func(i, j int) bool {
			if d.Items[i].Num != d.Items[j].Num {
				return d.Items[i].Num > d.Items[j].Num
			}
			return d.Items[i].Code < d.Items[j].Code
		})
		out = append(out, d)
	}
	return out
}

// satItems are the training's 1-5 satisfaction items (sat5 in the questionnaire), by the
// indicator id their rows start with.
var satItems = []struct{ id, field string }{
	{"training_sat", builtin.SatOverall},
	{"sat_instructor", builtin.SatInstructor},
	{"sat_practice", builtin.SatPractice},
	{"sat_relevance", builtin.SatRelevance},
}
