package wire_test

import (
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/wire"
)

// TestRegencyIsItsCode checks that every request naming a regency of domicile (a roster
// upload's rows, an assignment, the links to make) holds it as its BPS code once
// validated, a name of the list read as its code, and that a value that is neither is
// refused: the TUI's and any other client's requests are checked as the CLI's are.
func TestRegencyIsItsCode(t *testing.T) {
	up := &wire.RosterUpload{Rows: []*survey.Respondent{{RosterID: "R1", Name: "Ani", Regency: "KOTA BANDUNG"}}}
	as := &wire.AssignRequest{To: "ani", AssignSelector: survey.AssignSelector{Regency: "Kab. Bandung"}}
	ln := &wire.LinkRequest{AssignSelector: survey.AssignSelector{Regency: "kota samarinda"}, FormID: "f", Expires: time.Now()}
	for _, v := range []interface{ Validate() error }{up, as, ln} {
		if err := v.Validate(); err != nil {
			t.Fatalf("%T: %v", v, err)
		}
	}
	if up.Rows[0].Regency != "3273" || as.Regency != "3204" || ln.Regency != "6472" {
		t.Errorf("regencies = %q, %q, %q; want 3273, 3204, 6472", up.Rows[0].Regency, as.Regency, ln.Regency)
	}
	bad := []interface{ Validate() error }{
		&wire.RosterUpload{Rows: []*survey.Respondent{{RosterID: "R1", Name: "Ani", Regency: "abc"}}},
		&wire.AssignRequest{To: "ani", AssignSelector: survey.AssignSelector{Regency: "Bandung"}},
		&wire.LinkRequest{AssignSelector: survey.AssignSelector{Regency: "9999"}, FormID: "f", Expires: time.Now()},
	}
	for _, v := range bad {
		err := v.Validate()
		if survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(survey.ErrorMessage(err), "regency or city") {
			t.Errorf("%T: err = %v, want the regency refused", v, err)
		}
	}
}
