package server

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"tracer/survey"
	"tracer/survey/report"
)

// ComputeProgress reads the roster, the assignments, the stored attempts and the latest
// interviews of the wave called wave ("": the current wave; everything when the study has
// no waves) and computes the supervisor's progress view at now ("today" in loc). Returns
// ENOTFOUND for a wave the study does not have.
func ComputeProgress(ctx context.Context, src Sources, ledger survey.AttemptLedger, now time.Time, loc *time.Location, wave string) (*report.Progress, error) {
	scope, err := resolveWave(ctx, src, wave)
	if err != nil {
		return nil, err
	}
	attempts := func(yield func(*survey.Attempt, error) bool) {
		for a, err := range attemptPages(ctx, ledger) {
			if err != nil || scope.holds(a.At) {
				if !yield(a, err) {
					return
				}
			}
		}
	}
	assigned := scope.assignments
	if assigned == nil {
		if assigned, err = assignments(ctx, src.Roster); err != nil {
			return nil, err
		}
	}
	p, err := report.ComputeProgress(rosterPages(ctx, src.Roster), attempts, scope.records(src.Reviews.Records(ctx, survey.RecordFilter{Revisions: survey.RevisionsLatest})), assigned, now, loc)
	if p != nil {
		p.Wave = scope.wave.Name
	}
	return p, err
}

// progress answers GET /api/v1/progress: the supervisor's view of the tracing.
func (s *Server) progress(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	done, err := s.compute(w, r)
	if err != nil {
		return err
	}
	defer done()
	p, err := ComputeProgress(r.Context(), s.sources(), s.cfg.Attempts, s.cfg.Now(), s.cfg.Location, r.URL.Query().Get("wave"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// attemptPages yields every stored contact attempt, read a page at a time; none when
// attempts is nil.
func attemptPages(ctx context.Context, attempts survey.AttemptLedger) iter.Seq2[*survey.Attempt, error] {
	return func(yield func(*survey.Attempt, error) bool) {
		const pageSize = 5000
		if attempts == nil {
			return
		}
		var after int64
		for {
			page, err := attempts.List(ctx, survey.AttemptFilter{After: after, Limit: pageSize})
			if err != nil {
				yield(nil, fmt.Errorf("read attempts: %w", err))
				return
			}
			for _, a := range page {
				if !yield(a, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].Seq
		}
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
