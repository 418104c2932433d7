package report_test

import (
	"bytes"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey/report"
)

// The built-in form feeds every indicator; a form that renames main_status feeds none and
// is told which question; one without job_match loses only the indicators that read it.
func TestCheckForm(t *testing.T) {
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range report.CheckForm(f) {
		if !fd.OK {
			t.Errorf("the built-in form does not feed %s: %v", fd.Indicator.ID, fd.Problems)
		}
	}
	if !report.FeedsReport(f) {
		t.Error("the built-in form does not feed the report")
	}

	renamed := edited(t, func(l string) string {
		l = strings.Replace(l, "select_one main_status | main_status |", "select_one main_status | status_utama |", 1)
		return strings.ReplaceAll(l, "${main_status}", "${status_utama}")
	})
	if report.FeedsReport(renamed) {
		t.Error("a form without main_status feeds the report")
	}
	for _, fd := range report.CheckForm(renamed) {
		if fd.OK || !strings.Contains(strings.Join(fd.Problems, "; "), "main_status: no question has this name") {
			t.Errorf("%s: %v %v, want refused naming main_status", fd.Indicator.ID, fd.OK, fd.Problems)
		}
	}

	noMatch := edited(t, func(l string) string {
		if strings.Contains(l, "| job_match |") {
			return ""
		}
		return l
	})
	for _, fd := range report.CheckForm(noMatch) {
		reads := strings.HasPrefix(fd.Indicator.ID, "job_match") || fd.Indicator.ID == "relevant_employment"
		if fd.OK == reads {
			t.Errorf("%s: feeds %v without job_match (%v)", fd.Indicator.ID, fd.OK, fd.Problems)
		}
	}
}

// edited returns the built-in form with each line of its source passed through edit.
func edited(t *testing.T, edit func(string) string) *forms.Form {
	t.Helper()
	lines := strings.Split(string(builtin.Source()), "\n")
	var out []string
	for _, l := range lines {
		if l = edit(l); l != "" {
			out = append(out, l)
		}
	}
	src := []byte(strings.Join(out, "\n"))
	if bytes.Equal(src, builtin.Source()) {
		t.Fatal("the edit changed nothing")
	}
	f, err := forms.Parse(builtin.Name, src)
	if err != nil {
		t.Fatalf("the edited form does not load: %v", err)
	}
	return f
}
