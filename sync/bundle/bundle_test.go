package bundle_test

import (
	"bytes"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/bundle"
)

func sealed(t testing.TB, tokenHash string) []byte {
	t.Helper()
	b, err := bundle.Seal(bundle.KindOutbox, "ani", survey.NewID(), tokenHash, time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), []byte(`{"items":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	tok := survey.HashSecret("token-of-ani")
	other := survey.HashSecret("another-token")
	b := sealed(t, tok)
	h, plain, used, err := bundle.Open(b, []string{other, tok})
	if err != nil || string(plain) != `{"items":[]}` || used != tok || h.User != "ani" || h.Kind != bundle.KindOutbox {
		t.Fatalf("open: %+v %q %q %v", h, plain, used, err)
	}
	if bytes.Contains(b, []byte("items")) {
		t.Fatal("the payload is in clear")
	}
	// Every byte matters: the header is authenticated with the payload.
	for i := range b {
		c := bytes.Clone(b)
		c[i] ^= 0x20
		if _, _, _, err := bundle.Open(c, []string{tok}); err == nil {
			t.Fatalf("a bundle changed at byte %d of %d opened", i, len(b))
		}
	}
	if _, _, _, err := bundle.Open(b, []string{other}); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Fatalf("another account's key: %v", err)
	}
	if _, _, _, err := bundle.Open(b[:len(b)-1], []string{tok}); !bundle.IsTampered(err) {
		t.Fatalf("a cut bundle: %v", err)
	}
	if _, _, _, err := bundle.Open(make([]byte, bundle.MaxSize+1), []string{tok}); survey.ErrorCode(err) != survey.ETOOLARGE {
		t.Fatalf("an oversized file: %v", err)
	}
	if _, _, err := bundle.ReadHeader([]byte("PK\x03\x04 a zip file")); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("not a bundle: %v", err)
	}
}

// FuzzOpen: no input makes Open panic, and only the sealed bytes themselves open.
func FuzzOpen(f *testing.F) {
	tok := survey.HashSecret("token-of-ani")
	good := sealed(f, tok)
	f.Add(good)
	f.Add([]byte(bundle.Magic + "{}\n"))
	f.Add([]byte(bundle.Magic + `{"kind":"outbox","user":"ani","nonce":"AAAAAAAAAAAAAAAA"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, plain, _, err := bundle.Open(data, []string{tok})
		if err == nil && !bytes.Equal(data, good) {
			t.Fatalf("a forged bundle opened: %q", plain)
		}
	})
}
