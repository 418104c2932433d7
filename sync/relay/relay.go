// Package relay is the forwarding half of a relay at an event (tracer serve --relay URL):
// the relay's server (sync/server in relay mode) keeps what laptops push, and a Forwarder
// sends it on to the centre exactly once, with the original ids, revisions and hashes,
// on behalf of the account that pushed it, retrying with backoff while the link is down;
// it also pulls from the centre what laptops pull (accounts, forms, the roster with its
// assignments, returns and approvals), under the centre's sequence numbers.
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/wire"
)

// Config holds what a Forwarder needs; the stores are the relay's own database.
type Config struct {
	// Centre is a client of the centre with the relay's token (a supervisor account).
	Centre   *client.Client
	Store    survey.RelayStore
	Forms    survey.FormStore
	Attempts survey.AttemptLedger
	// RosterUpdates holds the roster updates laptops pushed to the relay; none are
	// forwarded when nil.
	RosterUpdates survey.RosterUpdateLedger
	// Enrollments keeps the code verifiers pulled from the centre and the enrollments
	// made at the relay while the centre was out of reach, which each round confirms
	// there first; nil: neither.
	Enrollments survey.RelayEnrollStore
	// Cursors keeps how far each pull and the attempts' forwarding got.
	Cursors survey.SyncStateStore
	Logger  *slog.Logger
	// Every is the wait between rounds that went well (default 15s); a push to the relay
	// starts a round at once. After a failed round the wait starts at MinBackoff and
	// doubles up to MaxBackoff (defaults 1s and 1 minute).
	Every                  time.Duration
	MinBackoff, MaxBackoff time.Duration
	// Batch is the most items forwarded in one request (default 200).
	Batch int
}

// Cursor names in Config.Cursors.
const (
	CursorAttempts = "relay.attempts"
	CursorUpdates  = "relay.roster_updates"
	CursorRoster   = "relay.roster"
	CursorReturned = "relay.returned"
	CursorApproved = "relay.approved"
	CursorRefused  = "relay.refused"
)

// Forwarder runs a relay's rounds. It is safe for concurrent use; rounds do not overlap.
type Forwarder struct {
	cfg  Config
	log  *slog.Logger
	wake chan struct{}
	busy chan struct{}
}

// New returns a Forwarder on cfg.
func New(cfg Config) *Forwarder {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Every <= 0 {
		cfg.Every = 15 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(time.Minute, cfg.MinBackoff)
	}
	if cfg.Batch <= 0 || cfg.Batch > wire.MaxBatch {
		cfg.Batch = 200
	}
	return &Forwarder{cfg: cfg, log: cfg.Logger, wake: make(chan struct{}, 1), busy: make(chan struct{}, 1)}
}

// Wake starts a round soon (after a push stored something new). It never blocks.
func (f *Forwarder) Wake() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Round is what one round did.
type Round struct {
	// Forwarded counts items the centre answered for as safe (stored or already there);
	// Refused those it refused for good; Waiting those it did not take yet.
	Forwarded, Refused, Waiting int
	// Attempts and Updates count contact attempts and roster updates the centre settled.
	Attempts, Updates int
	// Forms, RosterRows, Returns and Approvals count what was pulled.
	Forms, RosterRows, Returns, Approvals int
	// Confirmed counts the enrollments made here offline that the centre confirmed;
	// Unconfirmed lists those it refused (with its message), whose interviews stay held
	// here; Codes counts the code verifiers the relay holds after the round.
	Confirmed   int
	Unconfirmed []survey.RelayEnrollment
	Codes       int
	// Late lists the late refusals pulled (survey.LateRefusal): revisions this relay or
	// another took that the centre refused for good; the laptops that sent them learn it
	// at their next sync.
	Late []survey.LateRefusal
}

// Changed reports whether the round moved anything.
func (r Round) Changed() bool {
	return r.Forwarded+r.Refused+r.Attempts+r.Updates+r.Forms+r.RosterRows+r.Returns+r.Approvals+len(r.Late)+
		r.Confirmed+len(r.Unconfirmed) > 0
}

// Run runs rounds until ctx ends: after a round that went well it waits Every (or a
// Wake), after one that failed (the centre unreachable) a backoff that doubles each
// time. report, when not nil, receives each round that changed something or failed.
func (f *Forwarder) Run(ctx context.Context, report func(Round, error)) error {
	wait := time.Duration(0)
	backoff := f.cfg.MinBackoff
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-f.wake:
			t.Stop()
		case <-t.C:
		}
		r, err := f.Round(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if report != nil && (err != nil || r.Changed()) {
			report(r, err)
		}
		if err != nil {
			f.log.LogAttrs(ctx, slog.LevelWarn, "relay round failed", slog.String("err", err.Error()), slog.Duration("retry_in", backoff))
			wait, backoff = backoff, min(backoff*2, f.cfg.MaxBackoff)
			continue
		}
		wait, backoff = f.cfg.Every, f.cfg.MinBackoff
	}
}

// Round forwards what is pending and pulls what is new, once. It stops at the first
// request that fails after the client's retries and returns what it did so far; what was
// not answered for stays pending for the next round.
func (f *Forwarder) Round(ctx context.Context) (Round, error) {
	select {
	case f.busy <- struct{}{}:
		defer func() { <-f.busy }()
	case <-ctx.Done():
		return Round{}, ctx.Err()
	}
	var r Round
	steps := []struct {
		name string
		fn   func(context.Context, *Round) error
	}{
		{"enrollments", f.confirm}, {"accounts", f.accounts}, {"codes", f.codes}, {"interviews", f.forward}, {"attempts", f.forwardAttempts}, {"roster updates", f.forwardUpdates},
		{"forms", f.forms}, {"roster", f.roster}, {"returns", f.returns}, {"approvals", f.approvals},
		{"refusals", f.refusals},
	}
	for _, s := range steps {
		if err := s.fn(ctx, &r); err != nil {
			return r, fmt.Errorf("relay %s: %w", s.name, err)
		}
	}
	return r, nil
}

func (f *Forwarder) accounts(ctx context.Context, _ *Round) error {
	list, err := f.cfg.Centre.RelayAccounts(ctx)
	if err != nil {
		return err
	}
	return f.cfg.Store.MirrorAccounts(ctx, list)
}

// confirm asks the centre to confirm each enrollment made here offline (and to keep the
// laptop's data key it carries), and records each answer. It runs first in a round, so
// that a confirmed token is among the accounts' tokens pulled next and the interviews
// it pushed go on in the same round. A relay cut off after the centre confirmed asks
// again and is answered the same: the centre consumes each code once.
func (f *Forwarder) confirm(ctx context.Context, r *Round) error {
	if f.cfg.Enrollments == nil {
		return nil
	}
	list, err := f.cfg.Enrollments.Enrollments(ctx, true)
	if err != nil {
		return err
	}
	for _, e := range list {
		c, err := f.cfg.Centre.RelayEnroll(ctx, e)
		if err != nil {
			return err
		}
		keySent := c.Confirmed && len(e.SealedKey) > 0
		if err := f.cfg.Enrollments.Settle(ctx, e.ID, c, keySent); err != nil {
			return err
		}
		switch {
		case c.Confirmed && e.State == survey.EnrollPending:
			r.Confirmed++
			f.log.LogAttrs(ctx, slog.LevelInfo, "the centre confirmed an enrollment made here", slog.String("user", e.User),
				slog.String("enrollment", e.ID))
		case !c.Confirmed && e.State == survey.EnrollPending:
			e.State, e.RefusedCode, e.Message, e.Code, e.SealedKey = survey.EnrollRefused, c.Code, c.Message, "", nil
			r.Unconfirmed = append(r.Unconfirmed, e)
			f.log.LogAttrs(ctx, slog.LevelWarn, "the centre refused an enrollment made here; its interviews stay held",
				slog.String("user", e.User), slog.String("enrollment", e.ID), slog.String("code", c.Code), slog.Int("held", e.Held))
		}
	}
	return nil
}

// codes pulls the verifiers of the centre's unused codes, for laptops to enroll here
// while the centre is out of reach. A centre that gives none (an older one) is no error.
func (f *Forwarder) codes(ctx context.Context, r *Round) error {
	if f.cfg.Enrollments == nil {
		return nil
	}
	list, err := f.cfg.Centre.RelayCodes(ctx)
	if survey.ErrorCode(err) == survey.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := f.cfg.Enrollments.MirrorCodes(ctx, list); err != nil {
		return err
	}
	r.Codes = len(list)
	return nil
}

// forward sends every pending item once in this round, in batches of one account's items.
func (f *Forwarder) forward(ctx context.Context, r *Round) error {
	after := int64(0)
	for {
		items, err := f.cfg.Store.Pending(ctx, after, f.cfg.Batch)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		after = items[len(items)-1].Seq
		for len(items) > 0 {
			n := 1
			for n < len(items) && items[n].SubmittedBy == items[0].SubmittedBy {
				n++
			}
			err := f.forwardBatch(ctx, items[:n], r)
			if survey.ErrorCode(err) == survey.EFORBIDDEN {
				// The centre does not take this account's pushes (revoked there): its
				// items stay here, waiting, and the other accounts' go on.
				f.log.LogAttrs(ctx, slog.LevelWarn, "the centre refused a relayed account's batch; its interviews wait here",
					slog.String("for", items[0].SubmittedBy), slog.String("err", err.Error()))
				r.Waiting += n
			} else if err != nil {
				return err
			}
			items = items[n:]
		}
	}
}

func (f *Forwarder) forwardBatch(ctx context.Context, batch []*survey.RelayItem, r *Round) error {
	req := make([]wire.PushItem, len(batch))
	for i, it := range batch {
		req[i] = wire.PushItem{ID: it.InterviewID, Revision: it.Revision, Hash: it.Hash, Body: it.Body, Sealed: it.Sealed}
	}
	resp, err := f.cfg.Centre.RelayPush(ctx, batch[0].SubmittedBy, batch[0].DeviceTime, req)
	if err != nil {
		return err
	}
	results := make([]survey.RelayForward, len(batch))
	for i, rc := range resp.Receipts {
		it := batch[i]
		if rc.InterviewID != it.InterviewID || rc.Revision != it.Revision || rc.Hash != it.Hash {
			return fmt.Errorf("receipt %d names %s revision %d, not the interview sent", i+1, rc.InterviewID, rc.Revision)
		}
		results[i] = survey.RelayForward{Seq: it.Seq, Receipt: rc.Receipt}
		switch o := rc.Outcome(); {
		case rc.Safe():
			r.Forwarded++
		case o.Final():
			r.Refused++
			f.log.LogAttrs(ctx, slog.LevelWarn, "the centre refused a relayed interview", slog.String("interview", it.InterviewID),
				slog.Int("revision", it.Revision), slog.String("for", it.SubmittedBy), slog.String("code", rc.Code))
		default:
			r.Waiting++
		}
	}
	return f.cfg.Store.Forwarded(ctx, results)
}

// forwardAttempts sends the attempts stored after the cursor (see forwardLedger).
func (f *Forwarder) forwardAttempts(ctx context.Context, r *Round) error {
	if f.cfg.Attempts == nil {
		return nil
	}
	return forwardLedger(ctx, f, CursorAttempts, &r.Attempts,
		func(after int64) ([]*survey.Attempt, error) {
			return f.cfg.Attempts.List(ctx, survey.AttemptFilter{After: after, Limit: f.cfg.Batch})
		},
		func(a *survey.Attempt) (int64, string, string) { return a.Seq, a.SubmittedBy, a.ID },
		func(by string, batch []*survey.Attempt) ([]survey.AttemptReceipt, error) {
			send := make([]*survey.Attempt, len(batch))
			for i, a := range batch {
				c := *a
				c.SubmittedBy, c.Seq, c.ReceivedAt = "", 0, time.Time{}
				send[i] = &c
			}
			resp, err := f.cfg.Centre.RelayAttempts(ctx, by, send)
			if err != nil {
				return nil, err
			}
			return resp.Receipts, nil
		})
}

// forwardUpdates sends the roster updates stored after the cursor (see forwardLedger).
func (f *Forwarder) forwardUpdates(ctx context.Context, r *Round) error {
	if f.cfg.RosterUpdates == nil {
		return nil
	}
	return forwardLedger(ctx, f, CursorUpdates, &r.Updates,
		func(after int64) ([]*survey.RosterUpdate, error) {
			return f.cfg.RosterUpdates.List(ctx, survey.UpdateFilter{After: after, Limit: f.cfg.Batch})
		},
		func(u *survey.RosterUpdate) (int64, string, string) { return u.Seq, u.SubmittedBy, u.ID },
		func(by string, batch []*survey.RosterUpdate) ([]survey.AttemptReceipt, error) {
			send := make([]*survey.RosterUpdate, len(batch))
			for i, u := range batch {
				send[i] = &survey.RosterUpdate{ID: u.ID, RosterID: u.RosterID, Field: u.Field, Value: u.Value, Old: u.Old,
					Note: u.Note, ProposedBy: u.ProposedBy, ProposedAt: u.ProposedAt, AttemptID: u.AttemptID, InterviewID: u.InterviewID}
			}
			resp, err := f.cfg.Centre.RelayRosterUpdates(ctx, by, send)
			if err != nil {
				return nil, err
			}
			return resp.Receipts, nil
		})
}

// forwardLedger sends what a ledger of the relay (attempts, roster updates) stored after
// the cursor name, one account's run at a time, and counts in n what the centre settled.
// The cursor moves past an entry once the centre has settled it (safe or refused for
// good), so one the centre did not take yet is sent again next round, with what follows.
func forwardLedger[T any](ctx context.Context, f *Forwarder, name string, n *int,
	list func(after int64) ([]T, error), key func(T) (seq int64, by, id string),
	send func(by string, batch []T) ([]survey.AttemptReceipt, error)) error {
	after, err := f.cfg.Cursors.Cursor(ctx, name)
	if err != nil {
		return err
	}
	for {
		page, err := list(after)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for len(page) > 0 {
			_, by, _ := key(page[0])
			k := 1
			for k < len(page) {
				if _, b, _ := key(page[k]); b != by {
					break
				}
				k++
			}
			batch := page[:k]
			page = page[k:]
			rcs, err := send(by, batch)
			if err != nil {
				return err
			}
			for i, rc := range rcs {
				seq, _, id := key(batch[i])
				if rc.ID != id {
					return fmt.Errorf("receipt %d names %s, not the entry sent", i+1, rc.ID)
				}
				if rc.Outcome() == survey.OutcomeWaiting {
					// Kept for the next round, with everything after it.
					return f.cfg.Cursors.SetCursor(ctx, name, after)
				}
				*n++
				after = seq
			}
			if err := f.cfg.Cursors.SetCursor(ctx, name, after); err != nil {
				return err
			}
		}
	}
}

// forms pulls the published forms the relay does not hold, checks each one's hash and
// keeps it as the centre published it; retirements follow the centre.
func (f *Forwarder) forms(ctx context.Context, r *Round) error {
	list, err := f.cfg.Centre.Forms(ctx)
	if err != nil {
		return err
	}
	local, err := f.cfg.Forms.Forms(ctx)
	if err != nil {
		return err
	}
	have := map[string]*survey.PublishedForm{}
	for _, pf := range local {
		have[pf.ID+"@"+pf.Version] = pf
	}
	for _, pf := range list {
		if _, ok := have[pf.ID+"@"+pf.Version]; !ok {
			full, err := f.cfg.Centre.Form(ctx, pf.ID, pf.Version)
			if err != nil {
				return err
			}
			if survey.HashBytes(full.Source) != pf.Hash {
				return fmt.Errorf("form %s version %s: the bytes pulled do not match their hash", pf.ID, pf.Version)
			}
			if _, err := f.cfg.Forms.Publish(ctx, full); err != nil {
				return fmt.Errorf("keep form %s version %s: %w", pf.ID, pf.Version, err)
			}
			r.Forms++
		}
	}
	// A form retired at the centre is retired here too (retiring is per form id).
	retired := map[string]bool{}
	for _, pf := range list {
		if pf.Retired {
			retired[pf.ID] = true
		}
	}
	for _, pf := range local {
		if retired[pf.ID] && !pf.Retired {
			if err := f.cfg.Forms.Retire(ctx, pf.ID, "centre"); err != nil && survey.ErrorCode(err) != survey.ENOTFOUND {
				return err
			}
			retired[pf.ID] = false
		}
	}
	return nil
}

func (f *Forwarder) roster(ctx context.Context, r *Round) error {
	return pull(ctx, f, CursorRoster, func(after int64) (int64, bool, int, error) {
		page, err := f.cfg.Centre.RelayRoster(ctx, after)
		if err != nil {
			return 0, false, 0, err
		}
		if err := f.cfg.Store.MirrorRoster(ctx, page.Rows); err != nil {
			return 0, false, 0, err
		}
		r.RosterRows += len(page.Rows)
		return page.Next, page.More, len(page.Rows), nil
	})
}

func (f *Forwarder) returns(ctx context.Context, r *Round) error {
	return pull(ctx, f, CursorReturned, func(after int64) (int64, bool, int, error) {
		page, err := f.cfg.Centre.RelayReturned(ctx, after)
		if err != nil {
			return 0, false, 0, err
		}
		if err := f.cfg.Store.MirrorReturns(ctx, page.Returns); err != nil {
			return 0, false, 0, err
		}
		r.Returns += len(page.Returns)
		return page.Next, page.More, len(page.Returns), nil
	})
}

func (f *Forwarder) approvals(ctx context.Context, r *Round) error {
	return pull(ctx, f, CursorApproved, func(after int64) (int64, bool, int, error) {
		page, err := f.cfg.Centre.RelayApproved(ctx, after)
		if err != nil {
			return 0, false, 0, err
		}
		if err := f.cfg.Store.MirrorApprovals(ctx, page.Approvals); err != nil {
			return 0, false, 0, err
		}
		r.Approvals += len(page.Approvals)
		return page.Next, page.More, len(page.Approvals), nil
	})
}

// refusals pulls the centre's late refusals, so that a laptop syncing with the relay
// learns that a revision the relay took was refused at the centre.
func (f *Forwarder) refusals(ctx context.Context, r *Round) error {
	return pull(ctx, f, CursorRefused, func(after int64) (int64, bool, int, error) {
		page, err := f.cfg.Centre.Refused(ctx, after)
		if err != nil {
			return 0, false, 0, err
		}
		if err := f.cfg.Store.MirrorLateRefusals(ctx, page.Refusals); err != nil {
			return 0, false, 0, err
		}
		r.Late = append(r.Late, page.Refusals...)
		return page.Next, page.More, len(page.Refusals), nil
	})
}

// maxPages bounds every pull loop.
const maxPages = 100000

// pull pages from the cursor name on, storing the cursor after each page.
func pull(ctx context.Context, f *Forwarder, name string, page func(after int64) (next int64, more bool, n int, err error)) error {
	after, err := f.cfg.Cursors.Cursor(ctx, name)
	if err != nil {
		return err
	}
	for range maxPages {
		next, more, n, err := page(after)
		if err != nil {
			return err
		}
		if n > 0 {
			after = next
			if err := f.cfg.Cursors.SetCursor(ctx, name, after); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
	}
	return nil
}

// Upstream is the centre as the relay's server reaches it on a laptop's behalf
// (server.Upstream): an unreachable centre is an EUNAVAILABLE error.
type Upstream struct {
	Centre *client.Client
}

var _ server.Upstream = Upstream{}

// Enroll passes an enrollment code to the centre.
func (u Upstream) Enroll(ctx context.Context, code, device, laptopID string) (*wire.EnrollResponse, error) {
	resp, err := u.Centre.As("").Enroll(ctx, code, device, laptopID)
	return resp, unavailable(err)
}

// PutLaptopKey passes a laptop's sealed data key to the centre with the laptop's token.
func (u Upstream) PutLaptopKey(ctx context.Context, token, laptopID string, sealed []byte) error {
	return unavailable(u.Centre.As(token).PutLaptopKey(ctx, laptopID, sealed))
}

func unavailable(err error) error {
	if errors.Is(err, client.ErrUnreachable) {
		return survey.Errorf(survey.EUNAVAILABLE, "The relay cannot reach the centre now; try again when it is online.")
	}
	return err
}

// Purge drops from a relay's database what is safe at the centre (see
// survey.RelayStore.Purge): the revisions the centre answered for as stored, the attempts
// and roster updates the forwarder has settled (its cursors in cursors), and, when nothing
// waits any more, the copies pulled from the centre, whose cursors are reset so that a
// relay started again pulls them afresh.
func Purge(ctx context.Context, store survey.RelayStore, cursors survey.SyncStateStore) (survey.RelayPurged, error) {
	attempts, err := cursors.Cursor(ctx, CursorAttempts)
	if err != nil {
		return survey.RelayPurged{}, err
	}
	updates, err := cursors.Cursor(ctx, CursorUpdates)
	if err != nil {
		return survey.RelayPurged{}, err
	}
	return store.Purge(ctx, survey.RelayPurge{AttemptsThrough: attempts, UpdatesThrough: updates,
		PullCursors: []string{CursorRoster, CursorReturned, CursorApproved, CursorRefused}})
}
