package survey_test

import (
	"testing"
	"time"

	"tracer/survey"
)

// TestFinalDisposition: one final code per alumnus from its attempts and interviews.
func TestFinalDisposition(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	ev := func(codes ...string) []survey.DispositionEvent {
		var out []survey.DispositionEvent
		for i, c := range codes {
			out = append(out, survey.DispositionEvent{Code: c, At: t0.Add(time.Duration(i) * time.Hour)})
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		events []survey.DispositionEvent
		want   string
	}{
		{"nothing recorded", nil, "3.11"},
		{"unanswered calls: the latest", ev("3.13", "3.12", "3.31"), "3.31"},
		{"a call-back is not undone by a later unanswered call", ev("3.13", "2.21", "3.13"), "2.21"},
		{"a refusal is not undone by a later unanswered call", ev("3.13", "2.11", "3.13"), "2.11"},
		{"a complete after a refusal", ev("2.11", "1.1"), "1.1"},
		{"a complete is never undone", ev("1.1", "2.11", "3.13"), "1.1"},
		{"a partial, then a complete", ev("1.2", "1.1"), "1.1"},
		{"a complete, then a partial", ev("1.1", "1.2"), "1.1"},
		{"not eligible over a refusal", ev("2.11", "4.10"), "4.10"},
		{"deceased over non-contact", ev("2.31", "2.22"), "2.31"},
		{"unknown codes are ignored", ev("9.9", "3.13"), "3.13"},
		{"the later of two of a class", ev("2.22", "2.21"), "2.21"},
	} {
		if got := survey.FinalDisposition(tc.events); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// Order in the list does not matter, time does.
	rev := []survey.DispositionEvent{{Code: "3.31", At: t0.Add(2 * time.Hour)}, {Code: "3.13", At: t0}}
	if got := survey.FinalDisposition(rev); got != "3.31" {
		t.Errorf("events out of order: %s", got)
	}
}

// TestDispositionTable: every code is unique, has both labels and a class, and the
// classes follow AAPOR's numbering (1 interview, 2 eligible non-interview, 3 unknown
// eligibility, 4 not eligible).
func TestDispositionTable(t *testing.T) {
	seen := map[string]bool{}
	want := map[byte][]survey.Class{'1': {survey.ClassComplete, survey.ClassPartial},
		'2': {survey.ClassRefusal, survey.ClassNonContact, survey.ClassOther}, '3': {survey.ClassUnknown}, '4': {survey.ClassIneligible}}
	for _, d := range survey.Dispositions {
		if seen[d.Code] || d.ID == "" || d.EN == "" {
			t.Errorf("%s: repeated or without labels", d.Code)
		}
		seen[d.Code] = true
		ok := false
		for _, c := range want[d.Code[0]] {
			ok = ok || c == d.Class
		}
		if !ok {
			t.Errorf("%s in class %s", d.Code, d.Class)
		}
		if got, found := survey.LookupDisposition(d.Code); !found || got.Code != d.Code {
			t.Errorf("lookup %s: %+v", d.Code, got)
		}
	}
	if d, ok := survey.LookupDisposition("2.210"); !ok || d.Code != "2.21" {
		t.Errorf("2.210: %+v %v", d, ok)
	}
	if _, ok := survey.LookupDisposition("2.2"); ok {
		t.Error("2.2 is a group, not a code")
	}
}
