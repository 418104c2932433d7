package report

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// UMKTable holds minimum wages by region code and year: regency or city codes (4 digits,
// Kemendagri) for the UMK, province codes (2 digits) for the UMP used where a regency has no
// UMK of its own.
type UMKTable struct {
	wages map[umkKey]float64
}

type umkKey struct {
	region string
	year   int
}

//go:embed umk_kaltim.csv
var kaltimCSV string

// builtinUMK names the built-in table in a report's settings (its JSON keeps this name; the
// text and the workbook say it in the report's language).
const builtinUMK = "built-in"

// DefaultUMK returns the embedded example table: the UMK of the ten regencies and cities of
// Kalimantan Timur (64) for 2025 (Keputusan Gubernur Kaltim 100.3.3.1/530/2024) and the nine
// that set one for 2026 (Pengumuman Gubernur 500.15.14.1/5096/DTKT.Srk-IV/2025; Mahakam Ulu
// falls back to the UMP), and the Kaltim UMP of both years. It is configurable data, an
// example for the built-in Bontang study: give other provinces and years with ReadUMK.
func DefaultUMK() *UMKTable {
	t, err := ReadUMK(strings.NewReader(kaltimCSV))
	if err != nil {
		panic("report: embedded UMK table: " + err.Error())
	}
	return t
}

// ReadUMK reads a minimum-wage table from CSV with the header region,year,wage (other columns
// are ignored; lines starting with # are comments). region is a 4-digit regency code for a
// UMK or a 2-digit province code for a UMP; wage is in rupiah per month.
func ReadUMK(r io.Reader) (*UMKTable, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read UMK table: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("read UMK table: empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))] = i
	}
	ri, ok1 := col["region"]
	yi, ok2 := col["year"]
	wi, ok3 := col["wage"]
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("read UMK table: header must name region, year and wage columns, got %q", rows[0])
	}
	t := &UMKTable{wages: map[umkKey]float64{}}
	for n, row := range rows[1:] {
		if len(row) <= max(ri, yi, wi) {
			return nil, fmt.Errorf("read UMK table: row %d: too few columns", n+2)
		}
		year, err := strconv.Atoi(strings.TrimSpace(row[yi]))
		if err != nil {
			return nil, fmt.Errorf("read UMK table: row %d: year %q: %w", n+2, row[yi], err)
		}
		wage, err := strconv.ParseFloat(strings.TrimSpace(row[wi]), 64)
		if err != nil || !(wage > 0) || math.IsInf(wage, 1) { // ParseFloat reads NaN and Inf
			return nil, fmt.Errorf("read UMK table: row %d: wage %q is not a positive number", n+2, row[wi])
		}
		t.wages[umkKey{strings.TrimSpace(row[ri]), year}] = wage
	}
	return t, nil
}

// Wage returns the minimum wage of regency in year: its UMK, else its province's UMP (the
// first two digits of the code), and whether there was one.
func (t *UMKTable) Wage(regency string, year int) (float64, bool) {
	if t == nil || regency == "" {
		return 0, false
	}
	if w, ok := t.wages[umkKey{regency, year}]; ok {
		return w, true
	}
	if len(regency) >= 2 {
		if w, ok := t.wages[umkKey{regency[:2], year}]; ok {
			return w, true
		}
	}
	return 0, false
}
