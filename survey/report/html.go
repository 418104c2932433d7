package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
)

//go:embed html.tmpl
var htmlTemplate string

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	// barWidth is the length in pixels of a bar of pct percent on the 300-pixel track.
	"barWidth": func(pct float64) float64 { return 3 * max(0, min(100, pct)) },
	"add":      func(a, b int) int { return a + b },
}).Parse(htmlTemplate))

// htmlTexts are the HTML report's own texts in one language, beside texts.
type htmlTexts struct {
	Lang, Settings, Headline, Indicators, Breakdowns, Charts, Distributions string
	Definition, Denominator, Cell, Print                                    string
	AbsBy, RespBy, FirstJob, FirstJobDef, IncomeUMK, IncomeUMKDef           string
	AbsDef, RespDef                                                         string
	FirstJobBins, UMKBins                                                   []string
	Suppressed                                                              string
}

var htmlIndonesian = htmlTexts{
	Lang: "id", Settings: "Pengaturan", Headline: "Angka utama", Indicators: "Semua indikator",
	Breakdowns: "Rincian", Charts: "Grafik", Distributions: "Sebaran", Definition: "Definisi",
	Denominator: "Penyebut", Cell: "Sel", Print: "Cetak",
	AbsBy: "Tingkat penyerapan menurut %s", AbsDef: "A / S: responden yang bekerja (status 1-4) dari responden S di tiap sel.",
	RespBy: "Tingkat respons menurut %s", RespDef: "S / G: lulusan dengan wawancara sah dari lulusan G di tiap sel.",
	FirstJob: "Waktu tunggu kerja pertama", FirstJobDef: "Bulan dari akhir pelatihan sampai kerja/usaha pertama; % dari responden yang punya kerja pertama (n).",
	IncomeUMK: "Pendapatan terhadap UMK", IncomeUMKDef: "W penuh waktu (≥ 35 jam) di Indonesia dengan pendapatan dan UMK yang diketahui (n); UMK kabupaten/kota tempat kerja, tahun wawancara.",
	FirstJobBins: []string{"sudah bekerja saat lulus", "≤ 3 bln", "3-6 bln", "6-12 bln", "> 12 bln"},
	UMKBins:      []string{"< UMK", "UMK s.d. < 1,2 × UMK", "≥ 1,2 × UMK"},
	Suppressed:   "penyebut < 10: tidak ditampilkan",
}

var htmlEnglish = htmlTexts{
	Lang: "en", Settings: "Settings", Headline: "Headline figures", Indicators: "All indicators",
	Breakdowns: "Breakdowns", Charts: "Charts", Distributions: "Distributions", Definition: "Definition",
	Denominator: "Denominator", Cell: "Cell", Print: "Print",
	AbsBy: "Absorption rate by %s", AbsDef: "A / S: respondents working (status 1-4) of the respondents S in each cell.",
	RespBy: "Response rate by %s", RespDef: "S / G: graduates with a valid interview of the graduates G in each cell.",
	FirstJob: "Time to first job", FirstJobDef: "Months from the end of training to the first job or business; % of the respondents with a first job (n).",
	IncomeUMK: "Income against the minimum wage (UMK)", IncomeUMKDef: "Full-time (≥ 35 hours) W in Indonesia with an income and a known UMK (n); the UMK of the work regency in the interview year.",
	FirstJobBins: []string{"working at completion", "≤ 3 mo.", "3-6 mo.", "6-12 mo.", "> 12 mo."},
	UMKBins:      []string{"< UMK", "UMK to < 1.2 × UMK", "≥ 1.2 × UMK"},
	Suppressed:   "denominator < 10: not shown",
}

// chartBar is one bar of an SVG chart: a label, the value text, and the bar's length
// (0-100), or no bar when the value is suppressed.
type chartBar struct {
	// Label is cut to fit beside the bar; Full is the whole name, shown on hover.
	Label, Full, Text string
	Pct               float64
	Shown             bool
	Y                 int
}

// chart is a horizontal bar chart with its definition and denominator.
type chart struct {
	ID, Title, Definition, Denominator string
	Bars                               []chartBar
	Height                             int
}

// figure is a headline number with its definition and denominator.
type figure struct {
	Label, Value, Fraction, Flag string
}

type htmlRow struct {
	No, Label, Fraction, Value, Flag string
}

type htmlCell struct {
	Name                      string
	T, G, S, A, W, O, SE, U   int
	ED, I                     int
	Resp, Abs, Flag, RespFlag string
}

type htmlBreakdown struct {
	Title string
	Cells []htmlCell
}

type htmlDist struct {
	Title string
	N     int
	Flag  string
	Items []htmlRow
}

// htmlResponse is the response-rate section of the HTML report.
type htmlResponse struct {
	T            *responseTexts
	E            string
	Totals       string
	Dispositions []htmlDisposition
	Modes        []htmlMode
	Groups       []htmlRateGroup
	Rows         []htmlResponseRow
	NonResponse  []htmlNonResponse
	Closing      string
	Formulas     [][2]string
}

type htmlDisposition struct {
	Code, Class, Label string
	N                  int
}

type htmlMode struct {
	Mode                string
	Completes, Partials int
}

type htmlRateGroup struct {
	Title string
	Names []string
}

type htmlResponseRow struct {
	Name, Key    string
	Heading, Sub bool
	N            int
	Counts       []int
	Rates        [][]string
}

type htmlNonResponse struct {
	By, Key                  string
	Cohort, Respondents      int
	CohortPct, RespPct, Diff string
	Flagged                  bool
}

// responseView lays out the response-rate section for the HTML template.
func responseView(r *Response, lang string) *htmlResponse {
	rt := responseTextsIn(lang)
	en := strings.EqualFold(lang, "en")
	how := rt.Set
	if r.EEstimated {
		how = rt.Estimated
	}
	o := r.Total.Outcomes
	v := &htmlResponse{T: rt, E: num(r.E, 4, lang) + " (" + how + ")",
		Totals: fmt.Sprintf("I=%d P=%d R=%d NC=%d O=%d U=%d NE=%d, %s %d", o.I, o.P, o.R, o.NC, o.O, o.U, o.NE, rt.Total, r.Total.N)}
	for _, d := range r.Dispositions {
		label := d.ID
		if en {
			label = d.EN
		}
		v.Dispositions = append(v.Dispositions, htmlDisposition{Code: d.Code, Class: string(d.Class), Label: label, N: d.N})
	}
	for _, m := range r.Modes {
		v.Modes = append(v.Modes, htmlMode{Mode: cellKey(m.Mode, lang), Completes: m.Completes, Partials: m.Partials})
	}
	v.Groups = []htmlRateGroup{{Title: rt.RespRates, Names: rateGroups[0]}, {Title: rt.CoopRates, Names: rateGroups[1]}}
	for _, row := range responseRows(r, lang) {
		hr := htmlResponseRow{Name: row.Name, Key: row.Cell.Key, Heading: row.Heading, Sub: !row.Heading && row.Name != rt.All, N: row.Cell.N}
		if !row.Heading {
			c := row.Cell.Outcomes
			hr.Counts = []int{c.I, c.P, c.R, c.NC, c.O, c.U, c.NE}
			for _, g := range rateGroups {
				var rs []string
				for _, n := range g {
					rs = append(rs, rateText(row.Cell.Rates.Get(n), lang))
				}
				hr.Rates = append(hr.Rates, rs)
			}
		}
		v.Rows = append(v.Rows, hr)
	}
	for _, n := range r.NonResponse {
		v.NonResponse = append(v.NonResponse, htmlNonResponse{By: responseDimLabel(n.Dimension, lang), Key: cellKey(n.Key, lang),
			Cohort: n.Cohort, Respondents: n.Respondents, CohortPct: num(n.CohortPct, 1, lang), RespPct: num(n.RespPct, 1, lang),
			Diff: signed(n.DiffPP, lang), Flagged: n.Flagged})
	}
	v.Closing = rt.NoDiff
	if d := differences(r, lang); len(d) > 0 {
		v.Closing = rt.Differ + ": " + strings.Join(d, "; ")
	}
	for _, n := range RateNames {
		v.Formulas = append(v.Formulas, [2]string{n, RateFormulas[n]})
	}
	return v
}

// bars lays out the rows of a chart, 26 pixels each.
func bars(rows []chartBar) ([]chartBar, int) {
	for i := range rows {
		rows[i].Y = 8 + 26*i
	}
	return rows, 16 + 26*len(rows)
}

// cellChart charts indicator id over the cells of breakdown d, when the report has it.
func cellChart(r *Report, d Dimension, id, title, def, lang string) (chart, bool) {
	for _, bd := range r.Breakdowns {
		if bd.Dimension != d {
			continue
		}
		c := chart{ID: id + "-" + string(d), Title: fmt.Sprintf(title, DimensionLabel(d, lang)), Definition: def}
		var rows []chartBar
		for _, cl := range bd.Cells {
			v := cl.Get(id)
			b := chartBar{Label: strings.TrimRight(fit(cl.Name(), 30), " "), Full: cl.Name(), Text: count(v.Num) + "/" + strconv.Itoa(v.Den)}
			if v.Pct != nil {
				b.Pct, b.Shown = *v.Pct, true
				b.Text += " · " + num(*v.Pct, 1, lang) + "%"
				if v.Flag == FlagSmall {
					b.Text += " (" + textsIn(lang).Small + ")"
				}
			} else {
				b.Text += " · " + flagText(v.Flag, lang)
			}
			rows = append(rows, b)
		}
		c.Bars, c.Height = bars(rows)
		return c, true
	}
	return chart{}, false
}

// WriteHTML writes the report as one self-contained, printable HTML page in lang ("en" or
// Bahasa Indonesia): the settings and the legend, the headline figures with their
// denominators, charts as inline SVG (absorption by kejuruan, batch and sex; response rate by
// kejuruan and by window since training; time to first job; income against the UMK), every
// indicator, every breakdown with its populations, the distributions and the superseded
// interviews. It loads nothing from elsewhere.
func WriteHTML(w io.Writer, r *Report, lang string) error {
	t, h := textsIn(lang), &htmlIndonesian
	if strings.EqualFold(lang, "en") {
		h = &htmlEnglish
	}
	pct := func(v *Value) string {
		if v.Pct == nil {
			return "-"
		}
		return num(*v.Pct, 1, lang) + "%"
	}
	var heads []figure
	var rows []htmlRow
	for _, v := range r.Total.Values {
		in, _ := Lookup(v.ID)
		row := htmlRow{No: strconv.Itoa(in.No), Label: in.Label(lang), Flag: flagText(v.Flag, lang)}
		if in.Stat {
			row.Fraction = "n=" + strconv.Itoa(v.Den)
			row.Value = statText(v, lang)
		} else {
			row.Fraction = count(v.Num) + " / " + strconv.Itoa(v.Den)
			row.Value = pct(&v)
			if in.Headline {
				heads = append(heads, figure{Label: in.Label(lang), Value: row.Value, Fraction: row.Fraction, Flag: row.Flag})
			}
		}
		rows = append(rows, row)
	}
	var charts []chart
	for _, d := range []Dimension{ByKejuruan, ByBatch, BySex} {
		if c, ok := cellChart(r, d, "absorption", h.AbsBy, h.AbsDef, lang); ok {
			charts = append(charts, c)
		}
	}
	for _, d := range []Dimension{ByKejuruan, ByWindow} {
		if c, ok := cellChart(r, d, "response_rate", h.RespBy, h.RespDef, lang); ok {
			charts = append(charts, c)
		}
	}
	// Time to first job: the histogram over the respondents with a first job.
	nt := 0
	for _, k := range r.FirstJob {
		nt += k
	}
	var fj []chartBar
	for i, k := range r.FirstJob {
		b := chartBar{Label: h.FirstJobBins[i], Text: strconv.Itoa(k) + "/" + strconv.Itoa(nt)}
		if nt >= 10 {
			p := 100 * float64(k) / float64(nt)
			b.Pct, b.Shown, b.Text = p, true, b.Text+" · "+num(p, 1, lang)+"%"
		}
		fj = append(fj, b)
	}
	c := chart{ID: "first-job", Title: h.FirstJob, Definition: h.FirstJobDef, Denominator: "n = " + strconv.Itoa(nt)}
	if nt < 10 {
		c.Denominator += " · " + h.Suppressed
	}
	c.Bars, c.Height = bars(fj)
	charts = append(charts, c)
	// Income against the UMK: below, between 1 and 1.2, at or above 1.2 × UMK.
	if u, u12 := r.Total.Get("umk"), r.Total.Get("umk_120"); u != nil && u12 != nil {
		den := u.Den
		counts := []int{den - int(u.Num), int(u.Num - u12.Num), int(u12.Num)}
		var ub []chartBar
		for i, k := range counts {
			b := chartBar{Label: h.UMKBins[i], Text: strconv.Itoa(k) + "/" + strconv.Itoa(den)}
			if den >= 10 {
				p := 100 * float64(k) / float64(den)
				b.Pct, b.Shown, b.Text = p, true, b.Text+" · "+num(p, 1, lang)+"%"
			}
			ub = append(ub, b)
		}
		c := chart{ID: "income-umk", Title: h.IncomeUMK, Definition: h.IncomeUMKDef, Denominator: "n = " + strconv.Itoa(den)}
		if den < 10 {
			c.Denominator += " · " + h.Suppressed
		}
		c.Bars, c.Height = bars(ub)
		charts = append(charts, c)
	}
	var bds []htmlBreakdown
	for _, bd := range r.Breakdowns {
		b := htmlBreakdown{Title: DimensionLabel(bd.Dimension, lang)}
		for _, cl := range bd.Cells {
			n := cl.N
			resp, abs := cl.Get("response_rate"), cl.Get("absorption")
			b.Cells = append(b.Cells, htmlCell{Name: cl.Name(), T: n.T, G: n.G, S: n.S, A: n.A, W: n.W, O: n.O, SE: n.SE, U: n.U, ED: n.ED, I: n.I,
				Resp: pct(resp), RespFlag: flagText(resp.Flag, lang), Abs: pct(abs), Flag: flagText(abs.Flag, lang)})
		}
		bds = append(bds, b)
	}
	var dists []htmlDist
	for _, d := range r.Distributions {
		hd := htmlDist{Title: DistributionLabel(d.ID, lang), N: d.Den, Flag: flagText(d.Flag, lang)}
		for _, it := range d.Items {
			v := "-"
			if it.Pct != nil {
				v = num(*it.Pct, 1, lang) + "%"
			}
			hd.Items = append(hd.Items, htmlRow{Label: it.Name(), Fraction: strconv.Itoa(it.Num), Value: v})
		}
		dists = append(dists, hd)
	}
	var resp *htmlResponse
	if r.Response != nil {
		resp = responseView(r.Response, lang)
	}
	var waves map[string]any
	if len(r.Waves) > 0 {
		title, _, _ := waveTexts(lang)
		head, rows := waveTable(r.Waves, lang)
		waves = map[string]any{"Title": title, "Head": head, "Rows": rows}
	}
	return htmlPage.Execute(w, map[string]any{
		"T": t, "H": h, "R": r, "Settings": SettingLines(r, lang), "Heads": heads, "Rows": rows,
		"Charts": charts, "Breakdowns": bds, "Dists": dists, "Resp": resp, "Waves": waves,
	})
}
