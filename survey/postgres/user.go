package postgres

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"tracer/survey"
)

// Ensure UserStore implements survey.UserStore.
var _ survey.UserStore = (*UserStore)(nil)

// UserStore is the PostgreSQL implementation of survey.UserStore. Tokens (256 random bits)
// are stored as their SHA-256 only. Enrollment codes are short, so they are stored as an
// HMAC-SHA256 under the database's code key (WithCodeKey), which is kept outside the
// database: the database alone does not let anyone test guesses of a live code.
type UserStore struct {
	db *DB
}

// codeHash returns what is stored for an enrollment code: the HMAC of the normalised code
// under the code key.
func (s *UserStore) codeHash(code string) (string, error) {
	if len(s.db.codeKey) < 32 {
		return "", errors.New("enrollment codes: the database was opened without a code key of 32 bytes")
	}
	m := hmac.New(sha256.New, s.db.codeKey)
	m.Write([]byte(survey.NormalizeCode(code)))
	return hex.EncodeToString(m.Sum(nil)), nil
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
	err = s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, created_at) VALUES ($1, $2, $3)`,
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
	_, err := tx.ExecContext(ctx, `INSERT INTO enrollment_codes (code_hash, user_name, created_at, expires_at, verifier) VALUES ($1, $2, $3, $4, $5)`,
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
	err = s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
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

func getUser(ctx context.Context, q *sql.Tx, name string) (*survey.User, error) {
	var u survey.User
	var role, created, revoked string
	err := q.QueryRowContext(ctx, `SELECT name, role, created_at, revoked_at FROM users WHERE name = $1`, name).
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
	err = s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		var name, expires, used string
		err := tx.QueryRowContext(ctx, `SELECT user_name, expires_at, used_at FROM enrollment_codes WHERE code_hash = $1`,
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
		// Two servers enrolling with the same code at once: one update wins.
		res, err := tx.ExecContext(ctx, `UPDATE enrollment_codes SET used_at = $1 WHERE code_hash = $2 AND used_at = ''`,
			formatTime(now), hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadCode
		}
		if len(device) > 128 {
			device = device[:128]
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tokens (token_hash, user_name, device, created_at) VALUES ($1, $2, $3, $4)`,
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
	err := s.db.db.QueryRowContext(ctx, `SELECT u.name, u.role, u.created_at, u.revoked_at, t.revoked_at
		FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = $1`, survey.HashSecret(token)).Scan(&u.Name, &role, &created, &urevoked, &trevoked)
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
		FROM users u ORDER BY u.name COLLATE "C"`)
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
	return s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		if _, err := getUser(ctx, tx, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET revoked_at = $1 WHERE name = $2 AND revoked_at = ''`, at, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = $1 WHERE user_name = $2 AND revoked_at = ''`, at, name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE enrollment_codes SET used_at = $1 WHERE user_name = $2 AND used_at = ''`, at, name)
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
	return s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO laptop_keys (user_name, laptop_id, sealed, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_name, laptop_id) DO NOTHING`, user, laptopID, sealed, formatTime(s.db.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var old []byte
		if err := tx.QueryRowContext(ctx, `SELECT sealed FROM laptop_keys WHERE user_name = $1 AND laptop_id = $2`, user, laptopID).Scan(&old); err != nil {
			return err
		}
		if !bytes.Equal(old, sealed) {
			return survey.Errorf(survey.ECONFLICT, "This laptop's key is already on the server.")
		}
		return nil
	})
}

// LaptopKey returns a laptop's sealed data key. See survey.LaptopKeyStore.
func (s *UserStore) LaptopKey(ctx context.Context, user, laptopID string) ([]byte, error) {
	var sealed []byte
	err := s.db.db.QueryRowContext(ctx, `SELECT sealed FROM laptop_keys WHERE user_name = $1 AND laptop_id = $2`, user, laptopID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.Errorf(survey.ENOTFOUND, "The server holds no key for this laptop.")
	}
	return sealed, err
}
