package server_test

import (
	"context"
	"slices"
	"testing"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestRosterAssignments: before any assignment every laptop pulls the whole roster; once
// rows are assigned, an enumerator's laptop pulls only hers, a supervisor still pulls all,
// and a bad assignment changes nothing.
func TestRosterAssignments(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	eko := newClient(t, env.URL, testbed.Token(t, env.Users, "eko", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	rows := []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas", NIK: "6408061202040071", BatchID: "B1", Kejuruan: "LAS"},
		{RosterID: "R2", Name: "Sari", BatchID: "B1", Kejuruan: "TIK"},
		{RosterID: "R3", Name: "Budi", BatchID: "B2", Kejuruan: "TIK"},
		{RosterID: "R4", Name: "Wati", BatchID: "B2", Kejuruan: "LAS"},
	}
	if _, err := sup.UploadRoster(ctx, rows); err != nil {
		t.Fatal(err)
	}
	pulled := func(c *client.Client) []string {
		t.Helper()
		lap := testbed.NewLaptop(t)
		if _, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State}, nil); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, id := range []string{"R1", "R2", "R3", "R4"} {
			if r, err := lap.Roster.Get(ctx, id); err == nil && r != nil {
				ids = append(ids, id)
			}
		}
		return ids
	}
	all := []string{"R1", "R2", "R3", "R4"}
	if got := pulled(ani); !slices.Equal(got, all) {
		t.Fatalf("before any assignment ani pulled %v", got)
	}

	// Bad assignments: nothing changes.
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{RosterIDs: []string{"R1", "R9"}}); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Fatalf("unknown roster id: %v", err)
	}
	if _, err := sup.Assign(ctx, "sri", survey.AssignSelector{Batch: "B1"}); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("assigned to a supervisor: %v", err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{Batch: "B9"}); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Fatalf("empty batch: %v", err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{Batch: "B1", Kejuruan: "LAS"}); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("two selectors: %v", err)
	}
	if _, err := ani.Assign(ctx, "ani", survey.AssignSelector{Batch: "B1"}); survey.ErrorCode(err) != survey.EFORBIDDEN {
		t.Fatalf("an enumerator assigning: %v", err)
	}
	if got := pulled(eko); !slices.Equal(got, all) {
		t.Fatalf("after refused assignments eko pulled %v", got)
	}

	for _, a := range []struct {
		to   string
		sel  survey.AssignSelector
		want int
	}{
		{"ani", survey.AssignSelector{Batch: "B1"}, 2},
		{"eko", survey.AssignSelector{Kejuruan: "TIK"}, 2}, // R2 moves from ani to eko
		{"ani", survey.AssignSelector{RosterIDs: []string{"R4"}}, 1},
	} {
		res, err := sup.Assign(ctx, a.to, a.sel)
		if err != nil || res.Assigned != a.want || res.To != a.to {
			t.Fatalf("assign %+v to %s: %+v %v", a.sel, a.to, res, err)
		}
	}
	for name, tc := range map[string]struct {
		c    *client.Client
		want []string
	}{"ani": {ani, []string{"R1", "R4"}}, "eko": {eko, []string{"R2", "R3"}}, "sri": {sup, all}} {
		if got := pulled(tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%s pulled %v, want %v", name, got, tc.want)
		}
	}

	// A laptop that pulled before an assignment gets the newly assigned rows on its next sync.
	lap := testbed.NewLaptop(t)
	l := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State}
	if sum, err := eko.Sync(ctx, l, nil); err != nil || sum.RosterRows != 2 {
		t.Fatalf("eko's first pull: %+v %v", sum, err)
	}
	if _, err := sup.Assign(ctx, "eko", survey.AssignSelector{RosterIDs: []string{"R1"}}); err != nil {
		t.Fatal(err)
	}
	if sum, err := eko.Sync(ctx, l, nil); err != nil || sum.RosterRows != 1 {
		t.Fatalf("eko's pull after a new assignment: %+v %v", sum, err)
	}
	if r, err := lap.Roster.Get(ctx, "R1"); err != nil || r.Name != "Dimas" {
		t.Fatalf("R1 on eko's laptop: %+v %v", r, err)
	}
}
