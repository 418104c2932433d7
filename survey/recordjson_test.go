package survey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// slowRecordJSON is what encoding/json makes of b, as DecodeRecord read records before.
func slowRecordJSON(b []byte) (recordJSON, error) {
	var v recordJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(&v)
	return v, err
}

// sampleRecord is a canonical record with escapes, non-ASCII text and HTML characters.
func sampleRecord(t testing.TB) []byte {
	t.Helper()
	r := &Record{ID: "a1", Revision: 3, FormID: "f", FormVersion: "2026", FormHash: "ab", RespondentID: "R-1",
		Enumerator: "ani", Lang: "id", StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		FinalizedAt: time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC),
		Answers: map[string]string{"/d/name": "Siti \"Ani\" Nur\\", "/d/note": "line\nnext\ttab <b>&</b>",
			"/d/kota": "Bontang — Kaltim ✓", "/d/r[2]/x": "", "/d/ctl": "\x01\x1f\u2028"}}
	b, err := r.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeRecordJSONAgrees checks that the fast decoder reads what encoding/json reads
// wherever it accepts the input, and hands encoding/json every input it cannot read the
// same way.
func TestDecodeRecordJSONAgrees(t *testing.T) {
	canon := sampleRecord(t)
	for _, tc := range []struct {
		name   string
		in     string
		accept bool
	}{
		{"canonical", string(canon), true},
		{"spaces", " {\n \"id\" : \"x\" , \"revision\" : 2 , \"answers\" : { \"/a\" : \"1\" } }\n", true},
		{"no answers", `{"id":"x","revision":1}`, true},
		{"empty answers", `{"answers":{},"id":"x","revision":1}`, true},
		{"escaped key", `{"\u0069d":"x","revision":1}`, true},
		{"unicode escape", `{"id":"x\u00e9\u0041","revision":1}`, true},
		{"other case key", `{"ID":"x","revision":1}`, false},
		{"unknown key", `{"id":"x","revision":1,"extra":"y"}`, false},
		{"duplicate key", `{"id":"x","id":"y","revision":1}`, false},
		{"duplicate answer", `{"answers":{"/a":"1","/a":"2"},"id":"x","revision":1}`, false},
		{"null answers", `{"answers":null,"id":"x","revision":1}`, false},
		{"null string", `{"id":"x","lang":null,"revision":1}`, false},
		{"number string", `{"id":1,"revision":1}`, false},
		{"float revision", `{"id":"x","revision":1.0}`, false},
		{"exponent revision", `{"id":"x","revision":1e0}`, false},
		{"leading zero", `{"id":"x","revision":01}`, false},
		{"huge revision", `{"id":"x","revision":99999999999999999999}`, false},
		{"surrogate pair", `{"id":"\ud83d\ude00","revision":1}`, false},
		{"lone surrogate", `{"id":"\ud83d","revision":1}`, false},
		{"bad utf-8", "{\"id\":\"x\xff\",\"revision\":1}", false},
		{"control byte", "{\"id\":\"x\x01\",\"revision\":1}", false},
		{"trailing bytes", `{"id":"x","revision":1} {}`, false},
		{"bad escape", `{"id":"x\q","revision":1}`, false},
		{"unterminated", `{"id":"x","revision":1`, false},
		{"array", `[]`, false},
		{"empty", ``, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fast, ok := decodeRecordJSON([]byte(tc.in))
			if ok != tc.accept {
				t.Fatalf("fast decoder accepted %v, want %v", ok, tc.accept)
			}
			if !ok {
				return
			}
			slow, err := slowRecordJSON([]byte(tc.in))
			if err != nil {
				t.Fatalf("encoding/json refuses what the fast decoder accepted: %v", err)
			}
			if diff := cmp.Diff(slow, fast); diff != "" {
				t.Fatalf("decoders differ (-encoding/json +fast):\n%s", diff)
			}
		})
	}
	// DecodeRecord still refuses, through encoding/json, what the fast decoder leaves.
	if _, err := DecodeRecord([]byte(`{"id":"x","revision":1,"extra":"y"}`)); ErrorCode(err) != EINVALID {
		t.Fatalf("unknown field: %v", err)
	}
	// ...and reads a record the fast decoder leaves exactly as before (a key in other case).
	r, err := DecodeRecord([]byte(`{"ID":"x","Revision":2,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z"}`))
	if err != nil || r.ID != "x" || r.Revision != 2 || r.Answers == nil {
		t.Fatalf("other-case keys: %+v %v", r, err)
	}
}

// FuzzDecodeRecordJSON checks the fast decoder against encoding/json on any input: when it
// accepts, encoding/json accepts and reads the same record.
func FuzzDecodeRecordJSON(f *testing.F) {
	f.Add(sampleRecord(f))
	f.Add([]byte(`{"answers":{"/a":"1"},"id":"x","revision":1}`))
	f.Add([]byte(`{"id":"x\u00e9","revision":-0}`))
	f.Add([]byte(" {\"id\" : \"\\n\\t\\/\" }"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := decodeRecordJSON(b)
		if !ok {
			return
		}
		slow, err := slowRecordJSON(b)
		if err != nil {
			t.Fatalf("encoding/json refuses %q, which the fast decoder read: %v", b, err)
		}
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Fatalf("decoders differ on %q (-encoding/json +fast):\n%s", b, diff)
		}
		// Paths the decoder calls plain are not checked again: none may hide anything.
		if _, plain, _ := decodeRecordJSONShared(b, "", nil); plain {
			for p := range fast.Answers {
				if HasHidden(p) {
					t.Fatalf("path %q of %q called plain", p, b)
				}
			}
		}
	})
}

// TestHiddenAnswerPath checks that every decoder refuses an answer path with a hidden
// character however it is written (raw, escaped, in a record of sorted or unsorted paths),
// though the fast decoder skips the check for paths it saw to be printable ASCII.
func TestHiddenAnswerPath(t *testing.T) {
	for _, path := range []string{`a\u0007`, `a\n`, "a\u007f", "a\x7f", `a\u200b`, "a\u200b", `a\u202e`} {
		for _, order := range []string{"sorted", "unsorted"} {
			answers := `"` + path + `":"1","b":"2"`
			if order == "unsorted" {
				answers = `"b":"2","` + path + `":"1"`
			}
			b := []byte(`{"answers":{` + answers + `},"id":"x","revision":1,"started_at":"2026-11-22T02:30:00Z","finalized_at":"2026-11-22T02:30:00Z"}`)
			if _, plain, ok := decodeRecordJSONShared(b, "", nil); ok && plain {
				t.Errorf("%s %q: called plain", order, b)
			}
			if _, err := DecodeRecord(b); ErrorCode(err) != EINVALID {
				t.Errorf("DecodeRecord %s %q: %v, want EINVALID", order, b, err)
			}
			var rr RecordReader
			if _, err := rr.Decode(b); ErrorCode(err) != EINVALID {
				t.Errorf("RecordReader %s %q: %v, want EINVALID", order, b, err)
			}
			if _, _, _, err := DecodeCanonical(b); ErrorCode(err) != EINVALID {
				t.Errorf("DecodeCanonical %s %q: %v, want EINVALID", order, b, err)
			}
		}
	}
	b := []byte(`{"answers":{"a b/~c":"\u0007"},"id":"x","revision":1,"started_at":"2026-11-22T02:30:00Z","finalized_at":"2026-11-22T02:30:00Z"}`)
	if _, plain, ok := decodeRecordJSONShared(b, "", nil); !ok || !plain {
		t.Errorf("%q: plain %v, read %v; want both", b, plain, ok)
	}
	if r, err := DecodeRecord(b); err != nil || r.Answers["a b/~c"] != "\a" {
		t.Errorf("a plain path with a control character in its value: %+v %v", r, err)
	}
}

// BenchmarkDecodeRecord decodes a canonical record of the built-in form's size (67
// answers) with DecodeRecord, and with encoding/json as it did before (slow).
func BenchmarkDecodeRecord(b *testing.B) {
	r := &Record{ID: "0193c0de-0000-7000-8000-000000000001", Revision: 1, FormID: "tracer", FormVersion: "2026.11",
		FormHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", RespondentID: "R-000001",
		Enumerator: "ani", Lang: "id", StartedAt: time.Now(), FinalizedAt: time.Now(), Answers: map[string]string{}}
	for i := range 67 {
		r.Answers["/tracer/section_"+string(rune('a'+i%8))+"/question_"+string(rune('a'+i%26))+string(rune('a'+i/26))] = "jawaban nomor " + string(rune('0'+i%10))
	}
	body, err := r.Canonical()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeRecord(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := slowRecordJSON(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDecodeRecordKeepsNoRecord checks that values kept from decoded records do not keep
// the records in memory: twenty records of 1 MB each, of which an id, a form and one short
// answer each are kept, must leave far less than 20 MB in use; by DecodeRecord and by
// DecodeRecordNamed.
func TestDecodeRecordKeepsNoRecord(t *testing.T) {
	r := &Record{ID: "a", Revision: 1, FormID: "f", Answers: map[string]string{"/big": strings.Repeat("x", 1<<20), "/d/a": "kept"}}
	body, err := r.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	keep := NamedAnswers("a")
	for name, decode := range map[string]func([]byte) (*Record, error){
		"DecodeRecord":      DecodeRecord,
		"DecodeRecordNamed": func(b []byte) (*Record, error) { return DecodeRecordNamed(b, keep) },
		"DecodeRecordByName": func(b []byte) (*Record, error) {
			r, err := DecodeRecordByName(b, NewNameIndex([]string{"a"}))
			if err == nil {
				r.Answers = map[string]string{"/d/a": r.Named.Values[0]}
			}
			return r, err
		},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var kept []string
		for range 20 {
			rec, err := decode(body)
			if err != nil {
				t.Fatal(err)
			}
			kept = append(kept, rec.ID, rec.FormID, rec.Answers["/d/a"])
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 4<<20 || kept[len(kept)-1] != "kept" {
			t.Fatalf("%s: keeping %d short strings (%q) keeps %d MB in use", name, len(kept), kept[len(kept)-1], grown>>20)
		}
		runtime.KeepAlive(kept)
	}
}

// slowCanonical is the canonical encoding as encoding/json writes it, as Canonical did
// before it had its own encoder.
func slowCanonical(t testing.TB, v *recordJSON) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// trickyStrings are strings whose JSON encoding has every case of the encoder.
var trickyStrings = []string{"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "\b\f\n\r\t", "\x00\x01\x1f\x7f",
	"line\u2028sep\u2029", "bad \xff\xfe utf-8", "cut \xe2\x82", "é ü 漢字 😀", "\u00a0nbsp", "/slash/"}

// TestCanonicalAgreesWithEncodingJSON checks the canonical encoder against encoding/json on
// strings with every escape, and on records with those strings anywhere.
func TestCanonicalAgreesWithEncodingJSON(t *testing.T) {
	for i, s := range trickyStrings {
		v := &recordJSON{Answers: map[string]string{s: s, "/z" + s: "x", "/a": s}, Enumerator: s, FinalizedAt: s, FormHash: s,
			FormID: s, FormVersion: s, ID: s, Lang: s, RespondentID: s, Revision: i - 3, StartedAt: s}
		if got, want := appendCanonical(nil, v), slowCanonical(t, v); !bytes.Equal(got, want) {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
	}
	v := &recordJSON{Answers: map[string]string{}}
	if got, want := appendCanonical(nil, v), slowCanonical(t, v); !bytes.Equal(got, want) {
		t.Errorf("empty record:\n got %s\nwant %s", got, want)
	}
	// Every field of the wire shape, set by reflection so that a field added to recordJSON
	// and not to the encoder or the decoder fails here.
	full := &recordJSON{Answers: map[string]string{"/a": "1"}}
	rv := reflect.ValueOf(full).Elem()
	for i := range rv.NumField() {
		switch f := rv.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("v" + rv.Type().Field(i).Name)
		case reflect.Int:
			f.SetInt(int64(i + 1))
		}
	}
	want := slowCanonical(t, full)
	if got := appendCanonical(nil, full); !bytes.Equal(got, want) {
		t.Errorf("every field:\n got %s\nwant %s", got, want)
	}
	if back, ok := decodeRecordJSON(want); !ok || !reflect.DeepEqual(&back, full) {
		t.Errorf("every field read back (fast decoder accepted %v): %+v", ok, back)
	}
	b := sampleRecord(t)
	r, err := DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := r.Canonical(); err != nil || !bytes.Equal(again, b) {
		t.Fatalf("the sample's canonical bytes changed:\n got %s\nwant %s", again, b)
	}
}

// FuzzCanonical checks the canonical encoder against encoding/json on records made of
// any strings: the input is cut at '|' into paths, values and fields.
func FuzzCanonical(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s+"|"+s+"|x", 1)
	}
	f.Add("a|b|c|d|e|f|g|h|i|j|k|l|m", -7)
	f.Fuzz(func(t *testing.T, in string, rev int) {
		parts := strings.Split(in, "|")
		at := func(i int) string { return parts[i%len(parts)] }
		v := &recordJSON{Answers: map[string]string{}, Enumerator: at(1), FinalizedAt: at(2), FormHash: at(3), FormID: at(4),
			FormVersion: at(5), ID: at(6), Lang: at(7), RespondentID: at(8), Revision: rev, StartedAt: at(9), Device: at(10), Mode: at(11)}
		for i := 0; i+1 < len(parts); i += 2 {
			v.Answers[parts[i]] = parts[i+1]
		}
		if got, want := appendCanonical(nil, v), slowCanonical(t, v); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", in, got, want)
		}
	})
}

// BenchmarkCanonical encodes a record of 67 answers with Canonical, and with encoding/json
// as it did before (slow).
func BenchmarkCanonical(b *testing.B) {
	r := &Record{ID: "0193c0de-0000-7000-8000-000000000001", Revision: 1, FormID: "tracer", FormVersion: "2026.11",
		Enumerator: "ani", Lang: "id", StartedAt: time.Now(), FinalizedAt: time.Now(), Answers: map[string]string{}}
	for i := range 67 {
		r.Answers[fmt.Sprintf("/tracer/section_%d/question_%02d", i%8, i)] = fmt.Sprintf("jawaban nomor %d", i)
	}
	v := recordJSON{Answers: r.Answers, ID: r.ID, Revision: 1, FormID: r.FormID}
	b.Run("own", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Canonical(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			slowCanonical(b, &v)
		}
	})
}

// decodeCanonicalSlow is what DecodeCanonical replaces: DecodeRecord, then Canonical's
// bytes compared with the input, then AnswerList.
func decodeCanonicalSlow(b []byte) (*Record, []Answer, bool, error) {
	r, err := DecodeRecord(b)
	if err != nil {
		return nil, nil, false, err
	}
	c, err := r.Canonical()
	return r, r.AnswerList(), err == nil && bytes.Equal(c, b), nil
}

// checkDecodeCanonical compares DecodeCanonical with decodeCanonicalSlow on b: the same
// error, record (but for the answers map), answers and canonical verdict.
func checkDecodeCanonical(t *testing.T, b []byte) (canonical bool) {
	t.Helper()
	r, answers, canonical, err := DecodeCanonical(b)
	wr, wanswers, wcanonical, werr := decodeCanonicalSlow(b)
	if fmt.Sprint(err) != fmt.Sprint(werr) || ErrorCode(err) != ErrorCode(werr) {
		t.Fatalf("%q: error %v, want %v", b, err, werr)
	}
	if err != nil {
		return false
	}
	if r.Answers != nil {
		t.Fatalf("%q: the record has an answers map", b)
	}
	wr.Answers = nil
	if diff := cmp.Diff(wr, r); diff != "" {
		t.Fatalf("%q: records differ (-slow +DecodeCanonical):\n%s", b, diff)
	}
	if len(answers) != len(wanswers) || len(answers) > 0 && !reflect.DeepEqual(answers, wanswers) {
		t.Fatalf("%q: answers %v, want %v", b, answers, wanswers)
	}
	if canonical != wcanonical {
		t.Fatalf("%q: canonical %v, want %v", b, canonical, wcanonical)
	}
	return canonical
}

// TestDecodeCanonicalAgrees checks DecodeCanonical against DecodeRecord, Canonical and
// AnswerList on canonical records and on near misses: keys or answers out of order, a
// repeated path, spaces, an escape written another way, times not in canonical form,
// fields missing, malformed input.
func TestDecodeCanonicalAgrees(t *testing.T) {
	canon := sampleRecord(t)
	if !checkDecodeCanonical(t, canon) {
		t.Fatal("the sample record is not canonical")
	}
	empty, _ := (&Record{ID: "x", Revision: 1}).Canonical()
	if !checkDecodeCanonical(t, empty) {
		t.Fatal("a record without answers is not canonical")
	}
	s := string(canon)
	for name, in := range map[string]string{
		"answers swapped":             strings.Replace(s, `"/d/ctl":"\u0001\u001f\u2028","/d/kota":"Bontang — Kaltim ✓"`, `"/d/kota":"Bontang — Kaltim ✓","/d/ctl":"\u0001\u001f\u2028"`, 1),
		"path repeated":               strings.Replace(s, `"/d/ctl":"\u0001\u001f\u2028",`, `"/d/ctl":"\u0001\u001f\u2028","/d/ctl":"\u0001\u001f\u2028",`, 1),
		"path repeated, last differs": strings.Replace(s, `"/d/ctl":"\u0001\u001f\u2028",`, `"/d/ctl":"x","/d/ctl":"\u0001\u001f\u2028",`, 1),
		"space":                       strings.Replace(s, `,"enumerator"`, `, "enumerator"`, 1),
		"escape as \\u":               strings.Replace(s, `\n`, `\u000a`, 1),
		"solidus escaped":             strings.Replace(s, `"/d/name"`, `"\/d/name"`, 1),
		"time with offset":            strings.Replace(s, `"2026-01-02T04:04:05.000000000Z"`, `"2026-01-02T11:04:05.000000000+07:00"`, 1),
		"time short":                  strings.Replace(s, `"2026-01-02T04:04:05.000000000Z"`, `"2026-01-02T04:04:05Z"`, 1),
		"keys out of order":           strings.Replace(s, `"id":"a1","lang":"id"`, `"lang":"id","id":"a1"`, 1),
		"no answers":                  strings.Replace(s, s[1:strings.Index(s, `},"`)+2], "", 1),
		"device empty":                strings.Replace(s, `,"enumerator"`, `,"device":"","enumerator"`, 1),
		"unknown field":               strings.Replace(s, `,"enumerator"`, `,"extra":"","enumerator"`, 1),
		"revision 0":                  strings.Replace(s, `"revision":3`, `"revision":0`, 1),
		"control in path":             strings.Replace(s, `"/d/ctl"`, `"/d/\u0001"`, 1),
		"cut":                         s[:len(s)-1],
		"empty":                       "",
	} {
		t.Run(name, func(t *testing.T) {
			if in == s {
				t.Fatal("the case changes nothing")
			}
			if checkDecodeCanonical(t, []byte(in)) {
				t.Fatalf("%q is canonical", in)
			}
		})
	}
}

// FuzzDecodeCanonical checks DecodeCanonical against DecodeRecord, Canonical and
// AnswerList on any input.
func FuzzDecodeCanonical(f *testing.F) {
	f.Add(sampleRecord(f))
	f.Add([]byte(`{"answers":{"/a":"1","/a":"2"},"enumerator":"","finalized_at":"2026-01-01T00:00:00.000000000Z","form_hash":"","form_id":"","form_version":"","id":"x","lang":"","respondent_id":"","revision":1,"started_at":"2026-01-01T00:00:00.000000000Z"}`))
	f.Add([]byte(`{"answers":{"/b":"1","/a":"2"},"enumerator":"","finalized_at":"2026-01-01T00:00:00.000000000Z","form_hash":"","form_id":"","form_version":"","id":"x","lang":"","respondent_id":"","revision":1,"started_at":"2026-01-01T00:00:00.000000000Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecodeCanonical(t, b)
	})
}

// checkDecodeSorted checks RecordReader.DecodeSorted against DecodeRecord and AnswerList on
// b, with a reader that decoded the sample record just before (whose list it must not
// keep any of).
func checkDecodeSorted(t *testing.T, b []byte) {
	t.Helper()
	want, wantErr := DecodeRecord(b)
	var rr RecordReader
	if _, _, err := rr.DecodeSorted(sampleRecord(t)); err != nil {
		t.Fatal(err)
	}
	got, list, err := rr.DecodeSorted(b)
	if (err != nil) != (wantErr != nil) || ErrorCode(err) != ErrorCode(wantErr) {
		t.Fatalf("DecodeSorted(%q): %v, DecodeRecord: %v", b, err, wantErr)
	}
	if err != nil {
		return
	}
	if got.Answers != nil {
		t.Fatalf("DecodeSorted(%q) left an answers map", b)
	}
	wantList := want.AnswerList()
	if len(wantList) == 0 {
		wantList = nil
	}
	if len(list) == 0 {
		list = nil
	}
	if diff := cmp.Diff(wantList, list); diff != "" {
		t.Fatalf("answers of %q (-AnswerList +DecodeSorted):\n%s", b, diff)
	}
	w := *want
	w.Answers = nil
	if diff := cmp.Diff(w, *got); diff != "" {
		t.Fatalf("record %q (-DecodeRecord +DecodeSorted):\n%s", b, diff)
	}
	// Decode after DecodeSorted still gives the map.
	if r, err := rr.Decode(b); err != nil || !reflect.DeepEqual(r.Answers, want.Answers) {
		t.Fatalf("Decode after DecodeSorted(%q): %v %v, want %v", b, r.Answers, err, want.Answers)
	}
}

// TestDecodeSortedAgrees checks DecodeSorted against DecodeRecord on canonical records
// and on inputs its ordered reading cannot take: answers out of order, a repeated path
// (the last value wins, as in DecodeRecord), no answers, spaces, what only encoding/json
// reads, and malformed input.
func TestDecodeSortedAgrees(t *testing.T) {
	canon := sampleRecord(t)
	s := string(canon)
	empty, _ := (&Record{ID: "x", Revision: 1}).Canonical()
	for name, in := range map[string]string{
		"canonical":                   s,
		"empty answers":               string(empty),
		"answers swapped":             strings.Replace(s, `"/d/ctl":"\u0001\u001f\u2028","/d/kota":"Bontang — Kaltim ✓"`, `"/d/kota":"Bontang — Kaltim ✓","/d/ctl":"\u0001\u001f\u2028"`, 1),
		"path repeated, last differs": strings.Replace(s, `"/d/ctl":"\u0001\u001f\u2028",`, `"/d/ctl":"x","/d/ctl":"\u0001\u001f\u2028",`, 1),
		"path repeated":               strings.Replace(s, `"/d/ctl":"\u0001\u001f\u2028",`, `"/d/ctl":"\u0001\u001f\u2028","/d/ctl":"\u0001\u001f\u2028",`, 1),
		"no answers":                  strings.Replace(s, s[1:strings.Index(s, `},"`)+2], "", 1),
		"space":                       strings.Replace(s, `,"enumerator"`, `, "enumerator"`, 1),
		"other case key":              `{"ID":"x","Revision":2,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z","answers":{"/b":"2","/a":"1"}}`,
		"control in path":             strings.Replace(s, `"/d/ctl"`, `"/d/\u0001"`, 1),
		"unknown field":               strings.Replace(s, `,"enumerator"`, `,"extra":"","enumerator"`, 1),
		"cut":                         s[:len(s)-1],
		"empty":                       "",
	} {
		t.Run(name, func(t *testing.T) { checkDecodeSorted(t, []byte(in)) })
	}
	// The sorted list is what the case says: a repeated path keeps its last value.
	var rr RecordReader
	_, list, err := rr.DecodeSorted([]byte(strings.Replace(s, `"/d/ctl":"\u0001\u001f\u2028",`, `"/d/ctl":"x","/d/ctl":"y",`, 1)))
	if err != nil || len(list) != 5 || list[0] != (Answer{Path: "/d/ctl", Value: "y"}) || list[1].Path != "/d/kota" {
		t.Fatalf("repeated path: %q %v", list, err)
	}
}

// FuzzDecodeSorted checks DecodeSorted against DecodeRecord and AnswerList on any input.
func FuzzDecodeSorted(f *testing.F) {
	f.Add(sampleRecord(f))
	f.Add([]byte(`{"answers":{"/a":"1","/a":"2"},"id":"x","revision":1,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"answers":{"/b":"1","/a":"2"},"id":"x","revision":1,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"answers":{},"id":"x","revision":1,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecodeSorted(t, b)
	})
}

// TestFirstSpecial checks firstSpecial against a byte-by-byte search: every byte value at
// every place in a word, and words of bytes drawn near the edges of what it must find.
func TestFirstSpecial(t *testing.T) {
	first := func(w uint64) int {
		for i := 0; i < 8; i++ {
			c := byte(w >> (8 * i))
			if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
				return i
			}
		}
		return 8
	}
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			w := uint64(0x6161616161616161)&^(0xff<<(8*pos)) | uint64(c)<<(8*pos)
			if got, want := firstSpecial(w), first(w); got != want {
				t.Fatalf("firstSpecial(%#016x) = %d, want %d", w, got, want)
			}
		}
	}
	edges := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff, 'a'}
	seed := uint64(1)
	for range 200000 {
		var w uint64
		for i := 0; i < 8; i++ {
			seed = seed*6364136223846793005 + 1442695040888963407
			w |= uint64(edges[(seed>>33)%uint64(len(edges))]) << (8 * i)
		}
		if got, want := firstSpecial(w), first(w); got != want {
			t.Fatalf("firstSpecial(%#016x) = %d, want %d", w, got, want)
		}
	}
}

// checkDecodeNamed checks DecodeRecordNamed against DecodeRecord with the answers keep
// refuses taken out: the same record, or an error from both.
func checkDecodeNamed(t *testing.T, b []byte, keep func(string) bool) {
	t.Helper()
	want, errWant := DecodeRecord(b)
	got, err := DecodeRecordNamed(b, keep)
	if (err == nil) != (errWant == nil) {
		t.Fatalf("%q: DecodeRecordNamed error %v, DecodeRecord %v", b, err, errWant)
	}
	if err != nil {
		return
	}
	maps.DeleteFunc(want.Answers, func(path, _ string) bool { return !keep(path) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%q: DecodeRecordNamed differs (-DecodeRecord cut +DecodeRecordNamed):\n%s", b, diff)
	}
}

// checkDecodeByName checks DecodeRecordByName against DecodeRecord, each name answered by
// the first of its paths outside any repeat, in path order: the same record, or an error
// from both.
func checkDecodeByName(t *testing.T, b []byte, x *NameIndex) {
	t.Helper()
	want, errWant := DecodeRecord(b)
	got, err := DecodeRecordByName(b, x)
	if (err == nil) != (errWant == nil) {
		t.Fatalf("%q: DecodeRecordByName error %v, DecodeRecord %v", b, err, errWant)
	}
	if err != nil {
		return
	}
	values := make([]string, len(x.Names()))
	for i, name := range x.Names() {
		for _, path := range slices.Sorted(maps.Keys(want.Answers)) {
			if n, ok := QuestionName(path); ok && n == name {
				values[i] = want.Answers[path]
				break
			}
		}
	}
	want.Answers, want.Named = nil, NamedValues{Names: x.Names(), Values: values}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%q: DecodeRecordByName differs (-DecodeRecord picked +DecodeRecordByName):\n%s", b, diff)
	}
}

// TestDecodeRecordNamedAgrees checks DecodeRecordNamed on records with kept and skipped
// answers: inside repeats, at the top level, with escapes, duplicates, hidden characters.
func TestDecodeRecordNamedAgrees(t *testing.T) {
	names := []string{"name", "kota", "ctl", "a"}
	keep, x := NamedAnswers(names...), NewNameIndex(names)
	meta := `"id":"x","revision":1,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z"`
	for _, in := range []string{
		string(sampleRecord(t)),
		`{"answers":{"/d/name":"1","/d/r[1]/name":"2","name":"3","/d/other":"4","/d/n\u0061me2":"5"},` + meta + `}`,
		`{"answers":{"/d/skip":"1","/d/skip":"2","/d/a":"3"},` + meta + `}`,
		`{"answers":{"/d/a":"1","/d/a":"2"},` + meta + `}`,
		`{"answers":{"/d/sk\u0001ip":"1","/d/a":"3"},` + meta + `}`,
		"{\"answers\":{\"/d/sk\x01ip\":\"1\"}," + meta + `}`,
		`{"answers":{"/d/\u0061":"x\u00e9"},` + meta + `}`,
		`{"answers":{},` + meta + `}`,
		`{` + meta + `}`,
		`{"answers":{"/d/a":"1"},` + meta + `,"extra":1}`,
		`{"answers":{"/d/a":1},` + meta + `}`,
		`{"answers":{"/d/a":"1","/e/a":"2","/e/r[1]/a":"3"},` + meta + `}`,
		`{"answers":{"/e/a":"2","/d/a":"1","kota":""},` + meta + `}`,
		`{"answers":{"a":"top","/d/a":"grp"},` + meta + `}`,
	} {
		checkDecodeNamed(t, []byte(in), keep)
		checkDecodeByName(t, []byte(in), x)
	}
}

// FuzzDecodeRecordNamed checks DecodeRecordNamed against DecodeRecord on any input.
func FuzzDecodeRecordNamed(f *testing.F) {
	f.Add(sampleRecord(f))
	f.Add([]byte(`{"answers":{"/d/a":"1","/d/b[1]/a":"2","/x":"3"},"id":"x","revision":1,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"answers":{"/x":"1","/x":"2","a":"3"},"id":"x","revision":1,"started_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:00Z"}`))
	keep, x := NamedAnswers("a", "name", "kota"), NewNameIndex([]string{"a", "name", "kota"})
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecodeNamed(t, b, keep)
		checkDecodeByName(t, b, x)
	})
}

// TestNamedAnswersSieve: the keep function of NamedAnswers accepts exactly the paths
// outside any repeat whose last element is one of the names, whatever the sieve in front of
// its lookup lets through; among many names of every length, and paths that differ from a
// name by a byte at either end or by their length.
func TestNamedAnswersSieve(t *testing.T) {
	var names []string
	for n := 1; n <= 40; n++ {
		names = append(names, strings.Repeat("q", n-1)+string(rune('a'+n%26)))
	}
	names = append(names, "income_exact", "main_status", "nik", "")
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	keep := NamedAnswers(names...)
	accepted := 0
	for _, n := range names {
		for _, name := range []string{n, n + "x", "x" + n, strings.TrimSuffix(n, "a"), strings.ToUpper(n)} {
			for _, path := range []string{name, "/data/" + name, "/data/grp/" + name, "/data/rep[1]/" + name} {
				want := !strings.Contains(path, "[") && set[path[strings.LastIndexByte(path, '/')+1:]]
				if got := keep(path); got != want {
					t.Errorf("keep(%q) = %v, want %v", path, got, want)
				}
				if want {
					accepted++
				}
			}
		}
	}
	if accepted < 3*len(names) {
		t.Fatalf("only %d paths accepted: the test proves little", accepted)
	}
}

// TestDecodeRecordNamedOwnsItsStrings: DecodeRecordNamed reads the caller's bytes without
// copying them whole, so every string it returns must be its own copy. Overwriting the
// bytes after the decode must change nothing in the record.
func TestDecodeRecordNamedOwnsItsStrings(t *testing.T) {
	r := &Record{ID: "interview-1", Revision: 2, FormID: "blk_tracer", FormVersion: "2026", FormHash: "h",
		RespondentID: "R-0001", Enumerator: "ani", Lang: "id", Mode: "web", Device: "dev",
		Answers: map[string]string{"/d/a": "kept", "/d/name": "Siti", "/d/other": "read past"}}
	body, err := r.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	keep := NamedAnswers("a", "name")
	buf := slices.Clone(body)
	got, err := DecodeRecordNamed(buf, keep)
	if err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = '#'
	}
	want := *r
	want.Answers = map[string]string{"/d/a": "kept", "/d/name": "Siti"}
	want.StartedAt, want.FinalizedAt = got.StartedAt, got.FinalizedAt
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want) {
		t.Errorf("after its bytes were overwritten:\n got %+v\nwant %+v", *got, want)
	}

	buf = slices.Clone(body)
	x := NewNameIndex([]string{"name", "a", "missing"})
	got, err = DecodeRecordByName(buf, x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = '#'
	}
	want.Answers, want.Named = nil, NamedValues{Names: x.Names(), Values: []string{"Siti", "kept", ""}}
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want) {
		t.Errorf("by name, after its bytes were overwritten:\n got %+v\nwant %+v", *got, want)
	}
}
