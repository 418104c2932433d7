package export_test

import (
	"fmt"
	"io"
	"iter"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

// benchForm returns a form of 100 questions: 40 integers, 30 select_one, 25 texts and 5
// select_multiple of 3 choices (so 122 columns with the metadata and the 0/1 columns).
func benchForm(b *testing.B) (*forms.Form, []string) {
	var sb strings.Builder
	sb.WriteString("| survey |\n| | type | name | label |\n")
	var names []string
	for i := range 100 {
		var typ string
		switch {
		case i < 40:
			typ = "integer"
		case i < 70:
			typ = "select_one l5"
		case i < 95:
			typ = "text"
		default:
			typ = "select_multiple l3"
		}
		name := fmt.Sprintf("q%03d", i)
		names = append(names, name)
		fmt.Fprintf(&sb, "| | %s | %s | Question %d |\n", typ, name, i)
	}
	sb.WriteString("| choices |\n| | list_name | name | label |\n")
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&sb, "| | l5 | %d | Option %d |\n", i, i)
	}
	for _, c := range []string{"a", "b", "c"} {
		fmt.Fprintf(&sb, "| | l3 | %s | Choice %s |\n", c, c)
	}
	f, err := forms.Parse("bench.md", []byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	return f, names
}

// benchInterviews yields n interviews lazily, their answers sorted by path (names are), as
// a store's export reader gives them. The record and its answer list are reused, as a
// database cursor would; the exporter must not keep them.
func benchInterviews(n int, names []string) iter.Seq2[export.Interview, error] {
	return func(yield func(export.Interview, error) bool) {
		rec := &survey.Record{Revision: 1, FormVersion: "2026.1", Enumerator: "enum01",
			StartedAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
		answers := make([]survey.Answer, len(names))
		texts := []string{"Juru las SMAW", "PT Bontang Teknik, Divisi \"Fabrikasi\"", "=cmd", "Jl. Merdeka 12\nBontang", ""}
		for i := range n {
			rec.ID = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
			rec.RespondentID = "BTG25-" + strconv.Itoa(i%672)
			rec.FinalizedAt = rec.StartedAt.Add(time.Duration(i) * time.Second)
			for j, name := range names {
				answers[j].Path = name
				switch {
				case j < 40:
					answers[j].Value = strconv.Itoa((i*7 + j*13) % 5000000)
				case j < 70:
					answers[j].Value = strconv.Itoa(1 + (i+j)%5)
				case j < 95:
					answers[j].Value = texts[(i+j)%len(texts)]
				default:
					answers[j].Value = []string{"a", "a c", "b", "a b c"}[(i+j)%4]
				}
			}
			if !yield(export.Interview{Record: rec, Answers: answers}, nil) {
				return
			}
		}
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// vmHWM returns the process's peak resident set size in MB (Linux), or 0.
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkExport writes b.N interviews of the 100-question form in one export, so
// -benchtime=1000000x measures a 1,000,000-interview export. It reports the peak resident
// set size of the process (VmHWM) and the output size. It measures the writers alone: one
// reused record with its answers sorted (as WriteInterviews gets them from a store), no
// database, no roster, no derived columns. BenchmarkWriteExport in sync/server drives the
// real path, from a server database.
//
//	go test -run='^$' -bench='Export/csv' -benchtime=1000000x ./survey/export
func BenchmarkExport(b *testing.B) {
	for _, format := range []export.Format{export.CSV, export.XLSX, export.JSONL} {
		b.Run(string(format), func(b *testing.B) {
			f, names := benchForm(b)
			w := &countWriter{}
			b.ResetTimer()
			st, err := export.WriteInterviews(w, f, benchInterviews(b.N, names), export.Options{Format: format, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if st.Interviews != b.N {
				b.Fatalf("%d interviews written, want %d", st.Interviews, b.N)
			}
			b.ReportMetric(vmHWM(), "peakRSS-MB")
			b.ReportMetric(float64(w.n)/1e6, "out-MB")
		})
	}
}
