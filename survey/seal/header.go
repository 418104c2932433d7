package seal

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"filippo.io/age"
)

// What a Recipient or a Session seals has a header of one shape only, in age's canonical
// encoding (age-encryption.org/v1, "Header"):
//
//	age-encryption.org/v1
//	-> X25519 SHARE                            or  -> tracer-X25519-session SHARE NONCE
//	BODY
//	--- MAC
//
// SHARE, BODY and MAC are 32 bytes and NONCE 24, each in base64 without padding on one
// line (43 and 32 characters). age's generic reader parses a header into stanzas through a
// buffered reader, then writes it out again to check its MAC: about half of what opening a
// record cost the server. openExact reads that one shape in place and checks the MAC over
// the header's own bytes, which for this shape are the bytes age would write. Anything
// else (more stanzas, other types, other lengths, a stray space) is left to age's reader.

// errIncorrectKey reports a header made for another key.
var errIncorrectKey = errors.New("sealed to another key")

// exactHeader is what openExact reads of a header.
type exactHeader struct {
	stanza age.Stanza
	end    int // the length of the header before its MAC: through "---"
	mac    [32]byte
	size   int // the length of the whole header, through the MAC line's newline
}

// readExactHeader reads the header at the start of sealed if it has the one shape above.
func readExactHeader(sealed []byte) (h exactHeader, ok bool) {
	const intro = "age-encryption.org/v1\n"
	rest, ok := bytes.CutPrefix(sealed, []byte(intro))
	if !ok {
		return h, false
	}
	line := func() []byte {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return nil
		}
		l := rest[:i]
		rest = rest[i+1:]
		return l
	}
	stanza := line()
	body := line()
	footer := line()
	if stanza == nil || body == nil || footer == nil {
		return h, false
	}
	f := bytes.Split(stanza, []byte(" "))
	switch {
	case len(f) == 3 && string(f[0]) == "->" && string(f[1]) == "X25519" && len(f[2]) == 43:
	case len(f) == 4 && string(f[0]) == "->" && string(f[1]) == sessionType && len(f[2]) == 43 && len(f[3]) == 32:
	default:
		return h, false
	}
	// Strict base64: the bits after the last byte are zero, so each value has one
	// spelling, as age's parser requires.
	b64 := base64.RawStdEncoding.Strict()
	var bodyKey [32]byte
	if len(body) != 43 || !bytes.HasPrefix(footer, []byte("--- ")) || len(footer) != 4+43 {
		return h, false
	}
	if n, err := b64.Decode(bodyKey[:], body); err != nil || n != 32 {
		return h, false
	}
	if n, err := b64.Decode(h.mac[:], footer[4:]); err != nil || n != 32 {
		return h, false
	}
	h.stanza = age.Stanza{Type: string(f[1]), Body: bodyKey[:]}
	for _, a := range f[2:] {
		h.stanza.Args = append(h.stanza.Args, string(a))
	}
	h.size = len(sealed) - len(rest)
	h.end = h.size - len(footer) - 1 + len("---")
	return h, true
}

// openExact opens sealed if its header has the one shape above. It reports matched false,
// and nothing else, for any other header: the caller then reads it with age's reader, which
// accepts and refuses what age does. For a header of this shape it gives the same file
// key, plaintext or refusal as age's reader with this opener (TestOpenExactAgreesWithAge).
func (o *x25519Opener) openExact(sealed []byte) (plain []byte, matched bool, err error) {
	h, ok := readExactHeader(sealed)
	if !ok {
		return nil, false, nil
	}
	fileKey, err := o.unwrap(&h.stanza)
	if errors.Is(err, age.ErrIncorrectIdentity) {
		return nil, true, errIncorrectKey
	}
	if err != nil {
		return nil, true, err
	}
	// The header's MAC (age: headerMAC): HMAC-SHA256 under HKDF-SHA256(file key, no salt,
	// "header") of the header through "---".
	key, err := hkdf.Key(sha256.New, fileKey, nil, "header", 32)
	if err != nil {
		return nil, true, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(sealed[:h.end])
	if !hmac.Equal(mac.Sum(nil), h.mac[:]) {
		return nil, true, errors.New("bad header MAC")
	}
	plain, err = openPayload(fileKey, sealed[h.size:])
	return plain, true, err
}
