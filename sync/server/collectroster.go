package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"sort"
	"strings"
	"sync"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// This file gives ODK Collect the roster. A laptop prefills an interview from the roster
// row the enumerator picks; Collect does it the ODK way: the form's roster_id question
// becomes a select of the rows of an attached CSV file, roster.csv, and choosing a row fills
// in the questions named after the roster's columns (forms.XFormRoster). The file is made
// per account, like the roster a laptop pulls: an enumerator's own assigned alumni (all of
// them while nothing is assigned), and only the columns the form prefills.

// RosterFile is the name of the roster attachment of Collect's forms.
const RosterFile = "roster.csv"

// MaxCollectRoster is the most roster rows one account's roster file holds.
const MaxCollectRoster = 100000

// collectRows returns the roster rows u's Collect forms offer, in the order of their
// labels: what a laptop of u pulls.
func (s *Server) collectRows(ctx context.Context, u *survey.User) ([]*survey.Respondent, error) {
	if s.cfg.Roster == nil {
		return nil, nil
	}
	assignedTo := assignedTo(u)
	var rows []*survey.Respondent
	after := int64(0)
	for {
		page, err := s.cfg.Roster.Changes(ctx, after, 1000, assignedTo)
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			rows = append(rows, r.Respondent)
			after = r.Seq
		}
		if len(rows) > MaxCollectRoster {
			return nil, survey.Errorf(survey.ETOOLARGE, "The roster of %s has over %d rows, too many for a phone: assign the alumni to enumerators (tracer roster assign).", u.Name, MaxCollectRoster)
		}
		if len(page) < 1000 {
			break
		}
	}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = strings.ToLower(r.Name)
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool {
		a, b := idx[i], idx[j]
		if keys[a] != keys[b] {
			return keys[a] < keys[b]
		}
		if rows[a].RosterID != rows[b].RosterID {
			return rows[a].RosterID < rows[b].RosterID
		}
		return a < b
	})
	sorted := make([]*survey.Respondent, len(rows))
	for i, k := range idx {
		sorted[i] = rows[k]
	}
	return sorted, nil
}

// collectFile is the roster file of one account's filter and one form version, as
// rosterFile makes it, with its OpenRosa hash.
type collectFile struct {
	spec *forms.XFormRoster
	csv  []byte
	hash string
}

type collectFileKey struct{ assignedTo, form, version string }

// maxCollectFiles bounds the bytes of roster files kept: a file of MaxCollectRoster rows
// is about 20 MB.
const maxCollectFiles = 128 << 20

// collectFiles keeps the roster files Collect's requests make, while the roster is as it
// was when they were made (survey.RosterState): Collect asks for the form list at every
// "Get Blank Form" and on its own every few minutes, then the form, its manifest and the
// file, each of which would otherwise read and write the account's whole roster. A file is
// made by one request at a time, the others asking for it wait for it, and at most
// maxCollectBuilds are made at once: phones asking together after a change hold one copy of
// the rows, not one each.
type collectFiles struct {
	mu       sync.Mutex
	state    survey.RosterState
	files    map[collectFileKey]*collectFile
	bytes    int
	inflight map[collectFileKey]chan struct{}
	builds   chan struct{}
}

// maxCollectBuilds bounds the roster files made at once.
const maxCollectBuilds = 2

// kept returns the file of key kept under state, nil when none.
func (c *collectFiles) kept(key collectFileKey, state survey.RosterState) *collectFile {
	if c.state != state {
		return nil
	}
	return c.files[key]
}

// keep keeps cf as the file of key under state, within maxCollectFiles.
func (c *collectFiles) keep(key collectFileKey, state survey.RosterState, cf *collectFile) {
	if len(cf.csv) > maxCollectFiles/2 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != state || c.bytes+len(cf.csv) > maxCollectFiles {
		c.state, c.files, c.bytes = state, nil, 0
	}
	if c.files == nil {
		c.files = map[collectFileKey]*collectFile{}
	}
	if old := c.files[key]; old != nil {
		c.bytes -= len(old.csv)
	}
	c.files[key] = cf
	c.bytes += len(cf.csv)
}

// collectFile returns the roster file of f for u (spec nil when f has none), made at most
// once while the roster stays as it is; rows reads the account's rows when it must be made.
func (s *Server) collectFile(ctx context.Context, f *forms.Form, u *survey.User, rows func() ([]*survey.Respondent, error)) (*collectFile, error) {
	if rosterKey(f) == nil {
		return &collectFile{}, nil
	}
	c := &s.collect
	stater, keeps := s.cfg.Roster.(survey.RosterStater)
	var state survey.RosterState
	key := collectFileKey{assignedTo: assignedTo(u), form: f.ID, version: f.Version}
	if keeps {
		var err error
		if state, err = stater.RosterState(ctx); err != nil {
			return nil, err
		}
		if state.Assigned == 0 {
			key.assignedTo = "" // every account's file is the whole roster: one file for all
		}
	}
	c.mu.Lock()
	for {
		if cf := c.kept(key, state); keeps && cf != nil {
			c.mu.Unlock()
			return cf, nil
		}
		ch, busy := c.inflight[key]
		if !busy {
			break
		}
		c.mu.Unlock()
		select {
		case <-ch: // made, or given up: look again
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		c.mu.Lock()
	}
	if c.inflight == nil {
		c.inflight = map[collectFileKey]chan struct{}{}
		c.builds = make(chan struct{}, maxCollectBuilds)
	}
	done := make(chan struct{})
	c.inflight[key] = done
	builds := c.builds
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		close(done)
	}()
	select {
	case builds <- struct{}{}:
		defer func() { <-builds }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rs, err := rows()
	if err != nil {
		return nil, err
	}
	spec, file := rosterFile(f, rs)
	cf := &collectFile{spec: spec, csv: file, hash: md5Hash(file)}
	if keeps {
		// Kept under the state read before the rows: a change made meanwhile gives a new
		// state, and the next request makes the file again.
		c.keep(key, state, cf)
	}
	return cf, nil
}

// assignedTo is the account whose assigned rows u's roster holds: an enumerator's own,
// "" (every row) for others.
func assignedTo(u *survey.User) string {
	if u.Role == survey.RoleEnumerator {
		return u.Name
	}
	return ""
}

// rosterKey returns the question of f that identifies the respondent, nil when f has none
// outside repeats.
func rosterKey(f *forms.Form) *forms.Node {
	n := f.Node(builtin.RosterID)
	if n == nil || n.Repeat != nil || n.IsGroup() || n.Kind == forms.KindMeta || n.Kind == forms.KindCalculate || n.Kind == forms.KindNote {
		return nil
	}
	return n
}

// prefilled reports whether the laptop prefills question n from a roster column of its name.
func prefilled(n *forms.Node) bool {
	return n != nil && n.Repeat == nil && !n.IsGroup() && n.Kind != forms.KindMeta && n.Kind != forms.KindCalculate && n.Kind != forms.KindNote
}

// rosterFile returns how f's Collect XForm chooses its respondent from rows and the roster
// file's bytes: a column name (the roster id), a column label (name, roster id and batch,
// what the enumerator chooses by) and one column per question of f that a roster column
// prefills. It returns nil when f has no roster_id question or rows is empty: the XForm is
// then the plain one.
func rosterFile(f *forms.Form, rows []*survey.Respondent) (*forms.XFormRoster, []byte) {
	key := rosterKey(f)
	if key == nil || len(rows) == 0 {
		return nil, nil
	}
	// The columns: the roster's own and extra ones that some row holds and that name a
	// question the form prefills.
	seen := map[*forms.Node]bool{}
	var cols []*forms.Node
	add := func(name string) {
		if n := f.Node(name); n != key && prefilled(n) && !seen[n] {
			seen[n] = true
			cols = append(cols, n)
		}
	}
	for _, name := range survey.RosterColumnNames {
		for _, r := range rows {
			if r.Value(name) != "" {
				add(name)
				break
			}
		}
	}
	for _, r := range rows {
		for name, v := range r.Extra {
			if v != "" {
				add(name)
			}
		}
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Index < cols[j].Index })
	spec := &forms.XFormRoster{File: RosterFile, Key: key.Name}
	header := []string{"name", "label"}
	for _, n := range cols {
		spec.Columns = append(spec.Columns, n.Name)
		header = append(header, n.Name)
	}
	var b bytes.Buffer
	b.Grow(len(rows) * (64 + 24*len(cols)))
	w := csv.NewWriter(&b)
	_ = w.Write(header) // a bytes.Buffer does not fail
	rec := make([]string, len(header))
	for _, r := range rows {
		label := r.Name + " (" + r.RosterID
		if r.BatchID != "" {
			label += ", " + r.BatchID
		}
		rec[0], rec[1] = r.RosterID, label+")"
		for j, n := range cols {
			rec[2+j] = r.Value(n.Name)
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return spec, b.Bytes()
}

// collectForm reads the form version of the request's path and the roster file u's Collect
// gets with it (its spec nil when it has none).
func (s *Server) collectForm(r *http.Request, u *survey.User) (*forms.Form, *collectFile, error) {
	f, err := s.forms.get(r.Context(), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return nil, nil, err
	}
	cf, err := s.collectFile(r.Context(), f, u, func() ([]*survey.Respondent, error) { return s.collectRows(r.Context(), u) })
	if err != nil {
		return nil, nil, err
	}
	return f, cf, nil
}

// rosterDownload serves the roster file of a form's manifest.
func (s *Server) rosterDownload(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	_, cf, err := s.collectForm(r, u)
	if err != nil {
		return err
	}
	file := cf.csv
	if cf.spec == nil {
		return survey.Errorf(survey.ENOTFOUND, "This form has no roster file for %s: download the form again (Get Blank Form).", u.Name)
	}
	mediaHeaders(w, "text/csv; charset=utf-8", RosterFile, len(file))
	w.Header().Set("Cache-Control", "no-store")
	return writeBody(w, r, file)
}

// checkRespondent refuses a Collect record whose roster id is not in the server's roster,
// when the server has a roster: the interview would be tied to no alumnus. An alumnus
// assigned to someone else since is accepted. The row is read by its roster id when the
// store can (survey.RosterRowReader), else the roster page by page until it is found.
func (s *Server) checkRespondent(ctx context.Context, rec *survey.Record) error {
	if rec.RespondentID == "" || s.cfg.Roster == nil {
		return nil
	}
	hasRows := false
	if rr, ok := s.cfg.Roster.(survey.RosterRowReader); ok {
		row, err := rr.RosterRow(ctx, rec.RespondentID)
		if err != nil || row != nil {
			return err
		}
		page, err := s.cfg.Roster.Changes(ctx, 0, 1, "")
		if err != nil {
			return err
		}
		hasRows = len(page) > 0
	} else {
		after := int64(0)
		for {
			page, err := s.cfg.Roster.Changes(ctx, after, 1000, "")
			if err != nil {
				return err
			}
			for _, r := range page {
				if r.Respondent.RosterID == rec.RespondentID {
					return nil
				}
				after, hasRows = r.Seq, true
			}
			if len(page) < 1000 {
				break
			}
		}
	}
	if !hasRows {
		return nil // no roster on this server: nothing to tie the interview to
	}
	return survey.Errorf(survey.EINVALID, "Alumni %q tidak ada di daftar server; unduh formulir lagi (Get Blank Form). / Roster id %q is not in the server's roster: download the form again (Get Blank Form) and choose the alumnus from the list.", rec.RespondentID, rec.RespondentID)
}
