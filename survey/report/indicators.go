package report

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"

	"tracer/survey"
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
	{ID: "employed_within_", No: 12, Indonesian: "Bekerja dalam %d bulan", English: "Employed within %d month{s}", Headline: true},
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
			in.English = survey.Plurals(in.English, n)
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

// quantile returns the q-quantile of xs sorted (or with its order statistics at
// floor(q*(n-1)) and the one after in their sorted places: orderStats), interpolated between order statistics
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

// median returns the median of xs with its quartiles. It reorders xs: only the order
// statistics the three quantiles read are put in their sorted places (orderStats), which
// costs a few passes over xs where sorting it costs log n of them.
func median(id string, xs []float64) Value {
	var want [6]int
	k := 0
	for _, q := range [...]float64{0.25, 0.5, 0.75} {
		if len(xs) == 0 {
			break
		}
		i := int(math.Floor(q * float64(len(xs)-1)))
		want[k], want[k+1] = i, min(i+1, len(xs)-1)
		k += 2
	}
	orderStats(xs, want[:k])
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

// satItems are the training's 1-5 satisfaction items (sat5 in the questionnaire), by the
// indicator id their rows start with.
var satItems = []struct {
	id    string
	field question
}{
	{"training_sat", qSatOverall},
	{"sat_instructor", qSatInstructor},
	{"sat_practice", qSatPractice},
	{"sat_relevance", qSatRelevance},
}

// orderStats reorders xs so that xs[k] is what it would be were xs sorted in increasing
// order (sort.Float64s: NaN first), for every k of want (each within xs, in any order):
// quickselect, partitioning three ways about a median of three and going on only into
// the parts holding a wanted place. A slice holding NaN, a short part and a part
// partitioned too often for its size are sorted instead.
func orderStats(xs []float64, want []int) {
	if slices.ContainsFunc(xs, math.IsNaN) {
		sort.Float64s(xs)
		return
	}
	want = slices.Clone(want)
	slices.Sort(want)
	selectRange(xs, 0, want, 2*bits.Len(uint(len(xs))))
}

// selectRange does orderStats' work on xs, the part of the whole starting at off,
// for the sorted places of want within it, with depth partitions left before it sorts.
func selectRange(xs []float64, off int, want []int, depth int) {
	for len(want) > 0 {
		if len(xs) <= 16 || depth == 0 {
			slices.Sort(xs)
			return
		}
		depth--
		a, b, c := xs[0], xs[len(xs)/2], xs[len(xs)-1]
		pivot := max(min(a, b), min(max(a, b), c))
		// xs[:lt] < pivot, xs[lt:i] == pivot, xs[gt:] > pivot.
		lt, i, gt := 0, 0, len(xs)
		for i < gt {
			switch x := xs[i]; {
			case x < pivot:
				xs[lt], xs[i] = x, xs[lt]
				lt++
				i++
			case x > pivot:
				gt--
				xs[gt], xs[i] = x, xs[gt]
			default:
				i++
			}
		}
		lo := 0 // the wanted places below lt
		for lo < len(want) && want[lo]-off < lt {
			lo++
		}
		hi := lo // and below gt
		for hi < len(want) && want[hi]-off < gt {
			hi++
		}
		if lo > 0 {
			selectRange(xs[:lt], off, want[:lo], depth)
		}
		xs, off, want = xs[gt:], off+gt, want[hi:]
	}
}
