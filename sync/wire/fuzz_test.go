package wire_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"tracer/survey"
	"tracer/sync/wire"
)

// checkDecode decodes data into v and asserts the properties every server decoder keeps:
// no panic; the heap allocated stays within allocFactor bytes per input byte plus budget,
// the cost of the largest value the request's limits let through; an error is EINVALID or
// ETOOLARGE; and a value that decodes also re-encodes and decodes again to a valid value.
func checkDecode(t *testing.T, data []byte, v, again wire.Validator, budget uint64) {
	before := allocated()
	err := wire.Decode(bytes.NewReader(data), v)
	if took, most := allocated()-before, allocFactor*uint64(len(data))+budget+allocBase; took > most {
		t.Fatalf("decoding %d bytes allocated %d bytes; the bound is %d", len(data), took, most)
	}
	if err != nil {
		if code := survey.ErrorCode(err); code != survey.EINVALID && code != survey.ETOOLARGE {
			t.Fatalf("error code %q: %v", code, err)
		}
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	if err := wire.Decode(bytes.NewReader(b), again); err != nil {
		t.Fatalf("decode of re-encoded %s: %v", b, err)
	}
}

// allocFactor bounds the heap a decoder may allocate per byte of input, beyond the budget
// its limits allow.
const allocFactor = 32

// allocBase is what any decode may allocate: buffers and the value's fixed parts.
const allocBase = 128 << 10

// addLongLists adds seeds whose list at prefix holds n empty entries: before lists were
// limited while reading, decoding them allocated over a hundred bytes per input byte.
func addLongLists(f *testing.F, prefix string, n int) {
	f.Add(many(prefix, `{}`, `]}`, n))
}

func FuzzDecodePush(f *testing.F) {
	addLongLists(f, `{"items":[`, 400_000)
	f.Add([]byte(`{"device_time":"2026-11-20T09:00:00Z","items":[{"id":"0b6f1f4e-8a44-4a8e-9a2b-6f0e4b1d2c3a","revision":1,"hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","body":{"answers":{}}}]}`))
	f.Add([]byte(`{"items":[]}`))
	f.Add([]byte(`{"items":[{"id":"x","revision":0}]}`))
	f.Add([]byte(`{"items":null,"extra":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, &wire.PushRequest{}, &wire.PushRequest{}, 1<<20)
	})
}

func FuzzDecodeEnroll(f *testing.F) {
	f.Add(many(`{`, `"device":"x"`, `}`, 100_000))
	f.Add([]byte(`{"code":"ACDE-2346","device":"laptop-7"}`))
	f.Add([]byte(`{"code":""}`))
	f.Add([]byte(`{"code":"a b c"} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, &wire.EnrollRequest{}, &wire.EnrollRequest{}, 64<<10)
	})
}

func FuzzDecodeRoster(f *testing.F) {
	addLongLists(f, `{"rows":[`, 200_000)
	f.Add(many(`{"rows":[{"roster_id":"a","full_name":"b","extra":{`, `"k":"v"`, `}}]}`, 100_000))
	f.Add([]byte(`{"rows":[{"roster_id":"BTG25-0001","full_name":"Dimas","nik":"6474060307910001","extra":{"x":"y"}}]}`))
	f.Add([]byte(`{"rows":[null]}`))
	f.Add([]byte(`{"rows":[{"roster_id":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The most rows a roster upload may carry, each a Respondent of about 400 bytes.
		checkDecode(t, data, &wire.RosterUpload{}, &wire.RosterUpload{}, wire.MaxRosterRows*1200)
	})
}

func FuzzDecodeReturn(f *testing.F) {
	addLongLists(f, `{"revision":1,"comment":"c","questions":[`, 400_000)
	f.Add([]byte(`{"revision":1,"comment":"Cek upah"}`))
	f.Add([]byte(`{"revision":-1,"comment":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, &wire.ReturnRequest{}, &wire.ReturnRequest{}, 1<<20)
	})
}
