// Package builtin holds the form tracer ships with: the BLK alumni tracer questionnaire,
// bilingual (Bahasa Indonesia and English), kept as a Markdown XLSForm so changes to it can be
// reviewed line by line.
package builtin

import (
	"embed"
	"fmt"

	"tracer/forms"
)

// Name is the file name of the built-in form's source.
const Name = "blk-tracer.md"

//go:embed blk-tracer.md
var source []byte

// Source returns the built-in form's source bytes (a Markdown XLSForm).
func Source() []byte { return source }

// Load compiles the built-in form.
func Load() (*forms.Form, error) { return forms.Parse(Name, source) }

//go:embed personas/*.json
var personas embed.FS

// Personas names the built-in form's personas: one complete interview each of an employed,
// a self-employed and an unemployed alumnus and of one who refuses. Tests, the load
// generator and people trying the program fill the form with them ("tracer form fill
// builtin --answers FILE").
var Personas = []string{"employed", "self-employed", "unemployed", "refused"}

// Persona returns the answers of the named persona as JSON, question name to answer, the
// input of Session.Fill and of "tracer form fill --answers".
func Persona(name string) ([]byte, error) {
	b, err := personas.ReadFile("personas/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("persona %q: %w", name, err)
	}
	return b, nil
}
