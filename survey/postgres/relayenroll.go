package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tracer/survey"
)

var _ survey.RelayEnroller = (*UserStore)(nil)

// RelayCodes returns the unused codes a relay may check offline. See survey.RelayEnroller.
func (s *UserStore) RelayCodes(ctx context.Context, limit int) ([]survey.RelayCode, error) {
	now := s.db.now()
	rows, err := s.db.db.QueryContext(ctx, `SELECT c.user_name, u.role, c.verifier, c.expires_at FROM enrollment_codes c
		JOIN users u ON u.name = c.user_name
		WHERE c.used_at = '' AND c.verifier <> '' AND u.revoked_at = '' AND u.role IN ($1, $2)`,
		string(survey.RoleEnumerator), string(survey.RoleSupervisor))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return survey.ReadRelayCodes(rows, parseTime, now, limit)
}

// ConfirmEnrollment consumes a code a relay checked offline. See survey.RelayEnroller.
func (s *UserStore) ConfirmEnrollment(ctx context.Context, e survey.RelayEnrollment) (survey.EnrollConfirmation, error) {
	if err := e.Check(); err != nil {
		return survey.EnrollConfirmation{}, err
	}
	hash, err := s.codeHash(e.Code)
	if err != nil {
		return survey.EnrollConfirmation{}, err
	}
	now := s.db.now()
	var out survey.EnrollConfirmation
	err = s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		var name, expires, used, token string
		// FOR UPDATE: two servers confirming the same code at once take turns, and the
		// second sees the first's token.
		err := tx.QueryRowContext(ctx, `SELECT user_name, expires_at, used_at, token_hash FROM enrollment_codes WHERE code_hash = $1 FOR UPDATE`,
			hash).Scan(&name, &expires, &used, &token)
		if errors.Is(err, sql.ErrNoRows) {
			out = survey.RefuseEnrollment(survey.EnrollUnknownCode, e.User)
			return nil
		} else if err != nil {
			return err
		}
		u, err := getUser(ctx, tx, name)
		if err != nil {
			return err
		}
		exp, err := parseTime(expires)
		if err != nil {
			return err
		}
		var ok bool
		if out, ok = survey.JudgeEnrollment(e, u, exp, used != "", token); !ok || used != "" {
			if ok {
				return putKey(ctx, tx, e, now)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrollment_codes SET used_at = $1, token_hash = $2 WHERE code_hash = $3`,
			formatTime(now), e.TokenHash, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (token_hash, user_name, device, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (token_hash) DO NOTHING`, e.TokenHash, name, survey.RelayDevice(e.Device), formatTime(now)); err != nil {
			return err
		}
		return putKey(ctx, tx, e, now)
	})
	if err != nil {
		return survey.EnrollConfirmation{}, err
	}
	return out, nil
}

// putKey keeps the laptop's sealed data key an enrollment carries, unless one is kept.
func putKey(ctx context.Context, tx *sql.Tx, e survey.RelayEnrollment, now time.Time) error {
	if e.LaptopID == "" || len(e.SealedKey) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO laptop_keys (user_name, laptop_id, sealed, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_name, laptop_id) DO NOTHING`, e.User, e.LaptopID, e.SealedKey, formatTime(now))
	return err
}
