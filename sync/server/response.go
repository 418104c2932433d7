package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"tracer/survey"
	"tracer/survey/report"
)

// ResponseOptions say how to write the response-rate section.
type ResponseOptions struct {
	Format ReportFormat
	// Revisions is the report's choice of revisions, which the rates do not follow: they
	// count the latest revision of every interview (computeResponse).
	Revisions survey.RevisionSet
	Lang      string
	// E is the share of unknown-eligibility cases taken as eligible; negative: estimated
	// by the proportion method.
	E float64
	// Threshold is the non-response table's threshold in percentage points (5 when 0).
	Threshold float64
	// Study is the study's configuration: its reporting period bounds the alumni counted,
	// as in the indicator report.
	Study report.Config
	// Wave names the wave whose attempts and interviews count; "": the current wave (all
	// of them when the study has no waves).
	Wave string
}

// computeResponse computes the response rates over the roster rows of the study's
// reporting period (rows is the whole roster), the stored attempts and the latest
// revision of each interview of the scope's wave (approved or not: a disposition is what
// happened in the field), with its assignments, and e (nil: estimated by the proportion method). The
// indicator report and the response section call it alike, so both give the same rates.
func computeResponse(ctx context.Context, src Sources, rows *report.Roster, study report.Config, e *float64, threshold float64, scope waveScope) (*report.Response, error) {
	cfg, err := responseConfig(ctx, src, e, threshold, scope)
	if err != nil {
		return nil, err
	}
	return computeResponseOf(ctx, src, rows, study, cfg, scope, scope.records(src.Reviews.Records(ctx, survey.RecordFilter{Revisions: survey.RevisionsLatest, Names: report.AnswerNames(), ByName: true})))
}

// responseConfig returns the response rates' settings: e (nil: estimated), the threshold
// and the scope's assignments (the roster's when the scope has none of its own).
func responseConfig(ctx context.Context, src Sources, e *float64, threshold float64, scope waveScope) (report.ResponseConfig, error) {
	cfg := report.ResponseConfig{E: -1, Threshold: threshold}
	if e != nil {
		cfg.E = *e
	}
	cfg.Assignments = scope.assignments
	if cfg.Assignments == nil {
		var err error
		if cfg.Assignments, err = assignments(ctx, src.Roster); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// computeResponseOf is computeResponse with its settings (responseConfig) over records,
// the latest revision of each interview of the scope's wave.
func computeResponseOf(ctx context.Context, src Sources, rows *report.Roster, study report.Config, cfg report.ResponseConfig,
	scope waveScope, records iter.Seq2[*survey.Record, error]) (*report.Response, error) {
	attempts := func(yield func(*survey.Attempt, error) bool) {
		if src.Attempts == nil {
			return
		}
		const pageSize = 5000
		var after int64
		for {
			page, err := src.Attempts.List(ctx, survey.AttemptFilter{After: after, Limit: pageSize})
			if err != nil {
				yield(nil, err)
				return
			}
			for _, a := range page {
				if scope.holds(a.At) && !yield(a, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].Seq
		}
	}
	return report.ComputeResponseRoster(rows, study, attempts, records, cfg)
}

// WriteResponse computes the response rates over the roster, the stored attempts and
// the chosen revisions of the interviews and writes them to w.
func WriteResponse(ctx context.Context, w io.Writer, src Sources, opt ResponseOptions) (*report.Response, error) {
	rows, err := ReportRoster(ctx, src.Roster)
	if err != nil {
		return nil, err
	}
	var e *float64
	if opt.E >= 0 {
		e = &opt.E
	}
	scope, err := resolveWave(ctx, src, opt.Wave)
	if err != nil {
		return nil, err
	}
	res, err := computeResponse(ctx, src, rows, opt.Study, e, opt.Threshold, scope)
	if err != nil {
		return nil, err
	}
	switch opt.Format {
	case ReportJSON:
		err = report.WriteResponseJSON(w, res)
	case ReportXLSX:
		err = report.WriteResponseXLSX(w, res, opt.Lang)
	default:
		err = report.WriteResponseText(w, res, opt.Lang)
	}
	if err != nil {
		return nil, fmt.Errorf("write response rates: %w", err)
	}
	return res, nil
}

// ParseE reads the eligibility share e: "estimate" (or "") for the proportion method,
// else a number from 0 to 1. It returns -1 for the estimate.
func ParseE(s string) (float64, error) {
	if s == "" || s == "estimate" {
		return -1, nil
	}
	e, err := strconv.ParseFloat(s, 64)
	if err != nil || !(e >= 0 && e <= 1) { // NaN is no share
		return 0, survey.Errorf(survey.EINVALID, "e is \"estimate\" or a share from 0 to 1, not %q.", s)
	}
	return e, nil
}

// responseParams reads the response rates' e (the study's setting when not given; -1:
// estimated) and the non-response threshold (0: the default) from a report's query.
func (s *Server) responseParams(q url.Values) (e, th float64, err error) {
	if e, err = ParseE(q.Get("e")); err != nil {
		return 0, 0, err
	}
	if q.Get("e") == "" && s.cfg.Study.EligibilityE != nil {
		e = *s.cfg.Study.EligibilityE // the study's setting
	}
	if v := q.Get("threshold"); v != "" {
		if th, err = strconv.ParseFloat(v, 64); err != nil || !(th > 0 && th <= 100) { // nor NaN
			return 0, 0, survey.Errorf(survey.EINVALID, "threshold is a number of percentage points above 0, not %q.", v)
		}
	}
	return e, th, nil
}

// responseReport answers GET /api/v1/report?section=response.
func (s *Server) responseReport(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	q := r.URL.Query()
	format, err := ParseReportFormat(q.Get("format"))
	if err != nil {
		return err
	}
	if format == ReportHTML {
		return survey.Errorf(survey.EINVALID, "The response rates are written as text, json or xlsx.")
	}
	revs, err := survey.ParseRevisionSet(q.Get("revisions"))
	if err != nil {
		return err
	}
	e, th, err := s.responseParams(q)
	if err != nil {
		return err
	}
	lang, err := ParseReportLang(q.Get("lang"))
	if err != nil {
		return err
	}
	done, err := s.compute(w, r)
	if err != nil {
		return err
	}
	defer done()
	var buf bytes.Buffer
	if _, err := WriteResponse(r.Context(), &buf, s.sources(), ResponseOptions{Format: format, Revisions: revs, Lang: lang, E: e, Threshold: th, Study: s.cfg.Study, Wave: q.Get("wave")}); err != nil {
		return err
	}
	done() // the answer is in memory: a slow reader of it computes nothing
	ct := map[ReportFormat]string{ReportText: "text/plain; charset=utf-8", ReportJSON: "application/json",
		ReportXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-store")
	if format == ReportXLSX {
		w.Header().Set("Content-Disposition", `attachment; filename="response.xlsx"`)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "response report", slog.String("user", u.Name), slog.String("format", string(format)))
	return nil
}
