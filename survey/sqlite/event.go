package sqlite

import (
	"context"
	"database/sql"
	"time"

	"tracer/survey"
)

// Ensure EventStore implements survey.EventStore.
var _ survey.EventStore = (*EventStore)(nil)

// EventStore is the SQLite implementation of survey.EventStore.
type EventStore struct {
	db *DB
}

// NewEventStore returns the paradata store of db.
func NewEventStore(db *DB) *EventStore { return &EventStore{db: db} }

// Append stores events in one transaction. See survey.EventStore.
func (s *EventStore) Append(ctx context.Context, events ...survey.Event) error {
	for _, e := range events {
		if e.InterviewID == "" || e.Kind == "" {
			return survey.Errorf(survey.EINVALID, "An event needs an interview id and a kind.")
		}
	}
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range events {
			if err := appendEvents(ctx, s.db.cipher, tx, e.InterviewID, now, []survey.Event{e}); err != nil {
				return err
			}
		}
		return nil
	})
}

// appendEvents inserts events of interview id, filling a zero At with now.
// With a cipher, the old and new values are stored encrypted.
func appendEvents(ctx context.Context, c survey.FieldCipher, tx *sql.Tx, id string, now time.Time, events []survey.Event) error {
	for _, e := range events {
		at := e.At
		if at.IsZero() {
			at = now
		}
		old, err := encrypt(c, e.Old, eventPlace(id, e.Path, "old"))
		if err != nil {
			return err
		}
		nw, err := encrypt(c, e.New, eventPlace(id, e.Path, "new"))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (interview_id, kind, path, old, new, at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, string(e.Kind), e.Path, old, nw, formatTime(at)); err != nil {
			if survey.ErrorCode(translate(err)) == survey.ENOTFOUND {
				return survey.Errorf(survey.ENOTFOUND, "Interview %s not found.", id)
			}
			return err
		}
	}
	return nil
}

// eventPlace names where an event's old or new value lives, for the cipher.
func eventPlace(id, path, which string) string { return "events/" + id + "/" + path + "/" + which }

// Events returns an interview's events in the order they were stored. See survey.EventStore.
func (s *EventStore) Events(ctx context.Context, interviewID string) ([]survey.Event, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT interview_id, kind, path, old, new, at FROM events WHERE interview_id = ? ORDER BY id`, interviewID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.Event
	for rows.Next() {
		var e survey.Event
		var kind, at string
		if err := rows.Scan(&e.InterviewID, &kind, &e.Path, &e.Old, &e.New, &at); err != nil {
			return nil, err
		}
		if e.Old, err = decrypt(s.db.cipher, e.Old, eventPlace(e.InterviewID, e.Path, "old")); err != nil {
			return nil, err
		}
		if e.New, err = decrypt(s.db.cipher, e.New, eventPlace(e.InterviewID, e.Path, "new")); err != nil {
			return nil, err
		}
		e.Kind = survey.EventKind(kind)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
