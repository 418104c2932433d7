package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"

	"tracer/survey"
	"tracer/sync/bundle"
	"tracer/sync/wire"
)

// Import is what importing one outbox bundle did.
type Import struct {
	// User is the account whose laptop wrote the bundle; Bundle its id.
	User, Bundle string
	// Receipts are the answers, as a push would have had them.
	Receipts wire.BundleReceipts
	// Sealed is the receipts bundle to carry back to the laptop.
	Sealed []byte
}

// ImportBundle imports an outbox bundle a laptop wrote with no network (sync/bundle): it
// verifies the bundle under the keys of its account's live tokens, then checks and stores
// its interviews, attempts and roster updates exactly as a push of that account (on a relay: keeps them
// for the centre), and returns the receipts sealed for the laptop. Importing the same
// bundle again stores nothing new: every receipt says duplicate. A bundle that does not
// verify returns bundle.ErrTampered and nothing is stored.
func (s *Server) ImportBundle(ctx context.Context, data []byte) (*Import, error) {
	if s.cfg.Accounts == nil {
		return nil, survey.Errorf(survey.ENOTFOUND, "This server takes no bundles.")
	}
	h, _, err := bundle.ReadHeader(data)
	if err != nil {
		return nil, err
	}
	if h.Kind != bundle.KindOutbox {
		return nil, survey.Errorf(survey.EINVALID, "This is a %s bundle; a relay or server imports outbox bundles.", h.Kind)
	}
	accounts, err := s.cfg.Accounts.RelayAccounts(ctx)
	if err != nil {
		return nil, err
	}
	var hashes []string
	for _, a := range accounts {
		if a.Name == h.User {
			hashes = a.TokenHashes
		}
	}
	h, plain, tokenHash, err := bundle.Open(data, hashes)
	if err != nil {
		return nil, err
	}
	var out wire.BundleOutbox
	if err := wire.Decode(bytes.NewReader(plain), &out); err != nil {
		return nil, err
	}
	u, err := s.relayed(ctx, h.User)
	if err != nil {
		return nil, err
	}
	// A bundle of a laptop enrolled at this relay offline: its interviews are held and its
	// attempts and roster updates wait on the laptop until the centre confirms it.
	enrollment, err := s.enrollmentOf(ctx, tokenHash)
	if err != nil {
		return nil, err
	}
	pending := enrollment != nil && enrollment.State == survey.EnrollPending
	heldFor := ""
	if enrollment != nil {
		heldFor = enrollment.ID
	}
	res := &Import{User: u.Name, Bundle: h.ID, Receipts: wire.BundleReceipts{Bundle: h.ID, Receipts: []wire.Receipt{}, Attempts: []survey.AttemptReceipt{}}}
	if len(out.Items) > 0 {
		req := wire.PushRequest{DeviceTime: out.DeviceTime, Items: out.Items}
		var resp *wire.PushResponse
		if s.cfg.Relay != nil {
			resp, err = s.accept(ctx, u, req, heldFor)
		} else {
			resp, err = s.ingest(ctx, u, req, func() {})
		}
		if err != nil {
			return nil, err
		}
		res.Receipts.Receipts, res.Receipts.Relay = resp.Receipts, resp.Relay
	}
	if pending {
		for _, a := range out.Attempts {
			res.Receipts.Attempts = append(res.Receipts.Attempts, held([]string{a.ID})...)
		}
		for _, up := range out.Updates {
			res.Receipts.Updates = append(res.Receipts.Updates, held([]string{up.ID})...)
		}
		out.Attempts, out.Updates = nil, nil
	}
	if len(out.Attempts) > 0 {
		if s.cfg.Attempts == nil {
			return nil, survey.Errorf(survey.ENOTFOUND, "This server keeps no contact attempts.")
		}
		rcs, err := s.cfg.Attempts.Ingest(ctx, out.Attempts, u.Name, u.Role == survey.RoleEnumerator)
		if err != nil {
			return nil, err
		}
		res.Receipts.Attempts = rcs
	}
	if len(out.Updates) > 0 {
		if s.cfg.RosterUpdates == nil {
			// Kept on the laptop for a sync with a server that keeps them.
			for _, up := range out.Updates {
				res.Receipts.Updates = append(res.Receipts.Updates, survey.AttemptReceipt{ID: up.ID, Status: survey.ReceiptRefused,
					Code: survey.EUNAVAILABLE, Message: "This server keeps no roster updates; the laptop keeps it and sends it again."})
			}
		} else {
			rcs, err := s.cfg.RosterUpdates.Ingest(ctx, out.Updates, u.Name, u.Role == survey.RoleEnumerator)
			if err != nil {
				return nil, err
			}
			res.Receipts.Updates = rcs
		}
		if s.cfg.Relay != nil && s.cfg.Relay.Accepted != nil {
			s.cfg.Relay.Accepted()
		}
	}
	payload, err := json.Marshal(res.Receipts)
	if err != nil {
		return nil, err
	}
	if res.Sealed, err = bundle.Seal(bundle.KindReceipts, u.Name, h.ID, tokenHash, s.cfg.Now(), payload); err != nil {
		return nil, err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "bundle imported", slog.String("user", u.Name), slog.String("bundle", h.ID),
		slog.Int("items", len(out.Items)), slog.Int("attempts", len(out.Attempts)), slog.Int("updates", len(out.Updates)))
	return res, nil
}
