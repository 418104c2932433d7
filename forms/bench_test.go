package forms_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// mostQuestionsForm returns the corpus form that loads and asks the most questions (nodes
// that take an answer), whatever its file size.
func mostQuestionsForm(b *testing.B) (string, int) {
	var best string
	most := 0
	for _, p := range corpus(b) {
		f, err := forms.Load(p)
		if err != nil {
			continue
		}
		n := 0
		for _, nd := range f.Nodes {
			if nd.Kind == forms.KindQuestion {
				n++
			}
		}
		if n > most {
			best, most = p, n
		}
	}
	if best == "" {
		b.Skip("no corpus form loads")
	}
	return best, most
}

// BenchmarkLoadMostQuestionsForm parses the corpus form with the most questions from its
// bytes: unzipping, reading the sheets and compiling every expression.
func BenchmarkLoadMostQuestionsForm(b *testing.B) {
	path, n := mostQuestionsForm(b)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("form: %s (%d questions, %d bytes)", filepath.Base(path), n, len(data))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := forms.Parse(path, data); err != nil {
			b.Fatal(err)
		}
	}
}

// bigForm generates a form of top questions outside a repeat and inner questions inside it.
// Each question's relevance reads the one before it, every tenth is a calculation, and two
// calculations outside the repeat sum over it.
func bigForm(top, inner int) string {
	var b strings.Builder
	b.WriteString("| survey |\n| | type | name | label | relevant | constraint | calculation |\n")
	for i := 0; i < top; i++ {
		switch {
		case i == 0:
			b.WriteString("| | integer | t0 | T0 | | . >= 0 | |\n")
		case i%10 == 0:
			fmt.Fprintf(&b, "| | calculate | t%d | | | | ${t%d} * 2 |\n", i, i-1)
		default:
			fmt.Fprintf(&b, "| | integer | t%d | T%d | ${t%d} != 7 | . < 1000 | |\n", i, i, i-1)
		}
	}
	b.WriteString("| | begin repeat | r | R | | | |\n")
	for i := 0; i < inner; i++ {
		switch {
		case i == 0:
			b.WriteString("| | integer | q0 | Q0 | ${t1} != 99 | . >= 0 | |\n")
		case i%10 == 0:
			fmt.Fprintf(&b, "| | calculate | q%d | | | | ${q%d} + position(..) |\n", i, i-1)
		default:
			fmt.Fprintf(&b, "| | integer | q%d | Q%d | ${q%d} != 7 | . < 1000 | |\n", i, i, i-1)
		}
	}
	b.WriteString("| | end repeat | | | | | |\n")
	b.WriteString("| | calculate | total | | | | sum(${q1}) |\n")
	b.WriteString("| | calculate | n | | | | count(${r}) |\n")
	return b.String()
}

// BenchmarkAnswerChange measures one answer change on a form of 1,000 questions with 200
// repeat instances: the change and the recomputation of everything it affects.
func BenchmarkAnswerChange(b *testing.B) {
	f, err := forms.Parse("big.md", []byte(bigForm(500, 500)))
	if err != nil {
		b.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }})
	for i := 0; i < 200; i++ {
		if _, err := s.AddInstance("r"); err != nil {
			b.Fatal(err)
		}
	}
	cases := []struct {
		name string
		path func(i int) string
	}{
		// An answer inside one instance: its instance's dependents and the sums outside.
		{"inside-repeat", func(i int) string { return fmt.Sprintf("r[%d]/q1", i%200+1) }},
		// An answer outside the repeat that the next question's relevance reads.
		{"top-level", func(i int) string { return "t5" }},
	}
	// The same answers alternating between 7 and another value: the next question's
	// relevance (${prev} != 7) flips every time, and with it the chain behind it.
	flips := []struct {
		name       string
		path, next func(i int) string
	}{
		{"inside-repeat-flips", func(i int) string { return fmt.Sprintf("r[%d]/q1", i%200+1) },
			func(i int) string { return fmt.Sprintf("r[%d]/q2", i%200+1) }},
		{"top-level-flips", func(int) string { return "t5" }, func(int) string { return "t6" }},
	}
	for _, c := range flips {
		b.Run(c.name, func(b *testing.B) {
			var lat []time.Duration
			i := 0
			for b.Loop() {
				path := c.path(i)
				v := "7"
				if s.Value(path) == "7" {
					v = strconv.Itoa(i % 5)
				}
				before := s.Relevant(c.next(i))
				start := time.Now()
				if p, err := s.Set(path, v); err != nil || p != nil {
					b.Fatalf("Set(%s): %v %v", path, p, err)
				}
				lat = append(lat, time.Since(start))
				if s.Relevant(c.next(i)) == before {
					b.Fatalf("Set(%s, %s) left %s relevant=%v", path, v, c.next(i), before)
				}
				i++
			}
			reportPercentiles(b, lat)
		})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var lat []time.Duration
			i := 0
			for b.Loop() {
				path := c.path(i)
				v := strconv.Itoa((i + i/200) % 5) // a different value each time round
				if s.Value(path) == v {
					v = "9"
				}
				start := time.Now()
				if p, err := s.Set(path, v); err != nil || p != nil {
					b.Fatalf("Set(%s): %v %v", path, p, err)
				}
				lat = append(lat, time.Since(start))
				i++
			}
			reportPercentiles(b, lat)
		})
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// villagesForm writes, in dir, a form that chooses a regency, then a village of it from an
// attached file of n villages (Indonesia has about 84,000), and looks the village's name up
// with pulldata(). It returns the form's path.
func villagesForm(b *testing.B, dir string, n int) string {
	var csv strings.Builder
	csv.WriteString("name,label,regency\n")
	for i := range n {
		fmt.Fprintf(&csv, "%d,Desa %d,%d\n", 3200000000+i, i, 1000+i%514)
	}
	var regs strings.Builder
	regs.WriteString("name,label\n")
	for r := range 514 {
		fmt.Fprintf(&regs, "%d,Kabupaten %d\n", 1000+r, r)
	}
	form := "| survey |\n| | type | name | label | choice_filter | calculation |\n" +
		"| | select_one_from_file regencies.csv | reg | Regency | | |\n" +
		"| | select_one_from_file villages.csv | vil | Village | regency = ${reg} | |\n" +
		"| | calculate | vname | | | pulldata('villages', 'label', 'name', ${vil}) |\n"
	for name, text := range map[string]string{"villages.csv": csv.String(), "regencies.csv": regs.String(), "villages.md": form} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return filepath.Join(dir, "villages.md")
}

// BenchmarkAttachedVillages: a form with a list of 84,000 villages in an attached CSV.
// load: forms.Load from disk, reading both files and making the bundle whose hash the form
// takes; choices: the villages of one regency offered (the choice filter run over every
// row), as the interview screen asks on entering the question; set: choosing a village,
// with the pulldata() lookup it triggers.
func BenchmarkAttachedVillages(b *testing.B) {
	path := villagesForm(b, b.TempDir(), 84000)
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, err := forms.Load(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	f, err := forms.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{})
	if p, err := s.Set("reg", "1005"); err != nil || p != nil {
		b.Fatal(err, p)
	}
	b.Run("choices", func(b *testing.B) {
		for b.Loop() {
			if n := len(s.Choices("vil")); n != 164 {
				b.Fatalf("%d villages offered, want 164", n)
			}
		}
	})
	b.Run("set", func(b *testing.B) {
		vals := []string{"3200000005", "3200000519"}
		names := map[string]string{"3200000005": "Desa 5", "3200000519": "Desa 519"}
		i := 0
		for b.Loop() {
			if _, err := s.Set("vil", vals[i%2]); err != nil {
				b.Fatal(err)
			}
			i++
		}
		if last := vals[(i-1)%2]; s.Value("vname") != names[last] {
			b.Fatalf("vname = %q after %s, want %q", s.Value("vname"), last, names[last])
		}
	})
}
