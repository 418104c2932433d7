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
// interviews of the wave called wave ("": the current wave; everything when the study has
// no waves) and computes the supervisor's progress view at now ("today" in loc). Returns
// ENOTFOUND for a wave the study does not have.
func ComputeProgress(ctx context.Context, src Sources, attempts survey.AttemptLedger, now time.Time, loc *time.Location, wave string) (*report.Progress, error) {
	scope, err := resolveWave(ctx, src, wave)
	if err != nil {
		return nil, err
	}
	rows, err := RosterRows(ctx, src.Roster)
	if err != nil {
		return nil, err
	}
	all, err := allAttempts(ctx, attempts)
	if err != nil {
		return nil, err
	}
	var list []*survey.Attempt
	for _, a := range all {
		if scope.holds(a.At) {
			list = append(list, a)
		}
	}
	assigned := scope.assignments
	if assigned == nil {
		if assigned, err = assignments(ctx, src.Roster); err != nil {
			return nil, err
		}
	}
	p, err := report.ComputeProgress(rows, list, scope.records(src.Reviews.Records(ctx, survey.RecordFilter{Revisions: survey.RevisionsLatest})), assigned, now, loc)
	if p != nil {
		p.Wave = scope.wave.Name
	}
	return p, err
}

// progress answers GET /api/v1/progress: the supervisor's view of the tracing.
func (s *Server) progress(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	p, err := ComputeProgress(r.Context(), s.sources(), s.cfg.Attempts, s.cfg.Now(), s.cfg.Location, r.URL.Query().Get("wave"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// allAttempts reads every stored contact attempt, a page at a time; none when attempts is nil.
func allAttempts(ctx context.Context, attempts survey.AttemptLedger) ([]*survey.Attempt, error) {
	const pageSize = 5000
	if attempts == nil {
		return nil, nil
	}
	var list []*survey.Attempt
	var after int64
	for {
		page, err := attempts.List(ctx, survey.AttemptFilter{After: after, Limit: pageSize})
		if err != nil {
			return nil, fmt.Errorf("read attempts: %w", err)
		}
		list = append(list, page...)
		if len(page) < pageSize {
			return list, nil
		}
		after = page[len(page)-1].Seq
	}
}

// assignments returns who each roster row is assigned to, when the roster store keeps
// assignments; nil otherwise.
func assignments(ctx context.Context, roster any) (map[string]string, error) {
	al, ok := roster.(survey.AssignmentLister)
	if !ok {
		return nil, nil
	}
	m, err := al.Assignments(ctx)
	if err != nil {
		return nil, fmt.Errorf("read assignments: %w", err)
	}
	return m, nil
}
