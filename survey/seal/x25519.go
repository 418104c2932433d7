package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync/atomic"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// x25519Opener is age's X25519 identity with its scalar held as a crypto/ecdh key:
// unwrapping a file key costs one scalar multiplication (the shared secret), where
// age.X25519Identity also derives its own public key again on every file. The server
// opens every pushed interview, so this halves the cost of the key exchange. It follows
// age's X25519 recipient stanza exactly (age-encryption.org/v1, "X25519" stanzas).
//
// It also opens a Session's stanzas (session.go), keeping the wrapping keys of the
// sessions it has seen.
type x25519Opener struct {
	priv *ecdh.PrivateKey
	pub  []byte

	sessions  sessionKeys
	exchanges atomic.Int64 // key exchanges made, for the tests
}

// x25519Label is the HKDF info of age's X25519 stanzas; fileKeySize is the size of age's
// file keys.
const (
	x25519Label = "age-encryption.org/v1/X25519"
	fileKeySize = 16
)

// newX25519Opener makes the opener of id, checking that the scalar it reads from the
// identity's encoding gives the identity's own public key.
func newX25519Opener(id *age.X25519Identity) (*x25519Opener, error) {
	hrp, secret, err := bech32Decode(id.String())
	if err != nil || hrp != "age-secret-key-" || len(secret) != 32 {
		return nil, errors.New("unexpected age identity encoding")
	}
	priv, err := ecdh.X25519().NewPrivateKey(secret)
	if err != nil {
		return nil, err
	}
	hrp, pub, err := bech32Decode(id.Recipient().String())
	if err != nil || hrp != "age" || !bytes.Equal(pub, priv.PublicKey().Bytes()) {
		return nil, errors.New("age identity and its recipient disagree")
	}
	return &x25519Opener{priv: priv, pub: pub}, nil
}

// Unwrap returns the file key of the first X25519 stanza made for this key, as
// age.X25519Identity does. See age.Identity.
func (o *x25519Opener) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	for _, s := range stanzas {
		fileKey, err := o.unwrap(s)
		if errors.Is(err, age.ErrIncorrectIdentity) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return fileKey, nil
	}
	return nil, age.ErrIncorrectIdentity
}

func (o *x25519Opener) unwrap(s *age.Stanza) ([]byte, error) {
	if s.Type == sessionType {
		return o.unwrapSession(s)
	}
	if s.Type != "X25519" {
		return nil, age.ErrIncorrectIdentity
	}
	if len(s.Args) != 1 {
		return nil, errors.New("invalid X25519 recipient block")
	}
	// Base64 without padding, strictly, and no line breaks (which the decoder would skip).
	share, err := base64.RawStdEncoding.Strict().DecodeString(s.Args[0])
	if err != nil || len(share) != 32 || strings.ContainsAny(s.Args[0], "\r\n") {
		return nil, errors.New("invalid X25519 recipient block")
	}
	peer, err := ecdh.X25519().NewPublicKey(share)
	if err != nil {
		return nil, errors.New("invalid X25519 recipient block")
	}
	o.exchanges.Add(1)
	shared, err := o.priv.ECDH(peer) // fails on a low-order share, as age's does
	if err != nil {
		return nil, errors.New("invalid X25519 recipient")
	}
	salt := make([]byte, 0, len(share)+len(o.pub))
	salt = append(append(salt, share...), o.pub...)
	wrapping, err := hkdf.Key(sha256.New, shared, salt, x25519Label, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.New(wrapping)
	if err != nil {
		return nil, err
	}
	if len(s.Body) != fileKeySize+aead.Overhead() {
		return nil, errors.New("invalid X25519 recipient block: incorrect file key size")
	}
	fileKey, err := aead.Open(nil, make([]byte, chacha20poly1305.NonceSize), s.Body, nil)
	if err != nil {
		return nil, age.ErrIncorrectIdentity
	}
	return fileKey, nil
}

// bech32Charset maps 5-bit values to bech32 characters (BIP 173).
const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// bech32Decode reads a bech32 string (BIP 173, without its length limit, as age writes
// keys) into its lower-case human-readable part and its data bytes.
func bech32Decode(s string) (string, []byte, error) {
	if strings.ToLower(s) != s && strings.ToUpper(s) != s {
		return "", nil, errors.New("bech32: mixed case")
	}
	s = strings.ToLower(s)
	sep := strings.LastIndexByte(s, '1')
	if sep < 1 || sep+7 > len(s) {
		return "", nil, errors.New("bech32: no separator or checksum")
	}
	hrp, chars := s[:sep], s[sep+1:]
	values := make([]byte, len(chars))
	for i := range len(chars) {
		v := strings.IndexByte(bech32Charset, chars[i])
		if v < 0 {
			return "", nil, errors.New("bech32: invalid character")
		}
		values[i] = byte(v)
	}
	// The checksum covers the human-readable part's high and low bits and the data.
	check := make([]byte, 0, 2*len(hrp)+1+len(values))
	for i := range len(hrp) {
		if hrp[i] < 33 || hrp[i] > 126 {
			return "", nil, errors.New("bech32: invalid human-readable part")
		}
		check = append(check, hrp[i]>>5)
	}
	check = append(check, 0)
	for i := range len(hrp) {
		check = append(check, hrp[i]&31)
	}
	if bech32Polymod(append(check, values...)) != 1 {
		return "", nil, errors.New("bech32: bad checksum")
	}
	// 5-bit groups to bytes; the padding must be under 5 bits and zero.
	var out []byte
	acc, bits := 0, 0
	for _, v := range values[:len(values)-6] {
		acc, bits = acc<<5|int(v), bits+5
		for bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
		acc &= 1<<bits - 1
	}
	if bits >= 5 || acc != 0 {
		return "", nil, errors.New("bech32: bad padding")
	}
	return hrp, out, nil
}

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = chk&0x1ffffff<<5 ^ uint32(v)
		for i := range 5 {
			if top>>i&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}
