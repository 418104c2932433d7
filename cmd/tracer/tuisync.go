package main

import (
	"context"
	"fmt"
	"net/http"
	gosync "sync"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/tui"
)

// cursorLastSync is the SyncStateStore cursor that keeps the end of the laptop's last good
// sync, from the TUI or "tracer sync", as Unix seconds.
const cursorLastSync = "last_sync"

// tuiSyncer adapts the sync client to tui.Syncer: one sync at a time, and the time of the
// last good one kept for the screens.
type tuiSyncer struct {
	c      *client.Client
	laptop client.Laptop
	state  survey.SyncStateStore
	now    func() time.Time
	mu     gosync.Mutex // one sync at a time
}

// newTUISyncer returns the TUI's link to the server at url. hc may be nil.
func newTUISyncer(url, token string, laptop client.Laptop, hc *http.Client, opts ...client.Option) (*tuiSyncer, error) {
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	c, err := client.NewClient(url, append([]client.Option{client.WithToken(token), client.WithHTTPClient(hc),
		client.WithRetry(3, 250*time.Millisecond, 2*time.Second)}, opts...)...)
	if err != nil {
		return nil, err
	}
	return &tuiSyncer{c: c, laptop: laptop, state: laptop.State, now: time.Now}, nil
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

// Sync runs one sync and records its time when it went through.
func (s *tuiSyncer) Sync(ctx context.Context, progress func(survey.SyncProgress)) (*survey.SyncSummary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum, err := s.c.Sync(ctx, s.laptop, progress)
	if err != nil {
		return sum, syncError(s.c, err)
	}
	if s.state != nil {
		if err := s.state.SetCursor(ctx, cursorLastSync, s.now().Unix()); err != nil {
			return sum, fmt.Errorf("store the time of the sync: %w", err)
		}
	}
	return sum, nil
}

// Ensure tuiSyncer implements tui.Syncer.
var _ tui.Syncer = (*tuiSyncer)(nil)
