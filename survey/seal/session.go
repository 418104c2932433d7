package seal

import (
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"

	"tracer/survey"
)

// A laptop seals every interview it finalizes. With age's X25519 recipient each one costs
// a fresh ephemeral key and two scalar multiplications on the laptop, and one on the server
// that opens it: a quarter of the server's CPU per pushed interview. A Session makes one
// ephemeral key for a run of the program and wraps each record's file key under the key
// derived from that one exchange, with a random nonce: the precomputed form of NaCl's box
// (crypto_box_beforenm), in age's file format with a stanza of its own:
//
//	-> tracer-X25519-session SHARE NONCE
//	BODY
//
// SHARE is the session's ephemeral public key (32 bytes), NONCE 24 random bytes, both in
// base64 without padding; BODY is the 16-byte file key sealed with XChaCha20-Poly1305
// under HKDF-SHA256(ikm: the X25519 shared secret, salt: SHARE || the server's public key,
// info: sessionLabel). The rest of the file (header MAC, payload) is age's.
//
// What it changes: the laptop keeps the wrapping key (not the ephemeral scalar, which is
// dropped once the key is derived) for the life of the process, so a memory image of the
// running program (or a hibernation file written while it ran) opens what it sealed in
// that run, as it holds the data key that opens the drafts; nothing sealed in an earlier
// run. The server keeps the wrapping keys of the sessions it has seen, bounded.

// sessionType is the stanza type of a Session's file keys, sessionLabel its HKDF info.
const (
	sessionType  = "tracer-X25519-session"
	sessionLabel = "tracer/v1/X25519-session"
)

// Session seals records to the server's public key with one key exchange for all of them.
// It is safe for concurrent use.
type Session struct {
	share string      // the ephemeral public key, base64 without padding
	aead  cipher.AEAD // XChaCha20-Poly1305 under the wrapping key
}

// Ensure a Session seals as a survey.Sealer.
var _ survey.Sealer = (*Session)(nil)

// NewSession starts a session sealing to r: a new ephemeral key, its exchange with the
// server's key and the wrapping key derived from it.
func NewSession(r *Recipient) (*Session, error) {
	hrp, pub, err := bech32Decode(r.String())
	if err != nil || hrp != "age" {
		return nil, errors.New("server public key: unexpected encoding")
	}
	server, err := ecdh.X25519().NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("server public key: %w", err)
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	shared, err := eph.ECDH(server)
	if err != nil {
		return nil, fmt.Errorf("server public key: %w", err)
	}
	share := eph.PublicKey().Bytes()
	aead, err := sessionAEAD(shared, share, pub)
	if err != nil {
		return nil, err
	}
	return &Session{share: base64.RawStdEncoding.EncodeToString(share), aead: aead}, nil
}

// sessionAEAD derives a session's wrapping key from the shared secret, the session's share
// and the server's public key.
func sessionAEAD(shared, share, server []byte) (cipher.AEAD, error) {
	salt := make([]byte, 0, len(share)+len(server))
	salt = append(append(salt, share...), server...)
	key, err := hkdf.Key(sha256.New, shared, salt, sessionLabel, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	return chacha20poly1305.NewX(key)
}

// Seal encrypts plain so that only the server's key can open it.
func (s *Session) Seal(plain []byte) ([]byte, error) {
	return sealTo(plain, sessionRecipient{s})
}

// sessionRecipient wraps a file key in a Session's stanza (age.Recipient).
type sessionRecipient struct{ s *Session }

func (r sessionRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return []*age.Stanza{{
		Type: sessionType,
		Args: []string{r.s.share, base64.RawStdEncoding.EncodeToString(nonce)},
		Body: r.s.aead.Seal(nil, nonce, fileKey, nil),
	}}, nil
}

// sessionKeys holds the wrapping keys of the sessions a server has opened records of, so
// that it makes one key exchange per session. Only a key that opened a stanza is kept, and
// at most maxSessions: a request full of made-up shares costs its own exchanges and
// evicts nothing but other senders' sessions.
type sessionKeys struct {
	mu   sync.Mutex
	keys map[[32]byte]cipher.AEAD
}

const maxSessions = 4096

func (c *sessionKeys) get(share [32]byte) cipher.AEAD {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys[share]
}

func (c *sessionKeys) put(share [32]byte, aead cipher.AEAD) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = make(map[[32]byte]cipher.AEAD)
	}
	if len(c.keys) >= maxSessions {
		for k := range c.keys { // an arbitrary one
			delete(c.keys, k)
			break
		}
	}
	c.keys[share] = aead
}

// unwrapSession returns the file key of a Session's stanza made for this key.
func (o *x25519Opener) unwrapSession(s *age.Stanza) ([]byte, error) {
	invalid := errors.New("invalid " + sessionType + " recipient block")
	if len(s.Args) != 2 || strings.ContainsAny(s.Args[0]+s.Args[1], "\r\n") {
		return nil, invalid
	}
	share, err := base64.RawStdEncoding.Strict().DecodeString(s.Args[0])
	if err != nil || len(share) != 32 {
		return nil, invalid
	}
	nonce, err := base64.RawStdEncoding.Strict().DecodeString(s.Args[1])
	if err != nil || len(nonce) != chacha20poly1305.NonceSizeX {
		return nil, invalid
	}
	if len(s.Body) != fileKeySize+chacha20poly1305.Overhead {
		return nil, errors.New("invalid " + sessionType + " recipient block: incorrect file key size")
	}
	id := [32]byte(share)
	aead := o.sessions.get(id)
	known := aead != nil
	if !known {
		peer, err := ecdh.X25519().NewPublicKey(share)
		if err != nil {
			return nil, invalid
		}
		o.exchanges.Add(1)
		shared, err := o.priv.ECDH(peer) // fails on a low-order share
		if err != nil {
			return nil, errors.New("invalid " + sessionType + " recipient")
		}
		if aead, err = sessionAEAD(shared, share, o.pub); err != nil {
			return nil, err
		}
	}
	fileKey, err := aead.Open(nil, nonce, s.Body, nil)
	if err != nil {
		return nil, age.ErrIncorrectIdentity
	}
	if !known {
		o.sessions.put(id, aead)
	}
	return fileKey, nil
}
