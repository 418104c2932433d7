package wire_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tracer/survey"
	"tracer/sync/wire"
)

// allocated returns the bytes this process has allocated on the heap so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// many returns a body whose list at the top-level field name holds n copies of elem.
func many(prefix, elem, suffix string, n int) []byte {
	var b bytes.Buffer
	b.WriteString(prefix)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(elem)
	}
	b.WriteString(suffix)
	return b.Bytes()
}

// Every list of every request is refused at its first entry over the limit: the rest of
// the body is not read and nothing of it is built.
func TestDecodeRefusesLongListsWhileReading(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		v    wire.Validator
		want string // in the message
	}{
		{"push items", many(`{"items":[`, `{}`, `]}`, 2_000_000), &wire.PushRequest{}, "items may hold at most 1000 entries"},
		{"roster rows", many(`{"rows":[`, `{}`, `]}`, 2_000_000), &wire.RosterUpload{}, "rows may hold at most 10000 entries"},
		{"roster extra columns", many(`{"rows":[{"roster_id":"a","full_name":"b","extra":{`, `"k":""`, `}}]}`, 700_000), &wire.RosterUpload{}, "rows[].extra may hold at most 256 entries"},
		{"return questions", many(`{"revision":1,"comment":"c","questions":[`, `{}`, `]}`, 2_000_000), &wire.ReturnRequest{}, "questions may hold at most 500 entries"},
		{"array where none belongs", many(`{"code":[`, `0`, `]}`, 3_000_000), &wire.EnrollRequest{}, "code may hold at most 64 entries"},
		{"repeated fields", many(`{`, `"code":""`, `}`, 700_000), &wire.EnrollRequest{}, "body may hold at most 64 fields"},
		{"deep nesting", []byte(`{"items":[{"body":` + strings.Repeat("[", 1_000_000)), &wire.PushRequest{}, "nests deeper than 64"},
		{"nested lists in an item", many(`{"items":[{"id":[`, `[]`, `]}]}`, 2_000_000), &wire.PushRequest{}, "items[].id may hold at most 64 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &countingReader{r: bytes.NewReader(tt.body)}
			before := allocated()
			err := wire.Decode(r, tt.v)
			took := allocated() - before
			if survey.ErrorCode(err) != survey.ETOOLARGE || !strings.Contains(survey.ErrorMessage(err), tt.want) {
				t.Fatalf("err %v, want too_large %q", err, tt.want)
			}
			if r.n > 256<<10 {
				t.Errorf("read %d of %d bytes before refusing", r.n, len(tt.body))
			}
			if took > 8<<20 {
				t.Errorf("allocated %d MB for a %d MB body", took>>20, len(tt.body)>>20)
			}
		})
	}
}

// Lists at their limit still decode.
func TestDecodeListsAtTheLimit(t *testing.T) {
	row := `{"roster_id":"BTG25-0001","full_name":"Dimas","extra":{` + strings.TrimSuffix(strings.Repeat(`"k":"v",`, 1), ",") + `}}`
	var up wire.RosterUpload
	if err := wire.Decode(bytes.NewReader(many(`{"rows":[`, row, `]}`, wire.MaxRosterRows)), &up); err != nil || len(up.Rows) != wire.MaxRosterRows {
		t.Fatalf("%d rows, %v", len(up.Rows), err)
	}
	var ret wire.ReturnRequest
	if err := wire.Decode(bytes.NewReader(many(`{"revision":1,"comment":"c","questions":[`, `{"path":"/a","comment":"b"}`, `]}`, wire.MaxQuestionComments)), &ret); err != nil {
		t.Fatal(err)
	}
	item := `{"id":"0b6f1f4e-8a44-4a8e-9a2b-6f0e4b1d2c3a","revision":1,"hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","body":{"answers":{"a":[[1,2],{"b":null}]}}}`
	var push wire.PushRequest
	if err := wire.Decode(bytes.NewReader(many(`{"items":[`, item, `]}`, wire.MaxBatch)), &push); err != nil || len(push.Items) != wire.MaxBatch {
		t.Fatalf("%d items, %v", len(push.Items), err)
	}
	if got := string(push.Items[0].Body); got != `{"answers":{"a":[[1,2],{"b":null}]}}` {
		t.Errorf("body %s", got)
	}
}

// Names and identifiers holding control characters are refused on the server.
func TestControlCharactersRefused(t *testing.T) {
	tests := []struct {
		body string
		v    wire.Validator
	}{
		{`{"name":"ani\u001b[2J","role":"enumerator"}`, &wire.UserRequest{}},
		{`{"name":"ani\u0000","role":"enumerator"}`, &wire.UserRequest{}},
		{`{"code":"ACDE-2346","device":"laptop\u001b]0;x\u0007"}`, &wire.EnrollRequest{}},
		{`{"rows":[{"roster_id":"A-1\u001b[31m","full_name":"Dewi"}]}`, &wire.RosterUpload{}},
		{`{"revision":1,"comment":"c","questions":[{"path":"/data/q\u202e","comment":"x"}]}`, &wire.ReturnRequest{}},
		{`{"name":"form\u001b.xlsx","source":"eA=="}`, &wire.PublishRequest{}},
	}
	for _, tt := range tests {
		err := wire.Decode(strings.NewReader(tt.body), tt.v)
		if survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("%s: %v, want invalid", tt.body, err)
		}
	}
}

// FuzzDecodeSizedAgrees checks that the announced size is only a hint: whatever size a
// body announces, it decodes to the same request, or fails with the same error, as a body
// of unknown size; and that a pooled read buffer carries nothing from one decode to the
// next (the same body decodes the same after another).
func FuzzDecodeSizedAgrees(f *testing.F) {
	push := `{"device_time":"2026-11-20T09:00:00Z","items":[{"id":"0b6f1f4e-8a44-4a8e-9a2b-6f0e4b1d2c3a","revision":1,"hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","body":{"answers":{}}}]}`
	long := `{"items":[` + strings.Repeat(`{"id":"x","revision":1},`, 300) + `{"id":"x","revision":1}]}`
	for _, body := range []string{push, long, `{"items":[]}`, `{"items":null,"extra":1}`, `[]`, push + ` x`, ``} {
		for _, size := range []int64{-1, 0, 1, int64(len(body)) - 1, int64(len(body)), int64(len(body)) + 1, 1 << 40} {
			f.Add([]byte(body), size)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, size int64) {
		var want, got, again wire.PushRequest
		werr := wire.Decode(bytes.NewReader(data), &want)
		gerr := wire.DecodeSized(bytes.NewReader(data), size, &got)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("size %d: error %v, want %v", size, gerr, werr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("size %d: (-unknown size +announced):\n%s", size, diff)
		}
		aerr := wire.DecodeSized(bytes.NewReader(data), size, &again)
		if fmt.Sprint(aerr) != fmt.Sprint(werr) || !cmp.Equal(want, again) {
			t.Fatalf("size %d: a second decode differs: %v %+v", size, aerr, again)
		}
	})
}

// TestRosterUploadCompletion checks that an uploaded row's training outcome is stored as
// its code, in whichever words the roster wrote it, and that one that is none of them
// refuses the upload naming the row.
func TestRosterUploadCompletion(t *testing.T) {
	var up wire.RosterUpload
	body := `{"rows":[{"roster_id":"A-1","full_name":"Dewi","completion":"LULUS"},{"roster_id":"A-2","full_name":"Eko","completion":"Belum kompeten"},{"roster_id":"A-3","full_name":"Fajar"}]}`
	if err := wire.Decode(strings.NewReader(body), &up); err != nil {
		t.Fatal(err)
	}
	if got := []string{up.Rows[0].Completion, up.Rows[1].Completion, up.Rows[2].Completion}; !slices.Equal(got, []string{"pass", "finished_not_pass", ""}) {
		t.Errorf("completion %q", got)
	}
	err := wire.Decode(strings.NewReader(`{"rows":[{"roster_id":"A-1","full_name":"Dewi","completion":"cuti"}]}`), &wire.RosterUpload{})
	if survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(err.Error(), `Row 1 (A-1): completion "cuti" is not pass`) {
		t.Errorf("completion cuti: %v", err)
	}
}

// TestBodyNotAnObject: a body that is JSON but not an object (a list, a string, a number)
// is refused as such, not as a field with no name.
func TestBodyNotAnObject(t *testing.T) {
	for _, body := range []string{`[]`, `[{"items":[]}]`, `"items"`, `42`, `true`} {
		for _, v := range []wire.Validator{&wire.PushRequest{}, &wire.EnrollRequest{}, &wire.RosterUpload{}} {
			err := wire.Decode(strings.NewReader(body), v)
			if survey.ErrorCode(err) != survey.EINVALID || survey.ErrorMessage(err) != "The request body is not a JSON object." {
				t.Errorf("%T from %s: %v", v, body, err)
			}
		}
	}
}
