package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/wire"
)

// push stores a batch: each item is checked against its form version (in parallel), the
// good ones are stored in one transaction shared with concurrent pushes, and the receipts
// go out after the commit. The decoding slot is freed once the items are checked, so that
// other pushes can be checked and join the same commit.
func (s *Server) push(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	release, err := s.admit(w, r, u.Name)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		return err
	}
	defer release()
	var req wire.PushRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	return s.store(w, r, u, req, release)
}

// store checks and stores the batch req as pushed by u and writes the receipts; release
// frees the caller's decoding slot once the items are checked.
func (s *Server) store(w http.ResponseWriter, r *http.Request, u *survey.User, req wire.PushRequest, release func()) error {
	resp, err := s.ingest(r.Context(), u, req, release)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// ingest checks and stores the batch req as pushed by u and returns the receipts, after
// the commit; release frees the caller's decoding slot once the items are checked.
func (s *Server) ingest(ctx context.Context, u *survey.User, req wire.PushRequest, release func()) (*wire.PushResponse, error) {
	receipts := make([]wire.Receipt, len(req.Items))
	subs := make([]*survey.Submission, len(req.Items))
	parallel(len(req.Items), func(i int) {
		it := req.Items[i]
		sub, err := s.check(ctx, it, u)
		if err != nil {
			code := survey.ErrorCode(err)
			receipts[i] = wire.Receipt{Receipt: survey.Receipt{InterviewID: it.ID, Revision: it.Revision, Hash: it.Hash,
				Status: survey.ReceiptRefused, Code: code, Message: survey.ErrorMessage(err)}, HTTPStatus: wire.ReceiptStatus(code)}
			return
		}
		sub.SubmittedBy, sub.DeviceTime = u.Name, req.DeviceTime.UTC()
		subs[i] = sub
	})
	items := len(req.Items)
	req.Items = nil // only the checked submissions wait for the commit
	var weight int64
	for _, sub := range subs {
		if sub != nil {
			weight += int64(len(sub.Body)) + 512
		}
	}
	weight = min(weight, s.cfg.MaxQueued)
	if err := s.queued.Acquire(ctx, weight); err != nil {
		return nil, err
	}
	defer s.queued.Release(weight)
	release()
	var good []*survey.Submission
	var at []int
	for i, sub := range subs {
		if sub != nil {
			good, at = append(good, sub), append(at, i)
		}
	}
	stored, dup, conflict, refused := 0, 0, 0, items-len(good)
	if len(good) > 0 {
		got, err := s.cfg.Submissions.Ingest(ctx, good)
		if err != nil {
			return nil, err
		}
		for n, rc := range got {
			status := http.StatusOK
			switch rc.Status {
			case survey.ReceiptStored:
				stored++
			case survey.ReceiptDuplicate:
				dup++
			case survey.ReceiptConflict:
				conflict++
				status = http.StatusConflict
				s.log.LogAttrs(ctx, slog.LevelWarn, "conflicting revision kept for review",
					slog.String("interview", rc.InterviewID), slog.Int("revision", rc.Revision), slog.String("user", u.Name))
			case survey.ReceiptRefused:
				refused++
				status = wire.ReceiptStatus(rc.Code)
				s.log.LogAttrs(ctx, slog.LevelWarn, "revision refused", slog.String("interview", rc.InterviewID),
					slog.Int("revision", rc.Revision), slog.String("user", u.Name), slog.String("code", rc.Code))
			}
			receipts[at[n]] = wire.Receipt{Receipt: rc, HTTPStatus: status}
		}
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "push", slog.String("user", u.Name), slog.Int("items", items),
		slog.Int("stored", stored), slog.Int("duplicate", dup), slog.Int("conflict", conflict),
		slog.Int("refused", refused))
	return &wire.PushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: receipts}, nil
}

// parallel runs fn(0..n-1) on up to GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// check verifies one pushed revision: the hash is the body's, the body is a canonical record
// of that id and revision, an enumerator's record names her own account, its form version
// is published, and the form engine finds every answer's question and no problem. It never
// trusts the laptop. Who may send which revision is the submission store's to decide.
func (s *Server) check(ctx context.Context, it wire.PushItem, u *survey.User) (*survey.Submission, error) {
	if len(it.Sealed) > 0 {
		if s.cfg.Key == nil {
			return nil, survey.Errorf(survey.EINVALID, "This server has no key to open sealed interviews.")
		}
		plain, err := s.cfg.Key.Open(it.Sealed)
		if err != nil {
			return nil, err
		}
		if len(plain) > wire.MaxRecord {
			return nil, survey.Errorf(survey.EINVALID, "The sealed record has over %d bytes.", wire.MaxRecord)
		}
		it.Body = plain
	}
	if survey.HashBytes(it.Body) != it.Hash {
		return nil, survey.Errorf(survey.EINVALID, "The hash is not the SHA-256 of the body.")
	}
	rec, answers, canonical, err := survey.DecodeCanonical(it.Body)
	if err != nil {
		return nil, err
	}
	if rec.ID != it.ID || rec.Revision != it.Revision {
		return nil, survey.Errorf(survey.EINVALID, "The record is interview %s revision %d, not the one named.", rec.ID, rec.Revision)
	}
	if !canonical {
		return nil, survey.Errorf(survey.EINVALID, "The body is not the record's canonical encoding.")
	}
	if u.Role == survey.RoleEnumerator && rec.Enumerator != u.Name {
		return nil, survey.Errorf(survey.EFORBIDDEN, "The record names enumerator %q; an enumerator sends only her own interviews (%s).",
			rec.Enumerator, u.Name)
	}
	f, err := s.forms.get(ctx, rec.FormID, rec.FormVersion)
	if err != nil {
		return nil, err
	}
	if rec.FormHash != f.Hash {
		// Other bytes under a published id and version: a file tried locally, or a form
		// edited without a new version. The laptop keeps it waiting with this reason.
		return nil, survey.Errorf(survey.ENOTFOUND, "Form %s version %s was published with other content (sha256 %.12s); this interview was made with a form whose sha256 is %.12s, which was never published.",
			rec.FormID, rec.FormVersion, f.Hash, rec.FormHash)
	}
	if n := f.Node(builtin.RosterID); n != nil && n.Repeat == nil && rec.RespondentID != "" {
		for _, a := range answers {
			if a.Path == n.Path() && a.Value != "" && a.Value != rec.RespondentID {
				return nil, survey.Errorf(survey.EINVALID, "The record is of alumnus %s, but its answer to %s is %q: an interview is of one alumnus.",
					rec.RespondentID, builtin.RosterID, survey.Printable(a.Value))
			}
		}
	}
	finalized := rec.FinalizedAt
	probs, unknown := forms.CheckAnswers(f, forms.Options{Lang: langOf(f, rec.Lang), Now: func() time.Time { return finalized }}, answers)
	if len(unknown) > 0 {
		return nil, survey.Errorf(survey.EINVALID, "Form %s version %s has no question %q (%d unknown path{s}).",
			rec.FormID, rec.FormVersion, unknown[0], len(unknown))
	}
	if len(probs) > 0 {
		return nil, survey.Errorf(survey.EINVALID, "Question %s: %s (%d problem{s}).", probs[0].Name, probs[0].Message, len(probs))
	}
	return &survey.Submission{
		InterviewID: rec.ID, Revision: rec.Revision, Hash: it.Hash, Body: it.Body,
		FormID: rec.FormID, FormVersion: rec.FormVersion, RespondentID: rec.RespondentID, Enumerator: rec.Enumerator,
	}, nil
}

// langOf returns lang when the form has it, else "" (the form's default).
func langOf(f *forms.Form, lang string) string {
	if l, ok := f.MatchLang(lang); ok {
		return l
	}
	return ""
}

// cursor reads the after and limit query parameters.
func cursor(r *http.Request) (after int64, limit int, err error) {
	q := r.URL.Query()
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return 0, 0, survey.Errorf(survey.EINVALID, "after must be a sequence number (0 or more).")
		}
	}
	limit = wire.MaxPage
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > wire.MaxPage {
			return 0, 0, survey.Errorf(survey.EINVALID, "limit must be 1 to %d.", wire.MaxPage)
		}
	}
	return after, limit, nil
}

func (s *Server) listInterviews(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	subs, err := s.cfg.Submissions.List(r.Context(), survey.SubmissionFilter{After: after, Limit: limit + 1})
	if err != nil {
		return err
	}
	var resp wire.InterviewsResponse
	resp.Interviews, resp.Next, resp.More = page(subs, after, limit, func(s *survey.Submission) int64 { return s.Seq })
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// InterviewResponse is one stored revision: its metadata, its record with personal data
// masked (Masked is true; the hash is that of the stored canonical bytes, not of Body) and
// the conflicting contents received for it. Personal data in full leaves the server only
// through the analysts' export.
type InterviewResponse struct {
	*survey.Submission
	Body      []byte               `json:"body"`
	Masked    bool                 `json:"masked"`
	Conflicts []*survey.Submission `json:"conflicting,omitempty"`
}

// maskedBody returns the record in body with its personal answers masked, as the
// personal_data column of its form version says.
func (s *Server) maskedBody(ctx context.Context, body []byte) ([]byte, error) {
	rec, err := survey.DecodeRecord(body)
	if err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	f, err := s.forms.get(ctx, rec.FormID, rec.FormVersion)
	if err != nil {
		return nil, fmt.Errorf("form of stored record: %w", err)
	}
	return rec.Masked(f).Canonical()
}

func (s *Server) getInterview(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	rev, err := strconv.Atoi(r.PathValue("revision"))
	if err != nil || rev < 1 {
		return survey.Errorf(survey.EINVALID, "The revision must be a number of at least 1.")
	}
	sub, err := s.cfg.Submissions.Get(r.Context(), r.PathValue("id"), rev)
	if err != nil {
		return err
	}
	conflicts, err := s.cfg.Submissions.Conflicts(r.Context(), sub.InterviewID, rev)
	if err != nil {
		return err
	}
	body, err := s.maskedBody(r.Context(), sub.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, InterviewResponse{Submission: sub, Body: body, Masked: true, Conflicts: conflicts})
	return nil
}

func (s *Server) returnInterview(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	var req wire.ReturnRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if len(req.Questions) > 0 {
		// Comments go to questions of the revision's form, by path or by bare name.
		sub, err := s.cfg.Submissions.Get(r.Context(), r.PathValue("id"), req.Revision)
		if err != nil {
			return err
		}
		f, err := s.forms.get(r.Context(), sub.FormID, sub.FormVersion)
		if err != nil {
			return fmt.Errorf("form of stored record: %w", err)
		}
		if req.Questions, err = questionPaths(f, req.Questions); err != nil {
			return err
		}
	}
	n, err := s.cfg.Reviews.ReturnWithComments(r.Context(), r.PathValue("id"), req.Revision, req.Comment, req.Questions, u.Name)
	if err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "returned", slog.String("interview", n.InterviewID),
		slog.Int("revision", n.Revision), slog.String("user", u.Name))
	writeJSON(w, http.StatusOK, n)
	return nil
}

// questionPaths returns the comments qs on questions of form f with each question's path:
// a question outside any repeat may be named alone ("income_exact"); a path must be one of
// the form's questions, a repeat's instance numbered ("members[2]/age"). EINVALID names the
// comment's question that is not one.
func questionPaths(f *forms.Form, qs []survey.QuestionComment) ([]survey.QuestionComment, error) {
	out := make([]survey.QuestionComment, len(qs))
	for i, q := range qs {
		p := strings.TrimSpace(q.Path)
		name := p[strings.LastIndexByte(p, '/')+1:]
		if j := strings.IndexByte(name, '['); j >= 0 {
			name = name[:j]
		}
		n := f.Node(name)
		if n == nil && strings.Contains(p, "/") {
			n = f.NodeAt(p) // a name two groups use, told apart by its path
		} else if n == nil {
			for _, m := range f.Nodes {
				if m.Name == name && m.Answerable() {
					return nil, survey.Errorf(survey.EINVALID, "Form %s version %s has more than one question %q: name its path, as in %q.", f.ID, f.Version, name, instancePath(m))
				}
			}
		}
		if n == nil || !n.Answerable() {
			return nil, survey.Errorf(survey.EINVALID, "Form %s version %s has no question %q to comment on.", f.ID, f.Version, q.Path)
		}
		switch bare := !strings.Contains(p, "/"); {
		case bare && n.Repeat == nil:
			p = n.Path()
		case n.Repeat != nil && (bare || !strings.Contains(p, "[")):
			return nil, survey.Errorf(survey.EINVALID, "Question %q is in a repeat: name its instance, as in %q.", q.Path, instancePath(n))
		case forms.Unnumbered(p) != n.Path():
			return nil, survey.Errorf(survey.EINVALID, "Form %s version %s has no question at %q: %s is at %q.", f.ID, f.Version, q.Path, name, n.Path())
		}
		out[i] = survey.QuestionComment{Path: p, Comment: q.Comment}
	}
	return out, nil
}

// instancePath returns the path of n in the first instance of each repeat around it.
func instancePath(n *forms.Node) string {
	var parts []string
	for p := n; p != nil && p.Parent != nil; p = p.Parent {
		step := p.Name
		if p.Kind == forms.KindRepeat {
			step += "[1]"
		}
		parts = append(parts, step)
	}
	slices.Reverse(parts)
	return strings.Join(parts, "/")
}

func (s *Server) pullReturned(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	who := u.Name // an enumerator sees only what they pushed
	if u.Role == survey.RoleSupervisor {
		who = ""
	}
	ns, err := s.cfg.Returns.Returned(r.Context(), after, who, limit+1)
	if err != nil {
		return err
	}
	// The submitter gets the record back: her laptop sealed it away when she finalized it.
	// The page ends before the return whose record would take it past ReturnPageBytes.
	size := 0
	for i, n := range ns[:min(len(ns), limit)] {
		if size > s.cfg.ReturnPageBytes && i > 0 {
			ns, limit = ns[:i+1], i
			break
		}
		size += len(n.Comment)
		if n.SubmittedBy != u.Name {
			continue
		}
		sub, err := s.cfg.Submissions.Get(r.Context(), n.InterviewID, n.Revision)
		if err != nil {
			return err
		}
		n.Record = sub.Body
		size += len(n.Record)
	}
	var resp wire.ReturnedResponse
	resp.Returns, resp.Next, resp.More = page(ns, after, limit, func(n *survey.ReturnNotice) int64 { return n.Seq })
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// pullApproved gives the caller the approvals of the interviews she sent, so that her
// laptop drops what it kept of them.
func (s *Server) pullApproved(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	es, err := s.cfg.Reviews.Approvals(r.Context(), after, u.Name, limit+1)
	if err != nil {
		return err
	}
	var resp wire.ApprovedResponse
	resp.Approvals, resp.Next, resp.More = page(es, after, limit, func(e *survey.ReviewEvent) int64 { return e.Seq })
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) uploadRoster(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	var req wire.RosterUpload
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	res, err := s.cfg.Roster.Upload(r.Context(), req.Rows)
	if err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "roster upload", slog.String("user", u.Name),
		slog.Int("inserted", res.Inserted), slog.Int("updated", res.Updated), slog.Int("unchanged", res.Unchanged))
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) assignRoster(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	var req wire.AssignRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	res, err := s.cfg.Roster.Assign(r.Context(), req.AssignSelector, req.To, u.Name)
	if err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "roster assigned", slog.String("user", u.Name),
		slog.String("to", res.To), slog.Int("rows", res.Assigned))
	writeJSON(w, http.StatusOK, res)
	return nil
}

// pullRoster gives an enumerator only the rows assigned to her once the roster has
// assignments; other roles get every row. With ?gone=1 (a laptop that drops them), the
// rows that left her roster come too, marked Gone (survey.RosterDepartures).
func (s *Server) pullRoster(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	assignedTo := ""
	if u.Role == survey.RoleEnumerator {
		assignedTo = u.Name
	}
	var resp wire.RosterResponse
	resp.Rows, resp.Next, resp.More, err = s.rosterChanges(r.Context(), after, limit, assignedTo, r.URL.Query().Get("gone") == "1")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// rosterChanges reads one page of the roster's changes after after (with gone, those of
// survey.RosterDepartures): at most limit rows and about maxRosterPage bytes, the cursor to
// continue after and whether more follow. A store that cuts the page as it reads
// (survey.RosterPager) reads no more rows than the page holds.
func (s *Server) rosterChanges(ctx context.Context, after int64, limit int, assignedTo string, gone bool) ([]survey.RosterRow, int64, bool, error) {
	dep, departs := s.cfg.Roster.(survey.RosterDepartures)
	gone = gone && departs
	if pager, ok := s.cfg.Roster.(survey.RosterPager); ok {
		rows, more, err := pager.ChangesPage(ctx, after, limit, maxRosterPage, assignedTo, gone)
		if err != nil {
			return nil, 0, false, err
		}
		next := after
		if len(rows) > 0 {
			next = rows[len(rows)-1].Seq
		}
		return rows, next, more, nil
	}
	var rows []survey.RosterRow
	var err error
	if gone {
		rows, err = dep.ChangesAndGone(ctx, after, limit+1, assignedTo)
	} else {
		rows, err = s.cfg.Roster.Changes(ctx, after, limit+1, assignedTo)
	}
	if err != nil {
		return nil, 0, false, err
	}
	rows, limit = rosterPage(rows, limit)
	rows, next, more := page(rows, after, limit, func(r survey.RosterRow) int64 { return r.Seq })
	return rows, next, more, nil
}

// maxRosterPage is about the most bytes of roster rows (as the store keeps them, or their
// values for a store that is no survey.RosterPager) one page of the roster carries: 1,000
// ordinary rows, fewer when rows are large (a row may hold 256 extra columns of 4 KB), so
// that a page, read and built whole before it is written, stays small.
const maxRosterPage = 1 << 20

// rosterPage cuts rows, read with a limit of limit+1, to a page of at most maxRosterPage
// bytes of values (at least one row) and returns them, with the limit that page() must
// use: rows then holds one row more than the page when more follow. The rows kept are
// copied, so the ones cut are not held while the page is written.
func rosterPage(rows []survey.RosterRow, limit int) ([]survey.RosterRow, int) {
	size := 0
	for i, r := range rows {
		if i >= limit {
			break
		}
		size += rosterRowSize(r.Respondent)
		if size > maxRosterPage && i > 0 {
			return slices.Clone(rows[:i+1]), i
		}
	}
	return rows, limit
}

// rosterRowSize is the bytes of a roster row's values and extra column names.
func rosterRowSize(p *survey.Respondent) int {
	if p == nil {
		return 0
	}
	n := len(p.PhoneRaw)
	for _, c := range survey.RosterColumnNames {
		n += len(p.Value(c))
	}
	for k, v := range p.Extra {
		n += len(k) + len(v)
	}
	return n
}

// page cuts a cursor page from items, which the store read with a limit of limit+1: at most
// limit items (never nil, so JSON says []), the cursor to continue after (after itself when
// the page is empty), and whether there are more.
func page[T any](items []T, after int64, limit int, seq func(T) int64) ([]T, int64, bool) {
	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	if len(items) == 0 {
		return []T{}, after, false
	}
	return items, seq(items[len(items)-1]), more
}
