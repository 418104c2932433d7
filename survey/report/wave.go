package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tracer/survey"
)

// WaveColumn is one wave of the waves comparison: its populations, its headline
// indicators and its response rates, each computed over that wave's attempts and
// interviews alone.
type WaveColumn struct {
	Wave     string      `json:"wave"`
	StartsAt string      `json:"starts_at"`
	N        Populations `json:"n"`
	Values   []Value     `json:"values"`
	E        float64     `json:"e"`
	Outcomes Outcomes    `json:"outcomes"`
	Rates    Rates       `json:"rates"`
}

// waveRates are the response rates the waves comparison shows.
var waveRates = []string{"RR1", "RR2", "RR3", "RR4", "RR5", "RR6", "COOP1", "REF1", "CON1"}

// CompareWave returns the comparison column of wave w from its own report r and
// response-rate section res (nil when it has none): the populations, the headline
// indicators and the rates.
func CompareWave(w survey.Wave, r *Report, res *Response) WaveColumn {
	c := WaveColumn{Wave: w.Name, StartsAt: w.StartsAt.UTC().Format(time.DateOnly), N: r.Total.N}
	for _, v := range r.Total.Values {
		if in, ok := Lookup(v.ID); ok && in.Headline {
			c.Values = append(c.Values, v)
		}
	}
	if res != nil {
		c.E, c.Outcomes, c.Rates = res.E, res.Total.Outcomes, res.Total.Rates
	}
	return c
}

// InterviewTime is the time that places an interview record in a wave: when the
// interview was started on the laptop (the same for every revision, so a correction
// after the next wave began stays in its wave), else when it was finalized.
func InterviewTime(r *survey.Record) time.Time {
	return survey.InterviewTime(r.StartedAt, r.FinalizedAt)
}

// waveTexts names the comparison's rows in lang.
func waveTexts(lang string) (title, starts, wave string) {
	if strings.EqualFold(lang, "en") {
		return "Waves compared", "starts", "Wave"
	}
	return "Perbandingan gelombang", "mulai", "Gelombang"
}

// waveTable lays the waves comparison out as rows of a label and one value per wave:
// the start, T, G, S, the headline indicators (percentages) and the response rates.
func waveTable(cols []WaveColumn, lang string) (head []string, rows [][]string) {
	_, starts, _ := waveTexts(lang)
	head = []string{""}
	for _, c := range cols {
		head = append(head, c.Wave)
	}
	add := func(label string, f func(c WaveColumn) string) {
		row := []string{label}
		for _, c := range cols {
			row = append(row, f(c))
		}
		rows = append(rows, row)
	}
	add(starts, func(c WaveColumn) string { return c.StartsAt })
	add("T", func(c WaveColumn) string { return strconv.Itoa(c.N.T) })
	add("G", func(c WaveColumn) string { return strconv.Itoa(c.N.G) })
	add("S", func(c WaveColumn) string { return strconv.Itoa(c.N.S) })
	if len(cols) > 0 {
		for i, v := range cols[0].Values {
			in, _ := Lookup(v.ID)
			add(in.Label(lang), func(c WaveColumn) string {
				if i >= len(c.Values) || c.Values[i].Pct == nil {
					return "-"
				}
				return num(*c.Values[i].Pct, 1, lang)
			})
		}
	}
	add("e", func(c WaveColumn) string { return num(c.E, 4, lang) })
	add("I/P/R/NC/O/U/NE", func(c WaveColumn) string {
		o := c.Outcomes
		return fmt.Sprintf("%d/%d/%d/%d/%d/%d/%d", o.I, o.P, o.R, o.NC, o.O, o.U, o.NE)
	})
	for _, n := range waveRates {
		add(n+" %", func(c WaveColumn) string { return rateText(c.Rates.Get(n), lang) })
	}
	return head, rows
}

// writeWaveLines writes the waves comparison, three waves side by side at a time so that
// every line fits 80 columns.
func writeWaveLines(line func(format string, args ...any), cols []WaveColumn, lang string) {
	title, _, _ := waveTexts(lang)
	line("%s", title)
	for from := 0; from < len(cols); from += 3 {
		part := cols[from:min(from+3, len(cols))]
		head, rows := waveTable(part, lang)
		var b strings.Builder
		b.WriteString(fit(head[0], 34))
		for _, h := range head[1:] {
			b.WriteString(" " + pad(fit(h, 14), 14))
		}
		line("%s", strings.TrimRight(b.String(), " "))
		line("%s", strings.Repeat("─", 34+15*len(part)))
		for _, row := range rows {
			b.Reset()
			b.WriteString(fit(row[0], 34))
			for _, v := range row[1:] {
				b.WriteString(" " + pad(v, 14))
			}
			line("%s", b.String())
		}
		line("")
	}
}
