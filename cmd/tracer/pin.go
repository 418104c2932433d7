package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"tracer/survey/sqlite"
	"tracer/survey/vault"
)

// errNoPIN says no PIN could be read.
var errNoPIN = errors.New("this laptop's data is locked with a PIN: run in a terminal to type it, or set TRACER_PIN")

// readPIN returns the PIN from TRACER_PIN, else typed at the terminal without echo (twice
// when confirm is set). A PIN is never a flag.
func (m *Main) readPIN(prompt string, confirm bool) (string, error) {
	if pin := m.Getenv("TRACER_PIN"); pin != "" {
		return pin, nil
	}
	f, ok := m.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errNoPIN
	}
	read := func(p string) (string, error) {
		fmt.Fprint(m.Stderr, p)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("read PIN: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	pin, err := read(prompt)
	if err != nil || !confirm {
		return pin, err
	}
	again, err := read("PIN again / ulangi PIN: ")
	if err != nil {
		return "", err
	}
	if again != pin {
		return "", errors.New("the two PINs differ; nothing was changed")
	}
	return pin, nil
}

// unlockLaptop gives db the laptop's data key when the laptop has a vault (it was
// enrolled): the PIN comes from TRACER_PIN or the terminal. A laptop never enrolled has no
// vault and keeps working without a PIN.
func (m *Main) unlockLaptop(db *sqlite.DB, dir string) error {
	if !vault.Exists(dir) {
		return nil
	}
	pin, err := m.readPIN("PIN: ", false)
	if err != nil {
		return err
	}
	return unlockWith(db, dir, pin, time.Now())
}

// unlockWith opens the vault in dir with pin and gives db the data key.
func unlockWith(db *sqlite.DB, dir, pin string, now time.Time) error {
	key, err := vault.Unlock(dir, pin, now)
	var we *vault.WaitError
	switch {
	case errors.As(err, &we):
		return fmt.Errorf("%w; nothing is lost (a forgotten PIN is reset by \"tracer login URL CODE\" with a new code)", err)
	case errors.Is(err, vault.ErrWrongPIN):
		n, _, _ := vault.Failures(dir)
		return fmt.Errorf("%w (%d in a row); nothing is lost: try again, or reset it with \"tracer login URL CODE\" and a new code", err, n)
	case err != nil:
		return err
	}
	c, err := vault.NewCipher(key)
	if err != nil {
		return err
	}
	db.Encrypt(c)
	return nil
}

// openLaptopDB opens the laptop database in dir and unlocks it (see unlockLaptop).
func (m *Main) openLaptopDB(ctx context.Context, dir string) (*sqlite.DB, error) {
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		return nil, err
	}
	if err := m.unlockLaptop(db, dir); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
