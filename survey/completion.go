package survey

import (
	"strings"
	"unicode"
)

// The training outcomes a roster's completion column holds (docs/QUESTIONNAIRE.md); only
// CompletionPass is in G, the graduates a tracer study traces.
const (
	CompletionPass            = "pass"
	CompletionFinishedNotPass = "finished_not_pass"
	CompletionDropout         = "dropout"
)

// ParseCompletion reads the ways rosters write a training's outcome, in either language,
// any case, spacing or punctuation: pass (lulus, kompeten), finished_not_pass (selesai,
// belum kompeten, tidak lulus, fail) and dropout (tidak menyelesaikan, mengundurkan diri). It
// returns the code and whether s is one of them.
func ParseCompletion(s string) (string, bool) {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteString(w)
	}
	switch b.String() {
	case "pass", "passed", "lulus", "kompeten", "lulus_kompeten", "competent":
		return CompletionPass, true
	case "finished_not_pass", "not_pass", "not_passed", "fail", "failed", "gagal", "tidak_lulus", "belum_lulus",
		"belum_kompeten", "tidak_kompeten", "selesai", "selesai_belum_kompeten", "selesai_tidak_kompeten",
		"not_competent", "not_yet_competent", "finished":
		return CompletionFinishedNotPass, true
	case "dropout", "drop_out", "dropped_out", "tidak_menyelesaikan", "tidak_selesai", "mengundurkan_diri", "gugur", "keluar":
		return CompletionDropout, true
	}
	return "", false
}
