package seal

import (
	"bytes"
	"io"
	"testing"

	"filippo.io/age"

	"tracer/survey"
)

// openWith decrypts sealed with id and returns the plaintext or the error.
func openWith(sealed []byte, id age.Identity) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// TestX25519OpenerAgreesWithAge checks the opener against age's own X25519 identity:
// both open what age sealed to the key, and both refuse what was sealed to another key,
// a stanza whose share or wrapped key was altered, and a low-order share.
func TestX25519OpenerAgreesWithAge(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	o, err := newX25519Opener(id)
	if err != nil {
		t.Fatal(err)
	}
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	seal := func(plain []byte, to ...age.Recipient) []byte {
		var buf bytes.Buffer
		w, err := age.Encrypt(&buf, to...)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(plain)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	plain := bytes.Repeat([]byte(`{"answers":{"/a":"1"}}`), 5000) // several payload chunks
	good := seal(plain, id.Recipient())
	for _, sealed := range [][]byte{good, seal(plain, other.Recipient(), id.Recipient())} {
		got, err := openWith(sealed, o)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("opener: %d bytes, %v", len(got), err)
		}
	}

	// The stanza line is "-> X25519 SHARE", then the wrapped file key in base64.
	line := bytes.Index(good, []byte("-> X25519 ")) + len("-> X25519 ")
	lowOrder := append([]byte(nil), good...)
	copy(lowOrder[line:], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") // the all-zero point
	flipShare := append([]byte(nil), good...)
	flipShare[line+3] ^= 1
	body := line + bytes.IndexByte(good[line:], '\n') + 1
	flipKey := append([]byte(nil), good...)
	if flipKey[body+2] == 'A' {
		flipKey[body+2] = 'B'
	} else {
		flipKey[body+2] = 'A'
	}
	for name, sealed := range map[string][]byte{
		"another key":        seal(plain, other.Recipient()),
		"altered share":      flipShare,
		"altered file key":   flipKey,
		"low-order share":    lowOrder,
		"cut payload":        good[:len(good)-10],
		"not an age file":    []byte("hello"),
		"altered payload":    append(append([]byte(nil), good[:len(good)-1]...), good[len(good)-1]^1),
		"share with newline": bytes.Replace(good, []byte("-> X25519 "), []byte("-> X25519 \n"), 1),
	} {
		_, errAge := openWith(sealed, id)
		_, errOpener := openWith(sealed, o)
		if errAge == nil || errOpener == nil {
			t.Errorf("%s: opened (age: %v, opener: %v)", name, errAge, errOpener)
		}
	}
}

// TestBech32Decode reads the BIP 173 test vectors and refuses their invalid ones.
func TestBech32Decode(t *testing.T) {
	for _, s := range []string{"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"} {
		if _, _, err := bech32Decode(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "A1G7SGD8", "10a06t8", "1qzzfhee",
		"a12UEL5L", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx"} {
		if _, _, err := bech32Decode(s); err == nil {
			t.Errorf("%s: decoded", s)
		}
	}
}

// TestKeyOpensWithOpener checks that a loaded key opens with the one-multiplication
// opener, and that what it opens is what was sealed.
func TestKeyOpensWithOpener(t *testing.T) {
	path := t.TempDir() + "/k.age"
	for range 2 { // made, then read back
		k, err := LoadOrCreate(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := k.open.(*x25519Opener); !ok || !k.OpensSessions() {
			t.Fatalf("key opens with %T", k.open)
		}
		r, err := ParseRecipient(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := r.Seal([]byte("record"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := k.Open(sealed); err != nil || string(got) != "record" {
			t.Fatalf("Open: %q %v", got, err)
		}
	}
}

// BenchmarkOpen opens a sealed record of 3 KB with the opener and with age's identity
// (through age's streaming reader), and with Key.Open, as the server does, sealed on its
// own and in a session.
func BenchmarkOpen(b *testing.B) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		b.Fatal(err)
	}
	o, err := newX25519Opener(id)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, id.Recipient())
	w.Write(bytes.Repeat([]byte("x"), 3000))
	w.Close()
	for _, c := range []struct {
		name string
		id   age.Identity
	}{{"opener", o}, {"age", id}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := openWith(buf.Bytes(), c.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Key.Open", func(b *testing.B) {
		k := newKey(id)
		for b.Loop() {
			if _, err := k.Open(buf.Bytes()); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A record sealed in a session whose key the server already holds.
	b.Run("Key.Open/session", func(b *testing.B) {
		k, _, r := keyFixture(b)
		sealed, err := newSession(b, r).Seal(bytes.Repeat([]byte("x"), 3000))
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := k.Open(sealed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestOpenSizesAndDamage opens records of every chunk layout (empty, one short chunk, one
// full chunk, a full chunk and one byte, several chunks), and refuses each sealed record
// damaged in its header, in its first and last chunk, cut short or with a byte added, as
// well as one sealed to another key.
func TestOpenSizesAndDamage(t *testing.T) {
	k, _, r := keyFixture(t)
	_, _, otherR := keyFixture(t)
	for _, n := range []int{0, 1, 3000, 64 << 10, 64<<10 + 1, 200 << 10} {
		plain := make([]byte, n)
		for i := range plain {
			plain[i] = byte(i*7 + i>>8)
		}
		sealed, err := r.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.Open(sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: Open gave %d bytes, %v", n, len(got), err)
		}
		bad := map[string][]byte{
			"header":      flip(sealed, 40),
			"first chunk": flip(sealed, len(sealed)-n-10),
			"last chunk":  flip(sealed, len(sealed)-1),
			"cut short":   sealed[:len(sealed)-1],
			"byte added":  append(append([]byte(nil), sealed...), 0),
		}
		if n > 64<<10 {
			// The chunks after the first, cut off whole: the first chunk is left without
			// the last-chunk flag.
			bad["last chunks cut off"] = sealed[:len(sealed)-n+64<<10-16*((n-1)>>16)]
		}
		for name, b := range bad {
			// age's own reader agrees: it refuses each of them too.
			if _, err := openWith(b, k.id); err == nil {
				t.Errorf("%d bytes, %s: age opened it", n, name)
			}
		}
		for name, b := range bad {
			if got, err := k.Open(b); err == nil {
				t.Errorf("%d bytes, %s: opened %d bytes", n, name, len(got))
			} else if survey.ErrorCode(err) != survey.EINVALID {
				t.Errorf("%d bytes, %s: %v", n, name, err)
			}
		}
		foreign, err := otherR.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.Open(foreign); survey.ErrorMessage(err) != "The sealed record cannot be opened with this server's key." {
			t.Errorf("%d bytes sealed to another key: %v", n, err)
		}
	}
}

// flip returns a copy of b with the byte at i changed.
func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x40
	return c
}
