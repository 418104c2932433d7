package report

import (
	"reflect"
	"testing"
)

// TestTextsComplete: every fixed text of the report exists in both languages, and every
// breakdown and distribution has its labels.
func TestTextsComplete(t *testing.T) {
	for name, tx := range map[string]texts{"id": indonesian, "en": english} {
		v := reflect.ValueOf(tx)
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: text %s is empty", name, v.Type().Field(i).Name)
			}
		}
	}
	for _, d := range []Dimension{ByKejuruan, ByProgram, ByInstitution, ByBatch, ByBudgetYear, ByYear, ByFunding, BySex,
		ByRegency, ByWindow, ByAge, ByEducation} {
		if DimensionLabel(d, "id") == "" || DimensionLabel(d, "en") == "" {
			t.Errorf("breakdown %s has no label", d)
		}
	}
	for id, l := range distLabels {
		if l[0] == "" || l[1] == "" {
			t.Errorf("distribution %s has an empty label", id)
		}
	}
}
