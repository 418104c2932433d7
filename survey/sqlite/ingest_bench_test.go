package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/storetest"
)

// processCPU returns the CPU time (user and system) this process has used so far.
func processCPU(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIngestGroup measures the store's part of the server's ingestion: one group
// commit of n new interviews of 32 accounts, each with a body of about 2 KB, on a
// server database that grows through the run (WAL, synchronous FULL). It reports the
// process's CPU time per interview (cpu-µs/interview), which another process sharing the
// cores does not inflate as it does the wall time.
func BenchmarkIngestGroup(b *testing.B) {
	for _, n := range []int{1, 6, 32, 500} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			store := sqlite.NewSubmissionStore(openDB(b))
			answer := strings.Repeat("x", 2000)
			batch := make([]*survey.Submission, n)
			var interviews int
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				for i := range batch {
					batch[i] = storetest.Submission(b, survey.NewID(), 1, answer)
					batch[i].SubmittedBy = fmt.Sprintf("enum%02d", i%32)
				}
				b.StartTimer()
				c0 := processCPU(b)
				rcs, err := store.Ingest(ctx, batch)
				cpu += processCPU(b) - c0
				if err != nil || len(rcs) != n || rcs[n-1].Status != survey.ReceiptStored {
					b.Fatalf("ingest: %v", err)
				}
				interviews += n
			}
			b.ReportMetric(float64(cpu.Microseconds())/float64(interviews), "cpu-µs/interview")
		})
	}
}
