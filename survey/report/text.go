package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"tracer/survey"
)

// texts are the report's fixed texts in one language: a misspelt one does not compile and
// TestTextsComplete finds an empty one.
type texts struct {
	Title      string
	Period     string
	AsOf       string
	Open       string
	Pops       string
	Reached    string
	OJT        string
	Yes        string
	No         string
	Bands      string
	Indicator  string
	NumDen     string
	Rules      string
	By         string
	Resp       string
	Abs        string
	Dist       string
	Weights    string
	Small      string
	Median     string
	Mean       string
	Total      string
	Months     string
	Million    string
	Counts     string
	Records    string
	Interviews string
	Unlinked   string
	Superseded string
}

var indonesian = texts{
	Title:      "Laporan indikator studi penelusuran alumni",
	Period:     "Pelatihan selesai",
	AsOf:       "acuan",
	Open:       "semua",
	Pops:       "Populasi",
	Reached:    "terhubungi",
	OJT:        "Magang berbayar dihitung terserap",
	Yes:        "ya",
	No:         "tidak",
	Bands:      "Titik tengah pita pendapatan (jt Rp)",
	Indicator:  "Indikator",
	NumDen:     "Pemb/Peny",
	Rules:      "% tidak ditampilkan bila penyebut < 10; \"n kecil\" bila 10-29.",
	By:         "Menurut",
	Resp:       "Respons",
	Abs:        "Terserap",
	Dist:       "Sebaran",
	Weights:    "Bobot non-respons |G|/|S| (kejuruan × jenis kelamin)",
	Small:      "n kecil",
	Median:     "median",
	Mean:       "rerata",
	Total:      "jumlah",
	Months:     "bln",
	Million:    "jt",
	Counts:     "Data",
	Records:    "rekaman",
	Interviews: "wawancara",
	Unlinked:   "tanpa pasangan di T",
	Superseded: "digantikan yang lebih baru",
}

var english = texts{
	Title:      "Tracer study indicator report",
	Period:     "Training ended",
	AsOf:       "as of",
	Open:       "all",
	Pops:       "Populations",
	Reached:    "reached",
	OJT:        "Paid OJT counted as absorbed",
	Yes:        "yes",
	No:         "no",
	Bands:      "Income band midpoints (IDR m)",
	Indicator:  "Indicator",
	NumDen:     "Num/Den",
	Rules:      "% not shown when the denominator < 10; \"small n\" when 10-29.",
	By:         "By",
	Resp:       "Resp.",
	Abs:        "Absorbed",
	Dist:       "Distribution",
	Weights:    "Non-response weights |G|/|S| (kejuruan × sex)",
	Small:      "small n",
	Median:     "median",
	Mean:       "mean",
	Total:      "total",
	Months:     "mo.",
	Million:    "m",
	Counts:     "Data",
	Records:    "records",
	Interviews: "interviews",
	Unlinked:   "not linked to T",
	Superseded: "superseded by a later one",
}

// textsIn returns the report's texts in lang: English for "en", else Bahasa Indonesia.
func textsIn(lang string) *texts {
	if strings.EqualFold(lang, "en") {
		return &english
	}
	return &indonesian
}

var dimLabels = map[Dimension][2]string{
	ByKejuruan: {"kejuruan", "kejuruan (vocation)"}, ByProgram: {"program", "programme"},
	ByInstitution: {"lembaga", "institution"}, ByBatch: {"angkatan", "batch"},
	ByBudgetYear: {"tahun anggaran", "budget year"}, ByYear: {"tahun selesai pelatihan", "year training ended"},
	ByFunding: {"sumber dana", "funding source"}, BySex: {"jenis kelamin", "sex"},
	ByRegency: {"kabupaten/kota domisili", "regency of domicile"}, ByWindow: {"bulan sejak pelatihan", "months since training"},
	ByAge: {"kelompok umur", "age group"}, ByEducation: {"pendidikan", "education"},
}

// DimensionLabel returns the name of a breakdown in lang ("en" or Indonesian).
func DimensionLabel(d Dimension, lang string) string {
	l := dimLabels[d]
	if strings.EqualFold(lang, "en") {
		return l[1]
	}
	return l[0]
}

var distLabels = map[string][2]string{
	"sector_kbli":     {"Lapangan usaha (KBLI) terserap", "Industry (KBLI) of the absorbed"},
	"occupation_kbji": {"Golongan jabatan (KBJI) terserap", "Occupation (KBJI) of the absorbed"},
	"employer_type":   {"Jenis tempat kerja terserap", "Employer type of the absorbed"},
	"how_found":       {"Cara mendapat kerja (% dari W)", "How the job was found (% of W)"},
}

// num formats x with d decimals in lang's convention (decimal comma in Indonesian).
func num(x float64, d int, lang string) string {
	s := strconv.FormatFloat(x, 'f', d, 64)
	if !strings.EqualFold(lang, "en") {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func count(x float64) string {
	if x == math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// bar draws pct (0-100) as width cells of Unicode blocks, in eighths.
func bar(pct float64, width int) string {
	if pct < 0 {
		pct = 0
	}
	if pct > 100 {
		pct = 100
	}
	eighths := int(math.Round(pct / 100 * float64(width*8)))
	var b strings.Builder
	b.WriteString(strings.Repeat("█", eighths/8))
	if r := eighths % 8; r > 0 {
		b.WriteRune([]rune("▏▎▍▌▋▊▉")[r-1])
	}
	return b.String()
}

// fit cuts s to n runes (with …) and pads it to n.
func fit(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = string(r[:n-1]) + "…"
	}
	return s + strings.Repeat(" ", n-utf8.RuneCountInString(s))
}

func pad(s string, n int) string {
	if c := utf8.RuneCountInString(s); c < n {
		return strings.Repeat(" ", n-c) + s
	}
	return s
}

func flagText(f Flag, lang string) string {
	switch f {
	case FlagSuppressed:
		return "(<10)"
	case FlagSmall:
		return textsIn(lang).Small
	}
	return ""
}

// statText formats a statistic for the terminal.
func statText(v Value, lang string) string {
	if v.Stat == nil {
		return "-"
	}
	switch v.ID {
	case "first_job_months":
		return fmt.Sprintf("%s %s (IQR %s-%s)", num(*v.Stat, 1, lang), textsIn(lang).Months, num(*v.Q1, 1, lang), num(*v.Q3, 1, lang))
	case "income_median", "income_median_wage", "income_median_self":
		m := textsIn(lang).Million
		return fmt.Sprintf("Rp %s %s (IQR %s-%s)", num(*v.Stat/1e6, 2, lang), m, num(*v.Q1/1e6, 2, lang), num(*v.Q3/1e6, 2, lang))
	case "biz_jobs":
		return fmt.Sprintf("%s %s, %s %s", textsIn(lang).Total, count(v.Num), textsIn(lang).Mean, num(*v.Stat, 1, lang))
	case "nps":
		return num(*v.Stat, 0, lang)
	}
	return num(*v.Stat, 2, lang)
}

// WriteText writes the report as terminal tables with bars, at most 80 columns wide, with
// labels in lang ("en" for English, Bahasa Indonesia otherwise).
func WriteText(w io.Writer, r *Report, lang string) error {
	var b strings.Builder
	// Every line is escaped for the terminal: names of cells come from the roster.
	line := func(format string, args ...any) { b.WriteString(survey.Printable(fmt.Sprintf(format, args...)) + "\n") }
	line("%s", textsIn(lang).Title)
	line("%s", strings.Repeat("═", utf8.RuneCountInString(textsIn(lang).Title)))
	from, to := r.Settings.From, r.Settings.To
	if from == "" && to == "" {
		from = textsIn(lang).Open
	}
	line("%s: %s – %s · %s %s", textsIn(lang).Period, from, to, textsIn(lang).AsOf, r.Settings.AsOf)
	n := r.Total.N
	line("%s: T %d · G %d · %s %d · S %d · A %d", textsIn(lang).Pops, n.T, n.G, textsIn(lang).Reached, n.Reached, n.S, n.A)
	line("          W %d · O %d · SE %d · OJT %d · U %d · ED %d · I %d", n.W, n.O, n.SE, n.OJT, n.U, n.ED, n.I)
	yn := textsIn(lang).No
	if r.Settings.PaidOJTAbsorbed {
		yn = textsIn(lang).Yes
	}
	line("%s: %s", textsIn(lang).OJT, yn)
	var mids []string
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
		if v, ok := r.Settings.BandMidpoints[k]; ok {
			mids = append(mids, k+"="+num(v/1e6, -1, lang))
		}
	}
	line("%s:", textsIn(lang).Bands)
	line("  %s", strings.Join(mids, " "))
	c := r.Counts
	line("%s: %d %s, %d %s,", textsIn(lang).Counts, c.Records, textsIn(lang).Records, c.Interviews, textsIn(lang).Interviews)
	line("  %d %s, %d %s", c.Unlinked, textsIn(lang).Unlinked, c.Superseded, textsIn(lang).Superseded)
	line("%s", textsIn(lang).Rules)
	line("")
	line("No %s %s %6s", fit(textsIn(lang).Indicator, 33), pad(textsIn(lang).NumDen, 11), "%")
	line("%s", strings.Repeat("─", 79))
	for _, v := range r.Total.Values {
		in, _ := Lookup(v.ID)
		no := pad(strconv.Itoa(in.No), 2)
		label := fit(in.Label(lang), 33)
		if in.Stat {
			line("%s %s %s %s", no, label, pad("n="+strconv.Itoa(v.Den), 11), strings.TrimRight(fit(statText(v, lang)+" "+flagText(v.Flag, lang), 31), " "))
			continue
		}
		frac := count(v.Num) + "/" + strconv.Itoa(v.Den)
		pct, bars := "-", ""
		if v.Pct != nil {
			pct, bars = num(*v.Pct, 1, lang), bar(*v.Pct, 15)
		}
		line("%s %s %s %s %s %s", no, label, pad(frac, 11), pad(pct, 6), fit(bars, 15), flagText(v.Flag, lang))
	}
	for _, bd := range r.Breakdowns {
		line("")
		line("%s %s", textsIn(lang).By, DimensionLabel(bd.Dimension, lang))
		line("%s %4s %4s %6s %9s %6s", fit("", 20), "G", "S", textsIn(lang).Resp[:min(6, len(textsIn(lang).Resp))], "A/S", "%")
		line("%s", strings.Repeat("─", 79))
		for _, cl := range bd.Cells {
			resp, abs := cl.Get("response_rate"), cl.Get("absorption")
			rp, ap, bars := "-", "-", ""
			if resp.Pct != nil {
				rp = num(*resp.Pct, 1, lang)
			}
			if abs.Pct != nil {
				ap, bars = num(*abs.Pct, 1, lang), bar(*abs.Pct, 15)
			}
			line("%s %4d %4d %6s %9s %6s %s %s", fit(cl.Name(), 20), cl.N.G, cl.N.S, rp,
				fmt.Sprintf("%d/%d", cl.N.A, cl.N.S), ap, fit(bars, 15), flagText(abs.Flag, lang))
		}
	}
	for _, d := range r.Distributions {
		line("")
		l := distLabels[d.ID]
		title := l[0]
		if strings.EqualFold(lang, "en") {
			title = l[1]
		}
		line("%s: %s (n=%d) %s", textsIn(lang).Dist, title, d.Den, flagText(d.Flag, lang))
		for _, it := range d.Items {
			pct, bars := "-", ""
			if it.Pct != nil {
				pct, bars = num(*it.Pct, 1, lang), bar(*it.Pct, 30)
			}
			line("  %s %5d %6s %s", fit(it.Name(), 20), it.Num, pct, bars)
		}
	}
	if len(r.Weights) > 0 {
		line("")
		line("%s", textsIn(lang).Weights)
		for _, wt := range r.Weights {
			line("  %s %s %4d %4d %8s", fit(wt.Kejuruan, 20), fit(wt.Sex, 10), wt.G, wt.S, num(wt.Weight, 3, lang))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// indicatorJSON describes an indicator in the JSON report.
type indicatorJSON struct {
	ID         string `json:"id"`
	No         int    `json:"no"`
	Indonesian string `json:"label_id"`
	English    string `json:"label_en"`
	Stat       bool   `json:"stat,omitempty"`
}

// WriteJSON writes the report as indented JSON: settings, counts, the total cell, every
// breakdown cell with every numerator and denominator, distributions, weights, and the
// bilingual labels of the indicators used.
func WriteJSON(w io.Writer, r *Report) error {
	var ins []indicatorJSON
	for _, v := range r.Total.Values {
		in, _ := Lookup(v.ID)
		ins = append(ins, indicatorJSON{ID: v.ID, No: in.No, Indonesian: in.Indonesian, English: in.English, Stat: in.Stat})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		*Report
		Indicators []indicatorJSON `json:"indicators"`
	}{r, ins})
}
