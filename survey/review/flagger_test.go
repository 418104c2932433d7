package review

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// TestFlaggerAgrees gives Flagger and the computation it replaced (referenceCompute, which
// holds every item) the same random interviews: NIKs and respondents shared within and
// across waves, equal start times, missing and malformed answers, records with and without
// their form, roster kejuruan over the answer's. The flags, their reasons and their order
// must be the same, and every flag must occur.
func TestFlaggerAgrees(t *testing.T) {
	form, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 7))
		items, roster := randomItems(rng, form, 600)
		cfg := Config{IncomeMin: 5, FastMin: 5}
		want := referenceCompute(items, cfg)
		got := Compute(items, cfg)
		if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
			t.Fatalf("seed %d: flags differ:\n got %.3000s\nwant %.3000s", seed, g, w)
		}
		// As the server gives it: the roster's kejuruan after the interviews, by roster id.
		f := NewFlagger(cfg)
		for _, it := range items {
			if it.Record.RespondentID != "" {
				it.Kejuruan = ""
			}
			f.Add(it)
		}
		for id, kej := range roster {
			f.RosterKejuruan(id, kej)
		}
		f.RosterKejuruan("R-without-interviews", "LAS")
		if g, w := fmt.Sprint(f.Flags()), fmt.Sprint(want); g != w {
			t.Fatalf("seed %d: flags with the roster's kejuruan given after differ:\n got %.3000s\nwant %.3000s", seed, g, w)
		}
		seen := map[string]int{}
		for _, fs := range want {
			for _, f := range fs {
				seen[f.Name]++
			}
		}
		for _, name := range FlagNames {
			if seen[name] == 0 {
				t.Errorf("seed %d: no %s flag among %d flagged interviews: the test proves little", seed, name, len(want))
			}
		}
	}
}

// randomItems returns n random items and the roster's kejuruan of their respondents: an
// item of a respondent has it as its Kejuruan (which may be ""), a walk-in any.
func randomItems(rng *rand.Rand, form *forms.Form, n int) ([]Item, map[string]string) {
	roster := map[string]string{}
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var items []Item
	for i := range n {
		a := map[string]string{
			builtin.NIK:             pick("6408061202040071", "6408 0612 0204 0071", "6408-0612-0204-0072", fmt.Sprintf("64080612020%05d", rng.IntN(400)), "1234", "1234567", "", "ABCDEFGH12"),
			builtin.InterviewDate:   pick("2026-11-20", "2026-03-02", "2027-01-15", "", "20-11-2026", "2026-11-20T10:00:00"),
			builtin.TrainingEndDate: pick("2025-04-03", "2026-12-01", "", "2026-11-20"),
			builtin.JobStartDate:    pick("2025-09-01", "2025-01-01", "2027-02-01", "", "x"),
			builtin.StatusBefore:    pick("1", "4", "5", "7", ""),
			builtin.MainStatus:      pick("1", "1", "2", "3", "6", "7", "", " 1 "),
			builtin.WorkLastWeek:    pick("yes", "no", ""),
			builtin.TempAbsent:      pick("yes", "no", ""),
			builtin.WorkCountry:     pick("ID", "id", "MY", ""),
			builtin.IncomeExact:     pick(fmt.Sprint(4_000_000+rng.IntN(3_000_000)), fmt.Sprint(rng.IntN(1_000_000)), "90000000", "", "lots", "NaN"),
			builtin.HoursWeek:       pick("48", "40", "20", ""),
			builtin.WorkRegency:     pick("6474", "6472", "9999", ""),
			builtin.Kejuruan:        pick("LAS", "TIK", "", "OTO"),
		}
		rec := &survey.Record{
			ID:           pick(fmt.Sprintf("%08x-%04x-4000-8000-%012x", rng.Uint32(), i, rng.Uint64()&0xffffffffffff), fmt.Sprintf("iv-%d", i)),
			Revision:     1 + rng.IntN(3)/2,
			FormID:       pick("blk_tracer", "blk_tracer", "employer"),
			FormVersion:  pick("1", "1", "2"),
			RespondentID: pick(fmt.Sprintf("R-%03d", rng.IntN(300)), "", "R-007"),
			StartedAt:    base.Add(time.Duration(rng.IntN(5)) * time.Hour),
		}
		if rng.IntN(20) == 0 {
			rec.StartedAt = time.Time{}
		}
		rec.FinalizedAt = rec.StartedAt.Add(time.Duration(rng.IntN(50)-5) * time.Minute)
		if rng.IntN(30) == 0 {
			rec.FinalizedAt = time.Time{}
		}
		it := Item{Record: rec, Conflicts: max(0, rng.IntN(12)-9), Kejuruan: pick("", "", "LAS", "TIK")}
		if resp := rec.RespondentID; resp != "" {
			kej, ok := roster[resp]
			if !ok {
				kej = it.Kejuruan
				roster[resp] = kej
			}
			it.Kejuruan = kej
		}
		rec.Answers = map[string]string{}
		if rng.IntN(2) == 0 {
			it.Form = form
			for name, v := range a {
				if v != "" {
					rec.Answers[form.Node(name).Path()] = v
				}
			}
		} else {
			for name, v := range a {
				rec.Answers["grp/"+name] = v
			}
		}
		rec.Answers["grp/other"] = "not read"
		items = append(items, it)
	}
	return items, roster
}
