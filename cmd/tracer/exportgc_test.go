package main

import (
	"testing"

	"tracer/survey/report"
)

// TestTuneExportGC checks that an export from a database sets the collector's percentage
// and a soft heap limit (the report's for an export with non-response weights), keeps a
// lower limit in force, and leaves both alone when GOGC or GOMEMLIMIT is set.
func TestTuneExportGC(t *testing.T) {
	for _, tc := range []struct {
		name          string
		weights       bool
		env           string
		limit         int64
		wantPercent   int
		wantLimit     int64
		wantLimitCall bool
	}{
		{"defaults", false, "", 1 << 62, exportGCPercent, exportMemoryLimit, true},
		{"weights", true, "", 1 << 62, exportGCPercent, report.HeapLimit, true},
		{"lower limit kept", false, "", 64 << 20, exportGCPercent, 64 << 20, false},
		{"lower limit kept with weights", true, "", 64 << 20, exportGCPercent, 64 << 20, false},
		{"GOGC set", false, "GOGC", 1 << 62, 100, 1 << 62, false},
		{"GOMEMLIMIT set", true, "GOMEMLIMIT", 1 << 62, 100, 1 << 62, false},
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
			m.tuneExportGC(tc.weights)()
			if percent != tc.wantPercent || limit != tc.wantLimit || limitSet != tc.wantLimitCall {
				t.Errorf("GC percent %d, limit %d (set %v); want %d, %d (set %v)", percent, limit, limitSet, tc.wantPercent, tc.wantLimit, tc.wantLimitCall)
			}
		})
	}
}
