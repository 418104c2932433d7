package builtin_test

import (
	"testing"

	"tracer/forms/builtin"
)

// TestRegenciesAreTheFormsList checks that Regencies reads the same codes and names as the
// compiled form's choice list "regency".
func TestRegenciesAreTheFormsList(t *testing.T) {
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := f.Lists["regency"]
	got := builtin.Regencies()
	if l == nil || len(got) != len(l.Choices) || len(got) != 514 {
		t.Fatalf("Regencies has %d, the form's list %v", len(got), l)
	}
	for i, c := range l.Choices {
		if got[i].Code != c.Name || got[i].Name != c.Label.In("", f.Languages) {
			t.Errorf("regency %d = %+v, form has %s %q", i, got[i], c.Name, c.Label.In("", f.Languages))
		}
	}
}
