package builtin_test

import (
	"testing"
	"time"

	"tracer/forms"
)

// TestPrefillAndDefaults: roster values prefill their questions, the interview date starts as
// today, and the province of residence follows the roster's regency.
func TestPrefillAndDefaults(t *testing.T) {
	s := forms.NewSession(load(t), forms.Options{Now: func() time.Time { return now }, Prefill: map[string]string{
		"roster_id": "BTG25-0001", "nik": "6474060307910001", "full_name": "Joko Permana", "sex": "L",
		"domicile_regency": "6474", "training_end_date": "2025-03-29",
	}})
	for path, want := range map[string]string{
		"grp_consent/interview_date":    "2026-11-22",
		"grp_identity/domicile_prov":    "64",
		"grp_identity/domicile_regency": "6474",
		"grp_consent/roster_id":         "BTG25-0001",
	} {
		if got := s.Value(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}
