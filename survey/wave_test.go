package survey_test

import (
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
