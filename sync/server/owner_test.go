package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// TestRevisionsBelongToTheirEnumerator: another enumerator (or a supervisor) cannot push a
// revision of ani's interview, cannot push an interview naming ani, cannot skip revisions;
// each gets a clear 403 or 409 receipt, nothing of it is stored, and ani's own correction
// still lands.
func TestRevisionsBelongToTheirEnumerator(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	eko := newClient(t, env.URL, testbed.Token(t, env.Users, "eko", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))

	lap := testbed.NewLaptop(t)
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 1)
	if err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: lap.Interviews, State: lap.State}
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Count(survey.OutcomeStored) != 1 {
		t.Fatalf("ani's first sync: %+v %v", sum, err)
	}
	id := items[0].InterviewID
	if _, err := sup.Return(ctx, id, 1, "Cek upah"); err != nil {
		t.Fatal(err)
	}

	at := time.Now().Add(-time.Hour)
	item := func(id, enumerator string, rev int) wire.PushItem {
		t.Helper()
		body, hash, err := testbed.Record(id, enumerator, rev, at)
		if err != nil {
			t.Fatal(err)
		}
		return wire.PushItem{ID: id, Revision: rev, Hash: hash, Body: body}
	}
	other := survey.NewID()
	cases := []struct {
		name   string
		c      *client.Client
		item   wire.PushItem
		code   string
		status int
	}{
		{"eko's revision 2 of ani's interview", eko, item(id, "eko", 2), survey.EFORBIDDEN, 403},
		{"eko's revision 1048576 of ani's interview", eko, item(id, "eko", 1<<20), survey.EFORBIDDEN, 403},
		{"eko's revision 2 naming ani", eko, item(id, "ani", 2), survey.EFORBIDDEN, 403},
		{"eko's other content for ani's revision 1", eko, item(id, "eko", 1), survey.EFORBIDDEN, 403},
		{"eko's new interview naming ani", eko, item(other, "ani", 1), survey.EFORBIDDEN, 403},
		{"a supervisor's revision 2 of ani's interview", sup, item(id, "sri", 2), survey.EFORBIDDEN, 403},
		{"ani skipping to revision 3", ani, item(id, "ani", 3), survey.ECONFLICT, 409},
		{"a new interview starting at revision 2", eko, item(survey.NewID(), "eko", 2), survey.ECONFLICT, 409},
	}
	for _, tc := range cases {
		resp, err := tc.c.Push(ctx, []wire.PushItem{tc.item})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		rc := resp.Receipts[0]
		if rc.Status != survey.ReceiptRefused || rc.Code != tc.code || rc.HTTPStatus != tc.status || rc.Message == "" {
			t.Errorf("%s: receipt %+v, want refused %s %d", tc.name, rc, tc.code, tc.status)
		}
	}
	if n, err := env.Subs.Count(ctx); err != nil || n != 1 {
		t.Fatalf("%d revisions stored after the refused pushes (%v), want 1", n, err)
	}
	if cs, err := env.Subs.Conflicts(ctx, id, 1); err != nil || len(cs) != 0 {
		t.Fatalf("another account's content was kept as a conflict: %+v %v", cs, err)
	}
	d, err := sup.Review(ctx, id)
	if err != nil || d.Review.State != survey.ReviewReturned || d.Review.Revision != 1 {
		t.Fatalf("review after the refused pushes: %+v %v", d, err)
	}

	// Ani's laptop pulls the return, corrects the interview as revision 2 and pushes it.
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Returned != 1 {
		t.Fatalf("ani's second sync: %+v %v", sum, err)
	}
	if _, err := lap.Interviews.Correct(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := lap.Interviews.SaveProgress(ctx, id, survey.Changes{Answers: []survey.Answer{{Path: "grp_job/income_exact", Value: "6100000"}}}); err != nil {
		t.Fatal(err)
	}
	stored, err := lap.Interviews.Answers(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lap.Interviews.Finalize(ctx, id, stored); err != nil {
		t.Fatal(err)
	}
	sum, err := ani.Sync(ctx, laptop, nil)
	if err != nil || sum.Count(survey.OutcomeStored) != 1 || !sum.Complete() {
		t.Fatalf("ani's correction: %+v %v", sum, err)
	}
	d, err = sup.Review(ctx, id)
	if err != nil || d.Review.State != survey.ReviewResubmitted || d.Review.Revision != 2 || d.Review.SubmittedBy != "ani" {
		t.Fatalf("review after ani's correction: %+v %v", d.Review, err)
	}

	// A laptop whose interview names another account records the refusal and stops
	// sending it.
	lap2 := testbed.NewLaptop(t)
	if _, err := testbed.Seed(ctx, lap2.Interviews, "ani", 1); err != nil {
		t.Fatal(err)
	}
	laptop2 := client.Laptop{Interviews: lap2.Interviews, State: lap2.State}
	if sum, err := eko.Sync(ctx, laptop2, nil); err != nil || sum.Count(survey.OutcomeConflict, survey.OutcomeRefused) != 1 || sum.With(survey.OutcomeConflict, survey.OutcomeRefused)[0].Code != survey.EFORBIDDEN {
		t.Fatalf("eko's sync of an interview naming ani: %+v %v", sum, err)
	}
	if sum, err := eko.Sync(ctx, laptop2, nil); err != nil || sum.Skipped != 1 || sum.Count(survey.OutcomeWaiting) != 0 {
		t.Fatalf("eko's second sync: %+v %v", sum, err)
	}
	if n, err := env.Subs.Count(ctx); err != nil || n != 2 {
		t.Fatalf("%d revisions stored, want 2 (%v)", n, err)
	}
}

// TestReturnPagesAreBoundedInBytes: a page of returns (an enumerator's pull and a relay's)
// ends once its records pass ReturnPageBytes, with at least one return, and the pages
// still carry every return with its record. A page held up to 1,000 returns whatever the
// size of their records (up to 1 MB each).
func TestReturnPagesAreBoundedInBytes(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, func(c *server.Config) { c.ReturnPageBytes = 1 }, nil)
	aniTok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	supTok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	ani, sup := newClient(t, env.URL, aniTok), newClient(t, env.URL, supTok)
	lap := testbed.NewLaptop(t)
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := ani.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil || sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("ani's sync: %+v %v", sum, err)
	}
	for _, it := range items {
		if _, err := sup.Return(ctx, it.InterviewID, 1, "Cek upah"); err != nil {
			t.Fatal(err)
		}
	}
	for route, tok := range map[string]string{"/api/v1/returned": aniTok, "/api/v1/relay/returned": supTok} {
		after, pages, records := int64(0), 0, 0
		for more := true; more; pages++ {
			if pages > 10 {
				t.Fatalf("%s: pages do not end", route)
			}
			req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s%s?after=%d", env.URL, route, after), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var page wire.ReturnedResponse
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %v", route, resp.StatusCode, err)
			}
			if len(page.Returns) != 1 {
				t.Errorf("%s: a page of %d returns, want 1 (its record passes the bound)", route, len(page.Returns))
			}
			for _, n := range page.Returns {
				if len(n.Record) > 0 {
					records++
				}
			}
			after, more = page.Next, page.More
		}
		if records != len(items) {
			t.Errorf("%s: %d pages carried %d records, want %d", route, pages, records, len(items))
		}
	}
}
