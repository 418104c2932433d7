package testbed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/wire"
)

// Matrix is a server RoleMatrix runs against.
type Matrix struct {
	// URL is the server's; Users its account store (or one on the same database).
	URL   string
	Users survey.UserStore
	// Prefix starts the names of the accounts the matrix makes, so that it can run several
	// times on one database (once per server sharing it).
	Prefix string
	// LaptopKeyStatus is what POST /api/v1/laptop-key answers an allowed caller who sends
	// bytes not sealed to the server: 404 on a server without a key pair, 400 with one.
	LaptopKeyStatus int
	// RelayAccountsStatus is what GET /api/v1/relay/accounts answers a supervisor: 404 on
	// a server without an account directory, 200 with one.
	RelayAccountsStatus int
	// NoRosterUpdates says the server keeps no roster updates: their routes answer 404,
	// but for the laptops' push, answered 200 with every update "waiting".
	NoRosterUpdates bool
	// NoAssignmentHistory says the server keeps no history of assignments: its route
	// answers 404.
	NoAssignmentHistory bool
	// NoWaves says the server keeps no waves: adding one answers 404.
	NoWaves bool
	// SupervisorReturns is how many returns a supervisor pulls at the end: the matrix
	// makes one; earlier runs on the same database made theirs.
	SupervisorReturns int
}

// waveHours numbers the waves the role matrices add, in hours after 2026-01-01, so that
// every wave starts after the one before even when several servers share one database.
var waveHours atomic.Int64

// RoleMatrix calls every route as every role, with no token and with a revoked token, and
// checks each status against the roles written out here, apart from server.Routes, so that
// a change to either is caught. It returns the revisions it pushed.
func RoleMatrix(t *testing.T, m Matrix) []*survey.OutboxItem {
	t.Helper()
	ctx := context.Background()
	r1 := m.Prefix + "R1" // the roster row the matrix assigns and proposes updates for
	tokens := map[string]string{
		"enumerator": Token(t, m.Users, m.Prefix+"ani", survey.RoleEnumerator),
		"supervisor": Token(t, m.Users, m.Prefix+"sri", survey.RoleSupervisor),
		"analyst":    Token(t, m.Users, m.Prefix+"ana", survey.RoleAnalyst),
		"admin":      Token(t, m.Users, m.Prefix+"adi", survey.RoleAdmin),
		"revoked":    Token(t, m.Users, m.Prefix+"rev", survey.RoleSupervisor),
		"none":       "",
	}
	if err := m.Users.Revoke(ctx, m.Prefix+"rev"); err != nil {
		t.Fatal(err)
	}
	// A stored interview to read and return.
	id := survey.NewID()
	body, hash, err := Record(id, m.Prefix+"ani", 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(m.URL, client.WithToken(tokens["enumerator"]))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := c.Push(ctx, []wire.PushItem{{ID: id, Revision: 1, Hash: hash, Body: body}}); err != nil || !resp.Receipts[0].Safe() {
		t.Fatalf("fixture push: %+v %v", resp, err)
	}
	// A second one to approve.
	id2 := survey.NewID()
	body2, hash2, err := Record(id2, m.Prefix+"ani", 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := c.Push(ctx, []wire.PushItem{{ID: id2, Revision: 1, Hash: hash2, Body: body2}}); err != nil || !resp.Receipts[0].Safe() {
		t.Fatalf("fixture push: %+v %v", resp, err)
	}
	want := []*survey.OutboxItem{{InterviewID: id, Revision: 1, Hash: hash}, {InterviewID: id2, Revision: 1, Hash: hash2}}
	// Two roster updates to accept and reject, on a server that keeps them.
	sup, err := client.NewClient(m.URL, client.WithToken(tokens["supervisor"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: r1, Name: "Sari"}}); err != nil {
		t.Fatal(err)
	}
	// Given to this run's enumerator, so that her proposals are taken on a database where
	// earlier runs made assignments.
	if _, err := sup.Assign(ctx, m.Prefix+"ani", survey.AssignSelector{RosterIDs: []string{r1}}); err != nil {
		t.Fatal(err)
	}
	// A self-response link to revoke.
	if _, err := sup.Publish(ctx, builtin.Name, builtin.Source()); err != nil {
		t.Fatal(err)
	}
	made, err := sup.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{r1}}, "blk_tracer", time.Now().Add(time.Hour))
	if err != nil || len(made) != 1 || made[0].Token == "" || made[0].Respondent.Name != "Sari" {
		t.Fatalf("fixture link: %+v %v", made, err)
	}
	proposal := func(f survey.UpdateField, v string) *survey.RosterUpdate {
		return &survey.RosterUpdate{ID: survey.NewID(), RosterID: r1, Field: f, Value: v, ProposedBy: m.Prefix + "ani", ProposedAt: time.Now().Add(-time.Minute)}
	}
	toAccept, toReject := proposal(survey.FieldPhone, "+6281355550101"), proposal(survey.FieldName, "Sari Dewi")
	updates := 200
	if m.NoRosterUpdates {
		updates = 404
	} else if resp, err := c.PushRosterUpdates(ctx, []*survey.RosterUpdate{toAccept, toReject}); err != nil ||
		resp.Receipts[0].Status != survey.ReceiptStored || resp.Receipts[1].Status != survey.ReceiptStored {
		t.Fatalf("fixture roster updates: %+v %v", resp, err)
	}

	assignments := 200
	if m.NoAssignmentHistory {
		assignments = 404
	}

	waves := 200
	if m.NoWaves {
		waves = 404
	}
	n := 0
	var pushed *survey.OutboxItem
	pushBody := func() any {
		id := survey.NewID()
		b, h, _ := Record(id, m.Prefix+"ani", 1, time.Now())
		pushed = &survey.OutboxItem{InterviewID: id, Revision: 1, Hash: h}
		return wire.PushRequest{DeviceTime: time.Now(), Items: []wire.PushItem{{ID: id, Revision: 1, Hash: h, Body: b}}}
	}
	const E, S, A, D = "enumerator", "supervisor", "analyst", "admin"
	public := []string{E, S, A, D, "none", "revoked"}
	routes := []struct {
		pattern string
		allowed []string // nil: public
		status  int      // for an allowed caller
		body    func() any
		ctype   string // of an allowed caller's answer; JSON when empty
	}{
		{"GET /healthz", public, 200, nil, ""},
		{"POST /api/v1/enroll", public, 401, func() any { return wire.EnrollRequest{Code: "AAAA-AAAA"} }, ""},
		{"GET /api/v1/me", []string{E, S, A, D}, 200, nil, ""},
		// A server without a key pair keeps no laptop keys (404); one with a key refuses
		// bytes not sealed to it (400). TestPINRecovery covers the route's success.
		{"POST /api/v1/laptop-key", []string{E, S, A, D}, m.LaptopKeyStatus, func() any {
			return wire.LaptopKeyRequest{LaptopID: "L1", Sealed: []byte{1, 2, 3}}
		}, ""},
		{"GET /api/v1/forms", []string{E, S, A, D}, 200, nil, ""},
		{"POST /api/v1/forms", []string{S, D}, 200, func() any { return wire.PublishRequest{Name: builtin.Name, Source: builtin.Source()} }, ""},
		{"GET /api/v1/forms/blk_tracer/2026.12.1", []string{E, S, A, D}, 200, nil, ""},
		{"POST /api/v1/forms/blk_tracer/retire", []string{S, D}, 200, nil, ""},
		{"POST /api/v1/roster", []string{S, D}, 200, func() any {
			return wire.RosterUpload{Rows: []*survey.Respondent{{RosterID: r1, Name: "Sari"}}}
		}, ""},
		{"GET /api/v1/roster?after=0", []string{E, S, A, D}, 200, nil, ""},
		{"POST /api/v1/roster/assign", []string{S, D}, 200, func() any {
			return wire.AssignRequest{To: m.Prefix + "ani", AssignSelector: survey.AssignSelector{RosterIDs: []string{r1}}}
		}, ""},
		{"GET /api/v1/roster/assignments?history=1", []string{S, D}, assignments, nil, ""},
		{"POST /api/v1/roster/updates/push", []string{E, S}, 200, func() any {
			return wire.RosterUpdatePushRequest{DeviceTime: time.Now(), Updates: []*survey.RosterUpdate{proposal(survey.FieldRegency, "6474")}}
		}, ""},
		{"GET /api/v1/roster/updates?status=pending", []string{S}, updates, nil, ""},
		{"POST /api/v1/roster/updates/" + toAccept.ID + "/accept", []string{S}, updates, func() any { return wire.DecideRequest{} }, ""},
		{"POST /api/v1/roster/updates/" + toReject.ID + "/reject", []string{S}, updates, func() any { return wire.DecideRequest{Reason: "ejaan"} }, ""},
		{"POST /api/v1/interviews/push", []string{E, S}, 200, pushBody, ""},
		{"POST /api/v1/attempts/push", []string{E, S}, 200, func() any {
			return wire.AttemptPushRequest{DeviceTime: time.Now(), Attempts: []*survey.Attempt{{ID: survey.NewID(), RosterID: r1,
				At: time.Now().Add(-time.Minute), Enumerator: m.Prefix + "ani", Mode: survey.ModePhone, Outcome: "3.13"}}}
		}, ""},
		{"GET /api/v1/attempts/assigned?after=0", []string{E, S}, 200, nil, ""},
		{"GET /api/v1/attempts", []string{S, A}, 200, nil, ""},
		{"GET /api/v1/interviews", []string{S, A}, 200, nil, ""},
		{"GET /api/v1/interviews/" + id + "/1", []string{S, A}, 200, nil, ""},
		{"POST /api/v1/interviews/" + id + "/return", []string{S}, 200, func() any {
			return wire.ReturnRequest{Revision: 1, Comment: "Cek upah", Questions: []survey.QuestionComment{{Path: "income_exact", Comment: "Bulanan?"}}}
		}, ""},
		{"POST /api/v1/interviews/" + id2 + "/approve", []string{S}, 200, func() any { return wire.ApproveRequest{Revision: 1} }, ""},
		{"GET /api/v1/returned", []string{E, S}, 200, nil, ""},
		{"GET /api/v1/approved", []string{E, S}, 200, nil, ""},
		{"GET /api/v1/refused", []string{E, S}, 200, nil, ""},
		{"GET /api/v1/review?state=returned", []string{S}, 200, nil, ""},
		{"GET /api/v1/review/" + id, []string{S}, 200, nil, ""},
		{"GET /api/v1/coverage", []string{S}, 200, nil, ""},
		{"GET /api/v1/progress", []string{S}, 200, nil, ""},
		{"GET /api/v1/links", []string{S, D}, 200, nil, ""},
		{"POST /api/v1/links", []string{S, D}, 201, func() any {
			return wire.LinkRequest{AssignSelector: survey.AssignSelector{RosterIDs: []string{r1}}, FormID: "blk_tracer", Expires: time.Now().Add(time.Hour)}
		}, ""},
		{"POST /api/v1/links/" + made[0].Link.ID + "/revoke", []string{S, D}, 200, nil, ""},
		{"GET /api/v1/waves", []string{E, S, A, D}, 200, nil, ""},
		{"POST /api/v1/waves", []string{S, D}, waves, func() any {
			n++
			return wire.WaveRequest{Name: fmt.Sprintf("%swave %d", m.Prefix, n), StartsAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(waveHours.Add(1)) * time.Hour)}
		}, ""},
		{"GET /api/v1/export?format=jsonl&revisions=approved", []string{A}, 200, nil, "application/x-ndjson"},
		{"GET /api/v1/report?by=kejuruan&format=text", []string{S, A}, 200, nil, "text/plain; charset=utf-8"},
		// A server without an account directory lists no accounts for a relay (404);
		// sync/relay covers the routes on a server that has one.
		{"GET /api/v1/relay/accounts", []string{S}, m.RelayAccountsStatus, nil, ""},
		{"POST /api/v1/relay/push", []string{S}, 200, func() any {
			p := pushBody().(wire.PushRequest)
			return wire.RelayPushRequest{For: m.Prefix + "ani", PushRequest: p}
		}, ""},
		{"POST /api/v1/relay/attempts", []string{S}, 200, func() any {
			return wire.RelayAttemptsRequest{For: m.Prefix + "ani", AttemptPushRequest: wire.AttemptPushRequest{DeviceTime: time.Now(), Attempts: []*survey.Attempt{{ID: survey.NewID(), RosterID: r1,
				At: time.Now().Add(-time.Minute), Enumerator: m.Prefix + "ani", Mode: survey.ModePhone, Outcome: "3.13"}}}}
		}, ""},
		{"GET /api/v1/relay/roster?after=0", []string{S}, 200, nil, ""},
		{"GET /api/v1/relay/returned?after=0", []string{S}, 200, nil, ""},
		{"GET /api/v1/relay/approved?after=0", []string{S}, 200, nil, ""},
		{"POST /api/v1/relay/roster-updates", []string{S}, 200, func() any {
			return wire.RelayRosterUpdatesRequest{For: m.Prefix + "ani", RosterUpdatePushRequest: wire.RosterUpdatePushRequest{DeviceTime: time.Now(),
				Updates: []*survey.RosterUpdate{{ID: survey.NewID(), RosterID: r1, Field: survey.FieldRegency, Value: "Kota Samarinda",
					ProposedBy: m.Prefix + "ani", ProposedAt: time.Now().Add(-time.Minute)}}}}
		}, ""},
		// Verifiers of unused codes: on a server with an account directory only, as the
		// accounts; a confirmation with a code the server never issued is refused, 200.
		{"GET /api/v1/relay/codes", []string{S}, m.RelayAccountsStatus, nil, ""},
		{"POST /api/v1/relay/enroll", []string{S}, 200, func() any {
			return wire.RelayEnrollRequest{Code: "ACDE-2345", User: m.Prefix + "ani", TokenHash: survey.HashSecret(survey.NewToken()),
				EnrolledAt: time.Now()}
		}, ""},
		{"GET /api/v1/users", []string{D}, 200, nil, ""},
		{"POST /api/v1/users", []string{D}, 201, func() any {
			n++
			return wire.UserRequest{Name: fmt.Sprintf("%snew%d", m.Prefix, n), Role: survey.RoleEnumerator}
		}, ""},
	}
	if len(routes) != len(server.Routes) {
		t.Fatalf("the matrix has %d routes, the server %d", len(routes), len(server.Routes))
	}
	for _, rt := range routes {
		for _, who := range public {
			t.Run(strings.ReplaceAll(rt.pattern, "/", "_")+"/"+who, func(t *testing.T) {
				method, path, _ := strings.Cut(rt.pattern, " ")
				var rd *bytes.Reader
				if rt.body != nil {
					b, _ := json.Marshal(rt.body())
					rd = bytes.NewReader(b)
				} else {
					rd = bytes.NewReader(nil)
				}
				req, _ := http.NewRequest(method, m.URL+path, rd)
				if tok := tokens[who]; tok != "" {
					req.Header.Set("Authorization", "Bearer "+tok)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var e wire.Error
				if rt.ctype == "" || resp.StatusCode != 200 {
					json.NewDecoder(resp.Body).Decode(&e)
				}
				wantStatus := rt.status
				switch {
				case slices.Contains(rt.allowed, who):
				case who == "none" || who == "revoked":
					wantStatus = 401
				default:
					wantStatus = 403
				}
				if (rt.pattern == "POST /api/v1/interviews/push" || rt.pattern == "POST /api/v1/relay/push") && resp.StatusCode == 200 {
					want = append(want, pushed)
				}
				if resp.StatusCode != wantStatus {
					t.Errorf("%s as %s: %d %+v, want %d", rt.pattern, who, resp.StatusCode, e, wantStatus)
				}
				wantType := "application/json"
				if rt.ctype != "" && resp.StatusCode == 200 {
					wantType = rt.ctype
				}
				if ct := resp.Header.Get("Content-Type"); ct != wantType {
					t.Errorf("content type %q, want %q", ct, wantType)
				}
			})
		}
	}

	// An enumerator pulls only the returns of what they pushed.
	other := Token(t, m.Users, m.Prefix+"eko", survey.RoleEnumerator)
	for who, wantN := range map[string]int{tokens["enumerator"]: 1, other: 0, tokens["supervisor"]: m.SupervisorReturns} {
		oc, err := client.NewClient(m.URL, client.WithToken(who))
		if err != nil {
			t.Fatal(err)
		}
		page, err := oc.Returned(ctx, 0)
		if err != nil || len(page.Returns) != wantN {
			t.Errorf("returned: %d %v, want %d", len(page.Returns), err, wantN)
		}
	}
	return want
}
