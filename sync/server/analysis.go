package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/report"
)

// Sources are the stores exports and reports read.
type Sources struct {
	Reviews survey.ReviewStore
	Forms   survey.FormStore
	Roster  survey.ServerRosterStore
	// Attempts are the contact attempts the response rates come from; nil when there are
	// none.
	Attempts survey.AttemptLedger
	// Waves are the study's waves; nil: the study is one wave.
	Waves survey.WaveStore
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
	// Alumni adds the table "alumni": one row per roster row with its interviews and final
	// disposition, so non-respondents can be listed for follow-up. It is sorted in
	// temporary files in TempDir, not in memory.
	Alumni bool
	// Attempts are the contact attempts the alumni table's dispositions come from; nil
	// when there are none.
	Attempts survey.AttemptLedger
	// Wave names the wave whose attempts, interviews and assignments the alumni table
	// counts: "" for the current wave (everything when the study has no waves). Returns
	// ENOTFOUND for a wave the study does not have.
	Wave string
	// Study is the report's configuration (report.ReadStudy): the derived variables are
	// computed with it, and with its non-response weights on, a weight column is added.
	Study report.Config
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
	// The published versions carry how many interviews each has (kept as they arrive), so
	// finding the versions in use reads no submission.
	published, err := src.Forms.Forms(ctx)
	if err != nil {
		return nil, nil, err
	}
	versions := map[string]bool{}
	ids := map[string]bool{}
	for _, pf := range published {
		if pf.Interviews > 0 && (formID == "" || pf.ID == formID) {
			ids[pf.ID] = true
			versions[pf.ID+"\x00"+pf.Version] = true
		}
	}
	if len(ids) == 0 {
		// None of the published versions has an interview: count the stored ones to say
		// why.
		uses, err := src.Reviews.FormUses(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range uses {
			if formID == "" || u.FormID == formID {
				ids[u.FormID] = true
			}
		}
		if len(ids) == 1 {
			return nil, nil, survey.Errorf(survey.ENOTFOUND, "The form of the stored interviews is not published.")
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

// ReportRoster reads the roster page by page into the report's compact form
// (report.Roster), never holding more than a page of whole rows.
func ReportRoster(ctx context.Context, store survey.ServerRosterStore) (*report.Roster, error) {
	ro := report.NewRoster()
	rows := rosterPages(ctx, store)
	if sc, ok := store.(survey.RosterScanner); ok {
		rows = sc.RosterRows(ctx) // Add keeps copies of what it keeps
	}
	for r, err := range rows {
		if err != nil {
			return nil, err
		}
		ro.Add(r)
	}
	return ro, nil
}

// rosterPages yields every roster row, read a page at a time.
func rosterPages(ctx context.Context, store survey.ServerRosterStore) iter.Seq2[*survey.Respondent, error] {
	return func(yield func(*survey.Respondent, error) bool) {
		const pageSize = 5000
		var after int64
		for {
			page, err := store.Changes(ctx, after, pageSize, "")
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page {
				if !yield(r.Respondent, nil) {
					return
				}
				after = r.Seq
			}
			if len(page) < pageSize {
				return
			}
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
	// A language neither the form nor the dispositions' labels have would be written in the
	// form's default language as if it had been asked for.
	if opt.Lang != "" {
		_, inForm := f.MatchLang(opt.Lang)
		if l, err := ParseReportLang(opt.Lang); !inForm && (err != nil || l == "") {
			langs := strings.Join(f.Languages, ", ")
			if langs == "" {
				langs = "none"
			}
			return export.Stats{}, survey.Errorf(survey.EINVALID, "Form %s has no language %q (its languages: %s), and labels are written in id or en.", f.ID, opt.Lang, langs)
		}
	}
	var derived *export.Derived
	if report.FeedsReport(f) {
		var weights WaveWeights
		var weighed *report.Roster
		if opt.Study.Weights {
			// The weights need the roster and every interview first: the report is computed
			// once before, folded as the records stream (its memory grows with the roster
			// and the respondents, as the report's does, not with the answers); with waves,
			// once per wave, over that wave's interviews, as each wave's report weighs them.
			rows, err := ReportRoster(ctx, src.Roster)
			if err != nil {
				return export.Stats{}, err
			}
			current, err := resolveWave(ctx, src, "")
			if err != nil {
				return export.Stats{}, err
			}
			scopes := []waveScope{current}
			if len(current.waves) > 0 {
				scopes = scopes[:0]
				for _, w := range current.waves {
					ws, err := scopeOf(ctx, src, current.waves, w)
					if err != nil {
						return export.Stats{}, err
					}
					scopes = append(scopes, ws)
				}
			}
			weights = WaveWeights{Waves: current.waves, Weights: map[string][]report.Weight{}}
			for _, sc := range scopes {
				rep, err := computeReport(rows, sc.records(src.Reviews.Records(ctx, survey.RecordFilter{Revisions: opt.Revisions, Names: report.AnswerNames(), ByName: true, AnyOrder: true})), opt.Revisions, opt.Study)
				if err != nil {
					return export.Stats{}, err
				}
				weights.Weights[sc.wave.Name] = rep.Weights
			}
			weighed = rows
		}
		derived = DerivedColumns(opt.Study, weights, weighed)
	}
	var alumni *export.Alumni
	if opt.Alumni {
		scope, err := resolveWave(ctx, src, opt.Wave)
		if err != nil {
			return export.Stats{}, err
		}
		alumni = alumniTable(ctx, src, opt, scope, f)
	}
	if prepare != nil {
		prepare(f)
	}
	// The store joins each record's roster row and reads its answers sorted, so only the
	// current record and row are held.
	// An interview without a respondent id is joined to the row it counts for by the
	// report's rule (rosterLink), read by itself: the store joins on the respondent id alone.
	linker, err := newRosterLink(ctx, src.Roster, opt.Study)
	if err != nil {
		return export.Stats{}, err
	}
	joined := src.Reviews.RosterRecords(ctx, survey.RecordFilter{Revisions: opt.Revisions, FormID: f.ID})
	interviews := func(yield func(export.Interview, error) bool) {
		for rr, err := range joined {
			if err != nil {
				yield(export.Interview{}, err)
				return
			}
			iv := export.Interview{Record: rr.Record, Answers: rr.Answers}
			id, p, err := linker.link(rr.Record, rr.Answers)
			switch {
			case err != nil:
				yield(export.Interview{}, err)
				return
			case id != "" && id == rr.Record.RespondentID:
				if p := rr.Respondent; p != nil && p.RosterID == id {
					iv.Respondent = p
				}
			default:
				iv.Respondent = p
			}
			if !yield(iv, nil) {
				return
			}
		}
	}
	return export.WriteInterviews(w, f, interviews, export.Options{
		Format: opt.Format, Labels: opt.Labels, Lang: opt.Lang, TempDir: opt.TempDir, Versions: older, CSVDialect: opt.CSVDialect, Derived: derived, Alumni: alumni,
		RosterJoined: true, RosterExtra: report.RosterExtra,
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

// ParseReportLang reads the language a report is written in: "" (Indonesian, the default),
// id or en, by code or by name, in any case. Any other is refused, not written in
// Indonesian as if it had been asked for.
func ParseReportLang(s string) (string, error) {
	switch l := forms.LangCode(s); l {
	case "":
		return "", nil
	case "id", "ind", "indonesian", "indonesia", "bahasa indonesia":
		return "id", nil
	case "en", "eng", "english", "inggris", "bahasa inggris":
		return "en", nil
	}
	return "", survey.Errorf(survey.EINVALID, "A report is written in id (Bahasa Indonesia) or en (English), not %q.", s)
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
	// E is the response rates' e, the share of unknown-eligibility alumni taken as
	// eligible, negative for the proportion method's estimate; nil: the study's setting,
	// else the estimate.
	E *float64
	// Threshold is the non-response table's threshold in percentage points (5 when 0).
	Threshold float64
	// Wave names the wave whose attempts and interviews count; "": the current wave (all
	// of them when the study has no waves). With two waves or more the report also
	// compares them.
	Wave string
}

// WriteReport computes the indicator report over the roster and the chosen revisions and
// writes it to w.
func WriteReport(ctx context.Context, w io.Writer, src Sources, opt ReportOptions) (*report.Report, error) {
	rows, err := ReportRoster(ctx, src.Roster)
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
	feedingOf := func(all iter.Seq2[*survey.Record, error]) iter.Seq2[*survey.Record, error] {
		return func(yield func(*survey.Record, error) bool) {
			for r, err := range all {
				if err == nil && !feeding[r.FormID+"\x00"+r.FormVersion] {
					continue
				}
				if !yield(r, err) {
					return
				}
			}
		}
	}
	records := func(scope waveScope) iter.Seq2[*survey.Record, error] {
		return feedingOf(scope.records(src.Reviews.Records(ctx, survey.RecordFilter{Revisions: opt.Revisions, Names: report.AnswerNames(), ByName: true, AnyOrder: true})))
	}
	scope, err := resolveWave(ctx, src, opt.Wave)
	if err != nil {
		return nil, err
	}
	e := cfg.EligibilityE
	if opt.E != nil {
		e = opt.E
		if *e < 0 {
			e = nil
		}
	}
	rcfg, err := responseConfig(ctx, src, e, opt.Threshold, scope)
	if err != nil {
		return nil, err
	}
	// The indicators and the response rates read the records once: the rates are computed
	// beside the indicators, from the same records.
	// Of each record, only the answers the two read (report.AnswerNames), in the order the
	// store reads fastest: no figure depends on the records' order (TestReportAnyOrder).
	forReport, forResponse, readDone := recordsAndLatest(ctx, src, scope,
		survey.RecordFilter{Revisions: opt.Revisions, Names: report.AnswerNames(), ByName: true, AnyOrder: true})
	var response *report.Response
	responseDone := make(chan error, 1)
	go func() {
		var err error
		response, err = computeResponseOf(ctx, src, rows, cfg, rcfg, scope, forResponse)
		// The rates may end (on an error) before reading every record: the records the
		// indicators go on reading must still be taken, or the indicators wait forever.
		for range forResponse {
		}
		responseDone <- err
	}()
	nRecords := 0
	folded, err := report.FoldRoster(rows, oneRevision(feedingOf(forReport), opt.Revisions, &nRecords), cfg)
	readDone()
	if rerr := <-responseDone; err == nil {
		err = rerr
	}
	if err != nil {
		return nil, err
	}
	// The cells (and the medians' values) are computed once the response rates are done,
	// so that their per-alumnus state is no longer held beside the values.
	rep, err := folded.Report()
	if err != nil {
		return nil, err
	}
	rep.Counts.Records = nRecords
	rep.Settings.Wave = scope.wave.Name
	if rs, err := survey.ParseRevisionSet(string(opt.Revisions)); err == nil {
		rep.Settings.Revisions = string(rs) // "" is the default set, named
	}
	rep.Response = response
	// With two waves or more, each wave's own report and rates, side by side.
	if len(scope.waves) >= 2 {
		for _, w := range scope.waves {
			ws, err := scopeOf(ctx, src, scope.waves, w)
			if err != nil {
				return nil, err
			}
			wr, err := computeReport(rows, records(ws), opt.Revisions, cfg)
			if err != nil {
				return nil, err
			}
			res, err := computeResponse(ctx, src, rows, cfg, e, opt.Threshold, ws)
			if err != nil {
				return nil, err
			}
			rep.Waves = append(rep.Waves, report.CompareWave(w, wr, res))
		}
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

// recordsAndLatest reads the records of f for a reader of them (main) and, for the response
// rates, each interview's latest revision (latest): a final disposition is what happened in
// the field, whether a supervisor has approved the interview yet or not (docs/TRACING.md).
// Both come from one read of the store when it can give them (teeRecords, whose done it
// returns): the latest revisions as they are, the approved ones with the latest marked
// (survey.RevisionsLatestAndApproved). Every revision is read twice.
func recordsAndLatest(ctx context.Context, src Sources, scope waveScope, f survey.RecordFilter) (main, latest iter.Seq2[*survey.Record, error], done func()) {
	read := func(f survey.RecordFilter) iter.Seq2[*survey.Record, error] {
		return scope.records(src.Reviews.Records(ctx, f))
	}
	switch f.Revisions {
	case survey.RevisionsAll:
		lf := f
		lf.Revisions, lf.Names = survey.RevisionsLatest, report.AnswerNames()
		return read(f), read(lf), func() {}
	case survey.RevisionsLatest:
		return teeRecords(read(f))
	}
	f.Revisions = survey.RevisionsLatestAndApproved
	main, latest, done = teeRecords(read(f))
	return marked(main, func(r *survey.Record) bool { return r.Approved }),
		marked(latest, func(r *survey.Record) bool { return r.Latest }), done
}

// marked returns the records of records that keep says to keep, and every error.
func marked(records iter.Seq2[*survey.Record, error], keep func(*survey.Record) bool) iter.Seq2[*survey.Record, error] {
	return func(yield func(*survey.Record, error) bool) {
		for r, err := range records {
			if err == nil && !keep(r) {
				continue
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

// teeRecords returns records twice: main reads them from the store, and side, read on
// another goroutine at the same time, gets each record main reads (a record is not
// changed by its readers). side must be read until it ends or stops. Call done once main's
// reader has returned: unless main was read to its end, side then ends with an error.
// Records cross to side in batches, so that the two goroutines meet once a batch rather
// than once a record.
func teeRecords(records iter.Seq2[*survey.Record, error]) (main, side iter.Seq2[*survey.Record, error], done func()) {
	type item struct {
		r   *survey.Record
		err error
	}
	const batch = 64
	ch := make(chan []item, 8)
	var pending []item
	flush := func() {
		if len(pending) > 0 {
			ch <- pending
			pending = nil
		}
	}
	complete := false
	main = func(yield func(*survey.Record, error) bool) {
		defer flush()
		for r, err := range records {
			if pending == nil {
				pending = make([]item, 0, batch)
			}
			if pending = append(pending, item{r, err}); len(pending) == batch || err != nil {
				flush()
			}
			if !yield(r, err) || err != nil {
				return
			}
		}
		complete = true
	}
	side = func(yield func(*survey.Record, error) bool) {
		defer func() {
			for range ch { // let main go on
			}
		}()
		for items := range ch {
			for _, it := range items {
				if !yield(it.r, it.err) || it.err != nil {
					return
				}
			}
		}
	}
	done = func() {
		if !complete {
			ch <- []item{{err: errors.New("the records were not read to their end")}}
		}
		close(ch)
	}
	return main, side, done
}

// computeReport computes the report over the roster and the records of revisions revs:
// streaming, when the store gives one revision per interview (approved or latest).
func computeReport(ro *report.Roster, records iter.Seq2[*survey.Record, error], revs survey.RevisionSet, cfg report.Config) (*report.Report, error) {
	n := 0
	rep, err := report.ComputeRoster(ro, oneRevision(records, revs, &n), cfg)
	if err != nil {
		return nil, err
	}
	rep.Counts.Records = n
	return rep, nil
}

// oneRevision returns records with one revision per interview: as they are, unless revs
// is all, when the highest revision of each is found in memory first. n counts the records
// read.
func oneRevision(records iter.Seq2[*survey.Record, error], revs survey.RevisionSet, n *int) iter.Seq2[*survey.Record, error] {
	if revs != survey.RevisionsAll {
		return func(yield func(*survey.Record, error) bool) {
			for r, err := range records {
				if err == nil {
					*n++
				}
				if !yield(r, err) || err != nil {
					return
				}
			}
		}
	}
	return func(yield func(*survey.Record, error) bool) {
		var latest []*survey.Record
		at := map[string]int{}
		for r, err := range records {
			if err != nil {
				yield(nil, err)
				return
			}
			*n++
			if i, ok := at[r.ID]; !ok {
				at[r.ID] = len(latest)
				latest = append(latest, r)
			} else if r.Revision > latest[i].Revision {
				latest[i] = r
			}
		}
		for _, r := range latest {
			if !yield(r, nil) {
				return
			}
		}
	}
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

// WaveWeights are the non-response weights of each wave's report, by wave name (one
// report, under "", when the study has no waves), and the study's waves, first to
// current, that place an interview in one (survey.WaveAt).
type WaveWeights struct {
	Waves   []survey.Wave
	Weights map[string][]report.Weight
}

// DerivedColumns returns the report's derived variables as export columns (docs/EXPORT.md),
// computed by report.Derive with cfg; with weights (report.Compute's, when the study turns
// them on; Weights not nil) and ro, the roster they were computed with, a d_weight column
// gives each respondent the weight of their kejuruan × sex cell (report.Roster.WeightCell)
// in the report of the interview's wave.
func DerivedColumns(cfg report.Config, weights WaveWeights, ro *report.Roster) *export.Derived {
	cols := []export.DerivedColumn{
		{Name: "d_respondent", Desc: "1 = a respondent: consent given and main_status answered (S counts each person's latest such interview)"},
		{Name: "d_absorbed", Desc: "1 = absorbed (A): main_status 1-4, and 5 when the study counts paid OJT; empty for a non-respondent"},
		{Name: "d_wage_employed", Desc: "1 = wage-earning (W): main_status 1, 2 or 4"},
		{Name: "d_self_employed", Desc: "1 = self-employed (SE): main_status 3"},
		{Name: "d_unemployed", Desc: "1 = unemployed (U): main_status 6-8, searched in the last 4 weeks and available within 2"},
		{Name: "d_months_since_training", Desc: "months from training end (answered, else the roster's) to interview_date, days / 30.4375"},
		{Name: "d_months_to_first_job", Desc: "months from training end to the first job: months_to_first_job, else from the first-job dates"},
		{Name: "d_income", Desc: "monthly income: income_exact, else the midpoint of income_band (the study's midpoints)"},
		{Name: "d_umk", Desc: "minimum wage (UMK of work_regency in the interview's year) compared with, for full-time wage earners in Indonesia with an income; empty otherwise"},
		{Name: "d_umk_met", Desc: "1 = d_income is at least d_umk; empty when d_umk is"},
	}
	type cellKey struct{ wave, kejuruan, sex string }
	var byCell map[cellKey]float64
	if weights.Weights != nil {
		cols = append(cols, export.DerivedColumn{Name: "d_weight", Desc: "non-response weight G/S of the respondent's kejuruan × sex cell (graduates only), in the report of the interview's wave"})
		byCell = map[cellKey]float64{}
		for wave, ws := range weights.Weights {
			for _, w := range ws {
				if w.Weight != nil { // a cell without respondents has no weight, and no interview to weigh
					byCell[cellKey{wave, w.Kejuruan, w.Sex}] = *w.Weight
				}
			}
		}
	}
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	number := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	// Derive would make the default tables again for every record.
	if cfg.UMK == nil {
		cfg.UMK = report.DefaultUMK()
	}
	if cfg.BandMidpoints == nil {
		cfg.BandMidpoints = report.DefaultBandMidpoints()
	}
	return &export.Derived{Columns: cols, Values: func(r *survey.Record, answers []survey.Answer, row *survey.Respondent, dst []string) {
		d := report.DeriveAnswers(r, answers, row, cfg)
		dst[0] = flag(d.Respondent)
		if !d.Respondent {
			return
		}
		dst[1], dst[2], dst[3], dst[4] = flag(d.Absorbed), flag(d.Wage), flag(d.SelfEmployed), flag(d.Unemployed)
		dst[5], dst[6], dst[7], dst[8] = number(d.Months), number(d.FirstJob), number(d.Income), number(d.UMK)
		if !math.IsNaN(d.UMK) {
			dst[9] = flag(d.UMKMet)
		}
		if byCell != nil && row != nil {
			// The cell of the person the joined row stands for in the period, as the
			// report weighs them: a person who dropped out of one batch and passed
			// another weighs as the graduate of the latter; a row outside the period
			// weighs nothing.
			if kej, sex, ok := ro.WeightCell(cfg, row.RosterID); ok {
				if w, ok := byCell[cellKey{survey.WaveAt(weights.Waves, report.InterviewTime(r)), kej, sex}]; ok && w > 0 {
					dst[10] = number(w)
				}
			}
		}
	}}
}

// alumniColumns are the columns of the alumni table.
var alumniColumns = []export.DerivedColumn{
	{Name: "roster_id", Desc: "roster id", Text: true},
	{Name: "nik", Desc: "NIK", Text: true},
	{Name: "full_name", Desc: "name", Text: true},
	{Name: "sex", Desc: "sex", Text: true},
	{Name: "phone_main", Desc: "mobile number", Text: true},
	{Name: "kejuruan", Desc: "kejuruan", Text: true},
	{Name: "batch_id", Desc: "batch", Text: true},
	{Name: "training_end_date", Desc: "end of the training", Text: true},
	{Name: "completion", Desc: "completion (pass, ...)", Text: true},
	{Name: "program_name", Desc: "programme", Text: true},
	{Name: "funding", Desc: "funding source", Text: true},
	{Name: "domicile_regency", Desc: "regency of domicile in the roster", Text: true},
	{Name: "assigned_to", Desc: "enumerator the alumnus is assigned to", Text: true},
	{Name: "interviews", Desc: "number of interviews exported for the alumnus (any outcome)"},
	{Name: "respondent", Desc: "1 = an exported interview gave consent and answered main_status"},
	{Name: "last_interview_id", Desc: "the latest exported interview (by finalization)", Text: true},
	{Name: "attempts", Desc: "number of contact attempts recorded"},
	{Name: "last_attempt", Desc: "outcome code of the latest contact attempt (AAPOR)", Text: true},
	{Name: "disposition", Desc: "final disposition code (AAPOR, docs/TRACING.md) from the attempts and the exported interviews", Text: true},
	{Name: "disposition_label", Desc: "final disposition in words", Text: true},
	{Name: "case", Desc: "1 = the row describing a graduate of the period, one case of the response rates"},
	{Name: "case_disposition", Desc: "the case's final disposition (AAPOR) as the response rates count it, from the attempts and interviews of all the person's rows; empty when not a case", Text: true},
	{Name: "case_enumerator", Desc: "the enumerator whose cell of the response rates counts the case: the one the person is assigned to, else the one who last tried or interviewed them; empty when not a case", Text: true},
}

// alumniTable returns the alumni table of an export: the roster with a summary of the
// exported interviews and the attempts of each alumnus in the scope's wave, read when the
// table is written. Nothing is kept per alumnus: the roster rows, the interviews and the
// attempts are sorted together by roster id (on disk past a run of alumniRun items), each
// alumnus's row is made from its own, and the rows are sorted back into the roster's order.
func alumniTable(ctx context.Context, src Sources, opt ExportOptions, scope waveScope, form *forms.Form) *export.Alumni {
	rows := func() iter.Seq2[[]string, error] {
		return func(yield func([]string, error) bool) {
			byAlumnus := newSpillSorter(opt.TempDir, alumniRun, compareAlumnusItems, writeAlumnusItem, readAlumnusItem)
			defer byAlumnus.close()
			byRoster := newSpillSorter(opt.TempDir, alumniRun, func(a, b alumniRow) int { return cmp.Compare(a.seq, b.seq) }, writeAlumniRow, readAlumniRow)
			defer byRoster.close()
			var pos int64
			linker, err := newRosterLink(ctx, src.Roster, opt.Study)
			if err != nil {
				yield(nil, err)
				return
			}
			// The response rates' cases, each with its final disposition, computed as the
			// report computes them (computeResponseOf) over the same wave, so the table
			// recounts the report's rates: one item on the row that describes each case.
			ro, err := ReportRoster(ctx, src.Roster)
			if err != nil {
				yield(nil, err)
				return
			}
			linker.ro = ro
			// The rates take the records the table reads, on another goroutine (teeRecords),
			// and add their cases to byAlumnus as they end: add is shared under mu. With
			// every revision exported they read the latest of each by themselves.
			var mu sync.Mutex
			add := func(it alumnusItem) error {
				mu.Lock()
				defer mu.Unlock()
				return byAlumnus.add(it)
			}
			rsrc := src
			rsrc.Attempts = opt.Attempts
			// The assignments as the report's rates take them, for the enumerator of each case.
			rcfg, err := responseConfig(ctx, rsrc, nil, 0, scope)
			if err != nil {
				yield(nil, err)
				return
			}
			rcfg.TempDir = opt.TempDir
			rcfg.Case = func(id, code, enumerator string) error {
				return add(alumnusItem{roster: id, kind: itemCase, code: code, cells: []string{enumerator}})
			}
			records, forCases, readDone := recordsAndLatest(ctx, src, scope, survey.RecordFilter{Revisions: opt.Revisions})
			casesDone := make(chan error, 1)
			go func() {
				_, err := computeResponseOf(ctx, rsrc, ro, opt.Study, rcfg, scope, forCases)
				for range forCases { // the table's reader must not wait for the rates
				}
				casesDone <- err
			}()
			waited := false
			cases := func() error {
				if waited {
					return nil
				}
				waited = true
				readDone()
				if err := <-casesDone; err != nil {
					return fmt.Errorf("the alumni table's cases: %w", err)
				}
				return nil
			}
			defer cases()
			for rec, err := range records {
				if err != nil {
					yield(nil, err)
					return
				}
				// Linked as the report and the response rates link it (report.Roster.LinkRow).
				id, _, err := linker.link(rec, nil)
				if err != nil {
					yield(nil, err)
					return
				}
				if id == "" {
					continue
				}
				pos++
				code := survey.InterviewDisposition(report.AnswerNamed(rec, builtin.Consent), report.AnswerNamed(rec, builtin.MainStatus))
				if err := add(alumnusItem{roster: id, kind: itemInterview, pos: pos, id: rec.ID, code: code, at: rec.FinalizedAt}); err != nil {
					yield(nil, err)
					return
				}
			}
			if err := cases(); err != nil {
				yield(nil, err)
				return
			}
			if opt.Attempts != nil {
				var after int64
				for {
					page, err := opt.Attempts.List(ctx, survey.AttemptFilter{After: after, Limit: 5000})
					if err != nil {
						yield(nil, fmt.Errorf("read attempts: %w", err))
						return
					}
					for _, a := range page {
						if !scope.holds(a.At) {
							continue
						}
						pos++
						if err := byAlumnus.add(alumnusItem{roster: a.RosterID, kind: itemAttempt, pos: pos, code: a.Outcome, at: a.At}); err != nil {
							yield(nil, err)
							return
						}
					}
					if len(page) < 5000 {
						break
					}
					after = page[len(page)-1].Seq
				}
			}
			assigned := scope.assignments
			if al, ok := src.Roster.(survey.AssignmentLister); ok && assigned == nil {
				var err error
				if assigned, err = al.Assignments(ctx); err != nil {
					yield(nil, fmt.Errorf("read assignments: %w", err))
					return
				}
			}
			var after int64
			for {
				page, err := src.Roster.Changes(ctx, after, 5000, "")
				if err != nil {
					yield(nil, err)
					return
				}
				for _, ch := range page {
					after = ch.Seq
					r := ch.Respondent
					cells := []string{r.RosterID, r.NIK, r.Name, r.Sex, r.Phone, r.Kejuruan, r.BatchID, r.TrainingEnd, r.Completion, r.ProgramName, r.Funding, r.Regency, assigned[r.RosterID]}
					if err := byAlumnus.add(alumnusItem{roster: r.RosterID, kind: itemRoster, pos: ch.Seq, cells: cells}); err != nil {
						yield(nil, err)
						return
					}
				}
				if len(page) < 5000 {
					break
				}
			}
			lang := export.DispositionLang(form, opt.Lang)
			var group []alumnusItem
			flush := func() error {
				if len(group) == 0 || group[0].kind != itemRoster {
					return nil // interviews and attempts of no roster row
				}
				return byRoster.add(alumnusRow(group, lang))
			}
			for it, err := range byAlumnus.sorted() {
				if err != nil {
					yield(nil, err)
					return
				}
				if len(group) > 0 && group[0].roster != it.roster {
					if err := flush(); err != nil {
						yield(nil, err)
						return
					}
					group = group[:0]
				}
				group = append(group, it)
			}
			if err := flush(); err != nil {
				yield(nil, err)
				return
			}
			for row, err := range byRoster.sorted() {
				if err != nil {
					yield(nil, err)
					return
				}
				if !yield(row.cells, nil) {
					return
				}
			}
		}
	}
	return &export.Alumni{Columns: alumniColumns, Rows: rows}
}

// alumniRun is how many items the alumni table sorts in memory before it writes them to a
// temporary file (a variable for the tests).
var alumniRun = 50_000

// The kinds of alumnusItem, in the order they sort within one alumnus.
const (
	itemRoster = iota
	itemCase
	itemInterview
	itemAttempt
)

// alumnusItem is one thing the alumni table reads about an alumnus: its roster row (cells:
// the roster's columns of the table and the assignment; pos: the row's sequence number),
// the response rates' case it describes (code: the case's final disposition; cells: the
// enumerator of its cell), an exported
// interview or a contact attempt (pos: the order it was read in).
type alumnusItem struct {
	roster string
	kind   int
	pos    int64
	id     string
	code   string
	at     time.Time
	cells  []string
}

// compareAlumnusItems orders the items by alumnus, then kind, interview id and reading
// order.
func compareAlumnusItems(a, b alumnusItem) int {
	return cmp.Or(strings.Compare(a.roster, b.roster), cmp.Compare(a.kind, b.kind), strings.Compare(a.id, b.id), cmp.Compare(a.pos, b.pos))
}

func writeAlumnusItem(w *spillWriter, it alumnusItem) {
	w.string(it.roster)
	w.int(int64(it.kind))
	w.int(it.pos)
	w.string(it.id)
	w.string(it.code)
	w.time(it.at)
	w.int(int64(len(it.cells)))
	for _, c := range it.cells {
		w.string(c)
	}
}

func readAlumnusItem(r *spillReader) alumnusItem {
	it := alumnusItem{roster: r.string(), kind: int(r.int()), pos: r.int(), id: r.string(), code: r.string(), at: r.time()}
	if n := r.int(); n > 0 && n <= int64(len(alumniColumns)) {
		it.cells = make([]string, n)
		for i := range it.cells {
			it.cells[i] = r.string()
		}
	}
	return it
}

// alumniRow is a row of the alumni table and the sequence number of its roster row.
type alumniRow struct {
	seq   int64
	cells []string
}

func writeAlumniRow(w *spillWriter, row alumniRow) {
	w.int(row.seq)
	w.int(int64(len(row.cells)))
	for _, c := range row.cells {
		w.string(c)
	}
}

func readAlumniRow(r *spillReader) alumniRow {
	row := alumniRow{seq: r.int()}
	if n := r.int(); n > 0 && n <= int64(len(alumniColumns)) {
		row.cells = make([]string, n)
		for i := range row.cells {
			row.cells[i] = r.string()
		}
	}
	return row
}

// alumnusRow makes the alumni table's row of one alumnus from its items, sorted: its roster
// row first, then its interviews, then its attempts. The interviews and the attempts are
// taken in the order they were read, as the disposition's ties are broken by that order.
func alumnusRow(items []alumnusItem, lang string) alumniRow {
	roster := items[0]
	var ivs, attempts []alumnusItem
	interviews := 0
	isCase, caseCode, caseEnum := "0", "", ""
	for i, it := range items[1:] {
		switch it.kind {
		case itemCase:
			isCase, caseCode = "1", it.code
			if len(it.cells) > 0 {
				caseEnum = it.cells[0]
			}
		case itemInterview:
			if i == 0 || items[i].kind != itemInterview || items[i].id != it.id {
				interviews++ // items[i] is the one before it
			}
			ivs = append(ivs, it)
		case itemAttempt:
			attempts = append(attempts, it)
		}
	}
	slices.SortFunc(ivs, func(a, b alumnusItem) int { return cmp.Compare(a.pos, b.pos) })
	var events, ivEvents []survey.DispositionEvent
	respondent := false
	var last, lastAttempt string
	var lastAt, attemptAt time.Time
	for _, iv := range ivs {
		if !iv.at.Before(lastAt) {
			last, lastAt = iv.id, iv.at
		}
		if iv.code == "1.1" {
			respondent = true
		}
		if iv.code != "" {
			ivEvents = append(ivEvents, survey.DispositionEvent{Code: iv.code, At: iv.at})
		}
	}
	for _, a := range attempts {
		events = append(events, survey.DispositionEvent{Code: a.code, At: a.at})
		if !a.at.Before(attemptAt) {
			lastAttempt, attemptAt = a.code, a.at
		}
	}
	final := survey.AlumnusDisposition(events, ivEvents)
	resp := "0"
	if respondent {
		resp = "1"
	}
	cells := append(roster.cells, strconv.Itoa(interviews), resp, last, strconv.Itoa(len(attempts)), lastAttempt,
		final, survey.DispositionLabel(final, lang), isCase, caseCode, caseEnum)
	return alumniRow{seq: roster.pos, cells: cells}
}
