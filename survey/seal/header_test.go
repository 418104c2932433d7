package seal

import (
	"bytes"
	"errors"
	"testing"

	"filippo.io/age"
)

// openBoth opens sealed with openExact and with age's own header reader (the same
// opener), and fails the test when openExact read the header and the two disagree: one
// opens and the other refuses, the plaintexts differ, or one calls it sealed to another
// key and the other damaged. It reports whether openExact read the header.
func openBoth(t *testing.T, k *Key, o *x25519Opener, sealed []byte) bool {
	t.Helper()
	plain, matched, err := o.openExact(sealed)
	agePlain, ageErr := k.openAge(sealed)
	if !matched {
		return false
	}
	switch {
	case (err == nil) != (ageErr == nil):
		t.Errorf("%q: openExact %v, age's reader %v", sealed[:min(len(sealed), 160)], err, ageErr)
	case err == nil && !bytes.Equal(plain, agePlain):
		t.Errorf("%q: the plaintexts differ", sealed[:min(len(sealed), 160)])
	case err != nil:
		if errors.Is(err, errIncorrectKey) != errors.Is(ageErr, errIncorrectKey) {
			t.Errorf("%q: openExact %v, age's reader %v", sealed[:min(len(sealed), 160)], err, ageErr)
		}
	}
	return true
}

// TestOpenExactAgreesWithAge damages records sealed on their own and in a session at every
// byte of their header and at bytes of their payload (a bit changed, a space, a newline,
// a byte cut out or added) and checks that where openExact reads the header it opens and
// refuses exactly what age's reader does; that it reads the header of every record the
// laptops seal; that it leaves other headers to age's reader; and that Key.Open, which
// uses it, still opens what age's own identity opens.
func TestOpenExactAgreesWithAge(t *testing.T) {
	k, o, r := keyFixture(t)
	_, _, otherR := keyFixture(t)
	session := newSession(t, r)
	for _, n := range []int{0, 3000, 64<<10 + 5} {
		plain := bytes.Repeat([]byte{'a', 'b', 'c'}, n/3)
		for name, seal := range map[string]func([]byte) ([]byte, error){
			"record":          r.Seal,
			"session":         session.Seal,
			"another key":     otherR.Seal,
			"another session": newSession(t, otherR).Seal,
		} {
			sealed, err := seal(plain)
			if err != nil {
				t.Fatal(err)
			}
			if !openBoth(t, k, o, sealed) {
				t.Fatalf("%s, %d bytes: openExact left the header to age's reader", name, n)
			}
			if name == "record" {
				if got, err := openWith(sealed, k.id); err != nil || !bytes.Equal(got, plain) {
					t.Fatalf("age's identity: %d bytes, %v", len(got), err)
				}
				if got, err := k.Open(sealed); err != nil || !bytes.Equal(got, plain) {
					t.Fatalf("Key.Open: %d bytes, %v", len(got), err)
				}
			}
			hdr := bytes.Index(sealed, []byte("\n--- ")) + 4 + 43 + 1
			var positions []int
			for i := range hdr + 20 {
				positions = append(positions, i)
			}
			positions = append(positions, len(sealed)-17, len(sealed)-1)
			read := 0
			for _, i := range positions {
				if i >= len(sealed) {
					continue
				}
				for _, m := range [][]byte{
					flip(sealed, i),
					with(sealed, i, sealed[i]^0x01),
					with(sealed, i, ' '),
					with(sealed, i, '\n'),
					append(append([]byte(nil), sealed[:i]...), sealed[i+1:]...),
					append(append(append([]byte(nil), sealed[:i]...), 'A'), sealed[i:]...),
				} {
					if openBoth(t, k, o, m) {
						read++
					}
				}
			}
			if read == 0 {
				t.Fatalf("%s: openExact read none of the damaged headers", name)
			}
		}
	}
	// Two stanzas, as age writes for two recipients: age's reader opens it.
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, otherR.r, r.r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	two := buf.Bytes()
	if _, matched, _ := o.openExact(two); matched {
		t.Fatal("openExact read a header of two stanzas")
	}
	if got, err := k.Open(two); err != nil || string(got) != "x" {
		t.Fatalf("Key.Open of two stanzas: %q, %v", got, err)
	}
}

// with returns a copy of b with the byte at i set to c.
func with(b []byte, i int, c byte) []byte {
	d := append([]byte(nil), b...)
	d[i] = c
	return d
}

// FuzzOpenExact checks openExact against age's reader on any input.
func FuzzOpenExact(f *testing.F) {
	k, o, r := keyFixture(f)
	for _, seal := range []func([]byte) ([]byte, error){r.Seal, newSession(f, r).Seal} {
		sealed, err := seal([]byte(`{"answers":{"a":"1"}}`))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sealed)
	}
	f.Fuzz(func(t *testing.T, sealed []byte) {
		openBoth(t, k, o, sealed)
	})
}
