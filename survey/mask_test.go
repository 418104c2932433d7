package survey_test

import (
	"testing"

	"tracer/forms"
	"tracer/survey"
)

// personalForm marks its personal questions with the personal_data column, each with how it
// is masked; the questions without it are not personal, whatever their names.
const personalForm = `
| settings |
| | form_id | version |
| | personal | 1 |

| survey |
| | type | name | label | personal_data | calculation |
| | begin group | grp_identity | Identity | |
| | text | nik | NIK | nik |
| | calculate | nik_clean | | NIK | translate(${nik}, ' .-', '') |
| | text | full_name | Name | name |
| | date | birth_date | Born | date |
| | end group | | | |
| | begin group | grp_contact | Contact | |
| | text | phone_main | Phone | phone |
| | calculate | phone_main_e164 | | phone | ${phone_main} |
| | select_one yn | phone_wa | WhatsApp? | no |
| | date | phone_verified_on | Verified | |
| | text | email | E-mail | email |
| | end group | | | |
| | begin repeat | household | Household | |
| | text | home_address | Address | yes |
| | end repeat | | | |
| | begin group | grp_job | Job | |
| | text | employer_name | Employer | |
| | integer | income_exact | Income | |
| | text | contact_phone | Employer's phone | |
| | end group | | | |
| | begin group | grp_referee | Referee | |
| | text | contact_phone | Referee's phone | phone |
| | end group | | | |

| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
`

func TestMaskAnswer(t *testing.T) {
	f, err := forms.Parse("personal.md", []byte(personalForm))
	if err != nil {
		t.Fatal(err)
	}
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
		// One name in two groups: each question masked as its own row says.
		{"grp_referee/contact_phone", "0857-1224-451", "0857***4451"},
		{"grp_job/contact_phone", "0541-123456", "0541-123456"},
	} {
		if got := survey.MaskAnswer(f, tc.path, tc.value); got != tc.want {
			t.Errorf("MaskAnswer(%q, %q) = %q, want %q", tc.path, tc.value, got, tc.want)
		}
	}
}
