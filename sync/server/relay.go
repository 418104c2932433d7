package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/sync/wire"
)

// The centre's side of a relay: routes the relay's supervisor account takes to learn the
// accounts it serves, to forward what laptops pushed to it on behalf of the account that
// pushed it, and to pull what laptops pull, for every account.

// relayAccounts lists the accounts a relay serves with the hashes of their live tokens.
func (s *Server) relayAccounts(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	if s.cfg.Accounts == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server serves no relay.")
	}
	list, err := s.cfg.Accounts.RelayAccounts(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []survey.RelayAccount{}
	}
	writeJSON(w, http.StatusOK, wire.RelayAccountsResponse{Accounts: list})
	return nil
}

// relayed returns the account a relayed push names: an enumerator or supervisor that is
// not revoked. The push is then checked and stored as that account's own.
func (s *Server) relayed(ctx context.Context, name string) (*survey.User, error) {
	users, err := s.cfg.Users.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Name != name {
			continue
		}
		if !u.RevokedAt.IsZero() || (u.Role != survey.RoleEnumerator && u.Role != survey.RoleSupervisor) {
			break
		}
		return u, nil
	}
	return nil, survey.Errorf(survey.EFORBIDDEN, "%q is not an enumerator or supervisor account of this server.", name)
}

// relayPush stores revisions a relay received from the account the request names, with
// the receipts that account would get.
func (s *Server) relayPush(w http.ResponseWriter, r *http.Request, relay *survey.User) error {
	var req wire.RelayPushRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	u, err := s.relayed(r.Context(), req.For)
	if err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "relayed push", slog.String("relay", relay.Name), slog.String("for", u.Name),
		slog.Int("items", len(req.Items)))
	resp, err := s.ingest(r.Context(), u, req.PushRequest, func() {})
	if err != nil {
		return err
	}
	var late []survey.LateRefusal
	for _, rc := range resp.Receipts {
		if o := rc.Outcome(); o.Final() {
			late = append(late, survey.LateRefusal{Kind: survey.ItemInterview, Refusal: survey.Refusal{InterviewID: rc.InterviewID,
				Revision: rc.Revision, Hash: rc.Hash, Code: rc.Code, Message: rc.Message}, SubmittedBy: u.Name, Relay: relay.Name, Outcome: o})
		}
	}
	if err := s.recordLate(r.Context(), relay, u, late); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// recordLate keeps the refusals for good among the receipts of a relayed push (of
// revisions, contact attempts or roster updates), before the relay hears them: the relay
// had told the laptop they were safe, so the laptop learns of these at its next sync (GET
// /api/v1/refused), through a relay or here.
func (s *Server) recordLate(ctx context.Context, relay, u *survey.User, late []survey.LateRefusal) error {
	if len(late) == 0 {
		return nil
	}
	ledger, ok := s.cfg.Submissions.(survey.LateRefusalLedger)
	if !ok {
		return nil
	}
	if err := ledger.RecordLateRefusals(ctx, late); err != nil {
		return fmt.Errorf("keep the refusals of relayed revisions: %w", err)
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "relayed items refused", slog.String("relay", relay.Name), slog.String("for", u.Name),
		slog.String("kind", string(late[0].Kind)), slog.Int("refused", len(late)))
	return nil
}

// pullRefused gives the caller the late refusals (survey.LateRefusal): an enumerator those
// of her revisions, attempts and roster updates, a supervisor every one. A relay serves the copy it pulled from the
// centre under the centre's sequence numbers.
func (s *Server) pullRefused(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	var resp wire.RefusedResponse
	ledger, ok := s.cfg.Submissions.(survey.LateRefusalLedger)
	if !ok {
		resp.Refusals, resp.Next = []survey.LateRefusal{}, after
		writeJSON(w, http.StatusOK, resp)
		return nil
	}
	who := u.Name
	if u.Role == survey.RoleSupervisor {
		who = ""
	}
	list, err := ledger.LateRefusals(r.Context(), after, who, limit+1)
	if err != nil {
		return err
	}
	resp.Refusals, resp.Next, resp.More = page(list, after, limit, func(x survey.LateRefusal) int64 { return x.Seq })
	if resp.Refusals == nil {
		resp.Refusals = []survey.LateRefusal{}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// relayAttempts stores contact attempts a relay received from the account named.
func (s *Server) relayAttempts(w http.ResponseWriter, r *http.Request, relay *survey.User) error {
	if s.cfg.Attempts == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no contact attempts.")
	}
	var req wire.RelayAttemptsRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	u, err := s.relayed(r.Context(), req.For)
	if err != nil {
		return err
	}
	receipts, err := s.cfg.Attempts.Ingest(r.Context(), req.Attempts, u.Name, u.Role == survey.RoleEnumerator)
	if err != nil {
		return err
	}
	if err := s.recordLate(r.Context(), relay, u, survey.LateRefusalsOf(survey.ItemAttempt, receipts, u.Name, relay.Name)); err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "relayed attempts", slog.String("relay", relay.Name), slog.String("for", u.Name),
		slog.Int("items", len(req.Attempts)))
	writeJSON(w, http.StatusOK, wire.AttemptPushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: receipts})
	return nil
}

// relayRosterUpdatesIn stores roster updates a relay received from the account named.
func (s *Server) relayRosterUpdatesIn(w http.ResponseWriter, r *http.Request, relay *survey.User) error {
	if s.cfg.RosterUpdates == nil {
		return s.holdRosterUpdates(w, r, "This server keeps no roster updates yet; the relay keeps it and sends it again.")
	}
	var req wire.RelayRosterUpdatesRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	u, err := s.relayed(r.Context(), req.For)
	if err != nil {
		return err
	}
	receipts, err := s.cfg.RosterUpdates.Ingest(r.Context(), req.Updates, u.Name, u.Role == survey.RoleEnumerator)
	if err != nil {
		return err
	}
	if err := s.recordLate(r.Context(), relay, u, survey.LateRefusalsOf(survey.ItemRosterUpdate, receipts, u.Name, relay.Name)); err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "relayed roster updates", slog.String("relay", relay.Name), slog.String("for", u.Name),
		slog.Int("items", len(req.Updates)))
	writeJSON(w, http.StatusOK, wire.RosterUpdatePushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: receipts})
	return nil
}

// relayRoster gives every roster row with the account it is assigned to, so that the relay
// gives each enumerator only hers.
func (s *Server) relayRoster(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	rows, next, more, err := s.rosterChanges(r.Context(), after, limit, "", false)
	if err != nil {
		return err
	}
	assigned := map[string]string{}
	if al, ok := s.cfg.Roster.(survey.AssignmentLister); ok && len(rows) > 0 {
		if assigned, err = al.Assignments(r.Context()); err != nil {
			return err
		}
	}
	out := make([]survey.RelayRosterRow, len(rows))
	for i, row := range rows {
		out[i] = survey.RelayRosterRow{RosterRow: row, AssignedTo: assigned[row.Respondent.RosterID]}
	}
	var resp wire.RelayRosterResponse
	resp.Rows, resp.Next, resp.More = out, next, more
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// relayReturned gives every return with its record: the relay hands each to the laptop
// of the account that sent the revision.
func (s *Server) relayReturned(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	ns, err := s.cfg.Returns.Returned(r.Context(), after, "", limit+1)
	if err != nil {
		return err
	}
	size := 0
	for i, n := range ns[:min(len(ns), limit)] {
		if size > s.cfg.ReturnPageBytes && i > 0 {
			ns, limit = ns[:i+1], i // the page ends here, as pullReturned's
			break
		}
		sub, err := s.cfg.Submissions.Get(r.Context(), n.InterviewID, n.Revision)
		if err != nil {
			return err
		}
		n.Record = sub.Body
		size += len(n.Comment) + len(n.Record)
	}
	var resp wire.ReturnedResponse
	resp.Returns, resp.Next, resp.More = page(ns, after, limit, func(n *survey.ReturnNotice) int64 { return n.Seq })
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// relayApproved gives every approval with the account that sent the approved revision.
func (s *Server) relayApproved(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	feed, ok := s.cfg.Reviews.(survey.ApprovalFeed)
	if !ok {
		return survey.Errorf(survey.ENOTFOUND, "This server serves no relay.")
	}
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	list, err := feed.AllApprovals(r.Context(), after, limit+1)
	if err != nil {
		return err
	}
	var resp wire.RelayApprovedResponse
	resp.Approvals, resp.Next, resp.More = page(list, after, limit, func(a survey.RelayApproval) int64 { return a.Seq })
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// RelayMode makes a Server a relay at an event (tracer serve --relay URL). Laptops sync
// with it as with the centre: it authenticates them with the token hashes it mirrors from
// the centre, keeps what they push (sealed to the centre's key, which it does not hold)
// in Store and answers with receipts that mean "safe on this laptop and the relay"; its
// forwarder (sync/relay) sends everything on. Forms, the roster, returns and approvals
// are served from what the forwarder pulled. Routes for the centre's office (review,
// export, accounts, publishing) are refused: they are the centre's.
type RelayMode struct {
	Store survey.RelayStore
	// Upstream reaches the centre for what cannot wait: enrollment codes are the
	// centre's, and so is a laptop's data key.
	Upstream Upstream
	// Name is the relay's account at the centre, told to laptops in every push answer.
	Name string
	// Accepted is called after a push stored something new, or a laptop enrolled through
	// the relay, to wake the forwarder.
	Accepted func()
	// Enrollments keeps the code verifiers the forwarder pulled and the enrollments made
	// while the centre was out of reach; without it a laptop enrolls only while the relay
	// reaches the centre.
	Enrollments survey.RelayEnrollStore
}

// Upstream is the part of the centre a relay reaches on a laptop's behalf. Either method
// returns an EUNAVAILABLE error when the centre cannot be reached.
type Upstream interface {
	// Enroll exchanges a one-time code the centre issued for a token of the centre.
	Enroll(ctx context.Context, code, device, laptopID string) (*wire.EnrollResponse, error)
	// PutLaptopKey gives the centre a laptop's sealed data key with the laptop's token.
	PutLaptopKey(ctx context.Context, token, laptopID string, sealed []byte) error
}

// relayServes names the routes a relay serves; every other is the centre's.
var relayServes = map[string]bool{
	"GET /healthz": true, "POST /api/v1/enroll": true, "GET /api/v1/me": true, "POST /api/v1/laptop-key": true,
	"GET /api/v1/forms": true, "GET /api/v1/forms/{id}/{version}": true, "GET /api/v1/roster": true,
	"POST /api/v1/interviews/push": true, "POST /api/v1/attempts/push": true, "POST /api/v1/roster/updates/push": true,
	"GET /api/v1/returned": true, "GET /api/v1/approved": true, "GET /api/v1/refused": true,
}

// relayHandlers replaces the handlers that differ on a relay.
func (s *Server) relayHandlers(h map[string]handlerFunc) {
	for pattern := range h {
		if !relayServes[pattern] {
			h[pattern] = func(http.ResponseWriter, *http.Request, *survey.User) error {
				return survey.Errorf(survey.ENOTFOUND, "This is a relay at an event; do this on the centre's server.")
			}
		}
	}
	h["POST /api/v1/enroll"] = s.relayEnroll
	h["POST /api/v1/laptop-key"] = s.relayLaptopKey
	h["POST /api/v1/interviews/push"] = s.relayAccept
	if s.cfg.RosterUpdates == nil {
		h["POST /api/v1/roster/updates/push"] = s.relayRosterUpdates
	}
	if s.cfg.Relay.Enrollments != nil {
		h["POST /api/v1/attempts/push"] = s.unlessPending(h["POST /api/v1/attempts/push"], false)
		h["POST /api/v1/roster/updates/push"] = s.unlessPending(h["POST /api/v1/roster/updates/push"], true)
	}
	h["GET /api/v1/returned"] = s.relayPullReturned
	h["GET /api/v1/approved"] = s.relayPullApproved
}

// relayEnroll passes an enrollment code to the centre, which issued it, and remembers the
// hash of the token it gives, so that the laptop syncs with the relay and with the centre.
func (s *Server) relayEnroll(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	if !s.enrolls.allow(clientIP(r)) {
		return survey.Errorf(survey.ERATELIMIT, "Too many enrollment attempts from this address; wait a minute.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxEnrollBody)
	var req wire.EnrollRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	resp, err := s.cfg.Relay.Upstream.Enroll(r.Context(), req.Code, req.Device, req.LaptopID)
	if err == nil {
		s.enrolls.refund(clientIP(r)) // a right code uses up no bound (enroll)
	}
	if survey.ErrorCode(err) == survey.EUNAVAILABLE && s.cfg.Relay.Enrollments != nil {
		if err := s.enrollOffline(w, r, req); err != nil {
			return err
		}
		s.enrolls.refund(clientIP(r))
		return nil
	} else if survey.ErrorCode(err) == survey.EUNAVAILABLE {
		return survey.Errorf(survey.EUNAVAILABLE, "The relay cannot reach the centre, which issued this code: enroll when the relay is online (laptops enrolled before sync through it offline).")
	} else if err != nil {
		return err
	}
	acct := survey.RelayAccount{Name: resp.User, Role: resp.Role, TokenHashes: []string{survey.HashSecret(resp.Token)}}
	if err := s.cfg.Relay.Store.AddToken(r.Context(), acct); err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "enrolled through the relay", slog.String("user", resp.User), slog.String("role", string(resp.Role)))
	if s.cfg.Relay.Accepted != nil {
		// The next round drops the code's verifier, used at the centre now.
		s.cfg.Relay.Accepted()
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// relayLaptopKey passes a laptop's sealed data key to the centre with the laptop's own
// token; the relay cannot check it (it is sealed to the centre's key) and keeps nothing.
func (s *Server) relayLaptopKey(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	var req wire.LaptopKeyRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	token := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	// A laptop enrolled here offline: the centre does not know its token yet, so its key
	// goes with the enrollment's confirmation.
	e, err := s.relayEnrollment(r)
	if err != nil {
		return err
	}
	if e == nil || e.State != survey.EnrollPending {
		err = s.cfg.Relay.Upstream.PutLaptopKey(r.Context(), token, req.LaptopID, req.Sealed)
	}
	if e != nil && (e.State == survey.EnrollPending || survey.ErrorCode(err) == survey.EUNAVAILABLE) {
		err = s.cfg.Relay.Enrollments.HoldLaptopKey(r.Context(), e.TokenHash, req.LaptopID, req.Sealed)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

// relayAccept keeps a push for the centre. The relay cannot open a sealed record, so it
// checks what it can: the envelope, the sizes, the ids (and, for a record in clear, the
// hash, the canonical encoding and the enumerator); the centre checks the rest when it
// arrives there.
func (s *Server) relayAccept(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	release, err := s.admit(w, r, u.Name)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		return err
	}
	defer release()
	var req wire.PushRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	enrollment := ""
	if e, err := s.relayEnrollment(r); err != nil {
		return err
	} else if e != nil {
		enrollment = e.ID
	}
	resp, err := s.accept(r.Context(), u, req, enrollment)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// accept keeps the batch req pushed by u on a relay and returns the receipts; enrollment
// names the offline enrollment of the token that pushed it, if any (see
// survey.RelayItem.Enrollment).
func (s *Server) accept(ctx context.Context, u *survey.User, req wire.PushRequest, enrollment string) (*wire.PushResponse, error) {
	receipts := make([]wire.Receipt, len(req.Items))
	var items []*survey.RelayItem
	var at []int
	for i, it := range req.Items {
		if err := s.envelope(it, u); err != nil {
			code := survey.ErrorCode(err)
			receipts[i] = wire.Receipt{Receipt: survey.Receipt{InterviewID: it.ID, Revision: it.Revision, Hash: it.Hash,
				Status: survey.ReceiptRefused, Code: code, Message: survey.ErrorMessage(err)}, HTTPStatus: wire.ReceiptStatus(code)}
			continue
		}
		items = append(items, &survey.RelayItem{InterviewID: it.ID, Revision: it.Revision, Hash: it.Hash, Body: it.Body,
			Sealed: it.Sealed, SubmittedBy: u.Name, DeviceTime: req.DeviceTime.UTC(), Enrollment: enrollment})
		at = append(at, i)
	}
	stored := 0
	if len(items) > 0 {
		got, err := s.cfg.Relay.Store.Accept(ctx, items)
		if err != nil {
			return nil, err
		}
		for n, rc := range got {
			status := http.StatusOK
			switch rc.Status {
			case survey.ReceiptStored:
				stored++
			case survey.ReceiptConflict:
				status = http.StatusConflict
			}
			receipts[at[n]] = wire.Receipt{Receipt: rc, HTTPStatus: status}
		}
	}
	if stored > 0 && s.cfg.Relay.Accepted != nil {
		s.cfg.Relay.Accepted()
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "relay push", slog.String("user", u.Name), slog.Int("items", len(req.Items)),
		slog.Int("stored", stored))
	return &wire.PushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: receipts, Relay: s.cfg.Relay.Name}, nil
}

// envelope checks what a relay can of one pushed revision.
func (s *Server) envelope(it wire.PushItem, u *survey.User) error {
	if len(it.Sealed) > 0 {
		return seal.CheckEnvelope(it.Sealed)
	}
	if survey.HashBytes(it.Body) != it.Hash {
		return survey.Errorf(survey.EINVALID, "The hash is not the SHA-256 of the body.")
	}
	rec, err := survey.DecodeRecord(it.Body)
	if err != nil {
		return err
	}
	if rec.ID != it.ID || rec.Revision != it.Revision {
		return survey.Errorf(survey.EINVALID, "The record is interview %s revision %d, not the one named.", rec.ID, rec.Revision)
	}
	if canon, err := rec.Canonical(); err != nil || !bytes.Equal(canon, it.Body) {
		return survey.Errorf(survey.EINVALID, "The body is not the record's canonical encoding.")
	}
	if u.Role == survey.RoleEnumerator && rec.Enumerator != u.Name {
		return survey.Errorf(survey.EFORBIDDEN, "The record names enumerator %q; an enumerator sends only her own interviews (%s).",
			rec.Enumerator, u.Name)
	}
	return nil
}

// relayPullReturned gives the caller the returns the relay pulled from the centre: an
// enumerator her own, a supervisor every one; the record only to its submitter.
func (s *Server) relayPullReturned(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	who := u.Name
	if u.Role == survey.RoleSupervisor {
		who = ""
	}
	ns, err := s.cfg.Relay.Store.Returned(r.Context(), after, who, limit+1)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if n.SubmittedBy != u.Name {
			n.Record = nil
		}
	}
	var resp wire.ReturnedResponse
	resp.Returns, resp.Next, resp.More = page(ns, after, limit, func(n *survey.ReturnNotice) int64 { return n.Seq })
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// relayPullApproved gives the caller the approvals of her revisions the relay pulled.
func (s *Server) relayPullApproved(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	es, err := s.cfg.Relay.Store.Approvals(r.Context(), after, u.Name, limit+1)
	if err != nil {
		return err
	}
	var resp wire.ApprovedResponse
	resp.Approvals, resp.Next, resp.More = page(es, after, limit, func(e *survey.ReviewEvent) int64 { return e.Seq })
	writeJSON(w, http.StatusOK, resp)
	return nil
}
