package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"sort"
	"strings"

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
	assignedTo := ""
	if u.Role == survey.RoleEnumerator {
		assignedTo = u.Name
	}
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
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := strings.ToLower(rows[i].Name), strings.ToLower(rows[j].Name)
		if a != b {
			return a < b
		}
		return rows[i].RosterID < rows[j].RosterID
	})
	return rows, nil
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
	seen := map[*forms.Node]bool{}
	var cols []*forms.Node
	vals := make([]map[string]string, len(rows))
	for i, r := range rows {
		vals[i] = r.Values()
		for k := range vals[i] {
			if n := f.Node(k); n != key && prefilled(n) && !seen[n] {
				seen[n] = true
				cols = append(cols, n)
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
	w := csv.NewWriter(&b)
	_ = w.Write(header) // a bytes.Buffer does not fail
	rec := make([]string, len(header))
	for i, r := range rows {
		label := r.Name + " (" + r.RosterID
		if r.BatchID != "" {
			label += ", " + r.BatchID
		}
		rec[0], rec[1] = r.RosterID, label+")"
		for j, n := range cols {
			rec[2+j] = vals[i][n.Name]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return spec, b.Bytes()
}

// collectForm reads the form version of the request's path and the roster file u's Collect
// gets with it (spec nil when it has none).
func (s *Server) collectForm(r *http.Request, u *survey.User) (*forms.Form, *forms.XFormRoster, []byte, error) {
	f, err := s.forms.get(r.Context(), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return nil, nil, nil, err
	}
	if rosterKey(f) == nil {
		return f, nil, nil, nil
	}
	rows, err := s.collectRows(r.Context(), u)
	if err != nil {
		return nil, nil, nil, err
	}
	spec, file := rosterFile(f, rows)
	return f, spec, file, nil
}

// rosterDownload serves the roster file of a form's manifest.
func (s *Server) rosterDownload(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	_, spec, file, err := s.collectForm(r, u)
	if err != nil {
		return err
	}
	if spec == nil {
		return survey.Errorf(survey.ENOTFOUND, "This form has no roster file for %s: download the form again (Get Blank Form).", u.Name)
	}
	mediaHeaders(w, "text/csv; charset=utf-8", RosterFile, len(file))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(file)
	return err
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
