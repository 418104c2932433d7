package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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

func pctText(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", 100**p)
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

// WriteResponseText writes the response-rate section as text in lang ("en" or Bahasa
// Indonesia): e, the disposition table, the rates overall and per cell (as percentages),
// and the non-response table with the categories that differ marked.
func WriteResponseText(w io.Writer, r *Response, lang string) error {
	en := lang == "en"
	t := func(id, e string) string {
		if en {
			return e
		}
		return id
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, t("TINGKAT RESPONS (AAPOR)", "RESPONSE RATES (AAPOR)"))
	how := t("ditetapkan", "set")
	if r.EEstimated {
		how = t("diperkirakan, metode proporsi", "estimated, proportion method")
	}
	fmt.Fprintf(bw, "e = %.4f (%s)\n\n", r.E, how)
	fmt.Fprintln(bw, t("Disposisi akhir", "Final dispositions"))
	for _, d := range r.Dispositions {
		label := d.ID
		if en {
			label = d.EN
		}
		fmt.Fprintf(bw, "  %-5s %-3s %-40s %6d\n", d.Code, d.Class, label, d.N)
	}
	o := r.Total.Outcomes
	fmt.Fprintf(bw, "  I=%d P=%d R=%d NC=%d O=%d U=%d NE=%d, %s %d\n\n", o.I, o.P, o.R, o.NC, o.O, o.U, o.NE, t("jumlah", "total"), r.Total.N)
	header := func() {
		fmt.Fprintf(bw, "  %-22s %5s", "", "n")
		for _, n := range RateNames {
			fmt.Fprintf(bw, " %6s", n)
		}
		fmt.Fprintln(bw)
	}
	row := func(name string, c ResponseCell) {
		fmt.Fprintf(bw, "  %-22s %5d", fit(name, 22), c.N)
		for _, n := range RateNames {
			fmt.Fprintf(bw, " %6s", pctText(c.Rates.Get(n)))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, t("Tingkat (%)", "Rates (%)"))
	header()
	row(t("Semua", "All"), r.Total)
	for _, b := range r.Breakdowns {
		fmt.Fprintf(bw, "\n%s %s\n", t("Menurut", "By"), responseDimLabel(b.By, lang))
		header()
		for _, c := range b.Cells {
			row(cellKey(c.Key, lang), c)
		}
	}
	fmt.Fprintf(bw, "\n%s (%s %.0f %s)\n", t("Non-respons: responden (I+P) dibanding seluruh kohort", "Non-response: respondents (I+P) against the whole cohort"),
		t("ditandai * bila selisih lebih dari", "marked * where they differ by more than"), r.Threshold, t("poin persen", "percentage points"))
	fmt.Fprintf(bw, "  %-12s %-22s %7s %8s %7s %8s %8s\n", "", "", t("kohort", "cohort"), "%", t("resp.", "resp."), "%", t("selisih", "diff pp"))
	var flagged []string
	for _, n := range r.NonResponse {
		mark := ""
		if n.Flagged {
			mark = " *"
			flagged = append(flagged, fmt.Sprintf("%s %s (%+.1f)", responseDimLabel(n.By, lang), cellKey(n.Key, lang), n.DiffPP))
		}
		fmt.Fprintf(bw, "  %-12s %-22s %7d %8.1f %7d %8.1f %+8.1f%s\n", fit(responseDimLabel(n.By, lang), 12), fit(cellKey(n.Key, lang), 22),
			n.Cohort, n.CohortPct, n.Respondents, n.RespPct, n.DiffPP, mark)
	}
	if len(flagged) == 0 {
		fmt.Fprintln(bw, t("Responden tidak berbeda dari kohort melebihi ambang.", "Respondents differ from the cohort by no more than the threshold."))
	} else {
		fmt.Fprintf(bw, "%s: %s\n", t("Responden berbeda dari kohort pada", "Respondents differ from the cohort in"), strings.Join(flagged, "; "))
	}
	return bw.Flush()
}

// WriteResponseJSON writes the response-rate section as one JSON object.
func WriteResponseJSON(w io.Writer, r *Response) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteResponseXLSX writes the response-rate section as a workbook: the dispositions,
// the rates overall and per cell (as fractions formatted as percentages), and the
// non-response table.
func WriteResponseXLSX(w io.Writer, r *Response, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	en := lang == "en"
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
			v = survey.Printable(s) // a string cell, never a formula
		}
		return f.SetCellValue(sheet, ref, v)
	}
	disp := t("Disposisi", "Dispositions")
	if err := f.SetSheetName("Sheet1", disp); err != nil {
		return err
	}
	for i, h := range []string{t("kode", "code"), t("kelas", "class"), t("label", "label"), "n"} {
		if err := set(disp, i+1, 1, h); err != nil {
			return err
		}
	}
	for i, d := range r.Dispositions {
		label := d.ID
		if en {
			label = d.EN
		}
		for j, v := range []any{d.Code, string(d.Class), label, d.N} {
			if err := set(disp, j+1, i+2, v); err != nil {
				return err
			}
		}
	}
	n := len(r.Dispositions) + 3
	if err := set(disp, 1, n, "e"); err != nil {
		return err
	}
	if err := set(disp, 2, n, r.E); err != nil {
		return err
	}
	rates := t("Tingkat", "Rates")
	if _, err := f.NewSheet(rates); err != nil {
		return err
	}
	head := append([]string{t("menurut", "by"), t("sel", "cell"), "n", "I", "P", "R", "NC", "O", "U", "NE"}, RateNames...)
	for i, h := range head {
		if err := set(rates, i+1, 1, h); err != nil {
			return err
		}
	}
	rowN := 2
	write := func(by string, c ResponseCell) error {
		o := c.Outcomes
		vals := []any{by, cellKey(c.Key, lang), c.N, o.I, o.P, o.R, o.NC, o.O, o.U, o.NE}
		for j, v := range vals {
			if err := set(rates, j+1, rowN, v); err != nil {
				return err
			}
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
	if err := write(t("semua", "all"), r.Total); err != nil {
		return err
	}
	for _, b := range r.Breakdowns {
		for _, c := range b.Cells {
			if err := write(responseDimLabel(b.By, lang), c); err != nil {
				return err
			}
		}
	}
	nr := t("Non-respons", "Non-response")
	if _, err := f.NewSheet(nr); err != nil {
		return err
	}
	for i, h := range []string{t("menurut", "by"), t("sel", "cell"), t("kohort", "cohort"), t("kohort %", "cohort %"),
		t("responden", "respondents"), t("responden %", "respondents %"), t("selisih (poin persen)", "difference (pp)"), t("berbeda", "differs")} {
		if err := set(nr, i+1, 1, h); err != nil {
			return err
		}
	}
	for i, x := range r.NonResponse {
		flag := ""
		if x.Flagged {
			flag = "*"
		}
		for j, v := range []any{responseDimLabel(x.By, lang), cellKey(x.Key, lang), x.Cohort, x.CohortPct, x.Respondents, x.RespPct, x.DiffPP, flag} {
			if err := set(nr, j+1, i+2, v); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}
