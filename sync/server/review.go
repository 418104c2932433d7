package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/report"
	"tracer/survey/review"
	"tracer/sync/wire"
)

// sources returns the stores exports and reports read.
func (s *Server) sources() Sources {
	return Sources{Reviews: s.cfg.Reviews, Forms: s.cfg.Forms, Roster: s.cfg.Roster, Attempts: s.cfg.Attempts, Waves: s.cfg.Waves}
}

// capture is how an interview's latest revision came: a record's Mode and Device.
type capture struct{ mode, device string }

// flags computes the flags of every interview from the latest revision of each, and how
// each came (its capture). The result is kept until the store's flag stamp changes (a
// revision stored, a differing content, a roster row), so a page of the queue or one
// interview costs a few index lookups, not a read of every interview and the roster.
func (s *Server) flags(ctx context.Context) (map[string][]survey.Flag, map[string]capture, error) {
	stamp, err := s.cfg.Reviews.FlagStamp(ctx)
	if err != nil {
		return nil, nil, err
	}
	s.flagMu.Lock()
	defer s.flagMu.Unlock()
	if s.flagCache != nil && s.flagStamp == stamp {
		return s.flagCache, s.captures, nil
	}
	conflicts, err := s.conflicts(ctx)
	if err != nil {
		return nil, nil, err
	}
	captures := map[string]capture{}
	// The flagger keeps a few numbers per interview, never its record: holding every
	// interview's record (even cut to the questions the flags read) took gigabytes at a
	// hundred thousand interviews.
	flagger := review.NewFlagger(s.cfg.Flags)
	for rec, err := range s.cfg.Reviews.Records(ctx, survey.RecordFilter{Revisions: survey.RevisionsLatest, Names: review.Fields()}) {
		if err != nil {
			return nil, nil, err
		}
		if rec.Mode != "" {
			captures[rec.ID] = capture{rec.Mode, rec.Device}
		}
		var f *forms.Form
		if got, err := s.forms.get(ctx, rec.FormID, rec.FormVersion); err == nil {
			f = got
		}
		flagger.Add(review.Item{Record: rec, Form: f, Conflicts: conflicts[rec.ID]})
	}
	// The roster's kejuruan, a page of rows at a time, over the interviews' answers.
	for row, err := range rosterPages(ctx, s.cfg.Roster) {
		if err != nil {
			return nil, nil, err
		}
		flagger.RosterKejuruan(row.RosterID, row.Kejuruan)
	}
	s.flagCache, s.captures, s.flagStamp = flagger.Flags(), captures, stamp
	return s.flagCache, s.captures, nil
}

// conflicts counts the differing contents received for each interview that has any,
// reading the queue a page at a time.
func (s *Server) conflicts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := queuePages(ctx, s.cfg.Reviews, func(v *survey.Review) {
		if v.Conflicts > 0 {
			out[v.InterviewID] = v.Conflicts
		}
	})
	return out, err
}

// queuePages calls each with every review of the queue, read a page at a time.
func queuePages(ctx context.Context, store survey.ReviewStore, each func(v *survey.Review)) error {
	const page = 5000
	for after := int64(0); ; {
		batch, err := store.Queue(ctx, survey.ReviewFilter{After: after, Limit: page})
		if err != nil {
			return err
		}
		for _, v := range batch {
			after = v.Seq
			each(v)
		}
		if len(batch) < page {
			return nil
		}
	}
}

// rosterMatching reads the ids of the roster rows in kejuruan and program ("" for any), a
// page of rows at a time, keeping those ids alone.
func (s *Server) rosterMatching(ctx context.Context, kejuruan, program string) (map[string]bool, error) {
	out := map[string]bool{}
	for r, err := range rosterPages(ctx, s.cfg.Roster) {
		if err != nil {
			return nil, err
		}
		if (kejuruan == "" || r.Kejuruan == kejuruan) && (program == "" || r.ProgramName == program) {
			out[r.RosterID] = true
		}
	}
	return out, nil
}

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	state := survey.ReviewState(q.Get("state"))
	if state != "" && !state.Valid() {
		return survey.Errorf(survey.EINVALID, "Unknown review state %q: use received, approved, returned or resubmitted.", state)
	}
	flag := q.Get("flag")
	if flag != "" && !contains(review.FlagNames, flag) && flag != "any" {
		return survey.Errorf(survey.EINVALID, "Unknown flag %q: use any or one of %s.", flag, strings.Join(review.FlagNames, ", "))
	}
	ctx := r.Context()
	flags, captures, err := s.flags(ctx)
	if err != nil {
		return err
	}
	enumerator, kejuruan, program := q.Get("enumerator"), q.Get("kejuruan"), q.Get("program")
	var inRoster map[string]bool
	if kejuruan != "" || program != "" {
		if inRoster, err = s.rosterMatching(ctx, kejuruan, program); err != nil {
			return err
		}
	}
	resp := survey.ReviewPage{Interviews: []*survey.Review{}, Next: after}
	// The queue is read in chunks from after, the state chosen in SQL, until the page is
	// full and one more matches (More) or the queue ends: a page costs its own rows, not
	// the whole queue's.
	chunk := max(2*limit, 256)
	for from := after; ; {
		batch, err := s.cfg.Reviews.Queue(ctx, survey.ReviewFilter{State: state, After: from, Limit: chunk})
		if err != nil {
			return err
		}
		for _, v := range batch {
			from = v.Seq
			if enumerator != "" && v.Enumerator != enumerator && v.SubmittedBy != enumerator {
				continue
			}
			if inRoster != nil && !inRoster[v.RespondentID] {
				continue
			}
			v.Flags = flags[v.InterviewID]
			c := captures[v.InterviewID]
			v.Mode, v.Device = c.mode, c.device
			if flag != "" && !hasFlag(v.Flags, flag) {
				continue
			}
			if len(resp.Interviews) == limit {
				resp.More = true
				writeJSON(w, http.StatusOK, resp)
				return nil
			}
			resp.Interviews = append(resp.Interviews, v)
			resp.Next = v.Seq
		}
		if len(batch) < chunk {
			break
		}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func hasFlag(fs []survey.Flag, name string) bool {
	for _, f := range fs {
		if f.Name == name || (name == "any") {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// wholeInterviewID returns the interview a supervisor named: a whole id as it is, or the
// interview whose id ends with the short id (survey.ShortID) that the flags and the TUI
// print, when one does. More than one is refused with their ids.
func (s *Server) wholeInterviewID(ctx context.Context, id string) (string, error) {
	if len(id) >= 36 || strings.Trim(strings.ToLower(id), "0123456789abcdef-") != "" {
		return id, nil
	}
	if len(id) < 8 {
		return "", survey.Errorf(survey.EINVALID, "%q is too short to name one interview: give its whole id, or its last 8 characters.", id)
	}
	ids, err := s.cfg.Reviews.IDsEndingWith(ctx, strings.ToLower(id), 5)
	switch {
	case err != nil:
		return "", err
	case len(ids) == 0:
		return "", survey.Errorf(survey.ENOTFOUND, "No stored interview's id ends with %s.", id)
	case len(ids) > 1:
		slices.Sort(ids)
		return "", survey.Errorf(survey.EINVALID, "The ids of several interviews end with %s: give more of the id (%s).", id, strings.Join(ids, ", "))
	}
	return ids[0], nil
}

func (s *Server) reviewInterview(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	ctx := r.Context()
	id, err := s.wholeInterviewID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.cfg.Reviews.Review(ctx, id)
	if err != nil {
		return err
	}
	sub, err := s.cfg.Submissions.Get(ctx, id, v.Revision)
	if err != nil {
		return err
	}
	var resp wire.InterviewReview
	resp.Review = v
	if resp.Body, err = s.maskedBody(ctx, sub.Body); err != nil {
		return err
	}
	if resp.Revisions, err = s.cfg.Reviews.Revisions(ctx, id); err != nil {
		return err
	}
	if resp.History, err = s.cfg.Reviews.History(ctx, id); err != nil {
		return err
	}
	if resp.Conflicts, err = s.cfg.Submissions.Conflicts(ctx, id, v.Revision); err != nil {
		return err
	}
	flags, captures, err := s.flags(ctx)
	if err != nil {
		return err
	}
	v.Flags = flags[id]
	c := captures[id]
	v.Mode, v.Device = c.mode, c.device
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) approveInterview(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	var req wire.ApproveRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	e, err := s.cfg.Reviews.Approve(r.Context(), r.PathValue("id"), req.Revision, req.Comment, u.Name)
	if err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "approved", slog.String("interview", e.InterviewID),
		slog.Int("revision", e.Revision), slog.String("user", u.Name))
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) coverage(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	ctx := r.Context()
	now := s.cfg.Now().In(s.cfg.Location)
	if d := r.URL.Query().Get("day"); d != "" {
		t, err := time.ParseInLocation(time.DateOnly, d, s.cfg.Location)
		if err != nil {
			return survey.Errorf(survey.EINVALID, "day must be a date, YYYY-MM-DD.")
		}
		now = t
	}
	cov, err := s.coverageOf(ctx, now)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cov)
	return nil
}

// coverageOf returns the coverage with "today" the day of now. It is kept until the
// store's coverage stamp changes (a revision, a review, a roster row) or another day is
// asked for: the supervisor's queue asks for it at every load, and it reads every review
// and roster row.
func (s *Server) coverageOf(ctx context.Context, now time.Time) (*review.Coverage, error) {
	stamp, err := s.cfg.Reviews.CoverageStamp(ctx)
	if err != nil {
		return nil, err
	}
	key := stamp + " " + now.Format(time.DateOnly) + " " + now.Location().String()
	s.coverMu.Lock()
	defer s.coverMu.Unlock()
	if s.coverCache != nil && s.coverKey == key {
		return s.coverCache, nil
	}
	// The queue, then the roster, a page at a time: the counter keeps a few bytes per
	// alumnus, never the rows.
	c := review.NewCoverageCounter(now)
	if err := queuePages(ctx, s.cfg.Reviews, func(v *survey.Review) { c.AddReview(v) }); err != nil {
		return nil, err
	}
	for row, err := range rosterPages(ctx, s.cfg.Roster) {
		if err != nil {
			return nil, err
		}
		c.AddRoster(row)
	}
	s.coverCache, s.coverKey = c.Coverage(), key
	return s.coverCache, nil
}

// deadlineWriter pushes the connection's write deadline forward while an export streams,
// so a long export is never cut by the server's write timeout while it makes progress.
type deadlineWriter struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	step time.Duration
	last time.Time
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(d.last) > time.Second {
		d.last = now
		_ = d.rc.SetWriteDeadline(now.Add(d.step)) // not every writer supports it; then nothing to extend
	}
	return d.w.Write(p)
}

var exportTypes = map[export.Format][2]string{
	export.CSV:   {"application/zip", "zip"},
	export.XLSX:  {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	export.JSONL: {"application/x-ndjson", "jsonl"},
	export.SAV:   {"application/zip", "sav.zip"},
	export.DTA:   {"application/zip", "dta.zip"},
}

func (s *Server) export(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	q := r.URL.Query()
	format, err := export.ParseFormat(q.Get("format"))
	if q.Get("format") == "" {
		format, err = export.CSV, nil
	}
	if err != nil {
		return survey.Errorf(survey.EINVALID, "Unknown export format %q: use csv, xlsx, jsonl, sav or dta.", q.Get("format"))
	}
	dialect, err := export.ParseCSVDialect(q.Get("csv_dialect"))
	if err != nil {
		return survey.Errorf(survey.EINVALID, "Unknown CSV dialect %q: use standard or excel-id.", q.Get("csv_dialect"))
	}
	revs, err := survey.ParseRevisionSet(q.Get("revisions"))
	if err != nil {
		return err
	}
	labels, err := boolParam(q.Get("labels"))
	if err != nil {
		return err
	}
	alumni, err := boolParam(q.Get("alumni"))
	if err != nil {
		return err
	}
	opt := ExportOptions{Format: format, Revisions: revs, Labels: labels, Lang: q.Get("lang"), FormID: q.Get("form"), CSVDialect: dialect, Study: s.cfg.Study, Alumni: alumni, Attempts: s.cfg.Attempts, Wave: q.Get("wave"), TempDir: s.cfg.TempDir}
	ctx := r.Context()
	// The export is written to a temporary file first and sent from there once the store's
	// queries are done, so that a slow reader of the download holds no database connection
	// (nor, on SQLite, the read snapshot that keeps the log from being checkpointed), and a
	// failed export is answered with its error rather than a cut body.
	// One export of an account at a time: each takes a temporary file as large as the
	// export until its download ends, and the disk is the database's too.
	done, err := s.exporting(u.Name)
	if err != nil {
		w.Header().Set("Retry-After", "60")
		return err
	}
	defer done()
	tmp, err := os.CreateTemp(s.cfg.TempDir, exportTempPattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	var form *forms.Form
	bw := bufio.NewWriterSize(tmp, 64<<10)
	computed, err := s.compute(w, r)
	if err != nil {
		return err
	}
	defer computed()
	st, err := WriteExport(ctx, bw, s.sources(), opt, func(f *forms.Form) { form = f })
	if err == nil {
		err = bw.Flush()
	}
	computed() // the download is no computing
	if err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	t := exportTypes[format]
	w.Header().Set("Content-Type", t[0])
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Content-Disposition", `attachment; filename="`+safeName(form.ID)+"-"+string(revs)+"."+t[1]+`"`)
	w.WriteHeader(http.StatusOK)
	dw := &deadlineWriter{w: w, rc: http.NewResponseController(w), step: 2 * time.Minute}
	if _, err := io.Copy(dw, tmp); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "export not delivered", slog.String("user", u.Name), slog.String("err", err.Error()))
		return nil
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "export", slog.String("user", u.Name), slog.String("format", string(format)),
		slog.String("revisions", string(revs)), slog.Int("interviews", st.Interviews))
	for _, c := range st.Cut {
		s.log.LogAttrs(ctx, slog.LevelWarn, "export cut long strings", slog.String("user", u.Name), slog.String("table", c.Table),
			slog.String("variable", c.Variable), slog.Int("values", c.Values), slog.Int("limit", c.Limit))
	}
	return nil
}

// exportTempPattern and sortTempPattern name the server's temporary files (os.CreateTemp).
const (
	exportTempPattern = "tracer-export-*"
	sortTempPattern   = "tracer-sort-*"
)

// RemoveStaleTemp removes from dir the temporary files of a server that was stopped while
// it wrote them (an export, the alumni table's sort runs, bodies being received) and that are older than a day,
// so that they do not fill the database's disk; a day is far past any request's time, so no
// running server's file is touched. It returns how many it removed.
func RemoveStaleTemp(dir string, now time.Time) (int, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	n := 0
	for _, pattern := range []string{exportTempPattern, sortTempPattern, bodyTempPattern} {
		names, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return n, err
		}
		for _, name := range names {
			fi, err := os.Lstat(name)
			if err != nil || !fi.Mode().IsRegular() || now.Sub(fi.ModTime()) < 24*time.Hour {
				continue
			}
			if err := os.Remove(name); err == nil {
				n++
			}
		}
	}
	return n, nil
}

// exporting marks an export of account user as under way until done is called, or refuses
// it (EUNAVAILABLE) while another of the account's is.
func (s *Server) exporting(user string) (done func(), err error) {
	s.exportMu.Lock()
	defer s.exportMu.Unlock()
	if s.exports[user] {
		return nil, survey.Errorf(survey.EUNAVAILABLE, "Another export of this account is under way; try again once it has downloaded.")
	}
	s.exports[user] = true
	return func() {
		s.exportMu.Lock()
		defer s.exportMu.Unlock()
		delete(s.exports, user)
	}, nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

func boolParam(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, survey.Errorf(survey.EINVALID, "A yes/no parameter is 1, true, yes, 0, false or no, not %q.", v)
}

func (s *Server) report(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	q := r.URL.Query()
	switch q.Get("section") {
	case "", "indicators":
	case "response":
		return s.responseReport(w, r, u)
	default:
		return survey.Errorf(survey.EINVALID, "section is indicators or response, not %q.", q.Get("section"))
	}
	format, err := ParseReportFormat(q.Get("format"))
	if err != nil {
		return err
	}
	var by []report.Dimension
	if v := q.Get("by"); v != "" {
		if by, err = report.ParseDimensions(v); err != nil {
			return survey.Errorf(survey.EINVALID, "%s.", upperFirst(err.Error()))
		}
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
	var ep *float64
	if e >= 0 {
		ep = &e
	}
	// The report is computed in memory before a byte is written, so a failure is still a
	// JSON error.
	done, err := s.compute(w, r)
	if err != nil {
		return err
	}
	defer done()
	var buf bytes.Buffer
	if _, err := WriteReport(r.Context(), &buf, s.sources(), ReportOptions{Format: format, By: by, Revisions: revs, Lang: lang, Study: s.cfg.Study, E: ep, Threshold: th, Wave: q.Get("wave")}); err != nil {
		return err
	}
	done() // the answer is in memory: a slow reader of it computes nothing
	ct := map[ReportFormat]string{ReportText: "text/plain; charset=utf-8", ReportJSON: "application/json",
		ReportXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ReportHTML: "text/html; charset=utf-8"}[format]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-store")
	if format == ReportXLSX {
		w.Header().Set("Content-Disposition", `attachment; filename="report.xlsx"`)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "report", slog.String("user", u.Name), slog.String("format", string(format)))
	return nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// flagState is the server's cache of computed flags and coverage.
type flagState struct {
	flagMu    sync.Mutex
	flagCache map[string][]survey.Flag
	captures  map[string]capture // by interview id, for those not from a tracer laptop
	flagStamp string

	// The coverage last computed, and the store's coverage stamp and the day it counts.
	coverMu    sync.Mutex
	coverCache *review.Coverage
	coverKey   string
}
