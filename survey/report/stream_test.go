package report_test

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/survey"
	"tracer/survey/report"
)

// highest returns the highest revision of each interview of recs, in recs' order of first
// appearance.
func highest(recs []*survey.Record) []*survey.Record {
	at := map[string]int{}
	var out []*survey.Record
	for _, r := range recs {
		if i, ok := at[r.ID]; !ok {
			at[r.ID] = len(out)
			out = append(out, r)
		} else if r.Revision > out[i].Revision {
			out[i] = r
		}
	}
	return out
}

// withUUIDs returns recs with each interview id replaced by a UUID, the same for every
// revision, in the ids' order, so that the streaming report's UUID form is exercised.
func withUUIDs(recs []*survey.Record) []*survey.Record {
	ids := map[string]string{}
	var out []*survey.Record
	for _, r := range recs {
		c := *r
		if ids[r.ID] == "" {
			ids[r.ID] = survey.NewID()
		}
		c.ID = ids[r.ID]
		out = append(out, &c)
	}
	return out
}

// TestComputeRosterStreams checks that the report folded from one record per interview,
// in any order, with ids that are UUIDs or not, is the report Compute makes from every
// revision: the same indicators, breakdowns, medians, weights and superseded interviews.
func TestComputeRosterStreams(t *testing.T) {
	cfg := report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), Weights: true}
	// A third valid interview of P02, so that the superseded list has two entries for one
	// person, whose order depends on the interviews' ids.
	third := answers(resps[1])
	third["grp_status/main_status"] = "3"
	base3 := append(records(), &survey.Record{ID: "iv-02-mid", Revision: 1, RespondentID: "P02", FinalizedAt: base.Add(-24 * time.Hour), Answers: third})
	for name, recs := range map[string][]*survey.Record{"ids": base3, "uuids": withUUIDs(base3)} {
		t.Run(name, func(t *testing.T) {
			want, err := report.Compute(rosterRows(), seq(recs), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Superseded) != 2 {
				t.Fatalf("superseded = %+v, want P02's two older interviews", want.Superseded)
			}
			one := highest(recs)
			for i := range 5 {
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				rng.Shuffle(len(one), func(a, b int) { one[a], one[b] = one[b], one[a] })
				got, err := report.ComputeRoster(report.RosterOf(rosterRows()), seq(one), cfg)
				if err != nil {
					t.Fatal(err)
				}
				got.Counts.Records = want.Counts.Records // every revision against one per interview
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("order %d: streamed report differs (-all revisions +streamed):\n%s", i, d)
				}
			}
		})
	}
}

// TestComputeResponseRosterStreams checks that the response rates from attempts and one
// record per interview as they stream, over the roster rows in the study's period, are
// those ComputeResponse gives over those rows.
func TestComputeResponseRosterStreams(t *testing.T) {
	study := report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	rows := rosterRows()
	var in []*survey.Respondent
	for _, r := range rows {
		if study.InPeriod(r) {
			in = append(in, r)
		}
	}
	if len(in) == len(rows) {
		t.Fatal("the roster has no row outside the period: the test would not check the period")
	}
	t0 := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	attempts := []*survey.Attempt{
		{RosterID: "P18", At: t0, Enumerator: "ani", Outcome: "2.22"},
		{RosterID: "P19", At: t0, Enumerator: "budi", Outcome: "2.11"},
		{RosterID: "P19", At: t0.Add(time.Hour), Enumerator: "ani", Outcome: "3.13"},
		{RosterID: "P31", At: t0, Enumerator: "ani", Outcome: "4.10"},
		{RosterID: "P01", At: t0, Enumerator: "budi", Outcome: "1.1"},
	}
	cfg := report.ResponseConfig{E: -1, Assignments: map[string]string{"P20": "citra"}}
	want, err := report.ComputeResponse(in, attempts, seq(records()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want.Total.Outcomes.I == 0 || want.Total.Outcomes.R == 0 || want.Total.Outcomes.NC == 0 {
		t.Fatalf("outcomes %+v: the data should give completes, refusals and non-contacts", want.Total.Outcomes)
	}
	stream := func(yield func(*survey.Attempt, error) bool) {
		for _, a := range attempts {
			if !yield(a, nil) {
				return
			}
		}
	}
	got, err := report.ComputeResponseRoster(report.RosterOf(rows), study, stream, seq(highest(records())), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("streamed response rates differ (-ComputeResponse +streamed):\n%s", d)
	}
}

// TestComputeResponseRosterSpilled checks that the response rates are the same when their
// events go to a temporary file and are read back a few rows at a time: attempts and
// interviews of one alumnus in different slices of the stream, ties in time, enumerators
// and modes.
func TestComputeResponseRosterSpilled(t *testing.T) {
	rows := rosterRows()
	t0 := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	var attempts []*survey.Attempt
	for i := range 60 {
		attempts = append(attempts, &survey.Attempt{RosterID: rows[(i*7)%len(rows)].RosterID, At: t0.Add(time.Duration(i%4) * time.Hour),
			Enumerator: []string{"ani", "budi", "", "citra"}[i%4], Outcome: []string{"2.22", "2.11", "3.13", "4.10", "1.1", "3.31"}[i%6]})
	}
	stream := func(yield func(*survey.Attempt, error) bool) {
		for _, a := range attempts {
			if !yield(a, nil) {
				return
			}
		}
	}
	cfg := report.ResponseConfig{E: -1, Assignments: map[string]string{"P20": "citra"}, TempDir: t.TempDir()}
	want, err := report.ComputeResponseRoster(report.RosterOf(rows), report.Config{}, stream, seq(highest(records())), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want.Total.Outcomes.I == 0 || want.Total.Outcomes.R == 0 || want.Total.Outcomes.NE == 0 || len(want.Modes) == 0 {
		t.Fatalf("outcomes %+v, modes %+v: the data should give completes, refusals, not eligible and modes", want.Total.Outcomes, want.Modes)
	}
	old := *report.ResponseSpill
	defer func() { *report.ResponseSpill = old }()
	*report.ResponseSpill = 100 // three events: the rest in a file, read back a few rows at a time
	spilled := false
	recs := func(yield func(*survey.Record, error) bool) {
		for r, err := range seq(highest(records())) {
			if !yield(r, err) {
				return
			}
		}
		files, _ := os.ReadDir(cfg.TempDir)
		spilled = len(files) > 0
	}
	got, err := report.ComputeResponseRoster(report.RosterOf(rows), report.Config{}, stream, recs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !spilled {
		t.Fatal("the events were not spilled to a file")
	}
	if files, _ := os.ReadDir(cfg.TempDir); len(files) > 0 {
		t.Errorf("left behind: %v", files)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("spilled response rates differ (-in memory +spilled):\n%s", d)
	}
}
