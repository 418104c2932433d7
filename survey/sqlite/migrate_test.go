package sqlite_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
	"tracer/survey"
)

// migrateForm is one version of a small form: v2 drops "gone", takes "green" out of the
// colours, makes "age" a text, moves "city" into a group and keeps the rest.
func migrateForm(t *testing.T, version string) *forms.Form {
	t.Helper()
	var survey, greens string
	if version == "1" {
		survey = `| | text | name | Name |
| | integer | age | Age |
| | select_multiple colours | colour | Colour |
| | select_one colours | fav | Favourite |
| | text | gone | Gone |
| | text | city | City |
| | begin repeat | kids | Kids |
| | text | kid | Kid |
| | end repeat | | |`
		greens = "| | colours | green | Green |\n"
	} else {
		survey = `| | text | name | Name |
| | text | age | Age |
| | select_multiple colours | colour | Colour |
| | select_one colours | fav | Favourite |
| | begin group | place | Place |
| | text | city | City |
| | end group | | |
| | begin repeat | kids | Kids |
| | text | kid | Kid |
| | end repeat | | |`
	}
	src := "| survey |\n| | type | name | label |\n" + survey + `
| choices |
| | list_name | name | label |
| | colours | red | Red |
| | colours | blue | Blue |
` + greens + `| settings |
| | form_id | version |
| | mig | ` + version + ` |
`
	f, err := forms.Parse("mig.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Migrate carries a draft's answers over by name and type and keeps what does not fit in
// the draft's history, in one use case.
func TestMigrateKeepsWhatDoesNotFit(t *testing.T) {
	ctx := context.Background()
	_, s, events := newStores(t)
	v1, v2 := migrateForm(t, "1"), migrateForm(t, "2")
	iv := &survey.Interview{FormID: v1.ID, FormVersion: v1.Version, FormHash: v1.Hash, Enumerator: "ani"}
	must(t, s.Create(ctx, iv))
	must(t, s.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{
		{Path: "name", Value: "Sari"}, {Path: "age", Value: "24"}, {Path: "colour", Value: "red green"},
		{Path: "fav", Value: "green"}, {Path: "gone", Value: "x"}, {Path: "city", Value: "Bantul"},
		{Path: "kids[1]", Value: ""}, {Path: "kids[1]/kid", Value: "Ayu"},
	}}))

	wantCode(t, second(s.Migrate(ctx, iv.ID, v2, v1)), survey.EINVALID) // not the draft's form
	m, err := s.Migrate(ctx, iv.ID, v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	want := []survey.Misfit{
		{Path: "age", Value: "24", Reason: "type changed from integer to text"},
		{Path: "colour", Value: "green", Reason: "choice no longer in the list colours"},
		{Path: "fav", Value: "green", Reason: "choice no longer in the list colours"},
		{Path: "gone", Value: "x", Reason: "question removed in version 2"},
	}
	if diff := cmp.Diff(want, m.Dropped); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
	got, err := s.Answers(ctx, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantAnswers := []survey.Answer{{Path: "colour", Value: "red"}, {Path: "kids[1]", Value: ""}, {Path: "kids[1]/kid", Value: "Ayu"},
		{Path: "name", Value: "Sari"}, {Path: "place/city", Value: "Bantul"}}
	if diff := cmp.Diff(wantAnswers, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	stored, err := s.Get(ctx, iv.ID)
	if err != nil || stored.FormVersion != "2" || stored.FormHash != v2.Hash {
		t.Fatalf("interview after the move: %+v %v", stored, err)
	}
	evs, err := events.Events(ctx, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var drops []survey.Misfit
	migrated := false
	for _, e := range evs {
		switch e.Kind {
		case survey.EventMigrate:
			migrated = e.Old == "1" && e.New == "2"
		case survey.EventDrop:
			drops = append(drops, survey.Misfit{Path: e.Path, Value: e.Old, Reason: e.New})
		}
	}
	if !migrated {
		t.Error("no migrate event from 1 to 2")
	}
	if diff := cmp.Diff(want, drops); diff != "" {
		t.Errorf("drop events (-want +got):\n%s", diff)
	}
	// Moving again from the version it left is refused; a finalized interview cannot move.
	wantCode(t, second(s.Migrate(ctx, iv.ID, v1, v2)), survey.EINVALID)
	must(t, second(s.Finalize(ctx, iv.ID, got)))
	wantCode(t, second(s.Migrate(ctx, iv.ID, v2, v1)), survey.ECONFLICT)
}
