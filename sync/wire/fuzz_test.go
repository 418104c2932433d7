package wire_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"tracer/survey"
	"tracer/sync/wire"
)

// checkDecode decodes data into v and asserts the property every server decoder keeps: no
// panic, an error is EINVALID or ETOOLARGE, and a value that decodes also re-encodes and
// decodes again to a valid value.
func checkDecode(t *testing.T, data []byte, v, again wire.Validator) {
	err := wire.Decode(bytes.NewReader(data), v)
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

func FuzzDecodePush(f *testing.F) {
	f.Add([]byte(`{"device_time":"2026-11-20T09:00:00Z","items":[{"id":"0b6f1f4e-8a44-4a8e-9a2b-6f0e4b1d2c3a","revision":1,"hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","body":{"answers":{}}}]}`))
	f.Add([]byte(`{"items":[]}`))
	f.Add([]byte(`{"items":[{"id":"x","revision":0}]}`))
	f.Add([]byte(`{"items":null,"extra":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, &wire.PushRequest{}, &wire.PushRequest{})
	})
}

func FuzzDecodeEnroll(f *testing.F) {
	f.Add([]byte(`{"code":"ACDE-2346","device":"laptop-7"}`))
	f.Add([]byte(`{"code":""}`))
	f.Add([]byte(`{"code":"a b c"} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, &wire.EnrollRequest{}, &wire.EnrollRequest{})
	})
}

func FuzzDecodeRoster(f *testing.F) {
	f.Add([]byte(`{"rows":[{"roster_id":"BTG25-0001","full_name":"Dimas","nik":"6474060307910001","extra":{"x":"y"}}]}`))
	f.Add([]byte(`{"rows":[null]}`))
	f.Add([]byte(`{"rows":[{"roster_id":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, &wire.RosterUpload{}, &wire.RosterUpload{})
	})
}

func FuzzDecodeReturn(f *testing.F) {
	f.Add([]byte(`{"revision":1,"comment":"Cek upah"}`))
	f.Add([]byte(`{"revision":-1,"comment":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, &wire.ReturnRequest{}, &wire.ReturnRequest{})
	})
}
