package main

import "testing"

// TestTuneGC checks that an export from a database and the server set the collector's
// percentage and a soft heap limit, keep a lower limit in force, and leave both alone when
// GOGC or GOMEMLIMIT is set.
func TestTuneGC(t *testing.T) {
	for _, gc := range []gcTuning{exportGC, serveGC} {
		testTuneGC(t, gc)
	}
}

func testTuneGC(t *testing.T, gc gcTuning) {
	if gc.percent <= 100 || gc.limit <= 64<<20 {
		t.Fatalf("%+v: the cases below need a percentage over 100 and a limit over 64 MiB", gc)
	}
	for _, tc := range []struct {
		name          string
		env           string
		limit         int64
		wantPercent   int
		wantLimit     int64
		wantLimitCall bool
	}{
		{"defaults", "", 1 << 62, gc.percent, gc.limit, true},
		{"lower limit kept", "", 64 << 20, gc.percent, 64 << 20, false},
		{"GOGC set", "GOGC", 1 << 62, 100, 1 << 62, false},
		{"GOMEMLIMIT set", "GOMEMLIMIT", 1 << 62, 100, 1 << 62, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			percent, limit, limitSet := 100, tc.limit, false
			m := &Main{
				Getenv: func(k string) string {
					if k == tc.env {
						return "50"
					}
					return ""
				},
				SetGCPercent: func(p int) int { old := percent; percent = p; return old },
				SetMemoryLimit: func(l int64) int64 {
					old := limit
					if l >= 0 {
						limit, limitSet = l, true
					}
					return old
				},
			}
			m.tuneGC(gc)
			if percent != tc.wantPercent || limit != tc.wantLimit || limitSet != tc.wantLimitCall {
				t.Errorf("GC percent %d, limit %d (set %v); want %d, %d (set %v)", percent, limit, limitSet, tc.wantPercent, tc.wantLimit, tc.wantLimitCall)
			}
		})
	}
}
