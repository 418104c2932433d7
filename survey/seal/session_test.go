package seal

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"tracer/survey"
)

// keyFixture makes a server key and returns it, its opener and its public key as a laptop
// holds it.
func keyFixture(tb testing.TB) (*Key, *x25519Opener, *Recipient) {
	tb.Helper()
	k, err := LoadOrCreate(tb.TempDir() + "/k.age")
	if err != nil {
		tb.Fatal(err)
	}
	o, ok := k.open.(*x25519Opener)
	if !ok {
		tb.Fatalf("key opens with %T", k.open)
	}
	r, err := ParseRecipient(k.Public())
	if err != nil {
		tb.Fatal(err)
	}
	return k, o, r
}

// newSession starts a session sealing to r.
func newSession(tb testing.TB, r *Recipient) *Session {
	tb.Helper()
	s, err := NewSession(r)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// stanzaArgs returns the arguments of a sealed record's first stanza line.
func stanzaArgs(t *testing.T, sealed []byte) []string {
	t.Helper()
	lines := strings.SplitN(string(sealed), "\n", 3)
	f := strings.Fields(lines[1])
	if len(f) < 2 || f[0] != "->" {
		t.Fatalf("no stanza line: %q", lines[1])
	}
	return f[1:]
}

// TestSessionOneExchange seals records in two sessions, from several goroutines, and
// checks that the server opens every one with one key exchange per session, that age's
// own reader opens them with the server's opener (the file is age's format), that a
// session's records share its key and never a nonce, and that a record sealed on its
// own still costs its own exchange.
func TestSessionOneExchange(t *testing.T) {
	k, o, r := keyFixture(t)
	sessions := [2]*Session{newSession(t, r), newSession(t, r)}
	const n = 40
	sealed := make([][]byte, 2*n)
	var wg sync.WaitGroup
	for i := range sealed {
		wg.Go(func() {
			b, err := sessions[i%2].Seal(fmt.Appendf(nil, `{"record":%d}`, i))
			if err != nil {
				t.Error(err)
			}
			sealed[i] = b
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	shares, nonces := map[string]bool{}, map[string]bool{}
	for i, b := range sealed {
		args := stanzaArgs(t, b)
		if len(args) != 3 || args[0] != sessionType {
			t.Fatalf("record %d: stanza %q", i, args)
		}
		shares[args[1]] = true
		nonces[args[2]] = true
	}
	if len(shares) != 2 || len(nonces) != len(sealed) {
		t.Fatalf("%d records in 2 sessions: %d shares, %d nonces", len(sealed), len(shares), len(nonces))
	}
	for i, b := range sealed {
		got, err := k.Open(b)
		if want := fmt.Sprintf(`{"record":%d}`, i); err != nil || string(got) != want {
			t.Fatalf("record %d: %q, %v", i, got, err)
		}
		if got, err := openWith(b, o); err != nil || string(got) != fmt.Sprintf(`{"record":%d}`, i) {
			t.Fatalf("record %d through age's reader: %q, %v", i, got, err)
		}
		if err := CheckEnvelope(b); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if got := o.exchanges.Load(); got != 2 {
		t.Fatalf("%d records of 2 sessions opened with %d key exchanges", len(sealed), got)
	}
	one, err := r.Seal([]byte("alone"))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := k.Open(one); err != nil {
			t.Fatal(err)
		}
	}
	if got := o.exchanges.Load(); got != 4 {
		t.Fatalf("a record sealed on its own, opened twice: %d exchanges in all, want 4", got)
	}
}

// TestSessionDamage refuses a session's record altered in its share, nonce or wrapped file
// key, with a low-order share, with a stanza of the wrong shape, or sealed in a session
// with another server; none of them leaves a session key behind, and a key that fails to
// open a record is not taken for one that works.
func TestSessionDamage(t *testing.T) {
	k, o, r := keyFixture(t)
	good, err := newSession(t, r).Seal([]byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _, otherR := keyFixture(t)
	foreign, err := newSession(t, otherR).Seal([]byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	args := stanzaArgs(t, good)
	share, nonce := args[1], args[2]
	replace := func(old, new string) []byte {
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	body := bytes.IndexByte(good, '\n') + 1
	body += bytes.IndexByte(good[body:], '\n') + 1
	zero := base64.RawStdEncoding.EncodeToString(make([]byte, 32))
	bad := map[string][]byte{
		"altered share":      replace(share, flipB64(share)),
		"altered nonce":      replace(nonce, flipB64(nonce)),
		"altered file key":   flip(good, body+1),
		"low-order share":    replace(share, zero),
		"short nonce":        replace(" "+nonce, " "+nonce[:30]),
		"no nonce":           replace(" "+nonce, ""),
		"share with newline": replace(" "+share, " \n"+share),
		"another server":     foreign,
	}
	for name, b := range bad {
		if got, err := k.Open(b); err == nil {
			t.Errorf("%s: opened %q", name, got)
		} else if survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := k.Open(foreign); survey.ErrorMessage(err) != "The sealed record cannot be opened with this server's key." {
		t.Errorf("another server's session: %v", err)
	}
	if n := len(o.sessions.keys); n != 0 {
		t.Fatalf("%d session keys kept from damaged records", n)
	}
	if got, err := k.Open(good); err != nil || string(got) != `{"a":1}` {
		t.Fatalf("the undamaged record: %q, %v", got, err)
	}
	if n := len(o.sessions.keys); n != 1 {
		t.Fatalf("%d session keys kept after one good record", n)
	}
}

// TestSessionKeysBounded fills the server's session keys past their bound: it keeps
// maxSessions, and a session's record still opens, with at most one more exchange.
func TestSessionKeysBounded(t *testing.T) {
	k, o, r := keyFixture(t)
	sealed, err := newSession(t, r).Seal([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Open(sealed); err != nil {
		t.Fatal(err)
	}
	for i := range maxSessions + 10 {
		var id [32]byte
		id[0], id[1], id[2] = byte(i), byte(i>>8), 0xff
		o.sessions.put(id, nil)
	}
	if n := len(o.sessions.keys); n != maxSessions {
		t.Fatalf("%d session keys kept, want %d", n, maxSessions)
	}
	before := o.exchanges.Load()
	if _, err := k.Open(sealed); err != nil {
		t.Fatal(err)
	}
	if n := len(o.sessions.keys); n != maxSessions {
		t.Fatalf("%d session keys kept, want %d", n, maxSessions)
	}
	if after := o.exchanges.Load(); after > before+1 {
		t.Fatalf("%d exchanges for one record", after-before)
	}
}

// flipB64 changes the first character of a base64 string to another valid one.
func flipB64(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// BenchmarkSeal seals a record of 3 KB on its own (age's X25519 recipient: an ephemeral
// key and two scalar multiplications) and in a session, as a laptop does at finalize.
func BenchmarkSeal(b *testing.B) {
	_, _, r := keyFixture(b)
	s := newSession(b, r)
	plain := bytes.Repeat([]byte("x"), 3000)
	for _, c := range []struct {
		name string
		s    survey.Sealer
	}{{"record", r}, {"session", s}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.s.Seal(plain); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
