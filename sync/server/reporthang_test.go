package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// failingAttempts is an attempt ledger whose reads fail.
type failingAttempts struct{ survey.AttemptLedger }

func (failingAttempts) List(context.Context, survey.AttemptFilter) ([]*survey.Attempt, error) {
	return nil, errors.New("attempts unreadable")
}

// TestReportAttemptsError checks that a report whose response rates cannot read the
// attempts ends with that error, instead of waiting forever for the rates to take the
// records the indicators read (more than the records that cross between them at once).
func TestReportAttemptsError(t *testing.T) {
	ctx := context.Background()
	db, err := testbed.OpenServerDB(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	roster := sqlite.NewServerRosterStore(db)
	const n = 700
	var rows []*survey.Respondent
	for i := range n {
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R%d", i), Name: "x", Kejuruan: "LAS", Sex: "1", Completion: "pass"})
	}
	if _, err := roster.Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	f, persona, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var subs []*survey.Submission
	for i := range n {
		id := fmt.Sprintf("R%d", i)
		subs = append(subs, personaSubmission(t, f, persona, i+1, id, id, "yes", at, at.Add(time.Duration(i)*time.Minute)))
	}
	if _, err := sqlite.NewSubmissionStore(db).Ingest(ctx, subs); err != nil {
		t.Fatal(err)
	}
	src := server.Sources{Reviews: sqlite.NewReviewStore(db), Forms: sqlite.NewFormStore(db), Roster: roster,
		Attempts: failingAttempts{}}
	errc := make(chan error, 1)
	go func() {
		var buf bytes.Buffer
		_, err := server.WriteReport(ctx, &buf, src, server.ReportOptions{Format: server.ReportJSON, Revisions: survey.RevisionsLatest})
		errc <- err
	}()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "attempts unreadable") {
			t.Fatalf("report: %v, want the attempts' error", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the report did not end when the response rates failed")
	}
}
