package main

import (
	"sync"
	"testing"
	"time"

	"tracer/survey/report"
)

// TestRaiseHeapLimit: the soft limit rises to 6/5 of the live heap once the live heap comes
// within a sixth of it, and never falls.
func TestRaiseHeapLimit(t *testing.T) {
	const mib = 1 << 20
	var set []int64
	live := uint64(0)
	m := &Main{
		ReadLiveHeap:   func() uint64 { return live },
		SetMemoryLimit: func(l int64) int64 { set = append(set, l); return 0 },
	}
	limit := int64(192 * mib)
	for _, step := range []struct {
		live uint64
		want int64
	}{
		{100 * mib, 192 * mib},
		{160 * mib, 192 * mib},
		{170 * mib, 204 * mib},
		{200 * mib, 240 * mib},
		{120 * mib, 240 * mib},
		{0, 240 * mib},
	} {
		live = step.live
		if limit = m.raiseHeapLimit(limit); limit != step.want {
			t.Fatalf("live heap %d MiB: limit %d MiB, want %d MiB", step.live/mib, limit/mib, step.want/mib)
		}
	}
	if len(set) != 2 || set[0] != 204*mib || set[1] != 240*mib {
		t.Errorf("limits set %v, want 204 MiB then 240 MiB", set)
	}
}

// TestKeepHeapRoom: the running check reads the live heap, raises the limit, and stops
// when told, after which it sets nothing.
func TestKeepHeapRoom(t *testing.T) {
	const mib = 1 << 20
	var mu sync.Mutex
	var set []int64
	read := make(chan struct{}, 1)
	m := &Main{
		ReadLiveHeap: func() uint64 {
			select {
			case read <- struct{}{}:
			default:
			}
			return 300 * mib
		},
		SetMemoryLimit: func(l int64) int64 { mu.Lock(); defer mu.Unlock(); set = append(set, l); return 0 },
	}
	stop := m.keepHeapRoom(192 * mib)
	select {
	case <-read:
	case <-time.After(10 * time.Second):
		t.Fatal("the live heap was never read")
	}
	stop()
	mu.Lock()
	n := len(set)
	got := set
	mu.Unlock()
	if n == 0 || got[0] != 360*mib {
		t.Fatalf("limits set %v, want 360 MiB first", got)
	}
	time.Sleep(3 * heapRoomEvery)
	mu.Lock()
	defer mu.Unlock()
	if len(set) != n {
		t.Errorf("limits set after stop: %v", set[n:])
	}
}

// TestLimitReportMemory: tracer report sets report.HeapLimit and reportGCPercent, keeps a
// lower limit in force, and leaves the limit alone when GOMEMLIMIT is set and the
// percentage when GOGC or GOMEMLIMIT is.
func TestLimitReportMemory(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env         string
		val         string
		limit       int64
		wantLimit   int64
		wantPercent int
	}{
		{"defaults", "", "", 1 << 62, report.HeapLimit, reportGCPercent},
		{"lower limit kept", "", "", 64 << 20, 64 << 20, reportGCPercent},
		{"GOMEMLIMIT set", "GOMEMLIMIT", "1GiB", 1 << 62, 1 << 62, 100},
		{"GOGC set", "GOGC", "50", 1 << 62, report.HeapLimit, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limit, percent := tc.limit, 100
			m := &Main{
				Getenv: func(k string) string {
					if k == tc.env {
						return tc.val
					}
					return ""
				},
				SetMemoryLimit: func(l int64) int64 {
					old := limit
					if l >= 0 {
						limit = l
					}
					return old
				},
				SetGCPercent: func(p int) int { old := percent; percent = p; return old },
			}
			m.limitReportMemory()()
			if limit != tc.wantLimit || percent != tc.wantPercent {
				t.Errorf("limit %d, GC percent %d; want %d, %d", limit, percent, tc.wantLimit, tc.wantPercent)
			}
		})
	}
}
