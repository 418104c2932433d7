package server

import (
	"log/slog"
	"net/http"

	"tracer/survey"
	"tracer/sync/wire"
)

// pushRosterUpdates stores a batch of roster updates proposed in the field, in one
// transaction, and answers one receipt per update after the commit. An enumerator may send
// only her own proposals, for alumni assigned to her once the roster has assignments.
// A server that keeps no roster updates answers each one "waiting", so that the laptop
// keeps it and the rest of its sync goes on.
func (s *Server) pushRosterUpdates(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	if s.cfg.RosterUpdates == nil {
		return s.holdRosterUpdates(w, r, "This server keeps no roster updates yet; the laptop keeps it and sends it again.")
	}
	var req wire.RosterUpdatePushRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	receipts, err := s.cfg.RosterUpdates.Ingest(r.Context(), req.Updates, u.Name, u.Role == survey.RoleEnumerator)
	if err != nil {
		return err
	}
	counts := map[survey.ReceiptStatus]int{}
	for _, rc := range receipts {
		counts[rc.Status]++
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "roster updates push", slog.String("user", u.Name), slog.Int("items", len(req.Updates)),
		slog.Int("stored", counts[survey.ReceiptStored]), slog.Int("duplicate", counts[survey.ReceiptDuplicate]),
		slog.Int("conflict", counts[survey.ReceiptConflict]), slog.Int("refused", counts[survey.ReceiptRefused]))
	writeJSON(w, http.StatusOK, wire.RosterUpdatePushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: receipts})
	return nil
}

// relayRosterUpdates answers a push of roster updates to a relay that keeps none (its
// configuration has no RosterUpdates): each is answered "waiting" and the laptop keeps it
// for its next sync with the centre, where the supervisor decides; the rest of the
// laptop's sync goes on. A relay with a ledger keeps them and forwards them.
func (s *Server) relayRosterUpdates(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	return s.holdRosterUpdates(w, r, "A relay at an event does not carry roster updates; the next sync with the centre sends it.")
}

// holdRosterUpdates answers every roster update of a push "waiting" (refused with
// EUNAVAILABLE), with why.
func (s *Server) holdRosterUpdates(w http.ResponseWriter, r *http.Request, why string) error {
	var req wire.RosterUpdatePushRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	receipts := make([]survey.AttemptReceipt, len(req.Updates))
	for i, u := range req.Updates {
		receipts[i] = survey.AttemptReceipt{ID: u.ID, Status: survey.ReceiptRefused, Code: survey.EUNAVAILABLE, Message: why}
	}
	writeJSON(w, http.StatusOK, wire.RosterUpdatePushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: receipts})
	return nil
}

// listRosterUpdates pages through the proposals by sequence number, optionally only those
// with one status (?status=pending) or of one alumnus (?roster_id=). Phone numbers are
// masked: they leave the server in full only for analysts.
func (s *Server) listRosterUpdates(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	if s.cfg.RosterUpdates == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no roster updates.")
	}
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	f := survey.UpdateFilter{After: after, Limit: limit + 1, RosterID: r.URL.Query().Get("roster_id")}
	switch st := survey.UpdateStatus(r.URL.Query().Get("status")); st {
	case "", survey.UpdatePending, survey.UpdateAccepted, survey.UpdateRejected:
		f.Status = st
	default:
		return survey.Errorf(survey.EINVALID, "status must be pending, accepted or rejected, not %q.", st)
	}
	list, err := s.cfg.RosterUpdates.List(r.Context(), f)
	if err != nil {
		return err
	}
	page := wire.RosterUpdatesPage{Updates: list, Next: after}
	if len(list) > limit {
		page.Updates, page.More = list[:limit], true
	}
	for _, x := range page.Updates {
		if u.Role != survey.RoleAnalyst {
			maskUpdate(x)
		}
		page.Next = x.Seq
	}
	if page.Updates == nil {
		page.Updates = []*survey.RosterUpdate{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// maskUpdate masks the phone numbers of a roster update.
func maskUpdate(x *survey.RosterUpdate) {
	x.Value, x.Old, x.Replaced = x.Field.Shown(x.Value), x.Field.Shown(x.Old), x.Field.Shown(x.Replaced)
}

// acceptRosterUpdate and rejectRosterUpdate decide on a pending proposal; accepting
// changes the central roster row, which laptops pull on their next sync.
func (s *Server) acceptRosterUpdate(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	return s.decideRosterUpdate(w, r, u, true)
}

func (s *Server) rejectRosterUpdate(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	return s.decideRosterUpdate(w, r, u, false)
}

func (s *Server) decideRosterUpdate(w http.ResponseWriter, r *http.Request, u *survey.User, accept bool) error {
	if s.cfg.RosterUpdates == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no roster updates.")
	}
	var req wire.DecideRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	x, err := s.cfg.RosterUpdates.Decide(r.Context(), r.PathValue("id"), accept, u.Name, req.Reason)
	if err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "roster update decided", slog.String("update", x.ID),
		slog.String("status", string(x.Status)), slog.String("user", u.Name))
	maskUpdate(x)
	writeJSON(w, http.StatusOK, x)
	return nil
}

// listAssignments answers who each roster row is assigned to (?roster_id= for one) and,
// with ?history=1, every earlier assignment with when it ended: reassigning an alumnus
// moves future work to the new enumerator and keeps who owned it before.
func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	h, ok := s.cfg.Roster.(survey.AssignmentHistorian)
	if !ok {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no history of assignments.")
	}
	q := r.URL.Query()
	list, err := h.AssignmentHistory(r.Context(), q.Get("roster_id"), q.Get("history") == "")
	if err != nil {
		return err
	}
	if list == nil {
		list = []survey.Assignment{}
	}
	writeJSON(w, http.StatusOK, wire.AssignmentsResponse{Assignments: list})
	return nil
}
