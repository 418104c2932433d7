package seal

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"

	"golang.org/x/crypto/chacha20poly1305"
)

// age's payload (age-encryption.org/v1, "Payload"): a 16-byte nonce, then the plaintext in
// chunks of 64 KiB, each sealed with ChaCha20-Poly1305 under a key derived from the file
// key and the nonce; a chunk's nonce is its 11-byte big-endian index and a byte that is 1
// for the last chunk. Only an empty plaintext has an empty (last and only) chunk.
const (
	payloadNonceSize = 16
	chunkSize        = 64 << 10
	sealedChunkSize  = chunkSize + chacha20poly1305.Overhead
)

var errPayload = errors.New("damaged payload")

// openPayload decrypts and authenticates an age payload sealed under fileKey into one
// buffer of the plaintext's size, with the rules of age's own readers (filippo.io/age
// internal/stream): the chunk count must be the one the size implies, every chunk
// authenticates, and the last one carries the last-chunk flag.
func openPayload(fileKey, payload []byte) ([]byte, error) {
	if len(payload) < payloadNonceSize {
		return nil, errPayload
	}
	key, err := hkdf.Key(sha256.New, fileKey, payload[:payloadNonceSize], "payload", chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, err
	}
	sealed := payload[payloadNonceSize:]
	chunks := (len(sealed) + sealedChunkSize - 1) / sealedChunkSize
	size := len(sealed) - chunks*chacha20poly1305.Overhead
	want := (size + chunkSize - 1) / chunkSize
	if size == 0 {
		want = 1 // the empty plaintext: one empty chunk
	}
	if chunks == 0 || size < 0 || want != chunks {
		return nil, errPayload
	}
	plain := make([]byte, 0, size)
	var nonce [chacha20poly1305.NonceSize]byte
	for i := range chunks {
		c := sealed[i*sealedChunkSize : min((i+1)*sealedChunkSize, len(sealed))]
		binary.BigEndian.PutUint64(nonce[3:11], uint64(i))
		if i == chunks-1 {
			nonce[len(nonce)-1] = 1
		}
		if plain, err = aead.Open(plain, nonce[:], c, nil); err != nil {
			return nil, errPayload
		}
	}
	return plain, nil
}
