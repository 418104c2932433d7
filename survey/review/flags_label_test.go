package review

import (
	"testing"
	"unicode/utf8"
)

// TestFlagLabels: every flag has a name for people in both UI languages, of at most 20
// characters, different from its code and from the other flags' names; a flag the program
// does not know keeps its code.
func TestFlagLabels(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		seen := map[string]string{}
		for _, name := range FlagNames {
			l := FlagLabel(name, lang)
			if l == name || l == "" || utf8.RuneCountInString(l) > 20 {
				t.Errorf("%s: flag %s is shown as %q", lang, name, l)
			}
			if other, ok := seen[l]; ok {
				t.Errorf("%s: flags %s and %s are both shown as %q", lang, other, name, l)
			}
			seen[l] = name
		}
	}
	if FlagLabel("future_flag", "id") != "future_flag" {
		t.Error("an unknown flag is not shown by its code")
	}
	if FlagLabel(FlagFast, "id") == FlagLabel(FlagFast, "en") {
		t.Error("the Indonesian and English names are the same")
	}
}
