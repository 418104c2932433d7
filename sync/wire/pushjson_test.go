package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// slowPush is what encoding/json makes of b, as Decode reads every other request: unknown
// fields refused, nothing but spaces after the value.
func slowPush(b []byte) (PushRequest, error) {
	var v PushRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return v, errors.New("data after the value")
	}
	return v, nil
}

// checkPush checks decodePush against encoding/json on b: when it reads b, encoding/json
// reads the same request.
func checkPush(t *testing.T, b []byte) bool {
	t.Helper()
	var fast PushRequest
	if !decodePush(b, &fast) {
		return false
	}
	slow, err := slowPush(b)
	if err != nil {
		t.Fatalf("encoding/json refuses %q, which decodePush read: %v", b, err)
	}
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Fatalf("decoders differ on %q (-encoding/json +decodePush):\n%s", b, diff)
	}
	return true
}

// TestDecodePushAgrees checks that decodePush reads pushes as encoding/json does, and
// leaves to encoding/json every input it cannot read the same way.
func TestDecodePushAgrees(t *testing.T) {
	sealed := base64.StdEncoding.EncodeToString([]byte("age-encryption.org/v1\n-> X25519 abc\n\x00\xff"))
	item := `{"id":"0b6f1f4e-8a44-4a8e-9a2b-6f0e4b1d2c3a","revision":2,"hash":"e3b0c442","sealed":"` + sealed + `"}`
	good := `{"device_time":"2026-11-20T09:00:00.123456789+07:00","items":[` + item + `,` + item + `]}`
	for _, tc := range []struct {
		name   string
		in     string
		accept bool
	}{
		{"laptop push", good, true},
		{"spaces", " {\n\"items\" : [ " + item + " ] ,\t\"device_time\":\"2026-11-20T09:00:00Z\" } \n", true},
		{"no items", `{"items":[]}`, true},
		{"nothing", `{}`, true},
		{"sealed empty", `{"items":[{"id":"x","revision":1,"hash":"h","sealed":""}]}`, true},
		{"no sealed", `{"items":[{"id":"x","revision":-0,"hash":"h"}]}`, true},
		{"body", `{"items":[{"id":"x","revision":1,"hash":"h","body":{"a":1}}]}`, false},
		{"key in other case", `{"Items":[]}`, false},
		{"item key in other case", `{"items":[{"ID":"x"}]}`, false},
		{"duplicate key", `{"items":[],"items":[]}`, false},
		{"duplicate item key", `{"items":[{"id":"x","id":"y"}]}`, false},
		{"unknown key", `{"items":[],"extra":1}`, false},
		{"null items", `{"items":null}`, false},
		{"null time", `{"device_time":null}`, false},
		{"bad time", `{"device_time":"2026-11-20"}`, false},
		{"escape", `{"items":[{"id":"\u0078"}]}`, false},
		{"non-ASCII", `{"items":[{"id":"é"}]}`, false},
		{"float revision", `{"items":[{"revision":1.0}]}`, false},
		{"exponent revision", `{"items":[{"revision":1e0}]}`, false},
		{"leading zero", `{"items":[{"revision":01}]}`, false},
		{"huge revision", `{"items":[{"revision":99999999999999999999}]}`, false},
		{"string revision", `{"items":[{"revision":"1"}]}`, false},
		{"bad base64", `{"items":[{"sealed":"abc"}]}`, false},
		{"base64 unpadded", `{"items":[{"sealed":"YWI"}]}`, false},
		{"trailing bytes", `{"items":[]} {}`, false},
		{"trailing comma", `{"items":[],}`, false},
		{"cut", good[:len(good)-1], false},
		{"array", `[]`, false},
		{"empty", ``, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkPush(t, []byte(tc.in)); got != tc.accept {
				t.Fatalf("decodePush read it: %v, want %v", got, tc.accept)
			}
		})
	}
	// A request that is not zero is left to encoding/json, which merges into it.
	r := PushRequest{Items: []PushItem{{ID: "kept"}}}
	if decodePush([]byte(`{}`), &r) {
		t.Fatal("decodePush read into a request that is not zero")
	}
	// Decode takes the fast path for a push and still validates it.
	if err := Decode(strings.NewReader(`{"items":[]}`), &PushRequest{}); err == nil {
		t.Fatal("an empty push passed")
	}
}

// FuzzDecodePushFast checks decodePush against encoding/json on any input.
func FuzzDecodePushFast(f *testing.F) {
	f.Add([]byte(`{"device_time":"2026-11-20T09:00:00Z","items":[{"id":"x","revision":1,"hash":"h","sealed":"YWJj"}]}`))
	f.Add([]byte(`{"items":[{"id":"x","revision":1,"hash":"h","sealed":"YQ=="},{"id":"y"}]}`))
	f.Add([]byte(` { "items" : [ ] } `))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkPush(t, b)
	})
}
