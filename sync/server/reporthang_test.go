package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/server"
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
	const n = 700
	var rows []*survey.Respondent
	for i := range n {
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R%d", i), Name: "x", Kejuruan: "LAS", Sex: "1", Completion: "pass"})
	}
	adb := newAnalysisDB(t, rows)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var subs []*survey.Submission
	for i := range n {
		id := fmt.Sprintf("R%d", i)
		subs = append(subs, adb.submission(i+1, id, id, "yes", at, at.Add(time.Duration(i)*time.Minute)))
	}
	adb.ingest(subs)
	src := adb.src
	src.Attempts = failingAttempts{}
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
