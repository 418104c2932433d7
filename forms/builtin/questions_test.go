package builtin

import "testing"

// TestQuestionNames: every core question name is a question of the built-in form, so a
// renamed question breaks here and not silently in the report or the flags.
func TestQuestionNames(t *testing.T) {
	f, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(QuestionNames) == 0 {
		t.Fatal("no question names")
	}
	seen := map[string]bool{}
	for _, name := range QuestionNames {
		if seen[name] {
			t.Errorf("%s listed twice", name)
		}
		seen[name] = true
		if n := f.Node(name); n == nil {
			t.Errorf("the built-in form has no question %q", name)
		}
	}
}
