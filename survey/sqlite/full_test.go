package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// pages returns how many pages the closed database at path has.
func pages(t *testing.T, path string) int {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return int(fi.Size() / 4096)
}

// fillAnswers saves long answers until the store refuses one, and returns the answers it
// kept and the refusal.
func fillAnswers(t *testing.T, s *sqlite.InterviewStore, id string) (map[string]string, error) {
	t.Helper()
	kept := map[string]string{}
	for i := range 10000 {
		path, value := fmt.Sprintf("/data/q%d", i), strings.Repeat(fmt.Sprint(i%10), 3000)
		if err := s.SaveProgress(context.Background(), id, survey.Changes{Answers: []survey.Answer{{Path: path, Value: value}}}); err != nil {
			return kept, err
		}
		kept[path] = value
	}
	t.Fatal("the database never filled up")
	return nil, nil
}

// A full database (SQLite's page cap, a real SQLITE_FULL) refuses a save with EFULL and a
// message saying what to do; every answer saved before is kept, reads still work, and the
// write probe says the store cannot write until there is room again.
func TestFullDiskIsEFULL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	db := openAt(t, path)
	iv := create(t, sqlite.NewInterviewStore(db), "BTG25-0001")
	if err := db.CanWrite(ctx); err != nil {
		t.Fatalf("write probe on a fresh database: %v", err)
	}
	db.Close()
	n := pages(t, path)

	full, err := sqlite.Open(ctx, path, sqlite.WithMaxPages(n+20))
	if err != nil {
		t.Fatal(err)
	}
	s := sqlite.NewInterviewStore(full)
	kept, err := fillAnswers(t, s, iv.ID)
	wantCode(t, err, survey.EFULL)
	if msg := survey.ErrorMessage(err); !strings.Contains(msg, "disk is full") || strings.Contains(msg, "SQLITE") {
		t.Errorf("message %q", msg)
	}
	if len(kept) == 0 {
		t.Fatal("nothing was saved before the disk filled: the fault came too early")
	}
	wantCode(t, full.CanWrite(ctx), survey.EFULL)
	got, err := s.Answers(ctx, iv.ID)
	if err != nil {
		t.Fatalf("reading a full database: %v", err)
	}
	if len(got) != len(kept) {
		t.Errorf("%d answers read back, %d saved", len(got), len(kept))
	}
	for _, a := range got {
		if kept[a.Path] != a.Value {
			t.Errorf("answer %s changed", a.Path)
		}
	}
	full.Close()

	// Room again: the probe and the saves work.
	db = openAt(t, path)
	if err := db.CanWrite(ctx); err != nil {
		t.Fatalf("write probe with room: %v", err)
	}
	if err := sqlite.NewInterviewStore(db).SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "/data/after", Value: "x"}}}); err != nil {
		t.Fatal(err)
	}
}
