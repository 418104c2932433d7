package survey_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/survey"
)

func TestRecordCanonical(t *testing.T) {
	at := time.Date(2026, 11, 22, 9, 30, 0, 5, time.FixedZone("WITA", 8*3600))
	iv := &survey.Interview{
		ID: "0b9f3f5e-3f0e-4a4a-9a57-6f1d1f4f0a11", Revision: 2, FormID: "blk_tracer", FormVersion: "2026.1",
		FormHash: "abc", RespondentID: "BTG25-0001", Enumerator: "ani", Lang: "id", StartedAt: at,
	}
	rec := survey.NewRecord(iv, []survey.Answer{{Path: "z", Value: "<&>"}, {Path: "a", Value: "1"}, {Path: "household[2]/age", Value: "34"}}, at.Add(time.Hour))
	b, err := rec.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"answers":{"a":"1","household[2]/age":"34","z":"<&>"},"enumerator":"ani",` +
		`"finalized_at":"2026-11-22T02:30:00.000000005Z","form_hash":"abc","form_id":"blk_tracer",` +
		`"form_version":"2026.1","id":"0b9f3f5e-3f0e-4a4a-9a57-6f1d1f4f0a11","lang":"id",` +
		`"respondent_id":"BTG25-0001","revision":2,"started_at":"2026-11-22T01:30:00.000000005Z"}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Fatalf("Canonical (-want +got):\n%s", diff)
	}
	h, err := rec.Hash()
	if err != nil || h != survey.HashBytes(b) || len(h) != 64 {
		t.Fatalf("Hash = %q, %v", h, err)
	}

	back, err := survey.DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := back.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if string(b2) != string(b) {
		t.Errorf("decode and re-encode changed the bytes:\n%s\n%s", b, b2)
	}
}

func TestDecodeRecordInvalid(t *testing.T) {
	for _, in := range []string{``, `{`, `[]`, `{"id":"x","revision":0}`, `{"id":"x","revision":1,"bogus":1}`,
		`{"id":"x","revision":1,"started_at":"yesterday","finalized_at":"2026-11-22T02:30:00Z"}`} {
		t.Run(in, func(t *testing.T) {
			if _, err := survey.DecodeRecord([]byte(in)); survey.ErrorCode(err) != survey.EINVALID {
				t.Errorf("DecodeRecord(%q) = %v, want EINVALID", in, err)
			}
		})
	}
}

func TestErrorCode(t *testing.T) {
	err := survey.Errorf(survey.ENOTFOUND, "Interview %s not found.", "x")
	wrapped := wrap(err)
	for _, tt := range []struct {
		name      string
		err       error
		code, msg string
	}{
		{"nil", nil, "", ""},
		{"domain", err, survey.ENOTFOUND, "Interview x not found."},
		{"wrapped", wrapped, survey.ENOTFOUND, "Interview x not found."},
		{"other", errPlain, survey.EINTERNAL, "Internal error."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := survey.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := survey.ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.msg)
			}
		})
	}
}

// TestRecordCaptureMode checks that a Collect or web record keeps its mode and device through
// its canonical bytes, in key order, while a laptop's record encodes as before.
func TestRecordCaptureMode(t *testing.T) {
	at := time.Date(2026, 11, 22, 1, 30, 0, 0, time.UTC)
	rec := &survey.Record{ID: "i", Revision: 1, FormID: "f", FormVersion: "1", Enumerator: "sari", Lang: "id",
		StartedAt: at, FinalizedAt: at, Mode: survey.CaptureCollect, Device: "collect:Xy12", Answers: map[string]string{"a": "1"}}
	b, err := rec.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"answers":{"a":"1"},"device":"collect:Xy12","enumerator":"sari","finalized_at":"2026-11-22T01:30:00.000000000Z",` +
		`"form_hash":"","form_id":"f","form_version":"1","id":"i","lang":"id","mode":"collect","respondent_id":"",` +
		`"revision":1,"started_at":"2026-11-22T01:30:00.000000000Z"}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Fatalf("Canonical (-want +got):\n%s", diff)
	}
	back, err := survey.DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Mode != survey.CaptureCollect || back.Device != "collect:Xy12" {
		t.Errorf("decoded mode %q device %q", back.Mode, back.Device)
	}
	if _, err := survey.DecodeRecord([]byte(`{"id":"x","revision":1,"mode":"web\u001b","started_at":"2026-11-22T02:30:00Z","finalized_at":"2026-11-22T02:30:00Z"}`)); survey.ErrorCode(err) != survey.EINVALID {
		t.Errorf("a mode with a control character: %v, want EINVALID", err)
	}
}

// TestQuestionName checks the name a reader by name finds at an answer path.
func TestQuestionName(t *testing.T) {
	for path, want := range map[string]string{"consent": "consent", "grp/consent": "consent", "/d/g/h/x": "x", "g/": "",
		"rep[1]/x": "!", "g/rep[2]/h/x": "!", "g/x[1]": "!"} {
		name, ok := survey.QuestionName(path)
		if got := map[bool]string{true: name, false: "!"}[ok]; got != want {
			t.Errorf("QuestionName(%q) = %q %v, want %q", path, name, ok, want)
		}
	}
}
