package server

import (
	"log/slog"
	"net/http"

	"tracer/survey"
	"tracer/sync/wire"
)

// pushAttempts stores a batch of contact attempts in one transaction and answers one
// receipt per attempt after the commit. An enumerator may send only her own attempts, for
// alumni assigned to her once the roster has assignments.
func (s *Server) pushAttempts(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	if s.cfg.Attempts == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no contact attempts.")
	}
	var req wire.AttemptPushRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	receipts, err := s.cfg.Attempts.Ingest(r.Context(), req.Attempts, u.Name, u.Role == survey.RoleEnumerator)
	if err != nil {
		return err
	}
	counts := map[survey.ReceiptStatus]int{}
	for _, rc := range receipts {
		counts[rc.Status]++
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "attempts push", slog.String("user", u.Name), slog.Int("items", len(req.Attempts)),
		slog.Int("stored", counts[survey.ReceiptStored]), slog.Int("duplicate", counts[survey.ReceiptDuplicate]),
		slog.Int("conflict", counts[survey.ReceiptConflict]), slog.Int("refused", counts[survey.ReceiptRefused]))
	writeJSON(w, http.StatusOK, wire.AttemptPushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: receipts})
	return nil
}

// listAttempts pages through the stored attempts by sequence number. The number or
// channel used is personal data: it leaves the server only for analysts.
func (s *Server) listAttempts(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	if s.cfg.Attempts == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no contact attempts.")
	}
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	list, err := s.cfg.Attempts.List(r.Context(), survey.AttemptFilter{After: after, Limit: limit + 1})
	if err != nil {
		return err
	}
	page := wire.AttemptsPage{Attempts: list, Next: after}
	if len(list) > limit {
		page.Attempts, page.More = list[:limit], true
	}
	for _, a := range page.Attempts {
		if u.Role != survey.RoleAnalyst && a.Channel != "" {
			a.Channel = survey.MaskPhone(a.Channel)
		}
		page.Next = a.Seq
	}
	if page.Attempts == nil {
		page.Attempts = []*survey.Attempt{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// pullAssignedAttempts pages through the attempts other accounts made on the alumni now
// assigned to the caller: after a reassignment, her laptop learns what was tried before
// (the number used too: she calls the same alumni). A store that cannot tell gives none.
func (s *Server) pullAssignedAttempts(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	after, limit, err := cursor(r)
	if err != nil {
		return err
	}
	page := wire.AttemptsPage{Attempts: []*survey.Attempt{}, Next: after}
	if ac, ok := s.cfg.Attempts.(survey.AttemptContext); ok {
		list, err := ac.AssignedAttempts(r.Context(), u.Name, after, limit+1)
		if err != nil {
			return err
		}
		if len(list) > limit {
			list, page.More = list[:limit], true
		}
		for _, a := range list {
			page.Next = a.Seq
		}
		if list != nil {
			page.Attempts = list
		}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}
