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
	Study      string
	Defaults   string
	RefDate    string
	Weighting  string
	// Warning names the settings line NoGraduates is on: T holds people, G no one.
	Warning, NoGraduates string
	UMKTable             string
	BuiltinUMK           string // the name of the built-in UMK table
	Windows              string
	// Revisions names the setting of the revisions counted; RevisionSets says each set.
	Revisions    string
	RevisionSets map[string]string
	Legend       string
	Unknown      string
	Replaced     string
	Legends      [][2]string
	NEETNote     string
}

var indonesian = texts{
	Title:       "Laporan indikator studi penelusuran alumni",
	Period:      "Pelatihan selesai",
	AsOf:        "acuan",
	Open:        "semua",
	Pops:        "Populasi",
	Reached:     "terhubungi",
	OJT:         "Magang berbayar dihitung terserap",
	Yes:         "ya",
	No:          "tidak",
	Bands:       "Titik tengah pita pendapatan (jt Rp)",
	Indicator:   "Indikator",
	NumDen:      "Pemb/Peny",
	Rules:       "% tidak ditampilkan bila penyebut < 10; \"n kecil\" bila 10-29.",
	By:          "Menurut",
	Resp:        "Respons",
	Abs:         "Terserap",
	Dist:        "Sebaran",
	Weights:     "Bobot non-respons |G|/|S| (kejuruan × jenis kelamin)",
	Small:       "n kecil",
	Median:      "median",
	Mean:        "rerata",
	Total:       "jumlah",
	Months:      "bln",
	Million:     "jt",
	Counts:      "Data",
	Records:     "rekaman",
	Interviews:  "wawancara",
	Unlinked:    "tanpa pasangan di T",
	Superseded:  "digantikan yang lebih baru",
	Study:       "Berkas studi",
	Defaults:    "(tidak ada: nilai bawaan)",
	RefDate:     "Tanggal acuan",
	Weighting:   "Bobot non-respons",
	Warning:     "Perhatian",
	NoGraduates: "G = 0: tidak ada alumni periode ini yang lulus (kolom completion = pass)",
	UMKTable:    "Tabel UMK",
	BuiltinUMK:  "bawaan",
	Windows:     "Jendela \"bekerja dalam k bulan\"",
	Revisions:   "Revisi dihitung",
	RevisionSets: map[string]string{
		"approved": "yang disetujui saja; yang belum disetujui tidak dihitung (--revisions latest menghitungnya)",
		"latest":   "terbaru tiap wawancara, disetujui atau belum",
		"all":      "setiap revisi",
	},
	Legend:   "Keterangan",
	Unknown:  "\"-\": tidak dihitung (tidak ada nilai, atau n < 10); bukan nol.",
	Replaced: "Wawancara yang digantikan (tanggal wawancara lebih baru menang)",
	Legends: [][2]string{
		{"T", "dilatih: orang di roster yang pelatihannya selesai dalam periode"},
		{"G", "lulus: T dengan completion = pass (populasi sasaran)"},
		{"S", "responden: G dengan wawancara sah terakhir (setuju, main_status terisi)"},
		{"A", "terserap: S bekerja (status 1-4; magang berbayar bila diatur)"},
		{"W", "pekerja/buruh: status 1, 2, 4 (termasuk luar negeri, lepas)"},
		{"O", "luar negeri: status 2"},
		{"SE", "wirausaha: status 3"},
		{"OJT", "magang berbayar: status 5"},
		{"U", "penganggur: status 6-8, mencari 4 minggu & siap 2 minggu"},
		{"ED", "sekolah/pelatihan: status 6"},
		{"I", "tidak aktif lain: S − A − U − OJT tidak terserap"},
	},
	NEETNote: "NEET = (S − A − ED) / S: magang berbayar tak terhitung terserap masuk NEET.",
}

var english = texts{
	Title:       "Tracer study indicator report",
	Period:      "Training ended",
	AsOf:        "as of",
	Open:        "all",
	Pops:        "Populations",
	Reached:     "reached",
	OJT:         "Paid OJT counted as absorbed",
	Yes:         "yes",
	No:          "no",
	Bands:       "Income band midpoints (IDR m)",
	Indicator:   "Indicator",
	NumDen:      "Num/Den",
	Rules:       "% not shown when the denominator < 10; \"small n\" when 10-29.",
	By:          "By",
	Resp:        "Resp.",
	Abs:         "Absorbed",
	Dist:        "Distribution",
	Weights:     "Non-response weights |G|/|S| (kejuruan × sex)",
	Small:       "small n",
	Median:      "median",
	Mean:        "mean",
	Total:       "total",
	Months:      "mo.",
	Million:     "m",
	Counts:      "Data",
	Records:     "records",
	Interviews:  "interviews",
	Unlinked:    "not linked to T",
	Superseded:  "superseded by a later one",
	Study:       "Study file",
	Defaults:    "(none: defaults)",
	RefDate:     "Reference date",
	Weighting:   "Non-response weights",
	Warning:     "Warning",
	NoGraduates: "G is 0: no alumnus of the period passed (the roster's completion = pass)",
	UMKTable:    "UMK table",
	BuiltinUMK:  "built-in",
	Windows:     "\"Employed within k months\" windows",
	Revisions:   "Revisions counted",
	RevisionSets: map[string]string{
		"approved": "approved only; interviews not yet approved are left out (--revisions latest counts them)",
		"latest":   "each interview's latest, approved or not",
		"all":      "every revision",
	},
	Legend:   "Legend",
	Unknown:  "\"-\": not computed (no values, or n < 10); not zero.",
	Replaced: "Superseded interviews (the later interview date wins)",
	Legends: [][2]string{
		{"T", "trained: roster persons whose training ended in the period"},
		{"G", "graduates: T with completion = pass (the target population)"},
		{"S", "respondents: G with a valid latest interview (consent, main_status)"},
		{"A", "absorbed: S working (status 1-4; paid OJT when set)"},
		{"W", "wage-earning: status 1, 2, 4 (employees, abroad, freelance)"},
		{"O", "overseas: status 2"},
		{"SE", "self-employed: status 3"},
		{"OJT", "paid on-the-job training: status 5"},
		{"U", "unemployed: status 6-8, searched 4 weeks and available 2 weeks"},
		{"ED", "in education or training: status 6"},
		{"I", "other inactive: S − A − U − paid OJT not absorbed"},
	},
	NEETNote: "NEET = (S − A − ED) / S: paid OJT not counted as absorbed is counted as NEET.",
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
	ByRegency: {"kabupaten/kota domisili", "regency of domicile"}, ByWorkRegency: {"kabupaten/kota tempat kerja", "regency of work"}, ByWindow: {"bulan sejak pelatihan", "months since training"},
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

// distLabels name each distribution with the population its percentages are of.
var distLabels = map[string][2]string{
	"sector_kbli":     {"Lapangan usaha (KBLI), % dari terserap (A) yang menjawab", "Industry (KBLI), % of the absorbed (A) who answered"},
	"occupation_kbji": {"Golongan jabatan (KBJI), % dari terserap (A) yang menjawab", "Occupation (KBJI), % of the absorbed (A) who answered"},
	"employer_type":   {"Jenis tempat kerja, % dari terserap (A) yang menjawab", "Employer type, % of the absorbed (A) who answered"},
	"how_found":       {"Cara mendapat kerja, % dari W (boleh lebih dari satu)", "How the job was found, % of W (several answers)"},
}

// DistributionLabel names distribution id in lang, with the population its shares are of.
func DistributionLabel(id, lang string) string {
	l := distLabels[id]
	if strings.EqualFold(lang, "en") {
		return l[1]
	}
	return l[0]
}

// SettingLines returns the report's settings as label and value pairs in lang, as every
// format prints them at its top.
func SettingLines(r *Report, lang string) [][2]string {
	t := textsIn(lang)
	st := r.Settings
	yn := func(b bool) string {
		if b {
			return t.Yes
		}
		return t.No
	}
	study := st.Study
	if study == "" {
		study = t.Defaults
	}
	period := st.From + " – " + st.To
	if st.From == "" && st.To == "" {
		period = t.Open
	}
	ref := st.AsOf
	if st.AsOfSource != "" {
		src := st.AsOfSource
		if !strings.EqualFold(lang, "en") {
			src = map[string]string{"study": "berkas studi", "median interview date": "median tanggal wawancara"}[src]
		}
		ref += " (" + src + ")"
	}
	var mids []string
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
		if v, ok := st.BandMidpoints[k]; ok {
			mids = append(mids, k+"="+num(v/1e6, -1, lang))
		}
	}
	var ws []string
	for _, k := range st.Windows {
		ws = append(ws, strconv.Itoa(k))
	}
	umk := st.UMK
	if umk == "" || umk == builtinUMK {
		umk = t.BuiltinUMK
	}
	lines := [][2]string{
		{t.Study, study},
		{t.Period, period},
		{t.RefDate, ref},
		{t.OJT, yn(st.PaidOJTAbsorbed)},
		{t.Weighting, yn(st.Weights)},
		{t.UMKTable, umk},
		{t.Bands, strings.Join(mids, " ")},
		{t.Windows, strings.Join(ws, ", ")},
	}
	if st.Revisions != "" {
		set := t.RevisionSets[st.Revisions]
		if set == "" {
			set = st.Revisions
		}
		lines = append(lines, [2]string{t.Revisions, set})
	}
	if st.Wave != "" {
		_, _, wave := waveTexts(lang)
		lines = append(lines, [2]string{wave, st.Wave})
	}
	if n := r.Total.N; n.T > 0 && n.G == 0 {
		// A roster uploaded without its completion column: nothing to trace, and the reader
		// must see why rather than a page of zeros.
		lines = append(lines, [2]string{t.Warning, t.NoGraduates})
	}
	return lines
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
	for _, kv := range SettingLines(r, lang) {
		if utf8.RuneCountInString(kv[0]+kv[1]) > 76 {
			line("%s:", kv[0])
			for _, l := range wrapWords(kv[1], 78) {
				line("  %s", l)
			}
			continue
		}
		line("%s: %s", kv[0], kv[1])
	}
	n := r.Total.N
	line("%s: T %d · G %d · %s %d · S %d · A %d", textsIn(lang).Pops, n.T, n.G, textsIn(lang).Reached, n.Reached, n.S, n.A)
	line("          W %d · O %d · SE %d · OJT %d · U %d · ED %d · I %d", n.W, n.O, n.SE, n.OJT, n.U, n.ED, n.I)
	line("%s:", textsIn(lang).Legend)
	for _, kv := range textsIn(lang).Legends {
		line("  %-3s %s", kv[0], kv[1])
	}
	c := r.Counts
	line("%s: %d %s, %d %s,", textsIn(lang).Counts, c.Records, textsIn(lang).Records, c.Interviews, textsIn(lang).Interviews)
	line("  %d %s, %d %s", c.Unlinked, textsIn(lang).Unlinked, c.Superseded, textsIn(lang).Superseded)
	line("%s", textsIn(lang).Rules)
	line("%s", textsIn(lang).Unknown)
	line("%s", textsIn(lang).NEETNote)
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
		line("%s %5s %5s %5s %6s %4s %4s %4s %4s %6s %s", fit("", 16), "T", "G", "S", textsIn(lang).Resp[:min(5, len(textsIn(lang).Resp))]+"%",
			"A", "W", "SE", "U", "A/S%", "")
		line("%s", strings.Repeat("─", 79))
		for _, cl := range bd.Cells {
			resp, abs := cl.Get("response_rate"), cl.Get("absorption")
			rp, ap := "-", "-"
			if resp.Pct != nil {
				rp = num(*resp.Pct, 1, lang)
			}
			if abs.Pct != nil {
				ap = num(*abs.Pct, 1, lang)
			}
			line("%s %5d %5d %5d %6s %4d %4d %4d %4d %6s %s", fit(cl.Name(), 16), cl.N.T, cl.N.G, cl.N.S, rp,
				cl.N.A, cl.N.W, cl.N.SE, cl.N.U, ap, flagText(abs.Flag, lang))
		}
	}
	for _, d := range r.Distributions {
		line("")
		line("%s: %s (n=%d) %s", textsIn(lang).Dist, DistributionLabel(d.ID, lang), d.Den, flagText(d.Flag, lang))
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
			w := "-" // no respondent in the cell: no weight
			if wt.Weight != nil {
				w = num(*wt.Weight, 3, lang)
			}
			line("  %s %s %4d %4d %8s", fit(wt.Kejuruan, 20), fit(wt.Sex, 10), wt.G, wt.S, w)
		}
	}
	if len(r.Superseded) > 0 {
		line("")
		line("%s", textsIn(lang).Replaced)
		for _, s := range r.Superseded {
			// Interview ids as laptops make them are 36 characters: the replacement goes
			// on a line of its own when both do not fit 80 columns.
			lost := fmt.Sprintf("  %s: %s (%s)", s.RosterID, s.Interview, s.Date)
			by := fmt.Sprintf("→ %s (%s)", s.By, s.ByDate)
			if utf8.RuneCountInString(lost)+1+utf8.RuneCountInString(by) <= 80 {
				line("%s %s", lost, by)
				continue
			}
			line("%s", lost)
			line("    %s", by)
		}
	}
	if r.Response != nil {
		line("")
		writeResponseLines(line, r.Response, lang)
	}
	if len(r.Waves) > 0 {
		line("")
		writeWaveLines(line, r.Waves, lang)
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
// bilingual labels of the indicators used. A list with nothing in it (no interview
// superseded, no weights asked for) is written empty, never left out nor null.
func WriteJSON(w io.Writer, r *Report) error {
	rc := *r
	r = &rc
	if r.Superseded == nil {
		r.Superseded = []Supersession{}
	}
	if r.Weights == nil {
		r.Weights = []Weight{}
	}
	if r.Breakdowns == nil {
		r.Breakdowns = []Breakdown{}
	}
	if r.Distributions == nil {
		r.Distributions = []Distribution{}
	}
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
