package builtin

import (
	"bytes"
	"strings"
	"sync"
)

// Regency is a regency (kabupaten) or city (kota) of the built-in form's list
// (Kepmendagri 300.2.2-2138/2025): its four-digit BPS code and its name.
type Regency struct {
	Code string
	Name string // "Kabupaten Bandung", "Kota Bandung"
}

// Regencies returns the regencies and cities of the built-in form's choice list
// "regency", in the form's order. The slice is shared: do not change it.
var Regencies = sync.OnceValue(func() []Regency {
	var out []Regency
	for line := range bytes.Lines(source) {
		// |  | regency | 3204 | Kabupaten Bandung | Kabupaten Bandung | 32 |
		cells := strings.Split(string(line), "|")
		if len(cells) < 6 || strings.TrimSpace(cells[2]) != "regency" {
			continue
		}
		out = append(out, Regency{Code: strings.TrimSpace(cells[3]), Name: strings.TrimSpace(cells[4])})
	}
	return out
})
