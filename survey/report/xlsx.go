package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report as a workbook: a summary sheet (populations, every indicator
// and a bar chart of the headline rates), one sheet per breakdown (a row per cell with the
// numerator, denominator and % of every indicator, and a chart of response and absorption
// rates by cell), a distributions sheet and, when computed, a weights sheet. Suppressed
// percentages are left empty. Labels are in lang ("en" or Bahasa Indonesia).
func WriteXLSX(w io.Writer, r *Report, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	pctStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0")})
	if err != nil {
		return err
	}
	summary := "Ringkasan"
	if strings.EqualFold(lang, "en") {
		summary = "Summary"
	}
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	used := usedRanges{}
	set := func(sheet string, col, row int, v any) {
		if v == "" {
			return // a blank cell, not an empty text that COUNTA counts
		}
		cell, _ := excelize.CoordinatesToCellName(col, row)
		f.SetCellValue(sheet, cell, v)
		used.add(sheet, col, row)
	}
	setBold := func(sheet string, col, row int, v any) {
		set(sheet, col, row, v)
		cell, _ := excelize.CoordinatesToCellName(col, row)
		f.SetCellStyle(sheet, cell, cell, bold)
	}
	setPct := func(sheet string, col, row int, p *float64) {
		if p == nil {
			return
		}
		set(sheet, col, row, *p)
		cell, _ := excelize.CoordinatesToCellName(col, row)
		f.SetCellStyle(sheet, cell, cell, pctStyle)
	}

	// Summary.
	setBold(summary, 1, 1, textsIn(lang).Title)
	settings := SettingLines(r, lang)
	for i, kv := range settings {
		set(summary, 1, 2+i, kv[0])
		set(summary, 2, 2+i, kv[1])
	}
	set(summary, 1, 2+len(settings), textsIn(lang).Rules)
	set(summary, 1, 3+len(settings), textsIn(lang).Unknown)
	set(summary, 1, 4+len(settings), textsIn(lang).NEETNote)
	base := 5 + len(settings)
	n := r.Total.N
	pops := []struct {
		k string
		v int
	}{{"T", n.T}, {"G", n.G}, {textsIn(lang).Reached, n.Reached}, {"S", n.S}, {"A", n.A}, {"W", n.W}, {"O", n.O},
		{"SE", n.SE}, {"OJT", n.OJT}, {"U", n.U}, {"ED", n.ED}, {"I", n.I}}
	setBold(summary, 1, base, textsIn(lang).Pops)
	for i, p := range pops {
		set(summary, 1, base+1+i, p.k)
		set(summary, 2, base+1+i, p.v)
		for _, kv := range textsIn(lang).Legends {
			if kv[0] == p.k {
				set(summary, 3, base+1+i, kv[1])
			}
		}
	}
	top := base + 1 + len(pops) + 1
	for i, h := range []string{"No", "id", textsIn(lang).Indicator, "num", "den", "%", "stat", "Q1", "Q3", "flag"} {
		setBold(summary, i+1, top, h)
	}
	headRow := top
	setBold(summary, 12, headRow, textsIn(lang).Indicator)
	setBold(summary, 13, headRow, "%")
	heads := 0
	for i, v := range r.Total.Values {
		row := top + 1 + i
		in, _ := Lookup(v.ID)
		set(summary, 1, row, in.No)
		set(summary, 2, row, v.ID)
		set(summary, 3, row, in.Label(lang))
		if !isMedian(v.ID) {
			set(summary, 4, row, v.Num)
		}
		set(summary, 5, row, v.Den)
		setPct(summary, 6, row, v.Pct)
		if v.Stat != nil {
			set(summary, 7, row, *v.Stat)
		}
		if v.Q1 != nil {
			set(summary, 8, row, *v.Q1)
			set(summary, 9, row, *v.Q3)
		}
		set(summary, 10, row, string(v.Flag))
		if in.Headline && !in.Stat {
			heads++
			set(summary, 12, headRow+heads, in.Label(lang))
			setPct(summary, 13, headRow+heads, v.Pct)
		}
	}
	f.SetColWidth(summary, "C", "C", 38)
	f.SetColWidth(summary, "L", "L", 34)
	if heads > 0 {
		if err := f.AddChart(summary, "O2", barChart(textsIn(lang).Title,
			[]excelize.ChartSeries{{
				Name:       fmt.Sprintf("'%s'!$M$%d", summary, headRow),
				Categories: fmt.Sprintf("'%s'!$L$%d:$L$%d", summary, headRow+1, headRow+heads),
				Values:     fmt.Sprintf("'%s'!$M$%d:$M$%d", summary, headRow+1, headRow+heads),
			}}, 640, 420)); err != nil {
			return fmt.Errorf("summary chart: %w", err)
		}
	}

	// One sheet per breakdown.
	for _, bd := range r.Breakdowns {
		sheet := string(bd.Dimension)
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		fixed := []string{DimensionLabel(bd.Dimension, lang), "T", "G", textsIn(lang).Reached, "S", "A", "W", "O", "SE", "OJT", "U", "ED", "I"}
		for i, h := range fixed {
			setBold(sheet, i+1, 1, h)
		}
		col := len(fixed) + 1
		colOf := map[string]int{}
		if len(bd.Cells) > 0 {
			for _, v := range bd.Cells[0].Values {
				in, _ := Lookup(v.ID)
				colOf[v.ID] = col
				setBold(sheet, col, 1, in.Label(lang)+" num")
				setBold(sheet, col+1, 1, in.Label(lang)+" den")
				if in.Stat {
					setBold(sheet, col+2, 1, in.Label(lang))
				} else {
					setBold(sheet, col+2, 1, in.Label(lang)+" %")
				}
				setBold(sheet, col+3, 1, in.Label(lang)+" flag")
				col += 4
			}
		}
		for i, c := range bd.Cells {
			row := i + 2
			for j, v := range []any{c.Name(), c.N.T, c.N.G, c.N.Reached, c.N.S, c.N.A, c.N.W, c.N.O, c.N.SE, c.N.OJT, c.N.U, c.N.ED, c.N.I} {
				set(sheet, j+1, row, v)
			}
			for _, v := range c.Values {
				k := colOf[v.ID]
				if !isMedian(v.ID) {
					set(sheet, k, row, v.Num)
				}
				set(sheet, k+3, row, string(v.Flag))
				set(sheet, k+1, row, v.Den)
				if v.Stat != nil {
					set(sheet, k+2, row, *v.Stat)
				} else {
					setPct(sheet, k+2, row, v.Pct)
				}
			}
		}
		if len(bd.Cells) == 0 {
			continue
		}
		last := len(bd.Cells) + 1
		var series []excelize.ChartSeries
		for _, id := range []string{"response_rate", "absorption"} {
			c, ok := colOf[id]
			if !ok {
				continue
			}
			letter, _ := excelize.ColumnNumberToName(c + 2)
			series = append(series, excelize.ChartSeries{
				Name:       fmt.Sprintf("'%s'!$%s$1", sheet, letter),
				Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", sheet, last),
				Values:     fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheet, letter, letter, last),
			})
		}
		anchor, _ := excelize.CoordinatesToCellName(1, last+3)
		height := uint(240 + 22*len(bd.Cells))
		if err := f.AddChart(sheet, anchor, barChart(textsIn(lang).By+" "+DimensionLabel(bd.Dimension, lang), series, 640, min(height, 1200))); err != nil {
			return fmt.Errorf("%s chart: %w", sheet, err)
		}
	}

	// Distributions and weights.
	dist := textsIn(lang).Dist
	if _, err := f.NewSheet(dist); err != nil {
		return err
	}
	row := 1
	for _, d := range r.Distributions {
		setBold(dist, 1, row, fmt.Sprintf("%s (n=%d) %s", DistributionLabel(d.ID, lang), d.Den, d.Flag))
		row++
		for _, it := range d.Items {
			set(dist, 1, row, it.Name())
			set(dist, 2, row, it.Num)
			setPct(dist, 3, row, it.Pct)
			row++
		}
		row++
	}
	if len(r.Weights) > 0 {
		sheet := "Bobot"
		if strings.EqualFold(lang, "en") {
			sheet = "Weights"
		}
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		for i, h := range []string{"kejuruan", DimensionLabel(BySex, lang), "G", "S", "weight"} {
			setBold(sheet, i+1, 1, h)
		}
		for i, wt := range r.Weights {
			var w any = "" // no respondent in the cell: no weight, left blank
			if wt.Weight != nil {
				w = *wt.Weight
			}
			for j, v := range []any{wt.Kejuruan, wt.Sex, wt.G, wt.S, w} {
				set(sheet, j+1, i+2, v)
			}
		}
	}
	if r.Response != nil {
		if err := addResponseSheets(f, r.Response, lang, "", used); err != nil {
			return err
		}
	}
	if len(r.Waves) > 0 {
		sheet, _, _ := waveTexts(lang)
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		head, rows := waveTable(r.Waves, lang)
		for j, h := range head {
			setBold(sheet, j+1, 1, h)
		}
		for i, row := range rows {
			for j, v := range row {
				var x any = v
				if j > 0 && i > 0 { // numbers stay numbers
					if n, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64); err == nil {
						x = n
					}
				}
				set(sheet, j+1, i+2, x)
			}
		}
	}
	if err := used.declare(f); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// usedRanges keeps the extent of the cells written to each sheet of a workbook, to
// declare it: excelize leaves a new sheet's <dimension> at "A1", and readers that trust
// the declaration (openpyxl in read-only mode, and what is built on it) read one cell.
type usedRanges map[string][2]int

func (u usedRanges) add(sheet string, col, row int) {
	r := u[sheet]
	u[sheet] = [2]int{max(r[0], col), max(r[1], row)}
}

// declare sets the declared range of every sheet written to.
func (u usedRanges) declare(f *excelize.File) error {
	for sheet, r := range u {
		end, err := excelize.CoordinatesToCellName(r[0], r[1])
		if err != nil {
			return err
		}
		if err := f.SetSheetDimension(sheet, "A1:"+end); err != nil {
			return err
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// isMedian reports whether indicator id is a median, whose Num carries nothing: its cell is
// left blank rather than showing a 0.
func isMedian(id string) bool {
	return id == "first_job_months" || strings.HasPrefix(id, "income_median")
}

// barChart returns a horizontal bar chart of percentages from 0 to 100.
func barChart(title string, series []excelize.ChartSeries, width, height uint) *excelize.Chart {
	return &excelize.Chart{
		Type:      excelize.Bar,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Dimension: excelize.ChartDimension{Width: width, Height: height},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		XAxis:     excelize.ChartAxis{ReverseOrder: true},
		YAxis:     excelize.ChartAxis{Minimum: ptr(0.0), Maximum: ptr(100.0), MajorGridLines: true},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
	}
}
