package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
)

// TestPublishBuiltinNewVersion: a server that published an earlier version of the built-in
// form, and holds interviews of it, publishes the current built-in form as a new version at
// start; the earlier version and its interviews stay as they were.
func TestPublishBuiltinNewVersion(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cur, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The earlier version: other bytes (months_to_first_job through decimal-date-time) under
	// the version before the current one.
	const oldVersion = "2026.11.1"
	if cur.Version == oldVersion {
		t.Fatalf("the built-in form is still version %s", oldVersion)
	}
	src := string(builtin.Source())
	calc := cur.Node(builtin.MonthsToFirstJob).Calculation.Src
	oldSrc := strings.Replace(src, calc, "(decimal-date-time(coalesce(${first_job_date}, coalesce(${first_job_date_nw}, ${job_start_date}))) - decimal-date-time(${training_end_date})) div 30.4375", 1)
	oldSrc = strings.Replace(oldSrc, "| "+cur.Version+" |", "| "+oldVersion+" |", 1)
	if oldSrc == src || !strings.Contains(oldSrc, "| "+oldVersion+" |") {
		t.Fatal("could not make the earlier version from the built-in form")
	}
	fs := sqlite.NewFormStore(db)
	if _, _, err := server.Publish(ctx, fs, builtin.Name, []byte(oldSrc), "tracer"); err != nil {
		t.Fatal(err)
	}
	oldForm, err := forms.Parse(builtin.Name, []byte(oldSrc))
	if err != nil {
		t.Fatal(err)
	}
	// An interview of the earlier version, already on the server.
	data, err := builtin.Persona("employed")
	if err != nil {
		t.Fatal(err)
	}
	var persona map[string]any
	if err := json.Unmarshal(data, &persona); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	sess := forms.NewSession(oldForm, forms.Options{Now: func() time.Time { return at }})
	if errs := sess.Fill(persona); len(errs) > 0 {
		t.Fatalf("the persona does not fill the earlier version: %v", errs)
	}
	iv := &survey.Interview{ID: "01JDOLDVERSION0000000000001", Revision: 1, FormID: oldForm.ID, FormVersion: oldForm.Version,
		FormHash: oldForm.Hash, Enumerator: "ani", RespondentID: "BTG25-0071", StartedAt: at.Add(-20 * time.Minute)}
	body, err := survey.NewRecord(iv, sess.Final(), at).Canonical()
	if err != nil {
		t.Fatal(err)
	}
	subs := sqlite.NewSubmissionStore(db)
	if _, err := subs.Ingest(ctx, []*survey.Submission{{InterviewID: iv.ID, Revision: 1, Hash: survey.HashBytes(body), Body: body,
		FormID: iv.FormID, FormVersion: iv.FormVersion, RespondentID: iv.RespondentID, Enumerator: iv.Enumerator, SubmittedBy: "ani"}}); err != nil {
		t.Fatal(err)
	}

	// The server starts.
	var logged bytes.Buffer
	if err := publishBuiltin(ctx, fs, slog.New(slog.NewTextHandler(io.MultiWriter(&logged, io.Discard), nil))); err != nil {
		t.Fatalf("start: %v", err)
	}
	if !strings.Contains(logged.String(), "version="+cur.Version) {
		t.Errorf("the start logged %q, want the new version published", logged.String())
	}
	list, err := fs.Forms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byVersion := map[string]*survey.PublishedForm{}
	var versions []string
	for _, pf := range list {
		if pf.ID == cur.ID {
			byVersion[pf.Version] = pf
			versions = append(versions, pf.Version)
		}
	}
	sort.Strings(versions)
	if len(versions) != 2 || byVersion[oldVersion] == nil || byVersion[cur.Version] == nil {
		t.Fatalf("published versions of %s: %v, want %s and %s", cur.ID, versions, oldVersion, cur.Version)
	}
	if byVersion[cur.Version].Retired {
		t.Errorf("the new version is retired")
	}
	if n := byVersion[oldVersion].Interviews; n != 1 {
		t.Errorf("%d interviews counted under %s, want 1", n, oldVersion)
	}
	newPF, err := fs.Form(ctx, cur.ID, cur.Version)
	if err != nil || !bytes.Equal(newPF.Source, builtin.Source()) {
		t.Errorf("the new version's source is not the built-in form (%v)", err)
	}
	// The earlier version keeps its bytes, and its interview still fits it.
	oldPF, err := fs.Form(ctx, cur.ID, oldVersion)
	if err != nil || string(oldPF.Source) != oldSrc {
		t.Fatalf("the earlier version's source changed (%v)", err)
	}
	sub, err := subs.Get(ctx, iv.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := survey.DecodeRecord(sub.Body)
	if err != nil {
		t.Fatal(err)
	}
	if rec.FormVersion != oldVersion {
		t.Errorf("the interview is of version %q, want %s", rec.FormVersion, oldVersion)
	}
	again, err := forms.Parse(builtin.Name, oldPF.Source)
	if err != nil {
		t.Fatal(err)
	}
	var answers []forms.Answer
	for p, v := range rec.Answers {
		answers = append(answers, forms.Answer{Path: p, Value: v})
	}
	check := forms.NewSession(again, forms.Options{Now: func() time.Time { return at }})
	if unknown := check.Restore(answers); len(unknown) > 0 {
		t.Errorf("answers the earlier version does not know: %v", unknown)
	}
	for _, p := range check.Problems() {
		t.Errorf("the earlier interview no longer fits its version: %+v", p)
	}

	// A second start publishes nothing new.
	logged.Reset()
	if err := publishBuiltin(ctx, fs, slog.New(slog.NewTextHandler(&logged, nil))); err != nil {
		t.Fatalf("second start: %v", err)
	}
	if strings.Contains(logged.String(), "published built-in form") {
		t.Errorf("the second start published again: %s", logged.String())
	}
}

// An address the server or a relay cannot listen on is said in one line before anything is
// made: no database, no key, no relay file in the data folder.
func TestServeAddressFirst(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"malformed port", []string{"serve", "--addr", "127.0.0.1:99999"}},
		{"taken", []string{"serve", "--addr", busy.Addr().String()}},
		{"relay, taken", []string{"serve", "--relay", "http://127.0.0.1:1", "--code", "ABCD-EFGH", "--addr", busy.Addr().String()}},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		out, _, err := runMain(t, dir, append(tc.args, "--data", dir)...)
		if err == nil || !strings.HasPrefix(err.Error(), "listen on ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v\n%s", tc.name, err, out)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("%s: the failed start left %v in the data folder", tc.name, names)
		}
	}
}
