package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tracer/survey"
)

// WaveStore keeps the study's waves in the server database. It implements
// survey.WaveStore.
type WaveStore struct {
	db *DB
}

// NewWaveStore returns the wave store of db.
func NewWaveStore(db *DB) *WaveStore { return &WaveStore{db: db} }

// AddWave adds a wave after every other in one transaction, keeping the assignments in
// force as those of the wave before it. See survey.WaveStore.
func (s *WaveStore) AddWave(ctx context.Context, w survey.Wave) error {
	if err := survey.CheckWaveName(w.Name); err != nil {
		return err
	}
	if w.StartsAt.IsZero() {
		return survey.Errorf(survey.EINVALID, "Wave %q has no start time.", w.Name)
	}
	created := w.CreatedAt
	if created.IsZero() {
		created = s.db.now()
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM waves WHERE name = ?`, w.Name).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return survey.Errorf(survey.ECONFLICT, "The study already has a wave %q.", w.Name)
		}
		var last, lastStart string
		var pos int
		err := tx.QueryRowContext(ctx, `SELECT name, starts_at, position FROM waves ORDER BY position DESC LIMIT 1`).Scan(&last, &lastStart, &pos)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			start, err := parseTime(lastStart)
			if err != nil {
				return fmt.Errorf("wave %s: %w", last, err)
			}
			if !w.StartsAt.After(start) {
				return survey.Errorf(survey.EINVALID, "Wave %q must start after the current wave %q, which starts %s.",
					w.Name, last, start.Format("2006-01-02 15:04 MST"))
			}
			// The current wave ends: its assignments are kept as they stand.
			if _, err := tx.ExecContext(ctx, `INSERT INTO wave_assignments (wave, roster_id, user_name)
				SELECT ?, roster_id, user_name FROM assignments`, last); err != nil {
				return fmt.Errorf("keep the assignments of wave %s: %w", last, err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO waves (name, position, starts_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			w.Name, pos+1, formatTime(w.StartsAt), w.CreatedBy, formatTime(created))
		return err
	})
}

// Waves returns the waves, first to current. See survey.WaveStore.
func (s *WaveStore) Waves(ctx context.Context) ([]survey.Wave, error) {
	rows, err := s.db.query(ctx, `SELECT name, starts_at, created_by, created_at FROM waves ORDER BY position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.Wave
	for rows.Next() {
		var w survey.Wave
		var start, created string
		if err := rows.Scan(&w.Name, &start, &w.CreatedBy, &created); err != nil {
			return nil, err
		}
		if w.StartsAt, err = parseTime(start); err != nil {
			return nil, fmt.Errorf("wave %s: %w", w.Name, err)
		}
		if w.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("wave %s: %w", w.Name, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// WaveAssignments returns who each roster row was assigned to during a wave. See
// survey.WaveStore.
func (s *WaveStore) WaveAssignments(ctx context.Context, name string) (map[string]string, error) {
	var current string
	err := s.db.db.QueryRowContext(ctx, `SELECT name FROM waves ORDER BY position DESC LIMIT 1`).Scan(&current)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var known int
	if err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM waves WHERE name = ?`, name).Scan(&known); err != nil {
		return nil, err
	}
	if known == 0 {
		return nil, survey.Errorf(survey.ENOTFOUND, "The study has no wave %q.", name)
	}
	q, args := `SELECT roster_id, user_name FROM wave_assignments WHERE wave = ?`, []any{name}
	if name == current {
		q, args = `SELECT roster_id, user_name FROM assignments`, nil
	}
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, user string
		if err := rows.Scan(&id, &user); err != nil {
			return nil, err
		}
		out[id] = user
	}
	return out, rows.Err()
}

// PulledWaves keeps on a laptop the waves its last sync pulled. It implements
// survey.PulledWaves.
type PulledWaves struct {
	db *DB
}

// NewPulledWaves returns the pulled waves of db.
func NewPulledWaves(db *DB) *PulledWaves { return &PulledWaves{db: db} }

// SetWaves replaces the kept waves in one transaction. See survey.PulledWaves.
func (s *PulledWaves) SetWaves(ctx context.Context, waves []survey.Wave) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM laptop_waves`); err != nil {
			return err
		}
		for i, w := range waves {
			if _, err := tx.ExecContext(ctx, `INSERT INTO laptop_waves (position, name, starts_at) VALUES (?, ?, ?)`,
				i+1, w.Name, formatTime(w.StartsAt)); err != nil {
				return fmt.Errorf("keep wave %s: %w", w.Name, err)
			}
		}
		return nil
	})
}

// Waves returns the kept waves, first to current. See survey.PulledWaves.
func (s *PulledWaves) Waves(ctx context.Context) ([]survey.Wave, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT name, starts_at FROM laptop_waves ORDER BY position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.Wave
	for rows.Next() {
		var w survey.Wave
		var start string
		if err := rows.Scan(&w.Name, &start); err != nil {
			return nil, err
		}
		if w.StartsAt, err = parseTime(start); err != nil {
			return nil, fmt.Errorf("wave %s: %w", w.Name, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
