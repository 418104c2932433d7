// Package vault keeps the laptop's data key: a random key that encrypts drafts and the
// roster's personal columns at rest, wrapped under a key derived from the enumerator's PIN
// with argon2id. A wrong PIN costs time, never data: after a few wrong tries each next try
// waits twice as long, and the count survives a restart; nothing is ever wiped. A copy of
// the data key is sealed to the server's public key at enrollment, so a forgotten PIN is
// recovered by enrolling the laptop again with a new code.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"tracer/survey"
)

// FileName is the vault's file in the laptop's data folder.
const FileName = "vault.json"

// KeySize is the size of the data key in bytes (AES-256).
const KeySize = 32

// The argon2id cost of deriving the key that wraps the data key from a PIN (RFC 9106's
// second recommended setting: 3 passes over 64 MiB).
const (
	argonTime    = 3
	argonMemory  = 64 << 10
	argonThreads = 4
)

// FreeTries wrong PINs in a row cost nothing; each one after that makes the next try wait
// twice as long as the last, from one second up to MaxDelay.
const (
	FreeTries = 3
	MaxDelay  = time.Hour
)

// MinPIN and MaxPIN bound a PIN's length in characters.
const (
	MinPIN = 6
	MaxPIN = 64
)

// ErrWrongPIN is returned by Unlock for a PIN that does not open the vault.
var ErrWrongPIN = errors.New("wrong PIN")

// WaitError is returned by Unlock when too many wrong PINs were entered: no PIN is tried
// before Until.
type WaitError struct {
	Until time.Time
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("too many wrong PINs: try again after %s", e.Until.Local().Format("15:04:05"))
}

// file is the vault on disk.
type file struct {
	Version  int    `json:"version"`
	LaptopID string `json:"laptop_id"`
	KDF      string `json:"kdf"`
	Time     uint32 `json:"time"`
	Memory   uint32 `json:"memory_kib"`
	Threads  uint8  `json:"threads"`
	Salt     []byte `json:"salt"`
	Wrapped  []byte `json:"wrapped"`
	// Failures counts wrong PINs since the last right one; NextTry is when the next may be tried.
	Failures int       `json:"failures"`
	NextTry  time.Time `json:"next_try,omitzero"`
}

// Exists reports whether the data folder dir holds a vault.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FileName))
	return err == nil
}

// CheckPIN returns an EINVALID error for a PIN too short, too long or not text.
func CheckPIN(pin string) error {
	n := utf8.RuneCountInString(pin)
	if !utf8.ValidString(pin) || n < MinPIN || n > MaxPIN || strings.TrimSpace(pin) != pin {
		return survey.Errorf(survey.EINVALID, "The PIN must have %d to %d characters (digits are easiest), with no spaces around them.", MinPIN, MaxPIN)
	}
	return nil
}

// NewDataKey returns a new random data key.
func NewDataKey() []byte {
	k := make([]byte, KeySize)
	rand.Read(k)
	return k
}

// NewLaptopID returns a new random laptop id: it names this laptop's data key on the server.
func NewLaptopID() string { return survey.NewID() }

// Create writes a vault in dir holding key wrapped under pin, replacing any vault there
// (with its count of wrong PINs). laptopID names the key on the server.
func Create(dir, laptopID, pin string, key []byte) error {
	if err := CheckPIN(pin); err != nil {
		return err
	}
	if len(key) != KeySize {
		return fmt.Errorf("vault: a data key has %d bytes, not %d", KeySize, len(key))
	}
	f := file{Version: 1, LaptopID: laptopID, KDF: "argon2id", Time: argonTime, Memory: argonMemory, Threads: argonThreads,
		Salt: make([]byte, 16)}
	rand.Read(f.Salt)
	aead, err := newAEAD(f.kek(pin))
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	f.Wrapped = aead.Seal(nonce, nonce, key, []byte("tracer data key "+laptopID))
	return f.write(dir)
}

// LaptopID returns the laptop id recorded in dir's vault.
func LaptopID(dir string) (string, error) {
	f, err := read(dir)
	if err != nil {
		return "", err
	}
	return f.LaptopID, nil
}

// Unlock returns the data key of dir's vault if pin opens it. A wrong PIN returns
// ErrWrongPIN and is counted on disk; while a wrong PIN's delay runs, Unlock returns a
// *WaitError without trying the PIN. now is the clock.
func Unlock(dir, pin string, now time.Time) ([]byte, error) {
	f, err := read(dir)
	if err != nil {
		return nil, err
	}
	if now.Before(f.NextTry) {
		return nil, &WaitError{Until: f.NextTry}
	}
	key, err := f.open(pin)
	if err != nil {
		f.Failures++
		if f.Failures > FreeTries {
			d := time.Second << min(f.Failures-FreeTries-1, 20)
			f.NextTry = now.Add(min(d, MaxDelay))
		}
		if werr := f.write(dir); werr != nil {
			return nil, werr
		}
		return nil, ErrWrongPIN
	}
	if f.Failures != 0 || !f.NextTry.IsZero() {
		f.Failures, f.NextTry = 0, time.Time{}
		if err := f.write(dir); err != nil {
			return nil, err
		}
	}
	return key, nil
}

// Failures returns how many wrong PINs were entered since the last right one, and when the
// next PIN may be tried.
func Failures(dir string) (int, time.Time, error) {
	f, err := read(dir)
	if err != nil {
		return 0, time.Time{}, err
	}
	return f.Failures, f.NextTry, nil
}

func (f *file) kek(pin string) []byte {
	return argon2.IDKey([]byte(pin), f.Salt, f.Time, f.Memory, f.Threads, KeySize)
}

func (f *file) open(pin string) ([]byte, error) {
	aead, err := newAEAD(f.kek(pin))
	if err != nil {
		return nil, err
	}
	if len(f.Wrapped) < aead.NonceSize() {
		return nil, errors.New("vault: the wrapped key is damaged")
	}
	key, err := aead.Open(nil, f.Wrapped[:aead.NonceSize()], f.Wrapped[aead.NonceSize():], []byte("tracer data key "+f.LaptopID))
	if err != nil {
		return nil, ErrWrongPIN
	}
	return key, nil
}

func read(dir string) (*file, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil, fmt.Errorf("read vault: %w", err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil || f.Version != 1 || f.KDF != "argon2id" || f.Memory > 1<<22 || f.Time > 100 {
		return nil, fmt.Errorf("vault %s is damaged", filepath.Join(dir, FileName))
	}
	return &f, nil
}

// write replaces the vault file atomically and durably, readable by its owner only.
func (f *file) write(dir string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".vault-*")
	if err != nil {
		return fmt.Errorf("write vault: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write vault: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write vault: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write vault: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write vault: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("write vault: %w", err)
	}
	return nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// Cipher encrypts single values at rest under the data key (AES-256-GCM). A stored value
// is "enc1:" and the base64 of nonce and ciphertext; context (say, the column and the row)
// is bound to it, so a value moved to another place does not open.
type Cipher struct {
	aead cipher.AEAD
}

// Ensure Cipher implements survey.FieldCipher.
var _ survey.FieldCipher = (*Cipher)(nil)

// NewCipher returns the cipher of a data key.
func NewCipher(key []byte) (*Cipher, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: a data key has %d bytes, not %d", KeySize, len(key))
	}
	a, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &Cipher{aead: a}, nil
}

const prefix = "enc1:"

// Encrypt returns value encrypted, bound to context; "" stays "".
func (c *Cipher) Encrypt(value, context string) (string, error) {
	if value == "" {
		return "", nil
	}
	nonce := make([]byte, c.aead.NonceSize())
	rand.Read(nonce)
	return prefix + base64.RawStdEncoding.EncodeToString(c.aead.Seal(nonce, nonce, []byte(value), []byte(context))), nil
}

// Decrypt returns the value Encrypt stored; a value stored before encryption began (no
// "enc1:" prefix) is returned as it is.
func (c *Cipher) Decrypt(stored, context string) (string, error) {
	if !strings.HasPrefix(stored, prefix) {
		return stored, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(stored[len(prefix):])
	if err != nil || len(b) < c.aead.NonceSize() {
		return "", fmt.Errorf("decrypt %s: damaged value", context)
	}
	plain, err := c.aead.Open(nil, b[:c.aead.NonceSize()], b[c.aead.NonceSize():], []byte(context))
	if err != nil {
		return "", fmt.Errorf("decrypt %s: not this laptop's data key", context)
	}
	return string(plain), nil
}

// Encrypted reports whether a stored value was written by Encrypt.
func Encrypted(stored string) bool { return strings.HasPrefix(stored, prefix) }
