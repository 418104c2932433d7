package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// analysisDB is a server database for the export and report tests: the built-in form
// published, a roster uploaded, and interviews of the form's persona ingested.
type analysisDB struct {
	t       *testing.T
	db      *sqlite.DB
	src     server.Sources
	form    *forms.Form
	persona []survey.Answer
}

// newAnalysisDB opens a server database in a temporary folder (closed when t ends) and
// uploads roster.
func newAnalysisDB(t *testing.T, roster []*survey.Respondent) *analysisDB {
	t.Helper()
	ctx := context.Background()
	db, err := testbed.OpenServerDB(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rs := sqlite.NewServerRosterStore(db)
	if _, err := rs.Upload(ctx, roster); err != nil {
		t.Fatal(err)
	}
	f, persona, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	src := server.Sources{Reviews: sqlite.NewReviewStore(db), Forms: sqlite.NewFormStore(db), Roster: rs}
	return &analysisDB{t: t, db: db, src: src, form: f, persona: persona}
}

// submission is personaSubmission over the database's form.
func (a *analysisDB) submission(i int, respondent, rosterID, consent string, at, final time.Time) *survey.Submission {
	a.t.Helper()
	return personaSubmission(a.t, a.form, a.persona, i, respondent, rosterID, consent, at, final)
}

// submissionWith is personaWith over the database's form.
func (a *analysisDB) submissionWith(i int, respondent string, set map[string]string, at, final time.Time) *survey.Submission {
	a.t.Helper()
	return personaWith(a.t, a.form, a.persona, i, respondent, set, at, final)
}

// ingest stores subs as the server stores a push.
func (a *analysisDB) ingest(subs []*survey.Submission) {
	a.t.Helper()
	if _, err := sqlite.NewSubmissionStore(a.db).Ingest(context.Background(), subs); err != nil {
		a.t.Fatal(err)
	}
}

// personaSubmission is interview i of the built-in persona as a laptop pushes it, naming
// respondent, answering roster id rosterID and consent, started at and finalized at final.
func personaSubmission(t *testing.T, f *forms.Form, persona []survey.Answer, i int, respondent, rosterID, consent string, at, final time.Time) *survey.Submission {
	t.Helper()
	return personaWith(t, f, persona, i, respondent, map[string]string{"grp_consent/roster_id": rosterID, "grp_consent/consent": consent}, at, final)
}

// personaWith is personaSubmission with the answers of the paths in set replaced.
func personaWith(t *testing.T, f *forms.Form, persona []survey.Answer, i int, respondent string, set map[string]string, at, final time.Time) *survey.Submission {
	t.Helper()
	as := make([]survey.Answer, 0, len(persona))
	for _, a := range persona {
		if v, ok := set[a.Path]; ok {
			a.Value = v
		}
		as = append(as, a)
	}
	iv := &survey.Interview{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Revision: 1, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
		RespondentID: respondent, Enumerator: "gen", StartedAt: at}
	body, err := survey.NewRecord(iv, as, final).Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return &survey.Submission{InterviewID: iv.ID, Revision: 1, Hash: survey.HashBytes(body), Body: body, FormID: f.ID,
		FormVersion: f.Version, RespondentID: respondent, Enumerator: "gen", SubmittedBy: "gen", DeviceTime: final}
}

// exportTables writes a CSV export of src and returns its tables by file name, each with
// its header first (a byte order mark taken off).
func exportTables(t *testing.T, src server.Sources, opt server.ExportOptions) map[string][][]string {
	t.Helper()
	opt.Format = export.CSV
	if opt.TempDir == "" {
		opt.TempDir = t.TempDir()
	}
	var buf bytes.Buffer
	if _, err := server.WriteExport(context.Background(), &buf, src, opt, nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][][]string{}
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".csv") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		if len(rows) > 0 && len(rows[0]) > 0 {
			rows[0][0] = strings.TrimPrefix(rows[0][0], "\ufeff")
		}
		tables[zf.Name] = rows
	}
	return tables
}

// columns returns the index of each column of a table's header.
func columns(header []string) map[string]int {
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	return col
}
