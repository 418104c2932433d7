package survey_test

import (
	"testing"

	"tracer/survey"
)

func TestMaskAnswer(t *testing.T) {
	for _, tc := range []struct{ path, value, want string }{
		{"grp_identity/nik", "6408061202040071", "6408********0071"},
		{"grp_identity/nik_clean", "6408061202040071", "6408********0071"},
		{"grp_identity/full_name", "Dimas  Gunawan", "D. G."},
		{"grp_identity/birth_date", "2004-02-12", "2004-**-**"},
		{"grp_contact/phone_main", "0857-1224-451", "0857***4451"},
		{"grp_contact/phone_main_e164", "+628571224451", "0857***4451"},
		{"grp_contact/phone_wa", "yes", "yes"},
		{"grp_contact/phone_verified_on", "2026-11-20", "2026-11-20"},
		{"grp_contact/email", "dimas@example.com", "d****@example.com"},
		{"grp_contact/email", "nonsense", "********"},
		{"household[2]/home_address", "Jl. Mawar 3", "***********"},
		{"grp_job/employer_name", "PT Bontang", "PT Bontang"},
		{"grp_job/income_exact", "5200000", "5200000"},
		{"grp_identity/nik", "", ""},
	} {
		if got := survey.MaskAnswer(tc.path, tc.value); got != tc.want {
			t.Errorf("MaskAnswer(%q, %q) = %q, want %q", tc.path, tc.value, got, tc.want)
		}
	}
}
