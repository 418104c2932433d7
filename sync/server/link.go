package server

import (
	"context"
	"fmt"

	"tracer/survey"
	"tracer/survey/report"
)

// rosterLink links interviews read from the server's stores to roster rows by the report's
// rule (report.Roster.LinkRow), so that the export's roster join and its alumni table count
// an interview for the alumnus the report and the response rates count it for. The row of
// a confirmed roster id is read from the store; the roster is read whole, in the report's
// compact form, only when an interview must be linked by its NIK.
type rosterLink struct {
	ctx   context.Context
	store survey.ServerRosterStore
	rows  survey.RosterRowReader
	study report.Config
	ro    *report.Roster
}

func newRosterLink(ctx context.Context, store survey.ServerRosterStore, study report.Config) (*rosterLink, error) {
	rows, ok := store.(survey.RosterRowReader)
	if !ok {
		return nil, fmt.Errorf("the roster store reads no row by roster id")
	}
	return &rosterLink{ctx: ctx, store: store, rows: rows, study: study}, nil
}

// link returns the roster id an interview counts for ("" when none) and, for an interview
// without respondent id, that id's roster row (nil when the roster has none; the caller
// joins a respondent's row itself). answers are as report.LinkKeys takes them.
func (l *rosterLink) link(rec *survey.Record, answers []survey.Answer) (string, *survey.Respondent, error) {
	resp, confirmed, nik := report.LinkKeys(rec, answers)
	if resp != "" {
		return resp, nil, nil
	}
	var p *survey.Respondent
	if confirmed != "" {
		var err error
		if p, err = l.rows.RosterRow(l.ctx, confirmed); err != nil {
			return "", nil, fmt.Errorf("roster row %s: %w", confirmed, err)
		}
		if p != nil && l.study.InPeriod(p) {
			return confirmed, p, nil
		}
	}
	if survey.NormalizeNIK(nik) == "" {
		return confirmed, p, nil
	}
	if l.ro == nil {
		ro, err := ReportRoster(l.ctx, l.store)
		if err != nil {
			return "", nil, fmt.Errorf("read the roster to link interviews by NIK: %w", err)
		}
		l.ro = ro
	}
	r := l.ro.LinkRow(l.study, "", "", nik)
	if r < 0 {
		return confirmed, p, nil
	}
	id := l.ro.ID(r)
	q, err := l.rows.RosterRow(l.ctx, id)
	if err != nil {
		return "", nil, fmt.Errorf("roster row %s: %w", id, err)
	}
	return id, q, nil
}
