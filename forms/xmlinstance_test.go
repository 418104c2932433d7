package forms_test

import (
	"bytes"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
)

// TestReadInstance reads an instance with a group, a repeat of two instances and the
// OpenRosa metadata into answers at the paths a session uses.
func TestReadInstance(t *testing.T) {
	f := mustParse(t, `
| survey |
|  | type | name | label |
|  | begin group | g | G |
|  | text | a | A |
|  | end group | g | |
|  | begin repeat | r | R |
|  | integer | n | N |
|  | end repeat | r | |
`)
	doc := `<?xml version='1.0'?><data id="f" version="2"><g><a> two words </a></g><r><n>1</n></r><r><n/></r>` +
		`<meta><instanceID>uuid:abc</instanceID><deprecatedID>uuid:old</deprecatedID></meta></data>`
	in, err := forms.ReadInstance(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if in.FormID != "f" || in.Version != "2" || in.InstanceID != "uuid:abc" || in.DeprecatedID != "uuid:old" {
		t.Fatalf("instance %+v", in)
	}
	got, err := in.Answers(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []forms.Answer{{Path: "g/a", Value: " two words "}, {Path: "r[1]"}, {Path: "r[1]/n", Value: "1"}, {Path: "r[2]"}}
	if len(got) != len(want) {
		t.Fatalf("answers %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("answer %d = %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{`<data id="f"><x>1</x></data>`, `<data id="f"><g>1<a/></g><a>2</a></data>`, `<data id="f"><a><b/></a></data>`} {
		in, err := forms.ReadInstance(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := in.Answers(f); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%s: %v, want an error with its line", bad, err)
		}
	}
	for _, bad := range []string{``, `<data>`, `<data></data>`, `<a id="x"/><b/>`, strings.Repeat("<a>", 70)} {
		if _, err := forms.ReadInstance(strings.NewReader(bad)); err == nil {
			t.Errorf("%q read without error", bad)
		}
	}
}

// FuzzReadInstance: no input makes the reader or the matching panic.
func FuzzReadInstance(f *testing.F) {
	form, err := builtin.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`<data id="blk_tracer" version="1"><grp_consent><consent>yes</consent></grp_consent><meta><instanceID>uuid:1</instanceID></meta></data>`))
	f.Add([]byte(`<data id="x"><r><n>1</n></r><r/></data>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := forms.ReadInstance(bytes.NewReader(b))
		if err != nil {
			return
		}
		if in.FormID == "" {
			t.Fatal("an instance without a form id was read")
		}
		_, _ = in.Answers(form)
	})
}
