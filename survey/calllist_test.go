package survey_test

import (
	"slices"
	"testing"
	"time"

	"tracer/survey"
)

// TestCallList: due call-backs first, then fewest attempts, then the best hour; alumni
// interviewed or with a final outcome are off the list; numbers learnt in attempts are
// offered after the roster's.
func TestCallList(t *testing.T) {
	loc := time.FixedZone("WITA", 8*3600)
	now := time.Date(2026, 11, 30, 16, 0, 0, 0, loc)
	day := time.Date(2026, 11, 29, 0, 0, 0, 0, loc)
	roster := []*survey.Respondent{
		{RosterID: "R1", PhoneRaw: "0811"}, {RosterID: "R2"}, {RosterID: "R3"}, {RosterID: "R4"},
		{RosterID: "R5"}, {RosterID: "R6"}, {RosterID: "R7"}, {RosterID: "R8"},
		{RosterID: "R9"}, {RosterID: "R10"},
	}
	at := func(id, code string, h int, cb time.Time, ch string) *survey.Attempt {
		return &survey.Attempt{ID: survey.NewID(), RosterID: id, At: day.Add(time.Duration(h) * time.Hour), Enumerator: "ani",
			Mode: survey.ModePhone, Outcome: code, Callback: cb, Channel: ch}
	}
	attempts := []*survey.Attempt{
		at("R1", "3.13", 9, time.Time{}, "0811"),
		at("R1", "2.21", 16, now.Add(-time.Hour), "0822"),                          // due: first; reached at 16 on 0822
		at("R2", "2.21", 10, now.Add(time.Hour), ""),                               // not due yet: 1 attempt
		at("R3", "2.11", 16, time.Time{}, ""),                                      // refusal: off the list
		at("R4", "3.13", 8, time.Time{}, ""), at("R4", "3.13", 9, time.Time{}, ""), // 2 attempts
		at("R5", "3.13", 16, time.Time{}, ""), // 1 attempt, cohort's best hour
		at("R6", "4.10", 9, time.Time{}, ""),  // not eligible: off
		// R7 never tried; R8 interviewed
		at("R9", "1.2", 16, time.Time{}, ""),  // interview begun by phone, a draft here: stays
		at("R10", "1.2", 16, time.Time{}, ""), // begun, no draft here: off
	}
	got := survey.CallList(roster, attempts, map[string]bool{"R8": true}, map[string]bool{"R9": true}, now)
	var ids []string
	for _, c := range got {
		ids = append(ids, c.Respondent.RosterID)
	}
	// R7: 0 attempts; R2 and R5: 1 attempt each; the cohort was reached most at 16:
	// R2 was reached at 10 (6 hours from now), R5 takes the cohort's best hour, R9 was
	// reached at 16 (its interview begun, the call may have dropped).
	if want := []string{"R1", "R7", "R5", "R9", "R2", "R4"}; !slices.Equal(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
	if !got[0].Due(now) || !slices.Equal(got[0].Numbers, []string{"0811", "0822"}) || got[0].BestHour != 16 {
		t.Errorf("R1: due %v numbers %v best %d", got[0].Due(now), got[0].Numbers, got[0].BestHour)
	}
}
