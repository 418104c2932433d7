package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"tracer/survey"
	"tracer/sync/wire"
)

// Enrollment through a relay that cannot reach the centre: the centre gives relays the
// argon2id verifiers of unused codes and confirms what they enrolled offline; a relay
// checks a code against its verifiers, gives the laptop a token of its own making and
// queues the enrollment (survey.RelayEnrollStore), holding what that token pushes until
// the centre has confirmed it.

// relayCodes gives the relay's supervisor account the verifiers of the unused codes of
// the accounts relays serve.
func (s *Server) relayCodes(w http.ResponseWriter, r *http.Request, relay *survey.User) error {
	en, ok := s.cfg.Users.(survey.RelayEnroller)
	if !ok || s.cfg.Accounts == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server gives relays no enrollment code verifiers.")
	}
	list, err := en.RelayCodes(r.Context(), wire.MaxPage)
	if err != nil {
		return err
	}
	if list == nil {
		list = []survey.RelayCode{}
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "relay pulled code verifiers", slog.String("relay", relay.Name), slog.Int("codes", len(list)))
	writeJSON(w, http.StatusOK, wire.RelayCodesResponse{Codes: list})
	return nil
}

// relayConfirm consumes the code of an enrollment a relay made offline (once: asked again
// for the same token it answers the same) and keeps the laptop's sealed data key.
func (s *Server) relayConfirm(w http.ResponseWriter, r *http.Request, relay *survey.User) error {
	en, ok := s.cfg.Users.(survey.RelayEnroller)
	if !ok {
		return survey.Errorf(survey.ENOTFOUND, "This server confirms no enrollment made at a relay.")
	}
	var req wire.RelayEnrollRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	e := req.Enrollment()
	if len(e.SealedKey) > 0 {
		// A key the centre cannot open would recover nothing: it is not kept.
		if s.cfg.Key == nil || s.cfg.LaptopKeys == nil || e.LaptopID == "" {
			e.SealedKey, e.LaptopID = nil, ""
		} else if _, err := s.cfg.Key.Open(e.SealedKey); err != nil {
			e.SealedKey, e.LaptopID = nil, ""
		}
	}
	// Each confirmation tests a code at the centre's speed, so a code the centre does not
	// know (or that expired) takes its place in the server-wide bound on wrong codes, as at
	// enrollment: a supervisor's token is no faster oracle than the enrollment route.
	if !s.enrollFails.allow("") {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "relay confirmation refused: too many wrong codes from all addresses", slog.String("relay", relay.Name))
		w.Header().Set("Retry-After", fmt.Sprint(int(s.cfg.EnrollFailEvery.Seconds()+0.5)))
		return survey.Errorf(survey.ERATELIMIT, "Too many wrong enrollment codes were tried on this server; wait a minute.")
	}
	c, err := en.ConfirmEnrollment(r.Context(), e)
	if err != nil || c.Confirmed || c.Code != survey.EUNAUTHORIZED {
		s.enrollFails.refund("")
	}
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if !c.Confirmed {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(r.Context(), level, "enrollment made at a relay", slog.String("relay", relay.Name), slog.String("user", e.User),
		slog.Bool("confirmed", c.Confirmed), slog.String("code", c.Code))
	writeJSON(w, http.StatusOK, wire.RelayEnrollResponse{EnrollConfirmation: c})
	return nil
}

// offlineEnroll bounds the guessing of codes at a relay: one argon2id check runs at a time
// (its memory is bounded), and besides the per-address limit every enrollment route
// has, each code string and the relay as a whole allow only so many attempts.
type offlineEnroll struct {
	mu     sync.Mutex
	byCode *limiter
	all    *limiter
}

func newOfflineEnroll(now func() time.Time) *offlineEnroll {
	// A code may be tried 3 times at once and once more a minute; the relay takes 30
	// attempts at once (a hall of laptops enrolling together) and one more every 20 s, an
	// attempt with a right code giving its share back.
	return &offlineEnroll{byCode: newLimiter(3, time.Minute, now), all: newLimiter(30, 20*time.Second, now)}
}

// enrollOffline enrolls a laptop at a relay that cannot reach the centre, with a code
// whose verifier the relay pulled while it could.
func (s *Server) enrollOffline(w http.ResponseWriter, r *http.Request, req wire.EnrollRequest) error {
	store := s.cfg.Relay.Enrollments
	ctx := r.Context()
	code := survey.NormalizeCode(req.Code)
	if !s.offline.byCode.allow(code) || !s.offline.all.allow("relay") {
		w.Header().Set("Retry-After", "60")
		return survey.Errorf(survey.ERATELIMIT, "Too many enrollment attempts at this relay; wait a minute.")
	}
	match, err := s.checkOffline(ctx, code)
	if err != nil {
		return err
	}
	if match != nil {
		s.offline.all.refund("relay") // a right code uses up no bound (enroll)
	}
	if match == nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "offline enrollment refused: no verifier matches")
		return survey.Errorf(survey.EUNAUTHORIZED, "The enrollment code is not valid at this relay: it may be mistyped, used or expired (the relay cannot reach the centre now).")
	}
	token := survey.NewToken()
	e := survey.RelayEnrollment{ID: uuid.NewString(), Verifier: match.ID, Code: code, User: match.User, Role: match.Role,
		TokenHash: survey.HashSecret(token), Device: req.Device, EnrolledAt: s.cfg.Now().UTC(), LaptopID: req.LaptopID}
	if len(e.Device) > 128 {
		e.Device = e.Device[:128]
	}
	if err := store.Enroll(ctx, e); err != nil {
		return err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "enrolled at the relay offline", slog.String("user", e.User), slog.String("role", string(e.Role)),
		slog.String("enrollment", e.ID))
	writeJSON(w, http.StatusOK, wire.EnrollResponse{Token: token, User: e.User, Role: e.Role, PublicKey: s.cfg.PublicKey,
		SessionSealing: s.cfg.SessionSealing, Relayed: true})
	return nil
}

// checkOffline returns the verifier code matches, or nil. Every verifier is tried, one
// check at a time.
func (s *Server) checkOffline(ctx context.Context, code string) (*survey.RelayCode, error) {
	s.offline.mu.Lock()
	defer s.offline.mu.Unlock()
	list, err := s.cfg.Relay.Enrollments.Verifiers(ctx, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	var match *survey.RelayCode
	for i := range list {
		if survey.CheckCode(code, list[i].Verifier) && match == nil {
			match = &list[i]
		}
	}
	return match, nil
}

// enrollmentOf returns the offline enrollment of the token whose SHA-256 is tokenHash,
// nil when there is none (or this is no relay).
func (s *Server) enrollmentOf(ctx context.Context, tokenHash string) (*survey.RelayEnrollment, error) {
	if s.cfg.Relay == nil || s.cfg.Relay.Enrollments == nil || tokenHash == "" {
		return nil, nil
	}
	e, err := s.cfg.Relay.Enrollments.EnrollmentOf(ctx, tokenHash)
	if survey.ErrorCode(err) == survey.ENOTFOUND {
		return nil, nil
	}
	return e, err
}

// relayEnrollment returns the offline enrollment of the request's token, nil when there
// is none.
func (s *Server) relayEnrollment(r *http.Request) (*survey.RelayEnrollment, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return nil, nil
	}
	return s.enrollmentOf(r.Context(), survey.HashSecret(strings.TrimSpace(token)))
}

// held answers every contact attempt (or roster update) "waiting" for the confirmation
// of the laptop's enrollment.
func held(ids []string) []survey.AttemptReceipt {
	out := make([]survey.AttemptReceipt, len(ids))
	for i, id := range ids {
		out[i] = survey.AttemptReceipt{ID: id, Status: survey.ReceiptRefused, Code: survey.EUNAVAILABLE, Message: heldMessage}
	}
	return out
}

// refusedEnrollment is what a laptop whose enrollment at the relay the centre refused
// hears at its next sync there, in one line, in English and Bahasa Indonesia.
func refusedEnrollment(e *survey.RelayEnrollment) error {
	return survey.Errorf(survey.EUNAUTHORIZED, "The centre refused this laptop's enrollment at the relay (%s): its %d interview{s} {is|are} kept at the relay, not lost; ask the supervisor for a new code and log in again. / Pusat menolak pendaftaran laptop ini di relay: %d wawancaranya tetap tersimpan di relay; minta kode baru ke supervisor lalu login lagi.",
		survey.Printable(e.Message), e.Held, e.Held)
}

// heldMessage is why a relay answers "waiting" to the contact attempts and roster updates
// of a laptop whose enrollment at the relay the centre has not confirmed yet.
const heldMessage = "Kept on this laptop until the centre confirms its enrollment at the relay; the next sync sends it again."

// unlessPending wraps the push of contact attempts or roster updates on a relay: a laptop
// enrolled here offline, not confirmed yet, gets every item answered "waiting" (the
// laptop keeps it), so that nothing of that account reaches the centre before the
// centre has confirmed the laptop; others go to next.
func (s *Server) unlessPending(next handlerFunc, updates bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, u *survey.User) error {
		e, err := s.relayEnrollment(r)
		if err != nil {
			return err
		}
		if e == nil || e.State != survey.EnrollPending {
			return next(w, r, u)
		}
		if updates {
			return s.holdRosterUpdates(w, r, heldMessage)
		}
		var req wire.AttemptPushRequest
		if err := s.decode(w, r, &req); err != nil {
			return err
		}
		ids := make([]string, len(req.Attempts))
		for i, a := range req.Attempts {
			ids[i] = a.ID
		}
		writeJSON(w, http.StatusOK, wire.AttemptPushResponse{ServerTime: s.cfg.Now().UTC(), Receipts: held(ids)})
		return nil
	}
}
