// Package bundle is the file format that carries a laptop's outbox to a relay or server
// with no network at all (tracer sync --to DIR, then --from DIR on the other machine),
// and their receipts back. A bundle is one file: a first line naming the format, a JSON
// header line (kind, account, id, when, key id, nonce) in clear, then the payload
// encrypted and authenticated with AES-256-GCM under a key derived with HKDF-SHA256 from
// the SHA-256 of the account's token, with both header lines as additional data. The
// laptop holds the token; the server (and a relay, which mirrors the hashes) holds the
// hash: both derive the key, nobody else can read or change a bundle unnoticed.
package bundle

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tracer/survey"
)

// Magic is a bundle's first line.
const Magic = "tracer-bundle/1\n"

// MaxSize is the most bytes a bundle file may have: a push's body and its attempts, in
// base64 inside JSON, with room to spare.
const MaxSize = 32 << 20

// The kinds of bundle.
const (
	KindOutbox   = "outbox"   // a laptop's sealed interviews and attempts
	KindReceipts = "receipts" // the receipts of an outbox bundle
)

// Header is a bundle's clear header.
type Header struct {
	Kind    string    `json:"kind"`
	User    string    `json:"user"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	// KeyID names the token the key comes from: the first 16 hex digits of the key's SHA-256.
	KeyID string `json:"key"`
	Nonce []byte `json:"nonce"`
}

// ErrTampered is returned for a bundle whose contents do not verify under its account's keys.
var ErrTampered = survey.Errorf(survey.EINVALID, "The bundle was changed or damaged after it was written (its seal does not verify); it was not imported.")

// key derives a bundle key from a token's hash (survey.HashSecret of the token).
func key(tokenHash string) ([]byte, error) {
	secret, err := hex.DecodeString(tokenHash)
	if err != nil || len(secret) != sha256.Size {
		return nil, fmt.Errorf("bundle key: a token hash is 64 hex digits")
	}
	return hkdf.Key(sha256.New, secret, nil, "tracer bundle v1", 32)
}

func keyID(k []byte) string {
	sum := sha256.Sum256(k)
	return hex.EncodeToString(sum[:8])
}

// Seal writes payload as a bundle of kind for account user under the key of tokenHash.
func Seal(kind, user, id, tokenHash string, created time.Time, payload []byte) ([]byte, error) {
	k, err := key(tokenHash)
	if err != nil {
		return nil, err
	}
	h := Header{Kind: kind, User: user, ID: id, Created: created.UTC(), KeyID: keyID(k), Nonce: make([]byte, 12)}
	if _, err := rand.Read(h.Nonce); err != nil {
		return nil, err
	}
	line, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	head := append([]byte(Magic), append(line, '\n')...)
	aead, err := gcm(k)
	if err != nil {
		return nil, err
	}
	return aead.Seal(head, h.Nonce, payload, head), nil
}

func gcm(k []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// ReadHeader reads a bundle's clear header. Returns EINVALID for a file that is not one.
func ReadHeader(data []byte) (Header, []byte, error) {
	var h Header
	rest, ok := bytes.CutPrefix(data, []byte(Magic))
	if !ok {
		return h, nil, survey.Errorf(survey.EINVALID, "This file is not a tracer bundle.")
	}
	i := bytes.IndexByte(rest, '\n')
	if i < 0 || i > 4096 {
		return h, nil, survey.Errorf(survey.EINVALID, "The bundle's header is damaged.")
	}
	if err := json.Unmarshal(rest[:i], &h); err != nil || h.User == "" || len(h.Nonce) != 12 ||
		(h.Kind != KindOutbox && h.Kind != KindReceipts) {
		return h, nil, ErrTampered
	}
	return h, rest[i+1:], nil
}

// Open verifies and decrypts a bundle with the key of one of tokenHashes (the hashes of
// the account's tokens) and returns its header, its payload and the hash that opened it.
// Returns ErrTampered when none verifies it.
func Open(data []byte, tokenHashes []string) (Header, []byte, string, error) {
	if len(data) > MaxSize {
		return Header{}, nil, "", survey.Errorf(survey.ETOOLARGE, "The bundle has %d bytes; the limit is %d.", len(data), MaxSize)
	}
	h, sealed, err := ReadHeader(data)
	if err != nil {
		return h, nil, "", err
	}
	head := data[:len(data)-len(sealed)]
	for _, th := range tokenHashes {
		k, err := key(th)
		if err != nil || keyID(k) != h.KeyID {
			continue
		}
		aead, err := gcm(k)
		if err != nil {
			return h, nil, "", err
		}
		plain, err := aead.Open(nil, h.Nonce, sealed, head)
		if err != nil {
			return h, nil, "", ErrTampered
		}
		return h, plain, th, nil
	}
	return h, nil, "", survey.Errorf(survey.EUNAUTHORIZED, "The bundle is sealed with a token of %s that this machine does not know or that was revoked; it was not imported.", survey.Printable(h.User))
}

// IsTampered reports whether err says a bundle did not verify.
func IsTampered(err error) bool { return errors.Is(err, ErrTampered) }
