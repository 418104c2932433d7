package tui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// A save on a full disk (a real SQLITE_FULL from SQLite's page cap) says so in the UI's
// language, and the answer saved before it is kept.
func TestSaveOnFullDiskSaysSo(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	path := e.db.Path()
	e.db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path, sqlite.WithMaxPages(int(fi.Size()/4096)+40))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = e.db.Now
	e.db = db
	e.cfg.Interviews, e.cfg.Roster, e.cfg.Events = sqlite.NewInterviewStore(db), sqlite.NewRosterStore(db), sqlite.NewEventStore(db)

	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	id := m.iv().iv.ID
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1")) // consent: Ya, saved
	drive(t, m, keypress("enter"))
	if got := storedAnswers(t, e, id)["grp_consent/consent"]; got != "yes" {
		t.Fatalf("consent not saved before the disk filled: %q", got)
	}

	// Fill the disk with a draft of another respondent.
	other := &survey.Interview{FormID: e.form.ID, FormVersion: e.form.Version, RespondentID: "BTG25-0001", Enumerator: "ani", Lang: "id"}
	if err := e.cfg.Interviews.Create(ctx, other); err != nil {
		t.Fatal(err)
	}
	// Ever smaller answers, each size until it no longer fits, leave no room at all.
	n := 0
	for _, size := range []int{3000, 1000, 300, 100, 30, 10, 1} {
		for {
			n++
			err := e.cfg.Interviews.SaveProgress(ctx, other.ID, survey.Changes{Answers: []survey.Answer{{Path: fmt.Sprintf("filler/q%d", n), Value: strings.Repeat("x", size)}}})
			if survey.ErrorCode(err) == survey.EFULL {
				break
			} else if err != nil {
				t.Fatal(err)
			} else if n > 100000 {
				t.Fatal("the disk never filled")
			}
		}
	}
	goToQuestion(t, m, "full_name")
	typeText(t, m, "Dewi")
	drive(t, m, keypress("enter"))
	if !strings.Contains(plain(m), "BELUM TERSIMPAN: Disk penuh") {
		t.Errorf("no full-disk message:\n%s", plain(m))
	}
	if got := storedAnswers(t, e, id)["grp_consent/consent"]; got != "yes" {
		t.Errorf("the consent saved before the disk filled is gone: %q", got)
	}
}
