package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
	"tracer/sync/client"
)

// The laptop's enrollment files in the data folder, both readable by the owner only.
const (
	tokenFile  = "token"       // the bearer token, nothing else
	serverFile = "server.json" // the server's URL and the enrolled account
)

// enrollment is what server.json holds.
type enrollment struct {
	URL  string      `json:"url"`
	User string      `json:"user"`
	Role survey.Role `json:"role"`
	// PublicKey is the server's public key: finalized interviews are sealed to it.
	PublicKey string `json:"public_key,omitempty"`
	// SessionSealing says the server opens interviews sealed with one key exchange per
	// run of the program (seal.Session); without it each is sealed with its own.
	SessionSealing bool `json:"session_sealing,omitempty"`
}

func (m *Main) runLogin(ctx context.Context, args []string) error {
	fs := m.newFlagSet("login", "tracer login URL CODE [--data DIR]\n\n"+
		"Enrolls this laptop with the server at URL using the one-time CODE an admin gave you\n"+
		"(\"tracer user add\"). The token is saved in the data folder, readable by you only.\n"+
		"It also sets the PIN that unlocks the laptop's data (typed without echo, or TRACER_PIN):\n"+
		"drafts and the roster's personal columns are encrypted from now on, those already here\n"+
		"at once. Forgot the PIN? Ask for a new code and run login again: nothing is lost.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usageError("login needs URL and CODE")
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	c, err := client.NewClient(fs.Arg(0))
	if err != nil {
		return errors.New(survey.ErrorMessage(err))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	pin, err := m.readPIN(fmt.Sprintf("New PIN (%d+ digits) / PIN baru (min. %d angka): ", vault.MinPIN, vault.MinPIN), true)
	if err != nil {
		return err
	}
	if err := vault.CheckPIN(pin); err != nil {
		return errors.New(survey.ErrorMessage(err))
	}
	laptopID := vault.NewLaptopID()
	recovering := vault.Exists(dir)
	if recovering {
		if laptopID, err = vault.LaptopID(dir); err != nil {
			return err
		}
	}
	_, err = readEnrollment(dir)
	first := errors.Is(err, errNotEnrolled)
	host, _ := os.Hostname()
	res, err := c.Enroll(ctx, fs.Arg(1), host, laptopID)
	if err != nil {
		return syncError(c, err)
	}
	if err := writePrivate(filepath.Join(dir, tokenFile), []byte(res.Token+"\n")); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	info, _ := json.MarshalIndent(enrollment{URL: c.BaseURL(), User: res.User, Role: res.Role, PublicKey: res.PublicKey,
		SessionSealing: res.SessionSealing}, "", "  ")
	if err := writePrivate(filepath.Join(dir, serverFile), append(info, '\n')); err != nil {
		return fmt.Errorf("save server address: %w", err)
	}
	// The data key: new on a new laptop; on an enrolled one, the server's copy (a forgotten
	// PIN), else the vault opened with the PIN typed (the same PIN kept).
	var key []byte
	switch {
	case !recovering:
		key = vault.NewDataKey()
	case res.DataKey != nil:
		key = res.DataKey
	default:
		if key, err = vault.Unlock(dir, pin, time.Now()); err != nil {
			return fmt.Errorf("the server holds no data key for this laptop and the PIN does not open it (%w): the drafts stay locked until the old PIN is typed", err)
		}
	}
	if err := vault.Create(dir, laptopID, pin, key); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "enrolled as %s (%s) on %s\n", res.User, res.Role, c.BaseURL())
	if err := m.laptopAfterLogin(ctx, dir, res.User, first); err != nil {
		return err
	}
	if res.Relayed {
		fmt.Fprintln(m.Stdout, "enrolled at the relay while it cannot reach the centre: the centre confirms it when the relay is online; until then what this laptop sends waits at the relay")
	}
	if recovering && res.DataKey != nil {
		fmt.Fprintln(m.Stdout, "the server gave back this laptop's data key: the new PIN opens every draft")
	}
	// The server keeps the data key sealed to its public key, for a forgotten PIN.
	if res.PublicKey == "" {
		fmt.Fprintln(m.Stdout, "warning: the server has no key pair: interviews are not sealed and a forgotten PIN cannot be recovered")
	} else {
		rcpt, err := seal.ParseRecipient(res.PublicKey)
		if err != nil {
			return err
		}
		sealed, err := rcpt.Seal(key)
		if err != nil {
			return err
		}
		authed, err := client.NewClient(c.BaseURL(), client.WithToken(res.Token))
		if err != nil {
			return err
		}
		if err := authed.PutLaptopKey(ctx, laptopID, sealed); err != nil && survey.ErrorCode(err) != survey.ECONFLICT {
			fmt.Fprintf(m.Stdout, "warning: the server did not keep this laptop's key (%s): a forgotten PIN could not be recovered\n", survey.ErrorMessage(err))
		}
	}
	// What the laptop held in clear is encrypted now.
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		return err
	}
	defer db.Close()
	cph, err := vault.NewCipher(key)
	if err != nil {
		return err
	}
	db.Encrypt(cph)
	rows, answers, _, err := db.EncryptInPlace(ctx)
	if err != nil {
		return fmt.Errorf("encrypt this laptop's data: %w", err)
	}
	fmt.Fprint(m.Stdout, survey.Plurals("data locked with the PIN: %d roster row{s} and %d draft answer{s} encrypted\n", rows, answers))
	return nil
}

// writePrivate writes data to path through a temporary file, readable by the owner only.
func writePrivate(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// laptopAfterLogin tells the laptop's database in dir, when there is one, that account
// logged in. At the first enrollment, what the laptop made before it, in the computer
// user's name, becomes the account's (sqlite.DB.Adopt); at a later one, what another
// account made and has not sent stays that account's, and login says what. Either way the
// revisions the server refused for the account that sent them (survey.EFORBIDDEN: an
// interview of another enumerator sent while the laptop was logged in as someone else)
// are forgotten, to go again under their maker.
func (m *Main) laptopAfterLogin(ctx context.Context, dir, account string, first bool) error {
	path := filepath.Join(dir, sqlite.FileName)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Adopt(ctx, account, first)
	if err != nil {
		return err
	}
	if a.Total() > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("made on this laptop while it was not enrolled, now %s's: %d finalized interview{s}, %d contact attempt{s} and %d roster update{s}, sent at the next sync, and %d draft{s}\n",
			account, a.Interviews, a.Attempts, a.RosterUpdates, a.Drafts))
	}
	if !first {
		waiting, err := db.WaitingOfOthers(ctx, account)
		if err != nil {
			return err
		}
		for _, w := range waiting {
			var parts []string
			for _, c := range []struct {
				n    int
				what string
			}{{w.Unsent, "interview{s} not sent"}, {w.Returned, "returned for correction"}, {w.Drafts, "draft{s}"}, {w.Attempts, "contact attempt{s} not sent"}} {
				if c.n > 0 {
					parts = append(parts, survey.Plurals("%d "+c.what, c.n))
				}
			}
			p := survey.Printable(w.Account)
			fmt.Fprintf(m.Stdout, "note: this laptop holds %s's work (%s): the server takes an enumerator's own only, so %s's syncs leave it here until %s logs in again\n",
				p, strings.Join(parts, ", "), survey.Printable(account), p)
		}
	}
	if n, err := sqlite.NewSyncStateStore(db).ForgetRefusals(ctx, survey.EFORBIDDEN); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("%d revision{s} refused for the account that sent {it goes|them go} again at the next sync\n", n))
	}
	if n, err := db.ForgetForbidden(ctx, account); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("%d contact attempt{s} or roster update{s} of %s refused as sent by another account {goes|go} again at the next sync\n", n, survey.Printable(account)))
	}
	return nil
}

// ownOnly is the account whose own work alone a sync sends (client.Laptop.Account): an
// enumerator's, as the server takes an enumerator's own only; "" (everything) for others.
func (e *enrollment) ownOnly() string {
	if e.Role == survey.RoleEnumerator {
		return e.User
	}
	return ""
}

// errNotEnrolled says the laptop has no server.json.
var errNotEnrolled = errors.New(`this laptop is not enrolled: run "tracer login URL CODE" first`)

// readEnrollment reads server.json; errNotEnrolled when there is none.
func readEnrollment(dir string) (*enrollment, error) {
	var e enrollment
	data, err := os.ReadFile(filepath.Join(dir, serverFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNotEnrolled
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &e); err != nil || e.URL == "" {
		return nil, fmt.Errorf("%s is damaged: run \"tracer login URL CODE\" again", filepath.Join(dir, serverFile))
	}
	return &e, nil
}

// interviewStore returns the laptop's interview store on db. Once the laptop is enrolled
// with a server that gave its public key, finalized interviews are sealed to that key, in
// one session for this run of the program when the server opens those.
func interviewStore(db *sqlite.DB, dir string) (*sqlite.InterviewStore, error) {
	e, err := readEnrollment(dir)
	if errors.Is(err, errNotEnrolled) {
		return sqlite.NewInterviewStore(db), nil
	} else if err != nil {
		return nil, err
	}
	if e.PublicKey == "" {
		return sqlite.NewInterviewStore(db), nil
	}
	r, err := seal.ParseRecipient(e.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, serverFile), err)
	}
	if !e.SessionSealing {
		return sqlite.NewInterviewStore(db, sqlite.SealedTo(r)), nil
	}
	s, err := seal.NewSession(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, serverFile), err)
	}
	return sqlite.NewInterviewStore(db, sqlite.SealedTo(s)), nil
}

// enrolled reads the server address and the token: TRACER_TOKEN wins over the token file.
func (m *Main) enrolled(dir string) (*enrollment, string, error) {
	e, err := readEnrollment(dir)
	if errors.Is(err, errNotEnrolled) {
		// Say where it looked: a command run with another data folder is a common slip.
		return nil, "", fmt.Errorf(`the data folder %s is not enrolled with a server: run "tracer login URL CODE" there first, or give the enrolled folder with --data`, dir)
	} else if err != nil {
		return nil, "", err
	}
	token := strings.TrimSpace(m.Getenv("TRACER_TOKEN"))
	if token == "" {
		b, err := os.ReadFile(filepath.Join(dir, tokenFile))
		if err != nil {
			return nil, "", fmt.Errorf(`read token: %w (run "tracer login URL CODE")`, err)
		}
		token = strings.TrimSpace(string(b))
	}
	return e, token, nil
}

// syncError turns a client error into one line for people.
func syncError(c *client.Client, err error) error {
	var ue *client.UnrecordedError
	switch {
	case errors.As(err, &ue):
		return ue // it says what is safe, in the UI's language too (survey.LocalMessage)
	case client.IsUnreachable(err):
		var ue *client.UnreachableError
		if errors.As(err, &ue) {
			return ue
		}
		return fmt.Errorf("cannot reach the server at %s: %w", c.BaseURL(), err)
	case survey.ErrorCode(err) == survey.EUNAUTHORIZED:
		return fmt.Errorf("the server refused: %s", survey.ErrorMessage(err))
	case survey.ErrorCode(err) == survey.ENOTFOUND && survey.ErrorMessage(err) == "No such route.":
		// A tracer server that does not know the request: the address has a path too many.
		return fmt.Errorf("%s has no such request: is %s the server's address, without a path after it?", c.BaseURL(), c.BaseURL())
	case survey.ErrorCode(err) != survey.EINTERNAL:
		// The server's refusal in its own words, as the laptop's own refusals are said: the
		// error's code is for programs, not people.
		return fmt.Errorf("%s", survey.ErrorMessage(err))
	}
	if se, ok := err.(*survey.Error); ok {
		// The server's own failure (500), said as a sentence, not as the error's fields.
		return fmt.Errorf("the server failed: %s", se.Message)
	}
	return err
}
