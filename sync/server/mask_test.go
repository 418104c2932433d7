package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// The personal answers of the seeded interview (sync/testbed/employed.json) in full.
var personal = []string{"6408061202040071", "Dimas Gunawan", "2004-02-12", "08571224451", "571224451", "dimas.gunawan@example.com"}

// TestPersonalDataOnlyInTheExport: one stored revision read by a supervisor and an analyst
// through GET /api/v1/interviews/{id}/{revision}, and by a supervisor through the review
// detail, shows personal answers masked; the analyst's export has them in full.
func TestPersonalDataOnlyInTheExport(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	enum := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	supTok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	anaTok := testbed.Token(t, env.Users, "ana", survey.RoleAnalyst)
	lap := testbed.NewLaptop(t)
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enum.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil {
		t.Fatal(err)
	}
	id := items[0].InterviewID
	if !bytes.Contains(items[0].Body, []byte(personal[0])) {
		t.Fatal("the seeded interview holds no NIK to mask")
	}

	get := func(tok, path string) []byte {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, buf.Bytes())
		}
		return buf.Bytes()
	}
	for who, tok := range map[string]string{"supervisor": supTok, "analyst": anaTok} {
		raw := get(tok, "/api/v1/interviews/"+id+"/1")
		var resp server.InterviewResponse
		if err := json.Unmarshal(raw, &resp); err != nil {
			t.Fatal(err)
		}
		for _, p := range personal {
			if bytes.Contains(raw, []byte(p)) || bytes.Contains(resp.Body, []byte(p)) {
				t.Errorf("GET interview as %s shows %q in full", who, p)
			}
		}
		rec, err := survey.DecodeRecord(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		a := rec.Answers
		if !resp.Masked || a["grp_identity/nik"] != "6408********0071" || a["grp_identity/full_name"] != "D. G." ||
			a["grp_identity/birth_date"] != "2004-**-**" || a["grp_job/income_exact"] != "5200000" ||
			a["grp_contact/phone_wa"] != "yes" || a["grp_contact/phone_verified_on"] != "2026-11-20" {
			t.Errorf("GET interview as %s: masked %v, answers %v", who, resp.Masked, rec.Answers)
		}
	}
	raw := get(supTok, "/api/v1/review/"+id)
	for _, p := range personal {
		if bytes.Contains(raw, []byte(p)) {
			t.Errorf("review detail shows %q in full", p)
		}
	}
	var export bytes.Buffer
	if _, err := newClient(t, env.URL, anaTok).Export(ctx, client.ExportQuery{Format: "jsonl", Revisions: "latest"}, &export); err != nil {
		t.Fatal(err)
	}
	for _, p := range personal[:3] {
		if !bytes.Contains(export.Bytes(), []byte(p)) {
			t.Errorf("the analyst's export lacks %q", p)
		}
	}
}
