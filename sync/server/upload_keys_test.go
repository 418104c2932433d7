package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestRosterUploadReplyKeys: the answer to a roster upload names its counts in lower case,
// as every other answer of the API does, and the laptop's client still reads them.
func TestRosterUploadReplyKeys(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	body, _ := json.Marshal(map[string]any{"rows": []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan", Kejuruan: "Teknik Las"}}})
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/roster", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	var keys map[string]int
	if err := json.Unmarshal(got, &keys); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("roster upload: %d %s (%v)", resp.StatusCode, got, err)
	}
	if len(keys) != 3 || keys["inserted"] != 1 || keys["updated"] != 0 || keys["unchanged"] != 0 {
		t.Errorf("roster upload answered %s, want inserted, updated and unchanged in lower case", got)
	}
	c, err := client.NewClient(env.URL, client.WithToken(tok))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.UploadRoster(t.Context(), []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan", Kejuruan: "Teknik Las"},
		{RosterID: "R2", Name: "Sri Wahyuni", Kejuruan: "Menjahit"}})
	if err != nil || res != (survey.UpsertResult{Inserted: 1, Unchanged: 1}) {
		t.Errorf("the client read %+v (%v), want 1 inserted and 1 unchanged", res, err)
	}
}
