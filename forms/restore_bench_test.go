//go:build unix

package forms_test

import (
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
)

// BenchmarkCheckStored checks a stored interview of the built-in form (the employed
// persona) as the server does with every pushed one: restore the answers, then list the
// problems. "restore" starts the session with RestoreSession, "check" calls CheckAnswers,
// which builds its session in the memory of the previous check, "new+restore" starts with
// NewSession then Restore, which computes the form twice. Besides the wall time it reports
// the process's CPU time per check (cpu-ns/op), which a busy machine does not inflate.
func BenchmarkCheckStored(b *testing.B) {
	f, err := builtin.Load()
	if err != nil {
		b.Fatal(err)
	}
	src, err := builtin.Persona("employed")
	if err != nil {
		b.Fatal(err)
	}
	var in map[string]any
	if err := json.Unmarshal(src, &in); err != nil {
		b.Fatal(err)
	}
	opt := forms.Options{Now: func() time.Time { return fixedNow }}
	s := forms.NewSession(f, opt)
	if errs := s.Fill(in); len(errs) > 0 {
		b.Fatal(errs[0])
	}
	answers := s.Answers()
	b.Run("restore", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			s, unknown := forms.RestoreSession(f, opt, answers)
			if len(unknown) > 0 || len(s.Problems()) > 0 {
				b.Fatal("the persona does not restore cleanly")
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			probs, unknown := forms.CheckAnswers(f, opt, answers)
			if len(unknown) > 0 || len(probs) > 0 {
				b.Fatal("the persona does not restore cleanly")
			}
		}
	})
	b.Run("new+restore", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			s := forms.NewSession(f, opt)
			if len(s.Restore(answers)) > 0 || len(s.Problems()) > 0 {
				b.Fatal("the persona does not restore cleanly")
			}
		}
	})
}

// reportCPU starts counting the process's CPU time (user and system, garbage collection
// included) and returns the function that reports it per iteration as cpu-ns/op.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
	}
}
