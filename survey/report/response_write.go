package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"tracer/survey"
)

// responseDimLabel names a breakdown of the response rates in lang.
func responseDimLabel(d ResponseDimension, lang string) string {
	if d == RespByEnumerator {
		if lang == "en" {
			return "enumerator"
		}
		return "enumerator"
	}
	return DimensionLabel(Dimension(d), lang)
}

// wrapWords breaks s into lines of at most width runes at spaces; a word longer than
// width gets a line of its own.
func wrapWords(s string, width int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

func cellKey(k, lang string) string {
	if k == "" {
		if lang == "en" {
			return "(unknown)"
		}
		return "(tidak diketahui)"
	}
	return survey.Printable(k)
}

// RateFormulas gives the formula of every rate of RateNames over the counts of final
// dispositions (I, P, R, NC, O, U, NE) and e, as AAPOR's Standard Definitions state them.
var RateFormulas = map[string]string{
	"RR1":   "I / ((I+P) + (R+NC+O) + U)",
	"RR2":   "(I+P) / ((I+P) + (R+NC+O) + U)",
	"RR3":   "I / ((I+P) + (R+NC+O) + e·U)",
	"RR4":   "(I+P) / ((I+P) + (R+NC+O) + e·U)",
	"RR5":   "I / ((I+P) + (R+NC+O))",
	"RR6":   "(I+P) / ((I+P) + (R+NC+O))",
	"COOP1": "I / ((I+P) + R + O)",
	"COOP2": "(I+P) / ((I+P) + R + O)",
	"COOP3": "I / ((I+P) + R)",
	"COOP4": "(I+P) / ((I+P) + R)",
	"REF1":  "R / ((I+P) + (R+NC+O) + U)",
	"REF2":  "R / ((I+P) + (R+NC+O) + e·U)",
	"REF3":  "R / ((I+P) + (R+NC+O))",
	"CON1":  "((I+P) + R + O) / ((I+P) + R + O + NC + U)",
	"CON2":  "((I+P) + R + O) / ((I+P) + R + O + NC + e·U)",
	"CON3":  "((I+P) + R + O) / ((I+P) + R + O + NC)",
}

// rateGroups split the rates into the two rate tables of the text and HTML reports, so
// that each fits 80 columns: response and refusal rates, then cooperation and contact.
var rateGroups = [][]string{
	{"RR1", "RR2", "RR3", "RR4", "RR5", "RR6", "REF1", "REF2", "REF3"},
	{"COOP1", "COOP2", "COOP3", "COOP4", "CON1", "CON2", "CON3"},
}

// responseTexts are the response section's fixed texts in one language.
type responseTexts struct {
	Title, Set, Estimated, Finals, Total, All, By, Counts, RespRates, CoopRates string
	NonResp, Marked, PP, Cohort, Resp, Diff, NoDiff, Differ, Formulas, Cell     string
	Modes, Mode                                                                 string
}

var responseIndonesian = responseTexts{
	Title: "TINGKAT RESPONS (AAPOR)", Set: "ditetapkan", Estimated: "diperkirakan, metode proporsi",
	Finals: "Disposisi akhir", Total: "jumlah", All: "Semua", By: "Menurut",
	Counts:    "Disposisi akhir per sel (jumlah alumni)",
	RespRates: "Tingkat respons dan penolakan (%)", CoopRates: "Tingkat kerja sama dan kontak (%)",
	NonResp: "Non-respons: responden (I+P) dibanding seluruh kohort", Marked: "ditandai * bila selisih lebih dari",
	PP: "poin persen", Cohort: "kohort", Resp: "resp.", Diff: "selisih",
	NoDiff:   "Responden tidak berbeda dari kohort melebihi ambang.",
	Differ:   "Responden berbeda dari kohort pada",
	Formulas: "Rumus (AAPOR Standard Definitions)", Cell: "sel",
	Modes: "Wawancara selesai (I) dan sebagian (P) menurut cara wawancara", Mode: "cara",
}

var responseEnglish = responseTexts{
	Title: "RESPONSE RATES (AAPOR)", Set: "set", Estimated: "estimated, proportion method",
	Finals: "Final dispositions", Total: "total", All: "All", By: "By",
	Counts:    "Final dispositions per cell (alumni)",
	RespRates: "Response and refusal rates (%)", CoopRates: "Cooperation and contact rates (%)",
	NonResp: "Non-response: respondents (I+P) against the whole cohort", Marked: "marked * where they differ by more than",
	PP: "percentage points", Cohort: "cohort", Resp: "resp.", Diff: "diff pp",
	NoDiff:   "Respondents differ from the cohort by no more than the threshold.",
	Differ:   "Respondents differ from the cohort in",
	Formulas: "Formulas (AAPOR Standard Definitions)", Cell: "cell",
	Modes: "Complete (I) and partial (P) interviews by interview mode", Mode: "mode",
}

func responseTextsIn(lang string) *responseTexts {
	if strings.EqualFold(lang, "en") {
		return &responseEnglish
	}
	return &responseIndonesian
}

// rateText is a rate as a percentage with one decimal in lang's convention, "-" when it
// has no denominator.
func rateText(p *float64, lang string) string {
	if p == nil {
		return "-"
	}
	return num(100**p, 1, lang)
}

// responseRow is one row of the response tables: the whole cohort, a breakdown's heading
// (no numbers) or one of its cells.
type responseRow struct {
	Name    string
	Heading bool
	Cell    ResponseCell
}

// responseRows lists the rows of the response tables: the whole cohort, then each
// breakdown's heading followed by its cells.
func responseRows(r *Response, lang string) []responseRow {
	rt := responseTextsIn(lang)
	rows := []responseRow{{Name: rt.All, Cell: r.Total}}
	for _, b := range r.Breakdowns {
		rows = append(rows, responseRow{Name: rt.By + " " + responseDimLabel(b.Dimension, lang), Heading: true})
		for _, c := range b.Cells {
			rows = append(rows, responseRow{Name: cellKey(c.Key, lang), Cell: c})
		}
	}
	return rows
}

// differences lists the non-response table's flagged categories as "sex 1 (+66.7)".
func differences(r *Response, lang string) []string {
	var out []string
	for _, n := range r.NonResponse {
		if n.Flagged {
			out = append(out, fmt.Sprintf("%s %s (%s)", responseDimLabel(n.Dimension, lang), cellKey(n.Key, lang), signed(n.DiffPP, lang)))
		}
	}
	return out
}

func signed(x float64, lang string) string {
	s := num(x, 1, lang)
	if x >= 0 {
		s = "+" + s
	}
	return s
}

// writeResponseLines writes the response-rate section, every line at most 80 columns:
// e, the disposition table, the counts of final dispositions per cell, the rates per
// cell in two tables, the non-response table with a closing line naming where
// respondents differ from the cohort, and the formulas.
func writeResponseLines(line func(format string, args ...any), r *Response, lang string) {
	rt := responseTextsIn(lang)
	en := strings.EqualFold(lang, "en")
	line("%s", rt.Title)
	how := rt.Set
	if r.EEstimated {
		how = rt.Estimated
	}
	line("e = %s (%s)", num(r.E, 4, lang), how)
	line("")
	line("%s", rt.Finals)
	for _, d := range r.Dispositions {
		label := d.ID
		if en {
			label = d.EN
		}
		line("  %-5s %-3s %s %6d", d.Code, d.Class, fit(label, 40), d.N)
	}
	o := r.Total.Outcomes
	line("  I=%d P=%d R=%d NC=%d O=%d U=%d NE=%d, %s %d", o.I, o.P, o.R, o.NC, o.O, o.U, o.NE, rt.Total, r.Total.N)
	if len(r.Modes) > 0 {
		line("")
		line("%s", rt.Modes)
		line("  %-18s %6s %6s", rt.Mode, "I", "P")
		for _, m := range r.Modes {
			line("  %s %6d %6d", fit(cellKey(m.Mode, lang), 18), m.Completes, m.Partials)
		}
	}
	rows := responseRows(r, lang)
	name := func(row responseRow) string {
		if row.Heading || row.Name == rt.All {
			return fit(row.Name, 16)
		}
		return "  " + fit(row.Name, 14)
	}
	line("")
	line("%s", rt.Counts)
	line("  %s %5s %4s %4s %4s %4s %4s %4s %4s", fit(rt.Cell, 16), "n", "I", "P", "R", "NC", "O", "U", "NE")
	for _, row := range rows {
		if row.Heading {
			line("  %s", row.Name)
			continue
		}
		c := row.Cell.Outcomes
		line("  %s %5d %4d %4d %4d %4d %4d %4d %4d", name(row), row.Cell.N, c.I, c.P, c.R, c.NC, c.O, c.U, c.NE)
	}
	for gi, group := range rateGroups {
		line("")
		line("%s", []string{rt.RespRates, rt.CoopRates}[gi])
		var b strings.Builder
		fmt.Fprintf(&b, "  %s %5s", fit(rt.Cell, 16), "n")
		for _, n := range group {
			fmt.Fprintf(&b, " %5s", n)
		}
		line("%s", b.String())
		for _, row := range rows {
			if row.Heading {
				line("  %s", row.Name)
				continue
			}
			b.Reset()
			fmt.Fprintf(&b, "  %s %5d", name(row), row.Cell.N)
			for _, n := range group {
				fmt.Fprintf(&b, " %5s", rateText(row.Cell.Rates.Get(n), lang))
			}
			line("%s", b.String())
		}
	}
	line("")
	line("%s", rt.NonResp)
	line("(%s %s %s)", rt.Marked, num(r.Threshold, 0, lang), rt.PP)
	line("  %-18s %-16s %7s %6s %6s %6s %8s", "", "", rt.Cohort, "%", rt.Resp, "%", rt.Diff)
	for _, n := range r.NonResponse {
		mark := ""
		if n.Flagged {
			mark = " *"
		}
		line("  %s %s %7d %6s %6d %6s %8s%s", fit(responseDimLabel(n.Dimension, lang), 18), fit(cellKey(n.Key, lang), 16),
			n.Cohort, num(n.CohortPct, 1, lang), n.Respondents, num(n.RespPct, 1, lang), signed(n.DiffPP, lang), mark)
	}
	if flagged := differences(r, lang); len(flagged) == 0 {
		line("%s", rt.NoDiff)
	} else {
		for _, l := range wrapWords(rt.Differ+": "+strings.Join(flagged, "; "), 78) {
			line("%s", l)
		}
	}
	line("")
	line("%s", rt.Formulas)
	for _, n := range RateNames {
		line("  %-5s = %s", n, RateFormulas[n])
	}
}

// WriteResponseText writes the response-rate section as text in lang ("en" or Bahasa
// Indonesia), at most 80 columns wide except where a long name is wrapped: e, the
// disposition table, the counts and the rates overall and per cell (as percentages), the
// non-response table with the categories that differ marked, and the formulas.
func WriteResponseText(w io.Writer, r *Response, lang string) error {
	bw := bufio.NewWriter(w)
	writeResponseLines(func(format string, args ...any) {
		bw.WriteString(survey.Printable(fmt.Sprintf(format, args...)) + "\n")
	}, r, lang)
	return bw.Flush()
}

// WriteResponseJSON writes the response-rate section as one JSON object.
func WriteResponseJSON(w io.Writer, r *Response) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteResponseXLSX writes the response-rate section as a workbook: the dispositions
// with e and the formulas, the counts and rates overall and per cell (rates as fractions
// formatted as percentages), and the non-response table.
func WriteResponseXLSX(w io.Writer, r *Response, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	used := usedRanges{}
	if err := addResponseSheets(f, r, lang, "Sheet1", used); err != nil {
		return err
	}
	if err := used.declare(f); err != nil {
		return err
	}
	return f.Write(w)
}

// addResponseSheets adds the response-rate sheets to f: Dispositions (with e and the
// formulas), Rates (a row for the whole cohort, then one per cell of every breakdown,
// with the counts I to NE and every rate) and Non-response. The first of them takes the
// place of the sheet called reuse when it is not "". It notes the cells it writes in used.
func addResponseSheets(f *excelize.File, r *Response, lang, reuse string, used usedRanges) error {
	en := strings.EqualFold(lang, "en")
	t := func(id, e string) string {
		if en {
			return e
		}
		return id
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	set := func(sheet string, col, row int, v any) error {
		ref, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if s, ok := v.(string); ok {
			if s == "" {
				return nil // a blank cell, not an empty text that COUNTA counts
			}
			v = survey.Printable(s) // a string cell, never a formula
		}
		used.add(sheet, col, row)
		return f.SetCellValue(sheet, ref, v)
	}
	setRow := func(sheet string, row int, vals ...any) error {
		for j, v := range vals {
			if err := set(sheet, j+1, row, v); err != nil {
				return err
			}
		}
		return nil
	}
	disp := t("Disposisi", "Dispositions")
	if reuse != "" {
		if err := f.SetSheetName(reuse, disp); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(disp); err != nil {
		return err
	}
	if err := setRow(disp, 1, t("kode", "code"), t("kelas", "class"), t("label", "label"), "n"); err != nil {
		return err
	}
	for i, d := range r.Dispositions {
		label := d.ID
		if en {
			label = d.EN
		}
		if err := setRow(disp, i+2, d.Code, string(d.Class), label, d.N); err != nil {
			return err
		}
	}
	n := len(r.Dispositions) + 3
	how := t("ditetapkan", "set")
	if r.EEstimated {
		how = t("diperkirakan, metode proporsi", "estimated, proportion method")
	}
	if err := setRow(disp, n, "e", r.E, how); err != nil {
		return err
	}
	n += 2
	if err := setRow(disp, n, responseTextsIn(lang).Formulas); err != nil {
		return err
	}
	for i, name := range RateNames {
		if err := setRow(disp, n+1+i, name, RateFormulas[name]); err != nil {
			return err
		}
	}
	if len(r.Modes) > 0 {
		rt := responseTextsIn(lang)
		n += len(RateNames) + 2
		if err := setRow(disp, n, rt.Modes); err != nil {
			return err
		}
		if err := setRow(disp, n+1, rt.Mode, "I", "P"); err != nil {
			return err
		}
		for i, m := range r.Modes {
			if err := setRow(disp, n+2+i, cellKey(m.Mode, lang), m.Completes, m.Partials); err != nil {
				return err
			}
		}
	}
	rates := t("Tingkat", "Rates")
	if _, err := f.NewSheet(rates); err != nil {
		return err
	}
	head := append([]any{t("menurut", "by"), t("sel", "cell"), "n", "I", "P", "R", "NC", "O", "U", "NE"}, anys(RateNames)...)
	if err := setRow(rates, 1, head...); err != nil {
		return err
	}
	rowN := 2
	write := func(by, cell string, c ResponseCell) error {
		o := c.Outcomes
		vals := []any{by, cell, c.N, o.I, o.P, o.R, o.NC, o.O, o.U, o.NE}
		if err := setRow(rates, rowN, vals...); err != nil {
			return err
		}
		for k, name := range RateNames {
			if p := c.Rates.Get(name); p != nil {
				col := len(vals) + k + 1
				if err := set(rates, col, rowN, *p); err != nil {
					return err
				}
				ref, _ := excelize.CoordinatesToCellName(col, rowN)
				if err := f.SetCellStyle(rates, ref, ref, pct); err != nil {
					return err
				}
			}
		}
		rowN++
		return nil
	}
	// The whole cohort's row is "all" in both columns: it is no cell of unknown key.
	if err := write(t("semua", "all"), t("semua", "all"), r.Total); err != nil {
		return err
	}
	for _, b := range r.Breakdowns {
		for _, c := range b.Cells {
			if err := write(responseDimLabel(b.Dimension, lang), cellKey(c.Key, lang), c); err != nil {
				return err
			}
		}
	}
	nr := t("Non-respons", "Non-response")
	if _, err := f.NewSheet(nr); err != nil {
		return err
	}
	if err := setRow(nr, 1, t("menurut", "by"), t("sel", "cell"), t("kohort", "cohort"), t("kohort %", "cohort %"),
		t("responden", "respondents"), t("responden %", "respondents %"), t("selisih (poin persen)", "difference (pp)"), t("berbeda", "differs")); err != nil {
		return err
	}
	for i, x := range r.NonResponse {
		flag := ""
		if x.Flagged {
			flag = "*"
		}
		if err := setRow(nr, i+2, responseDimLabel(x.Dimension, lang), cellKey(x.Key, lang), x.Cohort, x.CohortPct, x.Respondents, x.RespPct, x.DiffPP, flag); err != nil {
			return err
		}
	}
	rt := responseTextsIn(lang)
	closing := rt.NoDiff
	if d := differences(r, lang); len(d) > 0 {
		closing = rt.Differ + ": " + strings.Join(d, "; ")
	}
	return setRow(nr, len(r.NonResponse)+3, closing)
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
