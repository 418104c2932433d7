package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"tracer/survey"
	"tracer/survey/report"
)

// ComputeProgress reads the roster, the assignments, the stored attempts and the latest
// interviews and computes the supervisor's progress view at now ("today" in loc).
func ComputeProgress(ctx context.Context, src Sources, attempts survey.AttemptLedger, now time.Time, loc *time.Location) (*report.Progress, error) {
	rows, err := RosterRows(ctx, src.Roster)
	if err != nil {
		return nil, err
	}
	var list []*survey.Attempt
	if attempts != nil {
		var after int64
		for {
			page, err := attempts.List(ctx, survey.AttemptFilter{After: after, Limit: 5000})
			if err != nil {
				return nil, fmt.Errorf("read attempts: %w", err)
			}
			list = append(list, page...)
			if len(page) < 5000 {
				break
			}
			after = page[len(page)-1].Seq
		}
	}
	var assigned map[string]string
	if al, ok := src.Roster.(survey.AssignmentLister); ok {
		if assigned, err = al.Assignments(ctx); err != nil {
			return nil, fmt.Errorf("read assignments: %w", err)
		}
	}
	return report.ComputeProgress(rows, list, src.Reviews.Records(ctx, survey.RecordFilter{Revisions: survey.RevisionsLatest}), assigned, now, loc)
}

// progress answers GET /api/v1/progress: the supervisor's view of the tracing.
func (s *Server) progress(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	p, err := ComputeProgress(r.Context(), s.sources(), s.cfg.Attempts, s.cfg.Now(), s.cfg.Location)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
