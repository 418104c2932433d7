package sqlite

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"tracer/survey"
)

// Ensure UserStore implements survey.UserStore.
var _ survey.UserStore = (*UserStore)(nil)

// UserStore is the SQLite implementation of survey.UserStore. Tokens (256 random bits) are
// stored as their SHA-256 only. Enrollment codes are short, so they are stored as an
// HMAC-SHA256 under a random key kept in a file beside the database (its path plus ".key",
// owner-only): the database alone does not let anyone test guesses of a live code.
type UserStore struct {
	db *DB

	keyOnce sync.Once
	key     []byte
	keyErr  error
}

// codeKeyFile returns the path of the code key of db.
func codeKeyFile(db *DB) string { return db.Path() + ".key" }

// codeHash returns what is stored for an enrollment code: the HMAC of the normalised code
// under the code key, which is created on first use.
func (s *UserStore) codeHash(code string) (string, error) {
	s.keyOnce.Do(func() { s.key, s.keyErr = loadOrCreateKey(codeKeyFile(s.db)) })
	if s.keyErr != nil {
		return "", s.keyErr
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(survey.NormalizeCode(code)))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// loadOrCreateKey reads a 32-byte key from path, or writes a new random one there (0600).
// Losing the file only invalidates the enrollment codes not used yet.
func loadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("enrollment code key %s: unreadable or not 32 bytes: %v", path, err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return loadOrCreateKey(path) // another process made it first
	} else if err != nil {
		return nil, fmt.Errorf("create enrollment code key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// NewUserStore returns the account store of db.
func NewUserStore(db *DB) *UserStore { return &UserStore{db: db} }

// CreateUser adds an account and returns a fresh enrollment code. See survey.UserStore.
func (s *UserStore) CreateUser(ctx context.Context, name string, role survey.Role) (*survey.User, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n/") || survey.HasHidden(name) {
		return nil, "", survey.Errorf(survey.EINVALID, "A user name needs 1 to 64 characters without spaces, slashes or control characters.")
	}
	if !role.Valid() {
		return nil, "", survey.Errorf(survey.EINVALID, "Unknown role %q: use enumerator, supervisor, analyst or admin.", role)
	}
	now := s.db.now()
	u := &survey.User{Name: name, Role: role, CreatedAt: now}
	code := survey.NewEnrollmentCode()
	hash, err := s.codeHash(code)
	if err != nil {
		return nil, "", err
	}
	verifier := codeVerifier(code, role)
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)`,
			name, string(role), formatTime(now)); err != nil {
			if survey.ErrorCode(translate(err)) == survey.ECONFLICT {
				return survey.Errorf(survey.ECONFLICT, "User %s already exists.", name)
			}
			return err
		}
		return insertCode(ctx, tx, name, hash, verifier, now)
	})
	if err != nil {
		return nil, "", err
	}
	return u, code, nil
}

// codeVerifier returns the argon2id verifier kept beside a code of an account with role:
// only a relay's accounts (enumerators, supervisors) have one, for a relay to pull.
func codeVerifier(code string, role survey.Role) string {
	if !role.Relayed() {
		return ""
	}
	return survey.NewCodeVerifier(code)
}

func insertCode(ctx context.Context, tx *sql.Tx, name, hash, verifier string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO enrollment_codes (code_hash, user_name, created_at, expires_at, verifier) VALUES (?, ?, ?, ?, ?)`,
		hash, name, formatTime(now), formatTime(now.Add(survey.EnrollmentTTL)), verifier)
	return err
}

// NewCode returns a fresh enrollment code for an account. See survey.UserStore.
func (s *UserStore) NewCode(ctx context.Context, name string) (string, error) {
	now := s.db.now()
	code := survey.NewEnrollmentCode()
	hash, err := s.codeHash(code)
	if err != nil {
		return "", err
	}
	// The verifier costs tens of milliseconds: made before the transaction.
	verifier := survey.NewCodeVerifier(code)
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if !u.RevokedAt.IsZero() {
			return survey.Errorf(survey.ECONFLICT, "User %s is revoked.", name)
		}
		if !u.Role.Relayed() {
			verifier = ""
		}
		return insertCode(ctx, tx, name, hash, verifier, now)
	})
	return code, err
}

func getUser(ctx context.Context, q querier, name string) (*survey.User, error) {
	var u survey.User
	var role, created, revoked string
	err := q.QueryRowContext(ctx, `SELECT name, role, created_at, revoked_at FROM users WHERE name = ?`, name).
		Scan(&u.Name, &role, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.Errorf(survey.ENOTFOUND, "User %s not found.", name)
	} else if err != nil {
		return nil, err
	}
	u.Role = survey.Role(role)
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if u.RevokedAt, err = parseTime(revoked); err != nil {
		return nil, err
	}
	return &u, nil
}

// errBadCode is the one answer for every kind of bad code, so that a guesser learns nothing.
var errBadCode = survey.Errorf(survey.EUNAUTHORIZED, "The enrollment code is not valid: it may be mistyped, used or expired.")

// Enroll exchanges a code for a new token, once. See survey.UserStore.
func (s *UserStore) Enroll(ctx context.Context, code, device string) (string, *survey.User, error) {
	now := s.db.now()
	token := survey.NewToken()
	hash, err := s.codeHash(code)
	if err != nil {
		return "", nil, err
	}
	var u *survey.User
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		var name, expires, used string
		err := tx.QueryRowContext(ctx, `SELECT user_name, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?`,
			hash).Scan(&name, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadCode
		} else if err != nil {
			return err
		}
		exp, err := parseTime(expires)
		if err != nil {
			return err
		}
		if used != "" || !now.Before(exp) {
			return errBadCode
		}
		if u, err = getUser(ctx, tx, name); err != nil {
			return err
		}
		if !u.RevokedAt.IsZero() {
			return errBadCode
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ?`,
			formatTime(now), hash); err != nil {
			return err
		}
		if len(device) > 128 {
			device = device[:128]
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tokens (token_hash, user_name, device, created_at) VALUES (?, ?, ?, ?)`,
			survey.HashSecret(token), name, device, formatTime(now))
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// Authenticate returns the account of a token. See survey.UserStore.
func (s *UserStore) Authenticate(ctx context.Context, token string) (*survey.User, error) {
	if token == "" || len(token) > 256 {
		return nil, survey.Errorf(survey.EUNAUTHORIZED, "The token is not valid.")
	}
	var u survey.User
	var role, created, urevoked, trevoked string
	st, err := s.db.stmt(ctx, `SELECT u.name, u.role, u.created_at, u.revoked_at, t.revoked_at
		FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = ?`)
	if err != nil {
		return nil, err
	}
	err = st.QueryRowContext(ctx, survey.HashSecret(token)).Scan(&u.Name, &role, &created, &urevoked, &trevoked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (urevoked != "" || trevoked != "")) {
		return nil, survey.Errorf(survey.EUNAUTHORIZED, "The token is not valid or was revoked.")
	} else if err != nil {
		return nil, err
	}
	u.Role = survey.Role(role)
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &u, nil
}

// Users returns every account. See survey.UserStore.
func (s *UserStore) Users(ctx context.Context) ([]*survey.User, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT u.name, u.role, u.created_at, u.revoked_at,
		(SELECT COUNT(*) FROM tokens t WHERE t.user_name = u.name AND t.revoked_at = '')
		FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.User
	for rows.Next() {
		var u survey.User
		var role, created, revoked string
		if err := rows.Scan(&u.Name, &role, &created, &revoked, &u.Tokens); err != nil {
			return nil, err
		}
		u.Role = survey.Role(role)
		if u.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if u.RevokedAt, err = parseTime(revoked); err != nil {
			return nil, err
		}
		if !u.RevokedAt.IsZero() {
			u.Tokens = 0
		}
		out = append(out, &u)
	}
	return out, rows.Err()
}

// Revoke revokes an account with its codes and tokens. See survey.UserStore.
func (s *UserStore) Revoke(ctx context.Context, name string) error {
	at := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getUser(ctx, tx, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at = ''`, at, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at = ''`, at, name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE enrollment_codes SET used_at = ? WHERE user_name = ? AND used_at = ''`, at, name)
		return err
	})
}

// Ensure UserStore implements survey.LaptopKeyStore.
var _ survey.LaptopKeyStore = (*UserStore)(nil)

// PutLaptopKey records a laptop's sealed data key once. See survey.LaptopKeyStore.
func (s *UserStore) PutLaptopKey(ctx context.Context, user, laptopID string, sealed []byte) error {
	if user == "" || laptopID == "" || len(sealed) == 0 {
		return survey.Errorf(survey.EINVALID, "A laptop key needs an account, a laptop id and the sealed key.")
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var old []byte
		err := tx.QueryRowContext(ctx, `SELECT sealed FROM laptop_keys WHERE user_name = ? AND laptop_id = ?`, user, laptopID).Scan(&old)
		switch {
		case err == nil && bytes.Equal(old, sealed):
			return nil
		case err == nil:
			return survey.Errorf(survey.ECONFLICT, "This laptop's key is already on the server.")
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO laptop_keys (user_name, laptop_id, sealed, created_at) VALUES (?, ?, ?, ?)`,
			user, laptopID, sealed, formatTime(s.db.now()))
		return err
	})
}

// LaptopKey returns a laptop's sealed data key. See survey.LaptopKeyStore.
func (s *UserStore) LaptopKey(ctx context.Context, user, laptopID string) ([]byte, error) {
	var sealed []byte
	err := s.db.db.QueryRowContext(ctx, `SELECT sealed FROM laptop_keys WHERE user_name = ? AND laptop_id = ?`, user, laptopID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.Errorf(survey.ENOTFOUND, "The server holds no key for this laptop.")
	}
	return sealed, err
}
