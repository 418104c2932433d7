package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	gosync "sync"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/wire"
	"tracer/tui"
)

// cursorLastSync is the SyncStateStore cursor that keeps the end of the laptop's last good
// sync, from the TUI or "tracer sync", as Unix seconds.
const cursorLastSync = "last_sync"

// tuiSyncer adapts the sync client to tui.Syncer. The client's summary counts what it
// pushed; the screen shows every interview's receipt, so the adapter reads the receipts
// off the answers as they pass.
type tuiSyncer struct {
	c      *client.Client
	laptop client.Laptop
	state  survey.SyncStateStore
	now    func() time.Time
	tap    *answerTap
	store  *countingStore
	mu     gosync.Mutex // one sync at a time
}

// newTUISyncer returns the TUI's link to the server at url. hc may be nil.
func newTUISyncer(url, token string, laptop client.Laptop, hc *http.Client, opts ...client.Option) (*tuiSyncer, error) {
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	tap := &answerTap{next: hc.Transport}
	if tap.next == nil {
		tap.next = http.DefaultTransport
	}
	tapped := *hc
	tapped.Transport = tap
	c, err := client.NewClient(url, append([]client.Option{client.WithToken(token), client.WithHTTPClient(&tapped),
		client.WithRetry(3, 250*time.Millisecond, 2*time.Second)}, opts...)...)
	if err != nil {
		return nil, err
	}
	store := &countingStore{InterviewStore: laptop.Interviews, tap: tap}
	s := &tuiSyncer{c: c, state: laptop.State, now: time.Now, tap: tap, store: store}
	s.laptop = laptop
	s.laptop.Interviews = store
	return s, nil
}

// Online reports whether the server answers its health check.
func (s *tuiSyncer) Online(ctx context.Context) bool { return s.c.Health(ctx) == nil }

// LastSync reads when the TUI last synced without error.
func (s *tuiSyncer) LastSync(ctx context.Context) (time.Time, error) {
	if s.state == nil {
		return time.Time{}, nil
	}
	v, err := s.state.Cursor(ctx, cursorLastSync)
	if err != nil || v == 0 {
		return time.Time{}, err
	}
	return time.Unix(v, 0), nil
}

// Sync runs one sync and turns its receipts into the outcome of each pushed revision.
func (s *tuiSyncer) Sync(ctx context.Context, progress func(tui.SyncProgress)) (tui.SyncSummary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tap.start(progress)
	sum, err := s.c.Sync(ctx, s.laptop, nil)
	out := tui.SyncSummary{Unreachable: client.IsUnreachable(err)}
	if sum != nil {
		out.Skipped, out.Forms, out.RosterRows, out.Returned = sum.Skipped, sum.Forms, sum.RosterRows, sum.Returned
	}
	for _, rc := range s.tap.receipts() {
		o := tui.SyncOutcome{InterviewID: rc.InterviewID, Revision: rc.Revision}
		switch {
		case rc.Status == survey.ReceiptStored:
			o.Outcome = tui.OutcomePushed
		case rc.Status == survey.ReceiptDuplicate:
			o.Outcome = tui.OutcomeAlready
		case rc.Status == survey.ReceiptConflict || (rc.Status == survey.ReceiptRefused && rc.Code == survey.EINVALID):
			o.Outcome, o.Reason = tui.OutcomeRefused, rc.Message
		default:
			o.Outcome, o.Reason = tui.OutcomeWaiting, rc.Message
		}
		out.Outcomes = append(out.Outcomes, o)
	}
	if err != nil {
		return out, syncError(s.c, err)
	}
	if s.state != nil {
		if err := s.state.SetCursor(ctx, cursorLastSync, s.now().Unix()); err != nil {
			return out, fmt.Errorf("store the time of the sync: %w", err)
		}
	}
	return out, nil
}

// answerTap is an http.RoundTripper that reads the receipts of pushes off the server's
// answers, leaving them unchanged.
type answerTap struct {
	next http.RoundTripper

	mu       gosync.Mutex
	got      []survey.Receipt
	progress func(tui.SyncProgress)
	done     int
	total    int
}

func (t *answerTap) start(progress func(tui.SyncProgress)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.got, t.done, t.total = nil, 0, 0
	t.progress = progress
}

func (t *answerTap) receipts() []survey.Receipt {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]survey.Receipt(nil), t.got...)
}

// step counts n more interviews answered for and reports the progress.
func (t *answerTap) step(n, total int) {
	t.mu.Lock()
	t.done += n
	if total > 0 {
		t.total = total
	}
	p, f := tui.SyncProgress{Done: min(t.done, t.total), Total: t.total}, t.progress
	t.mu.Unlock()
	if f != nil && p.Total > 0 {
		f(p)
	}
}

func (t *answerTap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode/100 != 2 {
		return resp, err
	}
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, wire.Prefix+"/interviews/push") {
		return resp, nil
	}
	data, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if rerr != nil {
		return resp, nil // the client sees the short body and retries
	}
	var pr wire.PushResponse
	if json.Unmarshal(data, &pr) == nil {
		unsafe := 0
		t.mu.Lock()
		for _, rc := range pr.Receipts {
			t.got = append(t.got, rc.Receipt)
			if !rc.Safe() {
				unsafe++
			}
		}
		t.mu.Unlock()
		t.step(unsafe, 0) // the safe ones count when they are marked sent
	}
	return resp, nil
}

// countingStore is the laptop's interview store as the sync sees it: it counts the outbox
// as the server confirms it.
type countingStore struct {
	survey.InterviewStore
	tap *answerTap
}

func (s *countingStore) Outbox(ctx context.Context, limit int) ([]*survey.OutboxItem, error) {
	items, err := s.InterviewStore.Outbox(ctx, limit)
	if err == nil {
		s.tap.step(0, len(items))
	}
	return items, err
}

func (s *countingStore) MarkSent(ctx context.Context, id string, revision int, hash string) error {
	err := s.InterviewStore.MarkSent(ctx, id, revision, hash)
	if err == nil {
		s.tap.step(1, 0)
	}
	return err
}
