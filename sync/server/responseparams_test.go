package server_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestResponseParamsRefuseNaN: the response rates' e and the non-response threshold are
// numbers in a range; "NaN", which Go's number parsing reads, is in none and is refused, on
// the command line's ParseE as on the server's report route, not taken for the estimate or
// the default.
func TestResponseParamsRefuseNaN(t *testing.T) {
	for _, s := range []string{"NaN", "nan", "-1", "1.5", "Inf"} {
		if _, err := server.ParseE(s); survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("ParseE(%q): %v, want EINVALID", s, err)
		}
	}
	if e, err := server.ParseE("0.8"); err != nil || e != 0.8 {
		t.Errorf("ParseE(0.8) = %v, %v", e, err)
	}
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	for _, q := range []client.ReportQuery{
		{Format: "json", Section: "response", E: "NaN"},
		{Format: "json", Section: "response", Threshold: "NaN"},
		{Format: "json", Threshold: "nan"},
	} {
		if _, err := sup.Report(ctx, q, io.Discard); survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("report e=%q threshold=%q: %v, want EINVALID", q.E, q.Threshold, err)
		}
	}
	if _, err := sup.Report(ctx, client.ReportQuery{Format: "json", Section: "response", E: "0.9", Threshold: "5"}, io.Discard); err != nil {
		t.Errorf("report e=0.9 threshold=5: %v", err)
	}
}

// TestReportLangRefused: the report route writes id or en and refuses another language.
func TestReportLangRefused(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	for _, q := range []client.ReportQuery{{Format: "text", Lang: "fr"}, {Format: "text", Section: "response", Lang: "xx"}} {
		if _, err := sup.Report(ctx, q, io.Discard); survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("report lang %q section %q: %v, want EINVALID", q.Lang, q.Section, err)
		}
	}
	var b strings.Builder
	if _, err := sup.Report(ctx, client.ReportQuery{Format: "text", Lang: "English"}, &b); err != nil || !strings.HasPrefix(b.String(), "Tracer study") {
		t.Errorf("report lang English: %v, begins %.20q", err, b.String())
	}
}
