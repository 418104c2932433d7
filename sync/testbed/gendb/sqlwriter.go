package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"tracer/survey"
)

// timeLayout is how the server's database stores times.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// sqlWriter writes the rows the roster upload and the submission store's ingest write, with
// prepared statements, in transactions of about batch rows. Every revision is new: the
// generator never sends one twice.
type sqlWriter struct {
	db    *sql.DB
	batch int

	tx                          *sql.Tx
	rows                        int
	insRoster, insSub, insState *sql.Stmt
	insEvent, insApproval       *sql.Stmt
	setApproved                 *sql.Stmt
	insAttempt, insReturn       *sql.Stmt
	insReturnEvent, setReturned *sql.Stmt
	rosterSeq, subSeq, eventSeq int64
	attemptSeq, returnSeq       int64
	fresh                       map[[2]string]int // new interviews per form version in tx
}

// begin starts a transaction with its statements and reads the counters.
func (w *sqlWriter) begin(ctx context.Context) error {
	if w.tx != nil {
		return nil
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	w.tx, w.rows = tx, 0
	// Random ids put each insert on another page of the indexes: keep them in memory.
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return err
	}
	w.fresh = map[[2]string]int{}
	for _, c := range []struct {
		name string
		v    *int64
	}{{"roster", &w.rosterSeq}, {"submission", &w.subSeq}, {"review", &w.eventSeq}, {"attempt", &w.attemptSeq}, {"return", &w.returnSeq}} {
		if err := tx.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = ?`, c.name).Scan(c.v); err != nil {
			return fmt.Errorf("counter %s: %w", c.name, err)
		}
	}
	for _, s := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.insRoster, `INSERT INTO server_roster (roster_id, seq, body, updated_at) VALUES (?, ?, ?, ?)`},
		{&w.insSub, `INSERT INTO submissions (seq, interview_id, revision, hash, body, form_id, form_version,
			respondent_id, enumerator, submitted_by, device_time, skew_ms, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.insState, `INSERT INTO reviews (interview_id, revision, state, approved_revision, updated_at, updated_by)
			VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (interview_id) DO UPDATE SET revision = excluded.revision, state = excluded.state,
			approved_revision = excluded.approved_revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by`},
		{&w.insEvent, `INSERT INTO review_history (seq, interview_id, revision, from_state, to_state, comment, questions, by_user, at)
			VALUES (?, ?, ?, ?, ?, '', '', ?, ?)`},
		// An approval moves the review on and carries the account that sent the revision.
		{&w.insApproval, `INSERT INTO review_history (seq, interview_id, revision, from_state, to_state, comment, questions, by_user, at, submitted_by)
			SELECT ?, interview_id, revision, state, 'approved', '', '', ?, ?, ? FROM reviews WHERE interview_id = ?`},
		{&w.setApproved, `UPDATE reviews SET state = 'approved', approved_revision = revision, updated_at = ?, updated_by = ? WHERE interview_id = ?`},
		{&w.insAttempt, `INSERT INTO server_attempts (id, roster_id, at, enumerator, mode, channel, outcome, callback_at, note, interview_id,
			seq, submitted_by, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		// A return names the account that sent the revision, which pulls it.
		{&w.insReturn, `INSERT INTO returns (seq, interview_id, revision, comment, returned_by, returned_at, submitted_by, questions)
			SELECT ?, interview_id, revision, ?, ?, ?, submitted_by, '' FROM submissions WHERE interview_id = ? AND revision = ?`},
		{&w.insReturnEvent, `INSERT INTO review_history (seq, interview_id, revision, from_state, to_state, comment, questions, by_user, at, submitted_by)
			SELECT ?, interview_id, revision, state, 'returned', ?, '', ?, ?, '' FROM reviews WHERE interview_id = ?`},
		// A return withdraws an approval.
		{&w.setReturned, `UPDATE reviews SET state = 'returned', approved_revision = 0, updated_at = ?, updated_by = ? WHERE interview_id = ?`},
	} {
		if *s.stmt, err = tx.PrepareContext(ctx, s.sql); err != nil {
			return err
		}
	}
	return nil
}

// commit stores the counters and the form counts and commits.
func (w *sqlWriter) commit(ctx context.Context) error {
	if w.tx == nil {
		return nil
	}
	tx := w.tx
	w.tx = nil
	for _, c := range []struct {
		name string
		v    int64
	}{{"roster", w.rosterSeq}, {"submission", w.subSeq}, {"review", w.eventSeq}, {"attempt", w.attemptSeq}, {"return", w.returnSeq}} {
		if _, err := tx.ExecContext(ctx, `UPDATE counters SET value = ? WHERE name = ?`, c.v, c.name); err != nil {
			tx.Rollback()
			return err
		}
	}
	for k, n := range w.fresh {
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_interviews (form_id, version, interviews) VALUES (?, ?, ?)
			ON CONFLICT (form_id, version) DO UPDATE SET interviews = interviews + excluded.interviews`, k[0], k[1], n); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// grow commits when the transaction holds batch rows or more.
func (w *sqlWriter) grow(ctx context.Context, n int) error {
	w.rows += n
	if w.rows < w.batch {
		return nil
	}
	return w.commit(ctx)
}

func (w *sqlWriter) roster(ctx context.Context, rows []*survey.Respondent) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	at := formatTime(rosterAt)
	for _, r := range rows {
		c := *r
		c.UpdatedAt = time.Time{}
		body, err := json.Marshal(c)
		if err != nil {
			return err
		}
		w.rosterSeq++
		if _, err := w.insRoster.ExecContext(ctx, r.RosterID, w.rosterSeq, body, at); err != nil {
			return err
		}
	}
	return w.grow(ctx, len(rows))
}

func (w *sqlWriter) submissions(ctx context.Context, subs []*survey.Submission) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	for _, s := range subs {
		at := receivedAt(s.DeviceTime)
		w.subSeq++
		if _, err := w.insSub.ExecContext(ctx, w.subSeq, s.InterviewID, s.Revision, s.Hash, s.Body, s.FormID, s.FormVersion,
			s.RespondentID, s.Enumerator, s.SubmittedBy, formatTime(s.DeviceTime), at.Sub(s.DeviceTime).Milliseconds(),
			formatTime(at)); err != nil {
			return err
		}
		// The generator writes an interview's revisions in order, each after a received one.
		var prev survey.ReviewState
		if s.Revision > 1 {
			prev = survey.ReviewReceived
		} else {
			w.fresh[[2]string{s.FormID, s.FormVersion}]++
		}
		e := survey.ReceivedEvent(prev, s.Revision-1, s, at)
		if _, err := w.insState.ExecContext(ctx, s.InterviewID, s.Revision, string(e.To), formatTime(at), s.SubmittedBy); err != nil {
			return err
		}
		w.eventSeq++
		if _, err := w.insEvent.ExecContext(ctx, w.eventSeq, s.InterviewID, s.Revision, string(e.From), string(e.To), s.SubmittedBy, formatTime(at)); err != nil {
			return err
		}
	}
	return w.grow(ctx, len(subs))
}

// approve approves each interview of as at its latest revision, which the generator has
// stored and not reviewed.
func (w *sqlWriter) approve(ctx context.Context, as []approval) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	for _, a := range as {
		w.eventSeq++
		at := formatTime(a.at)
		if _, err := w.insApproval.ExecContext(ctx, w.eventSeq, supervisor, at, a.enumerator, a.id); err != nil {
			return err
		}
		if _, err := w.setApproved.ExecContext(ctx, at, supervisor, a.id); err != nil {
			return err
		}
	}
	return w.grow(ctx, len(as))
}

// attempts stores attempts as the attempt ledger stores new ones its enumerators push, each
// received a few minutes after it was made.
func (w *sqlWriter) attempts(ctx context.Context, as []*survey.Attempt) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	for _, a := range as {
		w.attemptSeq++
		if _, err := w.insAttempt.ExecContext(ctx, a.ID, a.RosterID, formatTime(a.At), a.Enumerator, string(a.Mode), a.Channel, a.Outcome,
			formatTime(a.Callback), a.Note, a.InterviewID, w.attemptSeq, a.Enumerator, formatTime(receivedAt(a.At))); err != nil {
			return err
		}
	}
	return w.grow(ctx, len(as))
}

// returnFor returns each interview of rs for correction at its latest revision, which the
// generator has stored and not reviewed.
func (w *sqlWriter) returnFor(ctx context.Context, rs []approval) error {
	if err := w.begin(ctx); err != nil {
		return err
	}
	for _, r := range rs {
		at := formatTime(r.at)
		w.returnSeq++
		if _, err := w.insReturn.ExecContext(ctx, w.returnSeq, r.comment, supervisor, at, r.id, r.revision); err != nil {
			return err
		}
		w.eventSeq++
		if _, err := w.insReturnEvent.ExecContext(ctx, w.eventSeq, r.comment, supervisor, at, r.id); err != nil {
			return err
		}
		if _, err := w.setReturned.ExecContext(ctx, at, supervisor, r.id); err != nil {
			return err
		}
	}
	return w.grow(ctx, len(rs))
}

func (w *sqlWriter) close(ctx context.Context) error { return w.commit(ctx) }
