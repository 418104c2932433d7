package survey

import (
	"context"
	"time"
)

// The server's ledgers of what the field sends besides interviews (contact attempts and
// roster updates) take a pushed batch the same way: each entry is checked, then answered
// duplicate (the same entry was kept before), conflict (another content under a kept id,
// kept apart) or stored. IngestEntries is that decision, once; each engine gives it the
// reads and writes of its own SQL as a LedgerTx.

// LedgerEntry is an entry of a server ledger: *Attempt or *RosterUpdate.
type LedgerEntry[T any] interface {
	*Attempt | *RosterUpdate
	// Validate checks the entry against now (EINVALID naming what is wrong).
	Validate(now time.Time) error
	// Same reports whether the entry records the same as b.
	Same(b T) bool
	entry() ledgerEntry
}

// ledgerEntry is what the decision reads of an entry, whatever its kind.
type ledgerEntry struct {
	noun     string // "Attempt", "Roster update"
	id       string
	rosterID string
	author   string    // the account the entry names as its maker
	at       time.Time // when it was made
	seq      int64
}

func (a *Attempt) entry() ledgerEntry {
	return ledgerEntry{noun: "Attempt", id: a.ID, rosterID: a.RosterID, author: a.Enumerator, at: a.At, seq: a.Seq}
}

func (u *RosterUpdate) entry() ledgerEntry {
	return ledgerEntry{noun: "Roster update", id: u.ID, rosterID: u.RosterID, author: u.ProposedBy, at: u.ProposedAt, seq: u.Seq}
}

// LedgerTx is one engine's transaction as IngestEntries uses it: the reads and writes of
// its SQL, all inside the one transaction that stores the batch.
type LedgerTx[T any] interface {
	// Assigned reports whether the roster has any assignment.
	Assigned(ctx context.Context) (bool, error)
	// Stored returns the entry kept under id (with its sequence number), ok false when none.
	Stored(ctx context.Context, id string) (x T, ok bool, err error)
	// KeepConflict keeps x, another content under an id already kept, apart for the
	// supervisor, as pushed by by.
	KeepConflict(ctx context.Context, x T, by string) error
	// Roster returns the roster row of id, its personal values readable, and the account
	// it is assigned to ("" when none); ok false when the roster has no such row.
	Roster(ctx context.Context, id string) (row *Respondent, owner string, ok bool, err error)
	// HeldAt reports whether roster row id was assigned to user at t.
	HeldAt(ctx context.Context, id, user string, t time.Time) (bool, error)
	// Settled returns, for an entry the ledger already answers for in substance (a roster
	// update whose value the row has, or whose same value is pending), why, with the
	// sequence number of the entry that does (0 when none); "" when x is new.
	Settled(ctx context.Context, x T, row *Respondent) (why string, seq int64, err error)
	// Store keeps x, pushed by by, under a new sequence number and returns the number.
	Store(ctx context.Context, x T, by string) (int64, error)
}

// IngestEntries decides, inside the engine's transaction tx, what becomes of each entry of
// a batch pushed by account by (enumerator: an enumerator account) at now, and returns one
// receipt per entry, in order: refused (an entry dated after now, EUNAVAILABLE, which the
// laptop sends again; an entry that does not validate; an enumerator's
// entry naming another account, or an alumnus not assigned to her once the roster has
// assignments, EFORBIDDEN; an alumnus not on the roster, ENOTFOUND, which the laptop sends
// again), duplicate (the same entry kept before, or settled in substance), conflict
// (ECONFLICT: another content under a kept id, kept apart) or stored. A Go error means the
// transaction failed and nothing of the batch is kept.
func IngestEntries[T LedgerEntry[T]](ctx context.Context, tx LedgerTx[T], entries []T, by string, enumerator bool, now time.Time) ([]AttemptReceipt, error) {
	receipts := make([]AttemptReceipt, len(entries))
	assigned, err := tx.Assigned(ctx)
	if err != nil {
		return nil, err
	}
	for i, x := range entries {
		r := &receipts[i]
		e := x.entry()
		*r = AttemptReceipt{ID: e.id}
		refuse := func(err error) {
			r.Status, r.Code, r.Message = ReceiptRefused, ErrorCode(err), ErrorMessage(err)
		}
		// An entry dated after this clock waits rather than being refused for good: the laptop
		// checked the date against its own clock when the entry was made, so one of the two
		// clocks is wrong, and it may be this one (a relay at an event whose clock was never
		// set). Refused for good, it would never reach the centre; waiting, the laptop sends it
		// again at each sync and it is taken once the clocks agree.
		if !e.at.IsZero() && e.at.After(now.Add(FutureSlack)) {
			refuse(Errorf(EUNAVAILABLE, "%s %s for %s is dated %s, after this server's clock (now %s): it stays on the laptop and is sent again at each sync. Check the laptop's date and time; if they are right, the server's clock is wrong: tell the supervisor.",
				e.noun, e.id, e.rosterID, e.at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
			continue
		}
		if err := x.Validate(now); err != nil {
			refuse(err)
			continue
		}
		if enumerator && e.author != by {
			refuse(Errorf(EFORBIDDEN, "%s %s names %q as its maker; an enumerator sends only her own (%s).", e.noun, e.id, e.author, by))
			continue
		}
		old, ok, err := tx.Stored(ctx, e.id)
		if err != nil {
			return nil, err
		}
		if ok {
			r.Seq = old.entry().seq
			if old.Same(x) {
				r.Status = ReceiptDuplicate
				continue
			}
			if err := tx.KeepConflict(ctx, x, by); err != nil {
				return nil, err
			}
			r.Status, r.Code = ReceiptConflict, ECONFLICT
			r.Message = "Another content was stored for " + lowerFirst(e.noun) + " " + e.id + " before; both are kept for the supervisor."
			continue
		}
		row, owner, ok, err := tx.Roster(ctx, e.rosterID)
		if err != nil {
			return nil, err
		}
		if !ok {
			refuse(Errorf(ENOTFOUND, "%s %s: the server's roster has no alumnus %s yet; it is kept and sent again next sync.", e.noun, e.id, e.rosterID))
			continue
		}
		if enumerator && assigned && owner != by {
			held, err := tx.HeldAt(ctx, e.rosterID, by, e.at)
			if err != nil {
				return nil, err
			}
			if !held { // made while the alumnus was hers: kept as hers
				who := "nobody"
				if owner != "" {
					who = "another enumerator"
				}
				refuse(Errorf(EFORBIDDEN, "%s %s: alumnus %s is not assigned to %s (assigned to %s); ask the supervisor to assign it.",
					e.noun, e.id, e.rosterID, by, who))
				continue
			}
		}
		why, seq, err := tx.Settled(ctx, x, row)
		if err != nil {
			return nil, err
		}
		if why != "" {
			r.Status, r.Seq, r.Message = ReceiptDuplicate, seq, why
			continue
		}
		if r.Seq, err = tx.Store(ctx, x, by); err != nil {
			return nil, err
		}
		r.Status = ReceiptStored
	}
	return receipts, nil
}

// lowerFirst lowers the first letter of an ASCII noun.
func lowerFirst(s string) string {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}
