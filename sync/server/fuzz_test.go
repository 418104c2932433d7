package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// FuzzPush sends arbitrary bodies to the push handler on a real database: the server never
// panics, always answers JSON with 200, 400 or 413, and never stores a record the form
// engine did not accept.
func FuzzPush(f *testing.F) {
	id := "0b6f1f4e-8a44-4a8e-9a2b-6f0e4b1d2c3a"
	body, hash, err := testbed.Record(id, "ani", 1, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(wire.PushRequest{Items: []wire.PushItem{{ID: id, Revision: 1, Hash: hash, Body: body}}})
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"hours_week":"48"`), []byte(`"hours_week":"480"`), 1))
	f.Add(bytes.Replace(good, []byte(`"consent"`), []byte(`"nonsense"`), 1))
	f.Add([]byte(`{"items":[{"id":"` + id + `","revision":1,"hash":"` + hash + `","body":{}}]}`))
	f.Add([]byte(`{"items":[`))
	env := testbed.NewEnv(f, nil, nil)
	tok := testbed.Token(f, env.Users, "ani", survey.RoleEnumerator)
	f.Fuzz(func(t *testing.T, data []byte) {
		req := httptest.NewRequest("POST", "/api/v1/interviews/push", bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		env.Server.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			var resp wire.PushResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("200 with a body that is not a push response: %v", err)
			}
			for _, rc := range resp.Receipts {
				if rc.Safe() {
					sub, err := env.Subs.Get(t.Context(), rc.InterviewID, rc.Revision)
					if err != nil || survey.HashBytes(sub.Body) != sub.Hash {
						t.Fatalf("receipt %+v without a matching stored row: %v", rc, err)
					}
				}
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			var e wire.Error
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" {
				t.Fatalf("%d with a body that is not a JSON error: %q", rec.Code, rec.Body.Bytes())
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	})
}
