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

// link returns the roster id an interview counts for ("" when none) and, when that is not
// its respondent id, that id's roster row (nil when the roster has none; the caller joins a
// respondent's row itself). An interview that no row of the period takes keeps the row it
// names, for the export's join. answers are as report.LinkKeys takes them.
func (l *rosterLink) link(rec *survey.Record, answers []survey.Answer) (string, *survey.Respondent, error) {
	resp, confirmed, nik := report.LinkKeys(rec, answers)
	if !l.study.From.IsZero() || !l.study.To.IsZero() {
		// A row outside the period stands for its person's row in it: the rule needs the
		// roster's NIKs, so the whole rule runs on the compact roster.
		if err := l.load(); err != nil {
			return "", nil, err
		}
		id := resp
		if r := l.ro.LinkRow(l.study, resp, confirmed, nik); r >= 0 {
			id = l.ro.ID(r)
		} else if resp == "" {
			id = confirmed
		}
		if id == resp || id == "" {
			return id, nil, nil
		}
		return l.row(id)
	}
	if resp != "" {
		return resp, nil, nil
	}
	var p *survey.Respondent
	if confirmed != "" {
		var err error
		if _, p, err = l.row(confirmed); err != nil {
			return "", nil, err
		}
		if p != nil {
			return confirmed, p, nil
		}
	}
	if survey.NormalizeNIK(nik) == "" {
		return confirmed, p, nil
	}
	if err := l.load(); err != nil {
		return "", nil, err
	}
	if r := l.ro.LinkRow(l.study, "", "", nik); r >= 0 {
		return l.row(l.ro.ID(r))
	}
	return confirmed, p, nil
}

// row returns id and its roster row, nil when the roster has none.
func (l *rosterLink) row(id string) (string, *survey.Respondent, error) {
	p, err := l.rows.RosterRow(l.ctx, id)
	if err != nil {
		return "", nil, fmt.Errorf("roster row %s: %w", id, err)
	}
	return id, p, nil
}

// load reads the roster in the report's compact form, once.
func (l *rosterLink) load() error {
	if l.ro != nil {
		return nil
	}
	ro, err := ReportRoster(l.ctx, l.store)
	if err != nil {
		return fmt.Errorf("read the roster to link interviews: %w", err)
	}
	l.ro = ro
	return nil
}
