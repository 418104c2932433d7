package server

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/report"
)

// Sources are the stores exports and reports read.
type Sources struct {
	Reviews survey.ReviewStore
	Forms   survey.FormStore
	Roster  survey.ServerRosterStore
}

// ExportOptions say what to export.
type ExportOptions struct {
	Format    export.Format
	Revisions survey.RevisionSet
	Labels    bool
	Lang      string
	// FormID picks the form when the stored interviews use several; "" when they use one.
	FormID string
	// TempDir holds the export's temporary files.
	TempDir string
	// CSVDialect is the dialect of CSV exports; standard when empty.
	CSVDialect export.CSVDialect
}

// ExportForm returns the form an export of formID is written with: the published version
// of the stored interviews' form, the latest published of those versions when they use
// several. With formID "", the stored interviews must use one form. Returns EINVALID when
// they use several and ENOTFOUND when nothing is stored.
func ExportForm(ctx context.Context, src Sources, formID string) (*forms.Form, error) {
	f, _, err := ExportForms(ctx, src, formID)
	return f, err
}

// ExportForms returns the form an export of formID is written with (see ExportForm) and
// the other published versions the stored interviews were made with, oldest first: an
// export merges their columns.
func ExportForms(ctx context.Context, src Sources, formID string) (*forms.Form, []*forms.Form, error) {
	uses, err := src.Reviews.FormUses(ctx)
	if err != nil {
		return nil, nil, err
	}
	versions := map[string]bool{}
	ids := map[string]bool{}
	for _, u := range uses {
		if formID == "" || u.FormID == formID {
			ids[u.FormID] = true
			versions[u.FormID+"\x00"+u.FormVersion] = true
		}
	}
	switch {
	case len(ids) == 0 && formID != "":
		return nil, nil, survey.Errorf(survey.ENOTFOUND, "No interview of form %s is stored.", formID)
	case len(ids) == 0:
		return nil, nil, survey.Errorf(survey.ENOTFOUND, "No interview is stored yet.")
	case len(ids) > 1:
		var names []string
		for id := range ids {
			names = append(names, id)
		}
		sort.Strings(names)
		return nil, nil, survey.Errorf(survey.EINVALID, "The interviews use several forms (%s): choose one with form=.", strings.Join(names, ", "))
	}
	published, err := src.Forms.Forms(ctx)
	if err != nil {
		return nil, nil, err
	}
	var used []*survey.PublishedForm
	for _, pf := range published { // by id and publication time
		if versions[pf.ID+"\x00"+pf.Version] {
			used = append(used, pf)
		}
	}
	if len(used) == 0 {
		return nil, nil, survey.Errorf(survey.ENOTFOUND, "The form of the stored interviews is not published.")
	}
	all := make([]*forms.Form, len(used))
	for i, pf := range used {
		full, err := src.Forms.Form(ctx, pf.ID, pf.Version)
		if err != nil {
			return nil, nil, err
		}
		if all[i], err = forms.ParseContext(ctx, full.Name, full.Source); err != nil {
			return nil, nil, survey.Errorf(survey.EINTERNAL, "Published form %s version %s no longer loads.", pf.ID, pf.Version)
		}
	}
	return all[len(all)-1], all[:len(all)-1], nil
}

// RosterRows reads the whole roster.
func RosterRows(ctx context.Context, store survey.ServerRosterStore) ([]*survey.Respondent, error) {
	var out []*survey.Respondent
	var after int64
	for {
		page, err := store.Changes(ctx, after, 5000, "")
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			out = append(out, r.Respondent)
			after = r.Seq
		}
		if len(page) < 5000 {
			return out, nil
		}
	}
}

// WriteExport streams the chosen revisions to w, one record at a time, with the roster
// joined by the store (memory does not grow with the roster either). prepare, when not
// nil, runs once the export is known to start (the form is found), before the first
// byte: the server sets its headers there.
func WriteExport(ctx context.Context, w io.Writer, src Sources, opt ExportOptions, prepare func(f *forms.Form)) (export.Stats, error) {
	f, older, err := ExportForms(ctx, src, opt.FormID)
	if err != nil {
		return export.Stats{}, err
	}
	if prepare != nil {
		prepare(f)
	}
	// The store joins each record's roster row; the export asks for it while it writes
	// that record, so only the current row is held.
	var current *survey.Respondent
	joined := src.Reviews.RosterRecords(ctx, survey.RecordFilter{Revisions: opt.Revisions, FormID: f.ID})
	records := func(yield func(*survey.Record, error) bool) {
		for rr, err := range joined {
			current = rr.Respondent
			if !yield(rr.Record, err) || err != nil {
				return
			}
		}
	}
	return export.Write(w, f, records, export.Options{
		Format: opt.Format, Labels: opt.Labels, Lang: opt.Lang, TempDir: opt.TempDir, Versions: older, CSVDialect: opt.CSVDialect,
		Roster: func(id string) (*survey.Respondent, bool) {
			return current, current != nil && current.RosterID == id
		},
	})
}

// ReportFormat is a report's output format.
type ReportFormat string

// The report formats.
const (
	ReportText ReportFormat = "text"
	ReportJSON ReportFormat = "json"
	ReportXLSX ReportFormat = "xlsx"
	ReportHTML ReportFormat = "html"
)

// ParseReportFormat returns the format named s; "" is text. Returns EINVALID.
func ParseReportFormat(s string) (ReportFormat, error) {
	switch f := ReportFormat(strings.ToLower(s)); f {
	case "":
		return ReportText, nil
	case ReportText, ReportJSON, ReportXLSX, ReportHTML:
		return f, nil
	}
	return "", survey.Errorf(survey.EINVALID, "Unknown report format %q: use text, json, xlsx or html.", s)
}

// ReportOptions say what to report.
type ReportOptions struct {
	Format    ReportFormat
	By        []report.Dimension
	Revisions survey.RevisionSet
	Lang      string
	// AsOf is the date people not interviewed are measured to; the study's reference date
	// when zero.
	AsOf time.Time
	// Study is the configuration read from the study file (report.ReadStudy); By, AsOf
	// and the labels above override it.
	Study report.Config
}

// WriteReport computes the indicator report over the roster and the chosen revisions and
// writes it to w.
func WriteReport(ctx context.Context, w io.Writer, src Sources, opt ReportOptions) (*report.Report, error) {
	rows, err := RosterRows(ctx, src.Roster)
	if err != nil {
		return nil, err
	}
	cfg := opt.Study
	cfg.By = opt.By
	if !opt.AsOf.IsZero() {
		cfg.AsOf = opt.AsOf
	}
	feeding, newest, err := reportForms(ctx, src)
	if err != nil {
		return nil, err
	}
	// Breakdown codes are named by the newest form version that feeds the report.
	if newest != nil {
		lang := opt.Lang
		if lang == "" {
			lang = "id"
		}
		cfg.Labels = report.FormLabels(newest, lang)
	}
	// Only interviews of form versions with the core tracer questions count: another form
	// (an employer survey) must not stand for an alumnus's tracer interview.
	all := src.Reviews.Records(ctx, survey.RecordFilter{Revisions: opt.Revisions})
	records := func(yield func(*survey.Record, error) bool) {
		for r, err := range all {
			if err == nil && !feeding[r.FormID+"\x00"+r.FormVersion] {
				continue
			}
			if !yield(r, err) {
				return
			}
		}
	}
	rep, err := report.Compute(rows, records, cfg)
	if err != nil {
		return nil, err
	}
	switch opt.Format {
	case ReportJSON:
		err = report.WriteJSON(w, rep)
	case ReportXLSX:
		err = report.WriteXLSX(w, rep, opt.Lang)
	case ReportHTML:
		err = report.WriteHTML(w, rep, opt.Lang)
	default:
		err = report.WriteText(w, rep, opt.Lang)
	}
	if err != nil {
		return nil, fmt.Errorf("write report: %w", err)
	}
	return rep, nil
}

// reportForms returns the published form versions whose interviews feed the report (they
// have consent and main_status, see report.FeedsReport), by id and version, and the newest
// of them.
func reportForms(ctx context.Context, src Sources) (map[string]bool, *forms.Form, error) {
	published, err := src.Forms.Forms(ctx)
	if err != nil {
		return nil, nil, err
	}
	feeding := map[string]bool{}
	var newest *forms.Form
	var at time.Time
	for _, pf := range published {
		full, err := src.Forms.Form(ctx, pf.ID, pf.Version)
		if err != nil {
			return nil, nil, err
		}
		f, err := forms.ParseContext(ctx, full.Name, full.Source)
		if err != nil || !report.FeedsReport(f) {
			continue
		}
		feeding[pf.ID+"\x00"+pf.Version] = true
		if newest == nil || !pf.PublishedAt.Before(at) {
			newest, at = f, pf.PublishedAt
		}
	}
	return feeding, newest, nil
}
