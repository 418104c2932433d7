package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"tracer/survey"
	"tracer/survey/report"
)

// ResponseOptions say how to write the response-rate section.
type ResponseOptions struct {
	Format    ReportFormat
	Revisions survey.RevisionSet
	Lang      string
	// E is the share of unknown-eligibility cases taken as eligible; negative: estimated
	// by the proportion method.
	E float64
	// Threshold is the non-response table's threshold in percentage points (5 when 0).
	Threshold float64
}

// WriteResponse computes the response rates over the roster, the stored attempts and
// the chosen revisions of the interviews and writes them to w.
func WriteResponse(ctx context.Context, w io.Writer, src Sources, attempts survey.AttemptLedger, opt ResponseOptions) (*report.Response, error) {
	rows, err := RosterRows(ctx, src.Roster)
	if err != nil {
		return nil, err
	}
	list, err := allAttempts(ctx, attempts)
	if err != nil {
		return nil, err
	}
	cfg := report.ResponseConfig{E: opt.E, Threshold: opt.Threshold}
	if cfg.Assignments, err = assignments(ctx, src.Roster); err != nil {
		return nil, err
	}
	res, err := report.ComputeResponse(rows, list, src.Reviews.Records(ctx, survey.RecordFilter{Revisions: opt.Revisions}), cfg)
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
	if err != nil || e < 0 || e > 1 {
		return 0, survey.Errorf(survey.EINVALID, "e is \"estimate\" or a share from 0 to 1, not %q.", s)
	}
	return e, nil
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
	e, err := ParseE(q.Get("e"))
	if err != nil {
		return err
	}
	if q.Get("e") == "" && s.cfg.Study.EligibilityE != nil {
		e = *s.cfg.Study.EligibilityE // the study's setting
	}
	var th float64
	if v := q.Get("threshold"); v != "" {
		if th, err = strconv.ParseFloat(v, 64); err != nil || th <= 0 || th > 100 {
			return survey.Errorf(survey.EINVALID, "threshold is a number of percentage points above 0, not %q.", v)
		}
	}
	var buf bytes.Buffer
	if _, err := WriteResponse(r.Context(), &buf, s.sources(), s.cfg.Attempts, ResponseOptions{Format: format, Revisions: revs, Lang: q.Get("lang"), E: e, Threshold: th}); err != nil {
		return err
	}
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
