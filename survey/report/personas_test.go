package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/report"
)

// personaRecords fills the built-in form with the four personas of forms/builtin as
// an enumerator would and returns their finalized records and roster rows.
func personaRecords(t *testing.T) ([]*survey.Record, []*survey.Respondent) {
	t.Helper()
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var recs []*survey.Record
	var roster []*survey.Respondent
	for i, name := range []string{"employed", "self-employed", "unemployed", "refused"} {
		data, err := builtin.Persona(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		s := forms.NewSession(f, forms.Options{Now: func() time.Time { return now }})
		if errs := s.Fill(m); len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		answers := map[string]string{}
		for _, a := range s.Final() {
			answers[a.Path] = a.Value
		}
		id, _ := m["roster_id"].(string)
		if id == "" {
			id = "REFUSED-1"
		}
		str := func(k string) string { v, _ := m[k].(string); return v }
		roster = append(roster, &survey.Respondent{RosterID: id, NIK: str("nik"), Name: str("full_name"), Sex: str("sex"),
			BirthDate: str("birth_date"), Kejuruan: str("kejuruan"), BatchID: str("batch_id"), Funding: str("funding"),
			TrainingEnd: firstNonEmpty(str("training_end_date"), "2025-04-03"), Completion: "pass", Regency: str("domicile_regency")})
		recs = append(recs, &survey.Record{ID: survey.NewID(), Revision: 1, FormID: f.ID, RespondentID: id,
			Enumerator: "sari", StartedAt: now, FinalizedAt: now.Add(time.Duration(i) * time.Minute), Answers: answers})
	}
	return recs, roster
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestBuiltinPersonas(t *testing.T) {
	recs, roster := personaRecords(t)
	r, err := report.Compute(roster, seq(recs), report.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Employed (status 1), self-employed (3), unemployed (7, searching and available), refused.
	want := report.Populations{T: 4, G: 4, Reached: 4, S: 3, A: 2, W: 1, SE: 1, U: 1, I: 0}
	if r.Total.N != want {
		t.Errorf("populations = %+v, want %+v", r.Total.N, want)
	}
	if v := r.Total.Get("unemployment"); v.Num != 1 || v.Den != 3 {
		t.Errorf("unemployment = %v/%d, want 1/3", v.Num, v.Den)
	}
	// The employed persona's first job (2025-05-12) came 1.3 months after training (2025-04-03).
	if v := r.Total.Get("first_job_months"); v.Den < 1 {
		t.Errorf("no time to first job computed from the form's calculation")
	}
	var out bytes.Buffer
	for _, fn := range []func() error{
		func() error { return report.WriteText(&out, r, "en") },
		func() error { return report.WriteJSON(&out, r) },
		func() error { return report.WriteXLSX(&out, r, "id") },
	} {
		if err := fn(); err != nil {
			t.Fatal(err)
		}
	}
	// The same records export in every format.
	f, _ := builtin.Load()
	for _, format := range []export.Format{export.CSV, export.XLSX, export.JSONL} {
		st, err := export.Write(&out, f, seq(recs), export.Options{Format: format, Labels: true, Lang: "en", TempDir: t.TempDir()})
		if err != nil || st.Interviews != 4 {
			t.Errorf("export %s: %d interviews, %v", format, st.Interviews, err)
		}
	}
}

// TestLinkWithoutRespondentID: interviews saved without a respondent (paper back-entry) are
// linked to the roster by the roster id they confirm, else by their NIK.
func TestLinkWithoutRespondentID(t *testing.T) {
	recs, roster := personaRecords(t)
	recs[0].RespondentID = "" // linked by its roster_id answer
	recs[1].RespondentID = ""
	for path := range recs[1].Answers {
		if strings.HasSuffix(path, "/roster_id") {
			delete(recs[1].Answers, path) // linked by its NIK
		}
	}
	r, err := report.Compute(roster, seq(recs), report.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Counts.Unlinked != 0 || r.Total.N.S != 3 {
		t.Fatalf("unlinked %d, S %d: want every persona linked and S = 3", r.Counts.Unlinked, r.Total.N.S)
	}
}

// TestFormLabels names breakdown codes by the built-in form's choice labels.
func TestFormLabels(t *testing.T) {
	recs, roster := personaRecords(t)
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Compute(roster, seq(recs), report.Config{By: []report.Dimension{report.ByRegency, report.BySex},
		Labels: report.FormLabels(f, "en")})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, b := range r.Breakdowns {
		for _, c := range b.Cells {
			names[c.Key] = c.Name()
		}
	}
	if names["L"] != "L Male" || names["P"] != "P Female" {
		t.Errorf("sex cells = %q, %q", names["L"], names["P"])
	}
	if got := names["6474"]; !strings.HasPrefix(got, "6474 ") || !strings.Contains(strings.ToLower(got), "bontang") {
		t.Errorf("regency cell 6474 = %q, want its name", got)
	}
	// The employed persona works in manufacturing (KBLI C).
	for _, d := range r.Distributions {
		if d.ID != "sector_kbli" {
			continue
		}
		for _, it := range d.Items {
			if it.Code == "C" && it.Label == "" {
				t.Errorf("KBLI C has no label")
			}
		}
	}
}
