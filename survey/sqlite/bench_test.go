package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
)

// reportPercentiles adds p50 and p99 of the samples, in microseconds, to the benchmark.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	b.Helper()
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(p float64) float64 {
		return float64(samples[min(len(samples)-1, int(p*float64(len(samples))))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkSaveAnswer measures one durable answer save (WAL, synchronous FULL, one
// transaction with its paradata event), as the TUI does when the enumerator leaves a
// question.
func BenchmarkSaveAnswer(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	s := sqlite.NewInterviewStore(db)
	iv := &survey.Interview{FormID: "blk_tracer", Enumerator: "ani"}
	if err := s.Create(ctx, iv); err != nil {
		b.Fatal(err)
	}
	var samples []time.Duration
	i := 0
	for b.Loop() {
		path := fmt.Sprintf("q%d", i%200)
		i++
		t0 := time.Now()
		if err := saveAnswer(ctx, s, iv.ID, path, fmt.Sprint(i), survey.Event{Kind: survey.EventLeave, Path: path}); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(t0))
	}
	reportPercentiles(b, samples)
}

// BenchmarkOpenList10k measures starting up: open the store (pragmas checked, migrations
// looked up) and list all 10,000 stored interviews.
func BenchmarkOpenList10k(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), sqlite.FileName)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if err := sqlite.SeedInterviewsForTest(ctx, db, 10_000, 20); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		ivs, err := sqlite.NewInterviewStore(db).List(ctx, survey.InterviewFilter{})
		if err != nil || len(ivs) != 10_000 {
			b.Fatalf("List: %d, %v", len(ivs), err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	firstNames = strings.Fields("Joko Fajar Dimas Yusuf Gita Wahyu Agus Galih Budi Kurniawan Eko Erna Dedi Sri Rahmat Slamet " +
		"Dewi Siti Andi Lukman Hendra Sholikul Muhammad Ahmad Nur Putri Ayu Rina Indah Bayu Rudi Tono Yanti Wati Lina")
	lastNames = strings.Fields("Permana Firmansyah Hasibuan Mahendra Tanjung Santoso Susanto Pratama Hutapea Kusuma " +
		"Syahputra Wahyuni Ramadhan Daeng Maharani Gunawan Nasution Pangaribuan Anggraini Rahayu Lestari Saputra Hidayat Siregar")
)

// BenchmarkRosterSearch types queries one key at a time into a search over 50,000
// respondents, as the enumerator does, and reports the per-keystroke latency (index
// lookup, staleness check and each result's interview progress).
func BenchmarkRosterSearch(b *testing.B) { benchRosterSearch(b, false) }

// BenchmarkRosterSearchEncrypted is BenchmarkRosterSearch on a laptop whose personal
// columns are encrypted under its data key: the roster is decrypted into memory once (the
// first search after a change, reported as build-ms) and searched there.
func BenchmarkRosterSearchEncrypted(b *testing.B) { benchRosterSearch(b, true) }

func benchRosterSearch(b *testing.B, encrypted bool) {
	ctx := context.Background()
	db := openDB(b)
	if encrypted {
		c, err := vault.NewCipher(vault.NewDataKey())
		if err != nil {
			b.Fatal(err)
		}
		db.Encrypt(c)
	}
	rs := sqlite.NewRosterStore(db)
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]*survey.Respondent, 50_000)
	for i := range rows {
		rows[i] = &survey.Respondent{
			RosterID: fmt.Sprintf("BLK%02d-%05d", i%40, i),
			Name:     firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))],
			NIK:      fmt.Sprintf("6474%02d%02d%02d%02d%04d", 1+rng.IntN(9), 1+rng.IntN(28), 1+rng.IntN(12), rng.IntN(100), 1+rng.IntN(9999)),
			Phone:    fmt.Sprintf("+628%d%09d", 1+rng.IntN(3), rng.IntN(1_000_000_000)),
			Kejuruan: "TIK",
		}
	}
	if _, err := rs.Upsert(ctx, rows); err != nil {
		b.Fatal(err)
	}
	ivs := sqlite.NewInterviewStore(db)
	for i := 0; i < 2_000; i++ { // some respondents already interviewed
		if err := ivs.Create(ctx, &survey.Interview{FormID: "blk_tracer", Enumerator: "ani", RespondentID: rows[i*25].RosterID}); err != nil {
			b.Fatal(err)
		}
	}
	t0 := time.Now()
	if _, err := rs.Search(ctx, "warm up", 10); err != nil { // builds the index once
		b.Fatal(err)
	}
	build := time.Since(t0)
	var keystrokes []string
	for _, q := range []string{"siti rahayu", "permana", "hidayat", "BLK07-01234", "7890", "rud sir", "xyz"} {
		for i := range q {
			keystrokes = append(keystrokes, q[:i+1])
		}
	}
	var samples []time.Duration
	for b.Loop() {
		for _, q := range keystrokes {
			t0 := time.Now()
			if _, err := rs.Search(ctx, q, 20); err != nil {
				b.Fatal(err)
			}
			samples = append(samples, time.Since(t0))
		}
	}
	reportPercentiles(b, samples)
	b.ReportMetric(float64(len(keystrokes)), "keys/op")
	b.ReportMetric(float64(build.Milliseconds()), "build-ms")
}
