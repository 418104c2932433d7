package survey_test

import (
	"strings"
	"testing"
	"time"

	"tracer/survey"
)

// TestWaveAt: a time belongs to the last wave started at or before it; before the first
// wave started, to the first; with no waves, to none.
func TestWaveAt(t *testing.T) {
	d := func(m int) time.Time { return time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	waves := []survey.Wave{{Name: "6 bulan", StartsAt: d(3)}, {Name: "12 bulan", StartsAt: d(9)}}
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{d(1), "6 bulan"}, {d(3), "6 bulan"}, {d(9).Add(-time.Second), "6 bulan"}, {d(9), "12 bulan"}, {d(12), "12 bulan"},
	} {
		if got := survey.WaveAt(waves, c.at); got != c.want {
			t.Errorf("WaveAt(%v) = %q, want %q", c.at, got, c.want)
		}
	}
	if got := survey.WaveAt(nil, d(1)); got != "" {
		t.Errorf("no waves: %q", got)
	}
	for name, ok := range map[string]bool{"6 bulan": true, "": false, " 6": false, "a\tb": false, "x\x00": false,
		"0123456789012345678901234567890123456789": true, "01234567890123456789012345678901234567890": false} {
		if err := survey.CheckWaveName(name); (err == nil) != ok {
			t.Errorf("CheckWaveName(%q) = %v", name, err)
		}
	}
}

// TestCurrentWaveCounts: only the attempts and completed interviews recorded in the
// current wave count (an interview by when it was begun, else when finalized); with no
// waves, all of them do.
func TestCurrentWaveCounts(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	waves := []survey.Wave{{Name: "6 bulan", StartsAt: t1}, {Name: "12 bulan", StartsAt: t2}}
	as := []*survey.Attempt{
		{RosterID: "R0", At: t1.AddDate(0, 0, -3)}, // before the first wave: the first wave's
		{RosterID: "R1", At: t2.Add(-time.Second)},
		{RosterID: "R2", At: t2},
		{RosterID: "R3", At: t2.AddDate(0, 1, 0)},
	}
	var got []string
	for _, a := range survey.WaveAttempts(waves, as) {
		got = append(got, a.RosterID)
	}
	if strings.Join(got, ",") != "R2,R3" {
		t.Errorf("attempts of the current wave: %v", got)
	}
	if n := len(survey.WaveAttempts(nil, as)); n != 4 {
		t.Errorf("attempts without waves: %d", n)
	}
	ivs := []*survey.Interview{
		{RespondentID: "R1", State: survey.StateSent, StartedAt: t2.AddDate(0, 0, -1), UpdatedAt: t2.AddDate(0, 0, 1)},
		{RespondentID: "R2", State: survey.StateFinalized, StartedAt: t2.AddDate(0, 0, 1)},
		{RespondentID: "R3", State: survey.StateDraft, StartedAt: t2.AddDate(0, 0, 1)},
		{RespondentID: "R4", State: survey.StateReturned, UpdatedAt: t2.AddDate(0, 0, 2)},
	}
	if got := survey.Interviewed(waves, ivs); len(got) != 2 || !got["R2"] || !got["R4"] {
		t.Errorf("interviewed in the current wave: %v", got)
	}
	if got := survey.Interviewed(nil, ivs); len(got) != 3 || !got["R1"] || !got["R2"] || !got["R4"] {
		t.Errorf("interviewed without waves: %v", got)
	}
	if !survey.InWave(waves, "6 bulan", t1.AddDate(-1, 0, 0)) || survey.InWave(waves, "6 bulan", t2) || !survey.InWave(nil, "", t2) {
		t.Error("InWave places times as WaveAt does")
	}
	if survey.CurrentWave(waves) != "12 bulan" || survey.CurrentWave(nil) != "" {
		t.Error("CurrentWave")
	}
}
