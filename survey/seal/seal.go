// Package seal encrypts finalized interviews on the laptop to the server's public key, so
// that only the server can read them, with age (X25519; filippo.io/age): one key exchange
// per record (Recipient), or one per run of the program (Session). The server keeps its
// private key in a file beside its database; laptops learn the public key when they
// enroll.
package seal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"filippo.io/age"

	"tracer/survey"
)

// Ensure the keys implement their survey interfaces.
var (
	_ survey.Sealer = (*Recipient)(nil)
	_ survey.Opener = (*Key)(nil)
)

// KeyFileSuffix is added to the server database's path to name its private key file
// ("server.db.age").
const KeyFileSuffix = ".age"

// Key is the server's X25519 key pair.
type Key struct {
	id   *age.X25519Identity
	open age.Identity // id, or the same key as an x25519Opener
}

// newKey returns the Key of id, opening with an x25519Opener when it can make one.
func newKey(id *age.X25519Identity) *Key {
	k := &Key{id: id, open: id}
	if o, err := newX25519Opener(id); err == nil {
		k.open = o
	}
	return k
}

// LoadOrCreate reads the private key in the file at path, or makes a new key and writes it
// there, readable by its owner only, when there is no such file.
func LoadOrCreate(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create server key: %w", err)
		}
		if _, err := fmt.Fprintf(f, "# tracer server key: keep it secret; without it sealed interviews cannot be read\n%s\n", id); err != nil {
			f.Close()
			return nil, fmt.Errorf("write server key: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("write server key: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write server key: %w", err)
		}
		return newKey(id), nil
	} else if err != nil {
		return nil, fmt.Errorf("read server key: %w", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("server key %s: %w", path, err)
	}
	for _, id := range ids {
		if x, ok := id.(*age.X25519Identity); ok {
			return newKey(x), nil
		}
	}
	return nil, fmt.Errorf("server key %s holds no X25519 key", path)
}

// OpensSessions says the key opens what a Session seals (it holds its scalar as an
// x25519Opener, as every key LoadOrCreate reads or makes does).
func (k *Key) OpensSessions() bool {
	_, ok := k.open.(*x25519Opener)
	return ok
}

// Public returns the public key ("age1...") laptops seal to.
func (k *Key) Public() string { return k.id.Recipient().String() }

// Open decrypts what a Recipient or a Session sealed to this key. It returns an EINVALID
// error for anything else.
func (k *Key) Open(sealed []byte) ([]byte, error) {
	var plain []byte
	var err error
	matched := false
	if o, ok := k.open.(*x25519Opener); ok {
		plain, matched, err = o.openExact(sealed)
	}
	if !matched {
		plain, err = k.openAge(sealed)
	}
	switch {
	case errors.Is(err, errIncorrectKey):
		return nil, survey.Errorf(survey.EINVALID, "The sealed record cannot be opened with this server's key.")
	case err != nil:
		return nil, survey.Errorf(survey.EINVALID, "The sealed record is damaged.")
	}
	return plain, nil
}

// openAge opens sealed with age's own header reader, for any header age reads. It returns
// errIncorrectKey for a header made for another key.
func (k *Key) openAge(sealed []byte) ([]byte, error) {
	// age reads and checks the header (its stanzas, the file key, the header's MAC); the
	// payload after it is opened here into one buffer of the plaintext's size, where age's
	// readers allocate a 64 KiB chunk buffer per file whatever its size.
	br := headerReaders.Get().(*bufio.Reader)
	br.Reset(bytes.NewReader(sealed))
	hdr, err := age.ExtractHeader(br) // reads through br, which is large enough, as it is
	br.Reset(nil)
	headerReaders.Put(br)
	if err == nil && !bytes.HasPrefix(sealed, hdr) {
		err = errors.New("the header read is not the record's start")
	}
	if err != nil {
		return nil, err
	}
	fileKey, err := age.DecryptHeader(hdr, k.open)
	if none := (*age.NoIdentityMatchError)(nil); errors.As(err, &none) {
		return nil, errIncorrectKey
	} else if err != nil {
		return nil, err
	}
	return openPayload(fileKey, sealed[len(hdr):])
}

// headerReaders holds the buffered readers Open reads headers through: age reads a header
// through a 4 KiB bufio.Reader, its own unless it is given one of that size.
var headerReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}

// Recipient is the server's public key as a laptop holds it.
type Recipient struct {
	r *age.X25519Recipient
}

// ParseRecipient reads a public key as Key.Public writes it.
func ParseRecipient(s string) (*Recipient, error) {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("server public key: %w", err)
	}
	return &Recipient{r: r}, nil
}

// String returns the public key ("age1...").
func (r *Recipient) String() string { return r.r.String() }

// Seal encrypts plain so that only the server's key can open it, with a key exchange of
// its own (age's X25519 recipient). Finalized interviews are sealed with a Session.
func (r *Recipient) Seal(plain []byte) ([]byte, error) {
	return sealTo(plain, r.r)
}

// sealTo encrypts plain to one age recipient.
func sealTo(plain []byte, to age.Recipient) ([]byte, error) {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, to)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CheckEnvelope checks, without a key, that sealed is what a Recipient or a Session seals:
// an age file with one stanza, X25519 or a Session's, its header's MAC line and a payload
// of at least one chunk. A relay, which cannot open what laptops seal to the centre,
// checks this much.
// It returns an EINVALID error naming what is wrong.
func CheckEnvelope(sealed []byte) error {
	bad := func(what string) error {
		return survey.Errorf(survey.EINVALID, "The sealed record is not an age envelope sealed to one key: %s.", what)
	}
	rest, ok := bytes.CutPrefix(sealed, []byte("age-encryption.org/v1\n"))
	if !ok {
		return bad("no age header")
	}
	line := func() (string, bool) {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 || i > 200 {
			return "", false
		}
		l := string(rest[:i])
		rest = rest[i+1:]
		return l, true
	}
	stanza, ok := line()
	args := strings.Fields(stanza)
	switch {
	case ok && len(args) == 3 && args[0] == "->" && args[1] == "X25519" && len(args[2]) == 43:
	case ok && len(args) == 4 && args[0] == "->" && args[1] == sessionType && len(args[2]) == 43 && len(args[3]) == 32:
	default:
		return bad("no X25519 recipient stanza")
	}
	if body, ok := line(); !ok || len(body) != 43 {
		return bad("a malformed stanza body")
	}
	mac, ok := line()
	if f := strings.Fields(mac); !ok || len(f) != 2 || f[0] != "---" || len(f[1]) != 43 {
		return bad("no header MAC after one stanza")
	}
	// A 16-byte nonce, then chunks of which even an empty last one has a 16-byte tag.
	if len(rest) < 32 {
		return bad("no payload")
	}
	return nil
}
