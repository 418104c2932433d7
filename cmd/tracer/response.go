package main

import (
	"context"
	"fmt"
	"strconv"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/sync/client"
	"tracer/sync/server"
)

// runResponseReport writes the response-rate section (tracer report --section response).
func (m *Main) runResponseReport(ctx context.Context, format, out, revs, lang, eFlag string, threshold float64, study report.Config, wave, dbFlag, serverURL, dataFlag string) error {
	f, err := server.ParseReportFormat(format)
	if err != nil || f == server.ReportHTML {
		return usageError("--format must be text, xlsx or json for the response rates")
	}
	rs, err := survey.ParseRevisionSet(revs)
	if err != nil || rs == survey.RevisionsAll {
		return usageError("--revisions must be approved or latest")
	}
	e, err := server.ParseE(eFlag)
	if err != nil {
		return usageError("--e: %s", survey.ErrorMessage(err))
	}
	if !(threshold > 0 && threshold <= 100) { // NaN too
		return usageError("--threshold must be above 0 and at most 100 percentage points")
	}
	if serverURL != "" && dbFlag != "" {
		return usageError("give --db or --server, not both")
	}
	w, commit, abort, err := m.output(out)
	if err != nil {
		return err
	}
	if serverURL != "" {
		c, err := m.remoteClient(serverURL, dataFlag)
		if err != nil {
			abort()
			return err
		}
		q := client.ReportQuery{Section: "response", Format: string(f), Revisions: string(rs), Lang: lang, E: eFlag,
			Threshold: strconv.FormatFloat(threshold, 'f', -1, 64), Wave: wave}
		if _, err := c.Report(ctx, q, w); err != nil {
			abort()
			return commandError(c, err)
		}
	} else {
		db, err := m.openServerStores(ctx, dbFlag, dataFlag, dbMustExistOrServer)
		if err != nil {
			abort()
			return err
		}
		defer db.Close()
		opt := server.ResponseOptions{Format: f, Revisions: rs, Lang: lang, E: e, Threshold: threshold, Study: study, Wave: wave}
		if _, err := server.WriteResponse(ctx, w, db.sources(), opt); err != nil {
			abort()
			return commandError(nil, err)
		}
	}
	if err := commit(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if out != "" && out != "-" {
		fmt.Fprintf(m.Stdout, "wrote %s\n", out)
	}
	return nil
}
