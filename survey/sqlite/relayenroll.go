package sqlite

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
		WHERE c.used_at = '' AND c.verifier <> '' AND u.revoked_at = '' AND u.role IN (?, ?)`,
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
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		var name, expires, used, token string
		err := tx.QueryRowContext(ctx, `SELECT user_name, expires_at, used_at, token_hash FROM enrollment_codes WHERE code_hash = ?`,
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
		if _, err := tx.ExecContext(ctx, `UPDATE enrollment_codes SET used_at = ?, token_hash = ? WHERE code_hash = ?`,
			formatTime(now), e.TokenHash, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (token_hash, user_name, device, created_at) VALUES (?, ?, ?, ?)
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
	_, err := tx.ExecContext(ctx, `INSERT INTO laptop_keys (user_name, laptop_id, sealed, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_name, laptop_id) DO NOTHING`, e.User, e.LaptopID, e.SealedKey, formatTime(now))
	return err
}

var _ survey.RelayEnrollStore = (*RelayStore)(nil)

// verifierPlace and codePlace bind an encrypted verifier and code to their rows.
func verifierPlace(id string) string { return "relay_verifiers/" + id }
func codePlace(id string) string     { return "relay_enrollments/" + id }

// errNoCipher refuses to keep a verifier or a code in clear.
var errNoCipher = survey.Errorf(survey.EINVALID, "The relay keeps enrollment code verifiers only under its data key; it has none.")

// MirrorCodes makes the relay's verifiers the centre's. See survey.RelayEnrollStore.
func (s *RelayStore) MirrorCodes(ctx context.Context, codes []survey.RelayCode) error {
	if s.db.cipher == nil {
		return errNoCipher
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS relay_live_codes (id TEXT PRIMARY KEY)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM temp.relay_live_codes`); err != nil {
			return err
		}
		for _, c := range codes {
			if c.ID == "" || c.ID != survey.VerifierID(c.Verifier) || !c.Role.Relayed() || c.User == "" {
				return survey.Errorf(survey.EINVALID, "The centre gave a code verifier for %q that does not hold together.", c.User)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO temp.relay_live_codes (id) VALUES (?)`, c.ID); err != nil {
				return err
			}
			var have int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM relay_verifiers WHERE id = ?`, c.ID).Scan(&have); err != nil {
				return err
			}
			if have > 0 {
				continue
			}
			enc, err := s.db.cipher.Encrypt(c.Verifier, verifierPlace(c.ID))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO relay_verifiers (id, user_name, role, verifier, expires_at) VALUES (?, ?, ?, ?, ?)`,
				c.ID, c.User, string(c.Role), enc, formatTime(c.ExpiresAt)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM relay_verifiers WHERE used_at = '' AND id NOT IN (SELECT id FROM temp.relay_live_codes)`)
		return err
	})
}

// Verifiers returns the verifiers a laptop may still use here. See survey.RelayEnrollStore.
func (s *RelayStore) Verifiers(ctx context.Context, now time.Time) ([]survey.RelayCode, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, user_name, role, verifier, expires_at FROM relay_verifiers WHERE used_at = '' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.RelayCode
	for rows.Next() {
		var c survey.RelayCode
		var role, expires string
		if err := rows.Scan(&c.ID, &c.User, &role, &c.Verifier, &expires); err != nil {
			return nil, err
		}
		if c.ExpiresAt, err = parseTime(expires); err != nil {
			return nil, err
		}
		if !now.Before(c.ExpiresAt) {
			continue
		}
		if s.db.cipher == nil {
			return nil, errNoCipher
		}
		if c.Verifier, err = s.db.cipher.Decrypt(c.Verifier, verifierPlace(c.ID)); err != nil {
			return nil, err
		}
		c.Role = survey.Role(role)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Enroll records an enrollment made here offline. See survey.RelayEnrollStore.
func (s *RelayStore) Enroll(ctx context.Context, e survey.RelayEnrollment) error {
	if s.db.cipher == nil {
		return errNoCipher
	}
	if e.ID == "" || e.Verifier == "" || e.TokenHash == "" || e.User == "" || !e.Role.Relayed() {
		return survey.Errorf(survey.EINVALID, "An enrollment at the relay needs an id, a verifier, a token and an account.")
	}
	code, err := s.db.cipher.Encrypt(survey.NormalizeCode(e.Code), codePlace(e.ID))
	if err != nil {
		return err
	}
	now := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE relay_verifiers SET used_at = ? WHERE id = ? AND used_at = ''`, now, e.Verifier)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return survey.Errorf(survey.ECONFLICT, "This code was used at this relay already: ask the supervisor for a new code.")
		}
		if err := upsertAccount(ctx, tx, survey.RelayAccount{Name: e.User, Role: e.Role, TokenHashes: []string{e.TokenHash}}, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO relay_enrollments (id, verifier_id, code, user_name, role, token_hash, device, enrolled_at, laptop_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.Verifier, code, e.User, string(e.Role), e.TokenHash, e.Device,
			formatTime(e.EnrolledAt), e.LaptopID)
		return err
	})
}

// enrollmentColumns are what scanEnrollment reads, held counting the waiting interviews.
const enrollmentColumns = `e.id, e.verifier_id, e.code, e.user_name, e.role, e.token_hash, e.device, e.enrolled_at, e.laptop_id,
	e.sealed_key, e.key_sent, e.state, e.refused_code, e.message,
	(SELECT COUNT(*) FROM relay_items i WHERE i.enrollment = e.id AND i.done_at = '')`

func (s *RelayStore) scanEnrollment(sc scanner) (*survey.RelayEnrollment, error) {
	var e survey.RelayEnrollment
	var role, at, state string
	if err := sc.Scan(&e.ID, &e.Verifier, &e.Code, &e.User, &role, &e.TokenHash, &e.Device, &at, &e.LaptopID,
		&e.SealedKey, &e.KeySent, &state, &e.RefusedCode, &e.Message, &e.Held); err != nil {
		return nil, err
	}
	var err error
	if e.EnrolledAt, err = parseTime(at); err != nil {
		return nil, err
	}
	if s.db.cipher == nil {
		return nil, errNoCipher
	}
	if e.Code, err = s.db.cipher.Decrypt(e.Code, codePlace(e.ID)); err != nil {
		return nil, err
	}
	e.Role, e.State = survey.Role(role), survey.EnrollState(state)
	return &e, nil
}

// Enrollments returns the enrollments made here. See survey.RelayEnrollStore.
func (s *RelayStore) Enrollments(ctx context.Context, toSend bool) ([]survey.RelayEnrollment, error) {
	q := `SELECT ` + enrollmentColumns + ` FROM relay_enrollments e`
	if toSend {
		q += ` WHERE e.state = 'pending' OR (e.state = 'confirmed' AND e.key_sent = 0 AND e.sealed_key IS NOT NULL)`
	}
	rows, err := s.db.db.QueryContext(ctx, q+` ORDER BY e.enrolled_at, e.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.RelayEnrollment
	for rows.Next() {
		e, err := s.scanEnrollment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// EnrollmentOf returns the enrollment of a token. See survey.RelayEnrollStore.
func (s *RelayStore) EnrollmentOf(ctx context.Context, tokenHash string) (*survey.RelayEnrollment, error) {
	e, err := s.scanEnrollment(s.db.db.QueryRowContext(ctx, `SELECT `+enrollmentColumns+` FROM relay_enrollments e WHERE e.token_hash = ?`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.Errorf(survey.ENOTFOUND, "No enrollment at this relay has that token.")
	}
	return e, err
}

// HoldLaptopKey keeps a laptop's sealed key with its enrollment. See survey.RelayEnrollStore.
func (s *RelayStore) HoldLaptopKey(ctx context.Context, tokenHash, laptopID string, sealed []byte) error {
	res, err := s.db.db.ExecContext(ctx, `UPDATE relay_enrollments SET laptop_id = ?, sealed_key = ?, key_sent = 0
		WHERE token_hash = ? AND state IN ('pending', 'confirmed')`, laptopID, sealed, tokenHash)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return survey.Errorf(survey.ENOTFOUND, "No enrollment waiting at this relay has that token.")
	}
	return nil
}

// Settle records the centre's answer for an enrollment. See survey.RelayEnrollStore.
func (s *RelayStore) Settle(ctx context.Context, id string, c survey.EnrollConfirmation, keySent bool) error {
	now := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var state, token string
		err := tx.QueryRowContext(ctx, `SELECT state, token_hash FROM relay_enrollments WHERE id = ?`, id).Scan(&state, &token)
		if errors.Is(err, sql.ErrNoRows) {
			return survey.Errorf(survey.ENOTFOUND, "No enrollment %s at this relay.", id)
		} else if err != nil {
			return err
		}
		switch {
		case c.Confirmed:
			_, err = tx.ExecContext(ctx, `UPDATE relay_enrollments SET state = 'confirmed', key_sent = ?, settled_at = ?
				WHERE id = ? AND state IN ('pending', 'confirmed')`, keySent, now, id)
		case state == string(survey.EnrollPending):
			if _, err = tx.ExecContext(ctx, `UPDATE relay_enrollments SET state = 'refused', refused_code = ?, message = ?, settled_at = ?
				WHERE id = ?`, c.Code, c.Message, now, id); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at = ''`, now, token)
		default:
			// Confirmed before, refused now (the account was revoked since): its key is not
			// sent again; what the token pushed goes on and the centre answers for it.
			_, err = tx.ExecContext(ctx, `UPDATE relay_enrollments SET key_sent = 1, message = ? WHERE id = ?`, c.Message, id)
		}
		return err
	})
}

// Release lets a refused enrollment's held interviews go on. See survey.RelayEnrollStore.
func (s *RelayStore) Release(ctx context.Context, id string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `SELECT state FROM relay_enrollments WHERE id = ?`, id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return survey.Errorf(survey.ENOTFOUND, "No enrollment %s at this relay.", id)
		} else if err != nil {
			return err
		}
		if state != string(survey.EnrollRefused) {
			return survey.Errorf(survey.ECONFLICT, "Enrollment %s is %s, not refused: there is nothing to release.", id, state)
		}
		_, err = tx.ExecContext(ctx, `UPDATE relay_enrollments SET state = 'released' WHERE id = ?`, id)
		return err
	})
}
