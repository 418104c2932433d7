package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"tracer/survey"
	"tracer/survey/sqlite"
)

func TestRosterStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	db := openAt(t, path)
	db.Now = clock()
	rs := sqlite.NewRosterStore(db)
	ivs := sqlite.NewInterviewStore(db)

	rows := []*survey.Respondent{
		{RosterID: "R1", Name: "Joko Permana", NIK: "6474060307910001", Phone: "+62899324611836", Extra: map[string]string{"Catatan": "x"}},
		{RosterID: "R2", Name: "Siti Permatasari", NIK: "6474064307910002"},
		{RosterID: "R3", Name: "Andi", NIK: "6474060307910001"},
	}
	res, err := rs.Upsert(ctx, rows)
	must(t, err)
	if res != (survey.UpsertResult{Inserted: 3}) {
		t.Errorf("first upsert %+v", res)
	}
	res, err = rs.Upsert(ctx, rows)
	must(t, err)
	if res != (survey.UpsertResult{Unchanged: 3}) {
		t.Errorf("same rows again %+v", res)
	}
	got, err := rs.Get(ctx, "R1")
	must(t, err)
	if diff := cmp.Diff(rows[0], got, cmpopts.IgnoreFields(survey.Respondent{}, "UpdatedAt")); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	same, err := rs.ByNIK(ctx, "6474060307910001")
	must(t, err)
	if len(same) != 2 || same[0].RosterID != "R1" || same[1].RosterID != "R3" {
		t.Errorf("ByNIK = %+v", same)
	}
	_, err = rs.Get(ctx, "nope")
	wantCode(t, err, survey.ENOTFOUND)
	_, err = rs.Upsert(ctx, []*survey.Respondent{{RosterID: "R9"}})
	wantCode(t, err, survey.EINVALID)

	// Search reports each respondent's progress.
	a := create(t, ivs, "R1")
	create(t, ivs, "R2")
	if _, err := finalize(ctx, ivs, a.ID); err != nil {
		t.Fatal(err)
	}
	search := func(q string) []string {
		t.Helper()
		ms, err := rs.Search(ctx, q, 10)
		must(t, err)
		var out []string
		for _, m := range ms {
			out = append(out, m.Respondent.RosterID+" "+string(m.Progress))
		}
		return out
	}
	if diff := cmp.Diff([]string{"R1 done", "R2 draft"}, search("perma")); diff != "" {
		t.Errorf("search (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"R3 none"}, search("andi")); diff != "" {
		t.Errorf("search (-want +got):\n%s", diff)
	}

	// A change made through another connection (another process) reaches the index.
	other := openAt(t, path)
	if _, err := sqlite.NewRosterStore(other).Upsert(ctx, []*survey.Respondent{{RosterID: "R3", Name: "Andi Permadi", NIK: "6474060307910001"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"R3 none", "R1 done", "R2 draft"}, search("perma")); diff != "" {
		t.Errorf("search after update (-want +got):\n%s", diff)
	}
	if n, err := rs.Count(ctx); err != nil || n != 3 {
		t.Errorf("Count = %d, %v", n, err)
	}
}

// TestRosterUpsertMirrors: a laptop's roster takes each pulled row as the server has it,
// an emptied value and a dropped extra column included; keeping stored values is the
// importer's part (roster.Import), not the store's.
func TestRosterUpsertMirrors(t *testing.T) {
	ctx := context.Background()
	rs := sqlite.NewRosterStore(openAt(t, filepath.Join(t.TempDir(), sqlite.FileName)))
	_, err := rs.Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Ani", Regency: "6474", Extra: map[string]string{"alamat": "Jl. Mawar"}}})
	must(t, err)
	res, err := rs.Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Ani"}})
	must(t, err)
	got, err := rs.Get(ctx, "R1")
	must(t, err)
	if res.Updated != 1 || got.Regency != "" || len(got.Extra) != 0 {
		t.Errorf("after the server's row without regency and extra column: %+v, stored %+v", res, got)
	}
}
