package builtin_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func load(t *testing.T) *forms.Form {
	t.Helper()
	f, err := builtin.Load()
	if err != nil {
		t.Fatalf("built-in form does not load:\n%v", err)
	}
	return f
}

func TestLoadsWithoutWarnings(t *testing.T) {
	f := load(t)
	for _, w := range f.Warnings {
		t.Errorf("warning: %v", w)
	}
	if got, want := len(f.Languages), 2; got != want {
		t.Fatalf("languages = %q, want Bahasa Indonesia and English", f.Languages)
	}
	if forms.LangCode(f.DefaultLang) != "id" {
		t.Errorf("default language = %q, want Bahasa Indonesia (id)", f.DefaultLang)
	}
	// Every question of the questionnaire (docs/QUESTIONNAIRE.md) is there under its name.
	for _, name := range []string{"intro", "consent", "roster_id", "interview_date", "nik", "main_status", "n_jobs",
		"employer_name", "work_country", "months_to_first_job", "biz_scale", "searching_4w", "available_2w",
		"first_job_date_nw", "recommend", "phone_main", "phone_alt", "email", "recontact_consent", "end_note"} {
		if f.Node(name) == nil {
			t.Errorf("question %s is missing", name)
		}
	}
}

func persona(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := builtin.Persona(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func fill(t *testing.T, answers map[string]any) (*forms.Session, []forms.FillError) {
	t.Helper()
	s := forms.NewSession(load(t), forms.Options{Now: func() time.Time { return now }})
	return s, s.Fill(answers)
}

func TestPersonasComplete(t *testing.T) {
	tests := []struct {
		persona string
		want    map[string]string // fields the record must have
		absent  []string          // fields the record must not have
	}{
		{"employed", map[string]string{"consent": "yes", "main_status": "1"}, []string{"biz_desc", "searching_4w"}},
		{"self-employed", map[string]string{"consent": "yes", "main_status": "3"}, []string{"employer_name", "searching_4w"}},
		{"unemployed", map[string]string{"consent": "yes", "main_status": "7", "searching_4w": "yes"}, []string{"employer_name", "biz_desc", "job_title"}},
		{"refused", map[string]string{"consent": "no"}, []string{"main_status", "nik", "sat_overall"}},
	}
	for _, tt := range tests {
		t.Run(tt.persona, func(t *testing.T) {
			s, errs := fill(t, persona(t, tt.persona))
			if len(errs) > 0 {
				t.Fatalf("persona does not complete: %+v", errs)
			}
			rec := s.Record()
			for k, v := range tt.want {
				if got, _ := rec.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for _, k := range tt.absent {
				if got, ok := rec.Get(k); ok {
					t.Errorf("%s = %q is in the record, want it dropped as irrelevant", k, got)
				}
			}
		})
	}
}

// TestIrrelevantAnswersDropped: answers given to questions that a later answer made
// irrelevant are not in the record.
func TestIrrelevantAnswersDropped(t *testing.T) {
	answers := persona(t, "employed")
	answers["main_status"] = "7"
	answers["searching_4w"] = "yes"
	answers["available_2w"] = "yes"
	answers["applications"] = "3"
	answers["obstacles"] = "experience_req"
	answers["ever_worked"] = "no"
	answers["work_last_week"] = "no"
	answers["temp_absent"] = "no"
	answers["search_methods"] = firstChoice(t, "search_methods")
	s, errs := fill(t, answers)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	rec := s.Record()
	for _, k := range []string{"employer_name", "job_title", "hours_week", "income_exact"} {
		if v, ok := rec.Get(k); ok {
			t.Errorf("%s = %q kept, want dropped", k, v)
		}
	}
}

func firstChoice(t *testing.T, question string) string {
	f := load(t)
	n := f.Node(question)
	if n == nil {
		t.Fatalf("no question %s", question)
	}
	return f.Lists[n.ListName].Choices[0].Name
}

func TestRulesRefuseBadAnswers(t *testing.T) {
	tests := []struct {
		name, question, value string
	}{
		{"NIK too short", "nik", "647406030791"},
		{"NIK serial 0000", "nik", "6474060307910000"},
		{"NIK month 13", "nik", "6474060313910001"},
		{"NIK day 32", "nik", "6474063203910001"},
		{"NIK 31 April", "nik", "6474063104910001"},
		{"phone landline as main", "phone_main", "0548 21234"},
		{"phone too short", "phone_main", "0812345"},
		{"phone same digits", "phone_main", "08111111111"},
		{"email without domain", "email", "budi@"},
		{"interview in the future", "interview_date", "2027-01-01"},
		{"recommend above 10", "recommend", "11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := persona(t, "employed")
			answers[tt.question] = tt.value
			_, errs := fill(t, answers)
			found := false
			for _, e := range errs {
				if e.Name == tt.question && e.Message != "" {
					found = true
				}
			}
			if !found {
				t.Fatalf("%s = %q accepted, want refused with a message; errors: %+v", tt.question, tt.value, errs)
			}
		})
	}
}

func TestRulesAcceptGoodAnswers(t *testing.T) {
	// A digit run such as 1234567890 needs the enumerator's confirmation, so these are real-looking.
	tests := []struct{ question, value string }{
		{"phone_main", "+62 812-7788-1290"},
		{"phone_main", "6285247719034"},
		{"phone_main", "081377120943"},
		{"email", "budi.santoso@example.co.id"},
	}
	for _, tt := range tests {
		answers := persona(t, "employed")
		answers[tt.question] = tt.value
		if _, errs := fill(t, answers); len(errs) > 0 {
			t.Errorf("%s = %q refused: %+v", tt.question, tt.value, errs)
		}
	}
}

func TestEnglishMessages(t *testing.T) {
	answers := persona(t, "employed")
	answers["recommend"] = "11"
	s := forms.NewSession(load(t), forms.Options{Now: func() time.Time { return now }, Lang: "en"})
	errs := s.Fill(answers)
	if len(errs) == 0 {
		t.Fatal("recommend = 11 accepted")
	}
	s2 := forms.NewSession(load(t), forms.Options{Now: func() time.Time { return now }})
	errs2 := s2.Fill(answers)
	if errs[0].Message == errs2[0].Message || strings.TrimSpace(errs[0].Message) == "" {
		t.Fatalf("English message %q should differ from the Indonesian %q", errs[0].Message, errs2[0].Message)
	}
}
