// Package builtin holds the form tracer ships with: the BLK alumni tracer questionnaire,
// bilingual (Bahasa Indonesia and English), kept as a Markdown XLSForm so changes to it can be
// reviewed line by line.
package builtin

import (
	_ "embed"

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
