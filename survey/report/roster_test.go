package report

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"tracer/survey"
)

// TestRowsWithIDConcurrent looks every roster id up from two goroutines at once, as the
// indicators and the response rates do over one roster: each finds its own row. The index
// sorted on first use must be complete before either reads it (with -race, a lookup racing
// the sort is reported; without, a binary search over a half-sorted index misses rows).
func TestRowsWithIDConcurrent(t *testing.T) {
	const n = 20000
	ro := NewRoster()
	ids := make([]string, n)
	for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
		ids[i] = fmt.Sprintf("R%06d", p)
		ro.Add(&survey.Respondent{RosterID: ids[i]})
	}
	var wg sync.WaitGroup
	missed := make([]int, 2)
	for g := range missed {
		wg.Go(func() {
			for i, id := range ids {
				if rows := ro.rowsWithID(id); len(rows) != 1 || rows[0] != int32(i) {
					missed[g]++
				}
			}
		})
	}
	wg.Wait()
	for g, m := range missed {
		if m != 0 {
			t.Errorf("goroutine %d: %d of %d roster ids not found at their row", g, m, n)
		}
	}
}

// TestLinkRow checks each step of the linking rule (docs/INDICATORS.md, "Linking an
// interview to the roster") on a roster with people trained twice and a reporting period.
func TestLinkRow(t *testing.T) {
	const nik = "64080612020400"
	ro := RosterOf([]*survey.Respondent{
		{RosterID: "R1", NIK: nik + "71", Completion: "pass", TrainingEnd: "2025-06-30"},
		{RosterID: "R2", NIK: nik + "72", Completion: "pass", TrainingEnd: "2025-03-31"},
		{RosterID: "R3", NIK: nik + "72", Completion: "fail", TrainingEnd: "2025-09-30"},
		{RosterID: "R4", NIK: nik + "72", Completion: "pass", TrainingEnd: "2025-08-31"},
		{RosterID: "R5", NIK: nik + "75", Completion: "pass", TrainingEnd: "2023-06-30"},
		{RosterID: "R6", NIK: nik + "76", Completion: "fail", TrainingEnd: "2025-02-28"},
		{RosterID: "R7", NIK: nik + "76", Completion: "fail", TrainingEnd: "2025-05-31"},
		{RosterID: "R8", NIK: nik + "76", Completion: "fail", TrainingEnd: "2025-05-31"},
		{RosterID: "R9", NIK: nik + "72", Completion: "pass", TrainingEnd: "2024-05-31"},
	})
	cfg := Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		name                 string
		resp, confirmed, nik string
		want                 string
	}{
		{"respondent id", "R1", "R2", nik + "72", "R1"},
		{"respondent id out of the period, its person not in it, the NIK answer not tried", "R5", "", nik + "71", ""},
		{"respondent id out of the period: its person's row in it", "R9", "", "", "R4"},
		{"confirmed id out of the period: its person's row in it", "", "R9", nik + "71", "R4"},
		{"confirmed roster id", "", "R2", nik + "71", "R2"},
		{"confirmed id not in the roster: the NIK's latest passed batch", "", "R404", nik + "72", "R4"},
		{"confirmed id out of the period", "", "R5", nik + "71", "R1"},
		{"NIK written with spaces", "", "", "6408 0612 0204 0071", "R1"},
		{"NIK whose rows all failed: the latest, the first of equal ones", "", "", nik + "76", "R7"},
		{"NIK only out of the period", "", "", nik + "75", ""},
		{"NIK no row has", "", "", nik + "99", ""},
		{"nothing", "", "", "", ""},
	} {
		got := ""
		if r := ro.LinkRow(cfg, c.resp, c.confirmed, c.nik); r >= 0 {
			got = ro.ID(r)
		}
		if got != c.want {
			t.Errorf("%s: linked to %q, want %q", c.name, got, c.want)
		}
	}
}

// TestEachPersonOrder checks eachPerson, which reads the persons' order off the roster's
// indexes, against sorting the rows by person key and row: on a roster where NIKs and
// roster ids repeat, some rows have no NIK, and the rows given are a subset in any order.
func TestEachPersonOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	ro := NewRoster()
	for range 3000 {
		r := &survey.Respondent{RosterID: fmt.Sprintf("R%04d", rng.IntN(2500))}
		if rng.IntN(4) > 0 {
			r.NIK = fmt.Sprintf("3201%012d", rng.IntN(2000))
		}
		ro.Add(r)
	}
	for round := range 5 {
		var rows []int32
		for _, r := range rng.Perm(ro.Len()) {
			if round == 0 || rng.IntN(3) > 0 {
				rows = append(rows, int32(r))
			}
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, func(a, b int32) int { return cmp.Or(ro.comparePersons(a, b), cmp.Compare(a, b)) })
		var got []int32
		persons := 0
		ro.eachPerson(rows, func(person []int32) {
			persons++
			for _, r := range person[1:] {
				if ro.comparePersons(person[0], r) != 0 {
					t.Fatalf("round %d: rows %d and %d are two persons given as one", round, person[0], r)
				}
			}
			if len(got) > 0 && ro.comparePersons(got[len(got)-1], person[0]) == 0 {
				t.Fatalf("round %d: row %d's person given twice", round, person[0])
			}
			got = append(got, person...)
		})
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d rows in %d persons, not in the order of person key and row", round, len(got), persons)
		}
	}
}

// TestBreakdownKeysAsAskedOfEachPerson folds people who share one set of roster attributes
// but answered differently (domicile, work regency, interview date, none), then checks
// every breakdown's cells against the key asked of each person in turn: a dimension that
// reads the interview, found once per set of roster attributes, would put them all in one
// cell.
func TestBreakdownKeysAsAskedOfEachPerson(t *testing.T) {
	var rows []*survey.Respondent
	var recs []*survey.Record
	regencies := []string{"6474", "6472", "6401", ""}
	for i := range 24 {
		id := fmt.Sprintf("R%02d", i)
		rows = append(rows, &survey.Respondent{RosterID: id, Sex: "P", BirthDate: "1999-03-01", Kejuruan: "LAS",
			ProgramName: "Juru Las", BatchID: "B1", TrainingEnd: "2025-06-30", BudgetYear: "2025",
			Funding: "apbn", Regency: "6474", Education: "5", Completion: "pass"})
		if i%6 == 5 {
			continue // not reached
		}
		recs = append(recs, &survey.Record{ID: fmt.Sprintf("iv-%02d", i), Revision: 1, RespondentID: id,
			FinalizedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Answers: map[string]string{
				"grp_consent/consent":            "yes",
				"grp_consent/interview_date":     fmt.Sprintf("%d-%02d-15", 2025+i%2, 1+i%12),
				"grp_status/main_status":         "1",
				"grp_identity/domicile_regency":  regencies[i%4],
				"grp_job/work_regency":           regencies[(i+1)%4],
				"grp_training/training_end_date": "2025-06-30",
			}})
	}
	seq := func(yield func(*survey.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
	cfg := Config{By: Dimensions}
	f, err := FoldRoster(RosterOf(rows), seq, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := f.e
	rep, err := f.Report()
	if err != nil {
		t.Fatal(err)
	}
	asOf, _ := time.Parse(time.DateOnly, rep.Settings.AsOf)
	split := 0
	for _, b := range rep.Breakdowns {
		want := map[string]int{}
		for i := range e.members {
			want[e.attr(&e.members[i], b.Dimension, asOf)]++
		}
		got := map[string]int{}
		for _, c := range b.Cells {
			got[c.Key] = c.N.T
		}
		if len(want) > 1 {
			split++
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: cells %v, asked of each person %v", b.Dimension, got, want)
		}
	}
	if split < 3 {
		t.Fatalf("only %d breakdowns tell these people apart; the test shows nothing", split)
	}
}

// TestAnswersNamedAsOneByOne reads the response rates' questions of records whose answers
// sit at the top, in groups, in repeats and under look-alike names, with a picker: from
// the records' maps, and from the same records read by name under two lists of names in
// turn (the picker finds its places again for each). Each answer is checked against
// AnswerNamed asked name by name.
func TestAnswersNamedAsOneByOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	prefixes := []string{"", "grp/", "a/b/", "rep[1]/", "grp/rep[2]/", "x"}
	others := []string{"consents", "status", "nik_other", "xnik", "mode_", "date"}
	lists := []*survey.NameIndex{
		survey.NewNameIndex(AnswerNames()),
		survey.NewNameIndex(append([]string{"status", "date"}, reversed(rateNames[:])...)),
	}
	p := newPicker(rateNames[:])
	found := 0
	for round := range 2000 {
		r := &survey.Record{ID: "iv", Revision: 1, Answers: map[string]string{}}
		used := map[string]bool{}
		for i, n := range rateNames {
			if rng.IntN(3) == 0 {
				continue
			}
			pre := prefixes[rng.IntN(len(prefixes))]
			if !strings.Contains(pre, "[") && used[n] {
				continue
			}
			used[n] = true
			r.Answers[pre+n] = fmt.Sprint("v", i, pre)
		}
		for _, n := range others {
			if rng.IntN(2) == 0 {
				r.Answers[prefixes[rng.IntN(len(prefixes))]+n] = "other"
			}
		}
		body, err := r.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		byName, err := survey.DecodeRecordByName(body, lists[round%2])
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range []*survey.Record{r, byName} {
			var got [len(rateNames)]string
			p.pick(rec, got[:])
			for i, n := range rateNames {
				if want := AnswerNamed(r, n); got[i] != want || AnswerNamed(rec, n) != want {
					t.Fatalf("%v (by name %v): %s = %q and %q, AnswerNamed of the map says %q",
						r.Answers, rec.Named.Names != nil, n, got[i], AnswerNamed(rec, n), want)
				}
				if got[i] != "" {
					found++
				}
			}
		}
	}
	if found < 2000 {
		t.Fatalf("only %d answers found: the records test little", found)
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// TestRosterKeepsNoRowBytes adds rows whose strings share one copy of their row's bytes, as
// survey.RosterScanner gives them: what the roster keeps of them is its own, so that a
// million rows do not keep a million rows' bytes.
func TestRosterKeepsNoRowBytes(t *testing.T) {
	ro := NewRoster()
	var rd survey.RecordReader
	type span struct{ lo, hi uintptr }
	var rows []span
	for i := range 50 {
		body := fmt.Sprintf(`{"roster_id":"R%02d","nik":"64740101010%05d","full_name":"Orang %d","sex":"P",`+
			`"institution":"BLK %d","kejuruan":"LAS","program_name":"Juru Las %d","batch_id":"B%d",`+
			`"training_end_date":"2025-06-30","budget_year":"2025","funding":"apbn","completion":"lulus",`+
			`"domicile_regency":"6474","education":"5","extra":{"cert_assessed":"yes","cert_result":"competent"}}`, i, i, i, i, i, i)
		r, err := rd.DecodeRespondent([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		// The row's copy starts where its roster id lies, less the id's offset in the body.
		lo := addr(r.RosterID) - uintptr(strings.Index(body, r.RosterID))
		row := span{lo, lo + uintptr(len(body))}
		if a := addr(r.ProgramName); a < row.lo || a >= row.hi {
			t.Fatalf("row %d: the decoder gave strings of their own; the test shows nothing", i)
		}
		rows = append(rows, row)
		ro.Add(r)
	}
	if len(ro.attrs) != 50 {
		t.Fatalf("%d sets of roster attributes, want 50", len(ro.attrs))
	}
	for i, a := range ro.attrs {
		for _, s := range []string{a.kejuruan, a.program, a.institution, a.batch, a.budgetYear, a.funding, a.sex,
			a.regency, a.education, a.trainingEndText, a.completion, a.certAssessed, a.certResult} {
			if p := addr(s); s != "" && p >= rows[i].lo && p < rows[i].hi {
				t.Errorf("row %d: %q is kept inside the row's bytes", i, s)
			}
		}
	}
}

func addr(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }

// TestPersonsByIDAsSorted checks the members' order read off the roster's index by roster
// id against sorting them, on rosters where roster ids and NIKs repeat, some rows have no
// NIK and some lie outside the reporting period.
func TestPersonsByIDAsSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for round := range 5 {
		var rows []*survey.Respondent
		for range 3000 {
			r := &survey.Respondent{RosterID: fmt.Sprintf("R%04d", rng.IntN(2200)), Completion: "pass",
				TrainingEnd: fmt.Sprintf("%d-06-30", 2023+rng.IntN(3))}
			if rng.IntN(4) > 0 {
				r.NIK = fmt.Sprintf("3201%012d", rng.IntN(1800))
			}
			rows = append(rows, r)
		}
		cfg := withDefaults(Config{})
		if round > 0 {
			cfg.From, cfg.To = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
		}
		e := newEngine(RosterOf(rows), cfg)
		e.ro.sortedByID() // as linking makes it
		want := make([]int32, len(e.members))
		for i := range want {
			want[i] = int32(i)
		}
		sortRows(want, e.comparePersonsByID)
		got := e.personsByID()
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d members in another order than sorted (%d)", round, len(got), len(want))
		}
		if ties := len(e.members) - len(slices.CompactFunc(slices.Clone(want), func(a, b int32) bool {
			return string(e.ro.ids.bytes(e.members[a].rep)) == string(e.ro.ids.bytes(e.members[b].rep))
		})); ties == 0 {
			t.Fatalf("round %d: no two members share a roster id; the test shows little", round)
		}
	}
}

// TestRowsWithIDAsSearched looks roster ids up through their hash, on rosters where ids
// repeat (runs of one to five rows), against a binary search of the rows sorted by id:
// every id present, ids absent, the empty id.
func TestRowsWithIDAsSearched(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	for _, n := range []int{1, 7, 3000} {
		ro := NewRoster()
		for range n {
			ro.Add(&survey.Respondent{RosterID: fmt.Sprintf("R%d", rng.IntN(n/2+1))})
		}
		if n > 1 {
			ro.Add(&survey.Respondent{}) // a row without an id
		}
		repeated := 0
		for i := range n + 10 {
			id := fmt.Sprintf("R%d", i)
			want := rowsWith(ro.sortedByID(), &ro.ids, id)
			got := ro.rowsWithID(id)
			if !slices.Equal(got, want) {
				t.Fatalf("%d rows: rows with id %q %v, searched %v", n, id, got, want)
			}
			if len(want) > 1 {
				repeated++
			}
		}
		if got, want := ro.rowsWithID(""), rowsWith(ro.sortedByID(), &ro.ids, ""); !slices.Equal(got, want) {
			t.Fatalf("%d rows: rows without an id %v, searched %v", n, got, want)
		}
		if n == 3000 && repeated < 100 {
			t.Fatalf("only %d ids repeat; the test shows little", repeated)
		}
	}
}

// TestAnswersInOrder folds interviews that come in a scattered order, then moves the
// summaries into the persons' order: every member keeps its own summary, and the cells'
// order reads them one after the other.
func TestAnswersInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	var rows []*survey.Respondent
	var recs []*survey.Record
	for i := range 2000 {
		id := fmt.Sprintf("R%04d", i)
		rows = append(rows, &survey.Respondent{RosterID: id, Completion: "pass", TrainingEnd: "2025-06-30"})
		if i%5 != 0 {
			recs = append(recs, &survey.Record{ID: fmt.Sprintf("iv-%04d", i), Revision: 1, RespondentID: id,
				Answers: map[string]string{"grp_consent/consent": "yes", "grp_status/main_status": "1",
					"grp_consent/interview_date": fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28)}})
		}
	}
	rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	f, err := FoldRoster(RosterOf(rows), func(yield func(*survey.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := f.e
	before := map[int32]summary{}
	moved := 0
	order := e.personsByID()
	for _, p := range order {
		if m := &e.members[p]; m.ans >= 0 {
			before[p] = *e.answers.at(m.ans)
			if int(m.ans) != len(before)-1 {
				moved++
			}
		}
	}
	if moved < 100 {
		t.Fatalf("only %d summaries out of the persons' order; the test shows little", moved)
	}
	e.answersInOrder(order)
	next := int32(0)
	for _, p := range order {
		m := &e.members[p]
		if m.ans < 0 {
			continue
		}
		if m.ans != next {
			t.Fatalf("member %d's summary at %d, want %d", p, m.ans, next)
		}
		if fmt.Sprintf("%+v", *e.answers.at(m.ans)) != fmt.Sprintf("%+v", before[p]) { // NaN is no NaN
			t.Fatalf("member %d's summary changed: %+v, was %+v", p, *e.answers.at(m.ans), before[p])
		}
		next++
	}
	if int(next) != len(recs) {
		t.Fatalf("%d summaries in order, want %d", next, len(recs))
	}
}
