package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tracer/survey"
)

// Ensure LinkStore implements survey.LinkStore.
var _ survey.LinkStore = (*LinkStore)(nil)

// LinkStore is the PostgreSQL implementation of survey.LinkStore: self-response links,
// of which only the tokens' hashes are kept.
type LinkStore struct{ db *DB }

// NewLinkStore returns the link store of db.
func NewLinkStore(db *DB) *LinkStore { return &LinkStore{db: db} }

// errBadLink is the one answer for every link that does not open, so that a guesser learns
// nothing. It is the SQLite store's.
var errBadLink = survey.Errorf(survey.EUNAUTHORIZED, "Tautan ini tidak berlaku (salah, kedaluwarsa atau dicabut); minta tautan baru ke BLK. / This link is not valid (mistyped, expired or revoked); ask the training centre for a new one.")

// linkID returns a short random public id: "L" and 10 characters of Crockford's base32.
func linkID() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return "L" + string(b[:])
}

const linkColumns = `id, roster_id, form_id, interview_id, created_by, created_at, expires_at, revoked_at, revisions, last_used_at, opened_at`

func scanLink(sc scanner, extra ...any) (*survey.Link, error) {
	var l survey.Link
	var created, expires, revoked, used, opened string
	dst := append([]any{&l.ID, &l.RosterID, &l.FormID, &l.InterviewID, &l.CreatedBy, &created, &expires, &revoked, &l.Revisions, &used, &opened}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	var err error
	for _, t := range []struct {
		dst *time.Time
		s   string
	}{{&l.CreatedAt, created}, {&l.ExpiresAt, expires}, {&l.RevokedAt, revoked}, {&l.LastUsedAt, used}, {&l.OpenedAt, opened}} {
		if *t.dst, err = parseTime(t.s); err != nil {
			return nil, err
		}
	}
	return &l, nil
}

// MakeLinks makes one link per selected roster row. See survey.LinkStore. The alumni's
// roster rows stay locked to the commit, so two supervisors making links for one alumnus
// at once leave him one active link.
func (s *LinkStore) MakeLinks(ctx context.Context, sel survey.AssignSelector, formID string, expires time.Time, by string) ([]*survey.NewLink, error) {
	now := s.db.now()
	if sel.Named() != 1 {
		return nil, survey.Errorf(survey.EINVALID, "Name the alumni: roster ids, a batch, a kejuruan or a regency (one of them).")
	}
	if !expires.After(now) {
		return nil, survey.Errorf(survey.EINVALID, "A link must expire after now.")
	}
	if formID == "" || survey.HasHidden(formID) {
		return nil, survey.Errorf(survey.EINVALID, "A link needs the id of a published form.")
	}
	var out []*survey.NewLink
	err := s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		out = nil
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM published_forms WHERE form_id = $1 LIMIT 1`, formID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return survey.Errorf(survey.ENOTFOUND, "Form %q is not published on this server.", formID)
		} else if err != nil {
			return err
		}
		var bodies []string
		if len(sel.RosterIDs) > 0 {
			for _, id := range sel.RosterIDs {
				var body string
				err := tx.QueryRowContext(ctx, `SELECT body FROM server_roster WHERE roster_id = $1 FOR NO KEY UPDATE`, id).Scan(&body)
				if errors.Is(err, sql.ErrNoRows) {
					return survey.Errorf(survey.ENOTFOUND, "The roster has no row %q; no link was made.", id)
				} else if err != nil {
					return err
				}
				bodies = append(bodies, body)
			}
		} else {
			field, value := "batch_id", sel.Batch
			switch {
			case sel.Kejuruan != "":
				field, value = "kejuruan", sel.Kejuruan
			case sel.Regency != "":
				field, value = "domicile_regency", sel.Regency
			}
			rows, err := tx.QueryContext(ctx, `SELECT body FROM server_roster WHERE body::jsonb ->> $1 = $2
				ORDER BY roster_id COLLATE "C" FOR NO KEY UPDATE`, field, value)
			if err != nil {
				return err
			}
			for rows.Next() {
				var body string
				if err := rows.Scan(&body); err != nil {
					rows.Close()
					return err
				}
				bodies = append(bodies, body)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if len(bodies) == 0 {
				return survey.Errorf(survey.ENOTFOUND, "No roster row has %s %q.", field, value)
			}
		}
		for _, body := range bodies {
			var p survey.Respondent
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				return fmt.Errorf("roster row: %w", err)
			}
			// The alumnus keeps his interview across new links to the same form.
			interview := survey.NewID()
			err := tx.QueryRowContext(ctx, `SELECT interview_id FROM links WHERE roster_id = $1 AND form_id = $2 ORDER BY created_at DESC LIMIT 1`,
				p.RosterID, formID).Scan(&interview)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE links SET revoked_at = $1 WHERE roster_id = $2 AND form_id = $3 AND revoked_at = ''`,
				formatTime(now), p.RosterID, formID); err != nil {
				return err
			}
			token := survey.NewToken()
			l := &survey.Link{ID: linkID(), RosterID: p.RosterID, FormID: formID, InterviewID: interview, CreatedBy: by,
				CreatedAt: now, ExpiresAt: expires.UTC()}
			if _, err := tx.ExecContext(ctx, `INSERT INTO links (id, token_hash, roster_id, form_id, interview_id, created_by, created_at, expires_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, l.ID, survey.HashSecret(token), l.RosterID, l.FormID, l.InterviewID, by,
				formatTime(now), formatTime(l.ExpiresAt)); err != nil {
				return err
			}
			out = append(out, &survey.NewLink{Link: l, Token: token, Respondent: &p})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OpenLink returns the link of token and its alumnus. See survey.LinkStore.
func (s *LinkStore) OpenLink(ctx context.Context, token string) (*survey.Link, *survey.Respondent, error) {
	if token == "" || len(token) > 256 {
		return nil, nil, errBadLink
	}
	row := s.db.db.QueryRowContext(ctx, `SELECT `+linkColumns+`, (SELECT body FROM server_roster r WHERE r.roster_id = links.roster_id)
		FROM links WHERE token_hash = $1`, survey.HashSecret(token))
	var body sql.NullString
	l, err := scanLink(row, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errBadLink
	} else if err != nil {
		return nil, nil, err
	}
	if !l.Active(s.db.now()) || !body.Valid {
		return nil, nil, errBadLink
	}
	var p survey.Respondent
	if err := json.Unmarshal([]byte(body.String), &p); err != nil {
		return nil, nil, fmt.Errorf("roster row of link %s: %w", l.ID, err)
	}
	return l, &p, nil
}

// Links returns every link, newest first. See survey.LinkStore.
func (s *LinkStore) Links(ctx context.Context) ([]*survey.Link, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+linkColumns+` FROM links ORDER BY created_at DESC, roster_id COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// RevokeLink revokes a link by its id. See survey.LinkStore.
func (s *LinkStore) RevokeLink(ctx context.Context, id string) error {
	return s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE links SET revoked_at = CASE WHEN revoked_at = '' THEN $1 ELSE revoked_at END WHERE id = $2`,
			formatTime(s.db.now()), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return survey.Errorf(survey.ENOTFOUND, "No link has id %q.", id)
		}
		return nil
	})
}

// NextRevision returns the revision the next submission through l gets. See survey.LinkStore.
func (s *LinkStore) NextRevision(ctx context.Context, l *survey.Link) (int, error) {
	var latest sql.NullInt64
	if err := s.db.db.QueryRowContext(ctx, `SELECT MAX(revision) FROM submissions WHERE interview_id = $1`, l.InterviewID).Scan(&latest); err != nil {
		return 0, err
	}
	return int(latest.Int64) + 1, nil
}

// LinkUsed records a revision stored through l. See survey.LinkStore.
func (s *LinkStore) LinkUsed(ctx context.Context, l *survey.Link, revision int) error {
	return s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE links SET revisions = GREATEST(revisions, $1), last_used_at = $2 WHERE id = $3`,
			revision, formatTime(s.db.now()), l.ID)
		return err
	})
}

// LinkOpened records the first time l's form was loaded. See survey.LinkStore.
func (s *LinkStore) LinkOpened(ctx context.Context, l *survey.Link) error {
	return s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE links SET opened_at = $1 WHERE id = $2 AND opened_at = ''`, formatTime(s.db.now()), l.ID)
		return err
	})
}
