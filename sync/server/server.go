// Package server is tracer's HTTP API under /api/v1: enrollment, forms, the roster, pushed
// interviews, review (the queue with its flags, approval, returns for correction, coverage)
// and the analysts' export and report. Each handler decodes, validates, calls a survey
// store and responds; domain error codes become HTTP statuses and every error body is JSON
// {"code", "message"}. Every route but enrollment and the health check needs a bearer
// token, and each route names the roles it serves.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/semaphore"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/report"
	"tracer/survey/review"
	"tracer/sync/wire"
)

// Config holds what a Server needs. The stores are required; the rest has defaults.
type Config struct {
	Users       survey.UserStore
	Submissions survey.SubmissionStore
	Forms       survey.FormStore
	Roster      survey.ServerRosterStore
	Returns     survey.ReturnStore
	Reviews     survey.ReviewStore
	// Attempts keeps contact attempts; without it the attempt routes answer 404.
	Attempts survey.AttemptLedger
	// RosterUpdates keeps the roster updates proposed in the field and their decisions;
	// without it the roster update routes answer 404.
	RosterUpdates survey.RosterUpdateLedger
	// Waves keeps the study's waves; without it the study is one wave.
	Waves survey.WaveStore

	// Key opens interviews that laptops sealed to the server's public key, PublicKey; both
	// are given to laptops' enrollment. Without them laptops push plaintext records.
	Key       survey.Opener
	PublicKey string
	// SessionSealing tells enrolling laptops that the server opens interviews sealed with
	// one key exchange per run (seal.Session): a centre whose Key opens them, or a relay
	// whose centre said so.
	SessionSealing bool
	// LaptopKeys keeps laptops' data keys sealed to Key; without it (or Key) no laptop
	// key is kept and a forgotten PIN cannot be recovered.
	LaptopKeys survey.LaptopKeyStore

	// Accounts lists the accounts a relay serves, with their token hashes; without it
	// the relay routes answer 404.
	Accounts survey.AccountDirectory
	// Relay, when set, makes this server a relay at an event (tracer serve --relay URL):
	// see RelayMode.
	Relay *RelayMode

	// Study is the report's configuration from the study file (report.ReadStudy): the
	// period, reference date and the other settings every report this server writes uses.
	// The zero value is the defaults.
	Study report.Config
	// Flags sets the thresholds of the review flags; the defaults when zero.
	Flags review.Config
	// Location is where coverage's "today" is counted; time.Local when nil.
	Location *time.Location

	// CanWrite checks that the store can still write (sqlite's DB.CanWrite); /healthz
	// calls it at most every ProbeEvery (default 5s) and reports a store that cannot.
	// Nil: not checked.
	CanWrite   func(context.Context) error
	ProbeEvery time.Duration

	// Links keeps self-response links; without it the link routes answer 404. LinkBurst
	// requests to link routes are allowed per client address at once, and one more every
	// LinkEvery (defaults 30 and 2s).
	Links     survey.LinkStore
	LinkBurst int
	LinkEvery time.Duration
	// LinkBodyTime is how long the body of a submission through a link may take to arrive
	// from the request's start (default 1 minute: an instance is a few kilobytes, sent from
	// a phone on a slow connection in seconds), so that a body trickled through one link
	// holds its connection and the bytes it has sent (MaxReceiving, MaxSpooled) no longer
	// than that.
	LinkBodyTime time.Duration
	// LinkRevisions is how many revisions an interview may get through self-response links
	// (default 20): an alumnus corrects his answers a few times, while a script holding his
	// link would otherwise store a new revision of up to wire.MaxRecord bytes five times a
	// minute for as long as the link lives.
	LinkRevisions int

	// XForm writes a compiled form as an ODK XForm, for ODK Collect (choosing the
	// respondent from a roster attachment when roster is not nil) and the self-response
	// page; forms.WriteXFormRoster when nil.
	XForm func(f *forms.Form, roster *forms.XFormRoster) ([]byte, error)

	// Logger receives one line per request, never a token or personal data.
	Logger *slog.Logger
	// Now is the server's clock; time.Now when nil.
	Now func() time.Time
	// EnrollBurst enrollment attempts are allowed per client address at once, and one more
	// every EnrollEvery (defaults 10 and 6s); an attempt with a right code gives its share
	// back, so that only wrong codes use the bound up.
	EnrollBurst int
	EnrollEvery time.Duration
	// EnrollFailBurst wrong enrollment codes are taken from all addresses together at once,
	// and one more every EnrollFailEvery (defaults 60 and 2s); right codes do not count.
	// This bounds the guessing of codes by a client with many addresses (an IPv6 /48 is
	// 65,536 of the /64 networks the per-address limit counts), which the per-address limit
	// alone does not.
	EnrollFailBurst int
	EnrollFailEvery time.Duration
	// MaxBody and MaxInflated override wire.MaxBody and wire.MaxInflated when positive.
	MaxBody     int64
	MaxInflated int64
	// MaxDecoding authenticated requests with a body (every POST but enrollment, whose
	// body is at most 4 KB) are decoded and handled at once, server-wide (default 2: the
	// database takes one write at a time anyway), at most one per account, each once its
	// body has been received whole (MaxReceiving); a request over it waits up to DecodeWait
	// (default 1 minute), then gets 503 with Retry-After, as does one more of an account
	// with maxAccountQueue in hand. This bounds the memory bodies can take.
	MaxDecoding int
	DecodeWait  time.Duration
	// MaxAccountRequests is how many requests of one account are handled at once (default
	// 32, as many as its bodies that may wait for a decoding slot); one more is answered 503 with Retry-After at once. A response is built whole
	// before it is written (a roster page of 1,000 rows is about 600 KB) and held while the
	// client reads it, so without this bound one token's slow readers took memory by the
	// connection.
	MaxAccountRequests int
	// ReturnPageBytes is about the most bytes of returned records one page of returns
	// carries (default 4 MB; at least one return): a page holds up to 1,000 returns and a
	// record may have 1 MB.
	ReturnPageBytes int
	// MaxQueued bounds the bytes of checked records that pushes hold while they wait for
	// their group commit (default 64 MB). A push frees its decoding slot once its records
	// are checked, so that many pushes share one commit; one that finds no room keeps its
	// slot until there is.
	MaxQueued int64
	// MaxReceiving bounds the bytes of request bodies being received that are held in
	// memory at once (default 64 MB; at least two bodies of MaxBody), and MaxSpooled those
	// written to spool files in TempDir once memory has no room (default 1 GB; at least two
	// bodies of MaxBody). A body that takes a decoding slot is received whole first, so that
	// a slow client holds only its own bytes, never a slot another client needs; room is
	// taken as its bytes arrive, never before and never by waiting, so that a body sent
	// slowly, or one that stops halfway, holds only what it has sent. One account, and the
	// self-response links together, take at most a quarter of each. A body that finds no
	// room on disk either is refused at once: 503 with Retry-After.
	MaxReceiving int64
	MaxSpooled   int64
	// MaxComputing is how many reads over every interview (a report, the response
	// rates, the progress view, an export's writing) run at once, server-wide (default 2):
	// each takes a core and, at a million interviews, a report holds about 200 MB, so
	// without a bound a few accounts asking at once took every core from the laptops'
	// pushes and the memory with it. One over it waits up to DecodeWait, then gets 503 with
	// Retry-After.
	MaxComputing int
	// TempDir is where the server writes its temporary files: an export being written
	// before it is sent, the alumni table's sort runs, bodies being received past
	// MaxReceiving. "" is the system's (os.TempDir),
	// which may be memory (Debian 13 mounts /tmp in RAM), where a whole export would take
	// the server's memory; tracer serve gives the database's folder. Files left there by a
	// server that was killed are removed at start (RemoveStaleTemp).
	TempDir string
}

// Server is the tracer API as an http.Handler.
type Server struct {
	cfg   Config
	log   *slog.Logger
	mux   *http.ServeMux
	forms *formCache
	// formFiles holds the encoded answers of the published versions asked for.
	formFiles formFiles
	enrolls   *limiter
	// enrollFails bounds wrong enrollment codes server-wide (key "").
	enrollFails *limiter
	offline     *offlineEnroll
	// decoding holds one token per request with a body being read, decoded and handled;
	// holding has the turn of each account with such a request held or waiting.
	decoding chan struct{}
	// linkSlots holds one token per submission through a self-response link that holds or
	// is about to take a decoding slot: at most MaxDecoding-1 of them (at least one), so
	// that bodies anyone holding a link can send, however slowly, always leave a slot to
	// the accounts' laptops and phones.
	linkSlots chan struct{}
	holdMu    sync.Mutex
	holding   map[string]*accountTurn
	// handling counts each account's requests being handled (under loadMu).
	loadMu   sync.Mutex
	handling map[string]int
	// queued weighs the checked records of pushes waiting for their commit.
	queued *semaphore.Weighted
	// receiving weighs the bodies being received and held until their decoding slot is
	// freed; linkReceiving those sent through self-response links, which also count in
	// receiving.
	receiving, linkReceiving *semaphore.Weighted
	// spooling weighs the bytes of bodies being received that went to spool files;
	// linkSpooling those sent through self-response links, which also count in spooling.
	spooling, linkSpooling *semaphore.Weighted
	// inMemory and spooled count the bytes bodies being received hold in memory and in
	// spool files.
	inMemory, spooled atomic.Int64
	probe             writeProbe
	links             *linkState
	// collect keeps the roster files of Collect's forms while the roster is unchanged.
	collect collectFiles
	// xforms holds the published versions written as XForms.
	xformMu sync.Mutex
	xforms  map[xformKey]cachedXForm
	// exports holds the accounts with an export under way (under exportMu).
	exportMu sync.Mutex
	exports  map[string]bool
	// computing holds one token per read over every interview under way (MaxComputing);
	// computeNow counts them and computePeak is the most there were at once.
	computing               chan struct{}
	computeNow, computePeak atomic.Int64
	flagState
}

// New returns a Server on the stores of cfg.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.EnrollBurst <= 0 {
		cfg.EnrollBurst = 10
	}
	if cfg.EnrollEvery <= 0 {
		cfg.EnrollEvery = 6 * time.Second
	}
	if cfg.EnrollFailBurst <= 0 {
		cfg.EnrollFailBurst = 60
	}
	if cfg.EnrollFailEvery <= 0 {
		cfg.EnrollFailEvery = 2 * time.Second
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = wire.MaxBody
	}
	if cfg.MaxInflated <= 0 {
		cfg.MaxInflated = wire.MaxInflated
	}
	if cfg.XForm == nil {
		cfg.XForm = func(f *forms.Form, roster *forms.XFormRoster) ([]byte, error) {
			var b bytes.Buffer
			err := forms.WriteXFormRoster(&b, f, roster)
			return b.Bytes(), err
		}
	}
	if cfg.LinkBurst <= 0 {
		cfg.LinkBurst = 30
	}
	if cfg.LinkEvery <= 0 {
		cfg.LinkEvery = 2 * time.Second
	}
	if cfg.LinkBodyTime <= 0 {
		cfg.LinkBodyTime = time.Minute
	}
	if cfg.LinkRevisions <= 0 {
		cfg.LinkRevisions = 20
	}
	if cfg.ProbeEvery <= 0 {
		cfg.ProbeEvery = 5 * time.Second
	}
	if cfg.MaxDecoding <= 0 {
		cfg.MaxDecoding = 2
	}
	if cfg.DecodeWait <= 0 {
		cfg.DecodeWait = time.Minute
	}
	if cfg.MaxAccountRequests <= 0 {
		cfg.MaxAccountRequests = 32
	}
	if cfg.ReturnPageBytes <= 0 {
		cfg.ReturnPageBytes = 4 << 20
	}
	if cfg.MaxQueued <= 0 {
		cfg.MaxQueued = 64 << 20
	}
	if cfg.MaxReceiving <= 0 {
		cfg.MaxReceiving = 64 << 20
	}
	cfg.MaxReceiving = max(cfg.MaxReceiving, 2*(cfg.MaxBody+1))
	if cfg.MaxSpooled <= 0 {
		cfg.MaxSpooled = 1 << 30
	}
	cfg.MaxSpooled = max(cfg.MaxSpooled, 2*(cfg.MaxBody+1))
	if cfg.MaxComputing <= 0 {
		cfg.MaxComputing = 2
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(),
		forms:         newFormCache(cfg.Forms),
		enrolls:       newLimiter(cfg.EnrollBurst, cfg.EnrollEvery, cfg.Now),
		enrollFails:   newLimiter(cfg.EnrollFailBurst, cfg.EnrollFailEvery, cfg.Now),
		offline:       newOfflineEnroll(cfg.Now),
		decoding:      make(chan struct{}, cfg.MaxDecoding),
		linkSlots:     make(chan struct{}, max(1, cfg.MaxDecoding-1)),
		holding:       map[string]*accountTurn{},
		handling:      map[string]int{},
		queued:        semaphore.NewWeighted(cfg.MaxQueued),
		receiving:     semaphore.NewWeighted(cfg.MaxReceiving),
		linkReceiving: semaphore.NewWeighted(receiveShare(cfg)),
		spooling:      semaphore.NewWeighted(cfg.MaxSpooled),
		linkSpooling:  semaphore.NewWeighted(spoolShare(cfg)),
		xforms:        map[xformKey]cachedXForm{},
		exports:       map[string]bool{},
		computing:     make(chan struct{}, cfg.MaxComputing),
	}
	s.routes()
	return s
}

// compute waits for one of the MaxComputing turns of a read over every interview, up to
// DecodeWait, and returns the function that gives it back; past the wait, or when the
// client leaves, EUNAVAILABLE (503, Retry-After set on w).
func (s *Server) compute(w http.ResponseWriter, r *http.Request) (done func(), err error) {
	t := time.NewTimer(s.cfg.DecodeWait)
	defer t.Stop()
	select {
	case s.computing <- struct{}{}:
	case <-t.C:
		w.Header().Set("Retry-After", "60")
		return nil, survey.Errorf(survey.EUNAVAILABLE, "The server is computing other reports; try again in a minute.")
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	n := s.computeNow.Add(1)
	for p := s.computePeak.Load(); n > p && !s.computePeak.CompareAndSwap(p, n); p = s.computePeak.Load() {
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			s.computeNow.Add(-1)
			<-s.computing
		})
	}, nil
}

// ComputePeak is the most reads over every interview (reports, progress, exports) that
// ran at once since the server started: at most Config.MaxComputing.
func (s *Server) ComputePeak() int { return int(s.computePeak.Load()) }

// Route is one API route and the roles it serves; nil Roles means no token is needed.
type Route struct {
	Pattern string
	Roles   []survey.Role
}

var (
	everyone    = survey.Roles
	supervisors = []survey.Role{survey.RoleSupervisor, survey.RoleAdmin}
	collectors  = []survey.Role{survey.RoleEnumerator, survey.RoleSupervisor}
	reviewers   = []survey.Role{survey.RoleSupervisor, survey.RoleAnalyst}
	admins      = []survey.Role{survey.RoleAdmin}
	supervisor  = []survey.Role{survey.RoleSupervisor}
	analysts    = []survey.Role{survey.RoleAnalyst}
)

// Routes lists every route with its roles: the server's access rules in one table.
var Routes = []Route{
	{"GET /healthz", nil},
	{"POST /api/v1/enroll", nil},
	{"GET /api/v1/me", everyone},
	{"POST /api/v1/laptop-key", everyone},
	{"GET /api/v1/forms", everyone},
	{"POST /api/v1/forms", supervisors},
	{"GET /api/v1/forms/{id}/{version}", everyone},
	{"POST /api/v1/forms/{id}/retire", supervisors},
	{"POST /api/v1/roster", supervisors},
	{"GET /api/v1/roster", everyone},
	{"POST /api/v1/roster/assign", supervisors},
	{"GET /api/v1/roster/assignments", supervisors},
	{"POST /api/v1/roster/updates/push", collectors},
	{"GET /api/v1/roster/updates", supervisor},
	{"POST /api/v1/roster/updates/{id}/accept", supervisor},
	{"POST /api/v1/roster/updates/{id}/reject", supervisor},
	{"POST /api/v1/interviews/push", collectors},
	{"POST /api/v1/attempts/push", collectors},
	{"GET /api/v1/attempts", reviewers},
	{"GET /api/v1/attempts/assigned", collectors},
	{"GET /api/v1/interviews", reviewers},
	{"GET /api/v1/interviews/{id}/{revision}", reviewers},
	{"POST /api/v1/interviews/{id}/return", supervisor},
	{"POST /api/v1/interviews/{id}/approve", supervisor},
	{"GET /api/v1/returned", collectors},
	{"GET /api/v1/approved", collectors},
	{"GET /api/v1/refused", collectors},
	{"GET /api/v1/review", supervisor},
	{"GET /api/v1/review/{id}", supervisor},
	{"GET /api/v1/coverage", supervisor},
	{"GET /api/v1/progress", supervisor},
	{"GET /api/v1/links", supervisors},
	{"POST /api/v1/links", supervisors},
	{"POST /api/v1/links/{id}/revoke", supervisors},
	{"GET /api/v1/waves", everyone},
	{"POST /api/v1/waves", supervisors},
	{"GET /api/v1/export", analysts},
	{"GET /api/v1/report", reviewers},
	{"GET /api/v1/users", admins},
	{"POST /api/v1/users", admins},
	{"GET /api/v1/relay/accounts", supervisor},
	{"POST /api/v1/relay/push", supervisor},
	{"POST /api/v1/relay/attempts", supervisor},
	{"GET /api/v1/relay/roster", supervisor},
	{"GET /api/v1/relay/returned", supervisor},
	{"GET /api/v1/relay/approved", supervisor},
	{"POST /api/v1/relay/roster-updates", supervisor},
	{"GET /api/v1/relay/codes", supervisor},
	{"POST /api/v1/relay/enroll", supervisor},
}

// handlerFunc is a route's handler: u is the caller (nil on public routes); a returned
// error is written as JSON with the status of its code.
type handlerFunc func(w http.ResponseWriter, r *http.Request, u *survey.User) error

func (s *Server) routes() {
	handlers := map[string]handlerFunc{
		"GET /healthz":                            s.health,
		"POST /api/v1/enroll":                     s.enroll,
		"GET /api/v1/me":                          s.me,
		"POST /api/v1/laptop-key":                 s.putLaptopKey,
		"GET /api/v1/forms":                       s.listForms,
		"POST /api/v1/forms":                      s.publishForm,
		"GET /api/v1/forms/{id}/{version}":        s.getForm,
		"POST /api/v1/forms/{id}/retire":          s.retireForm,
		"POST /api/v1/roster":                     s.uploadRoster,
		"GET /api/v1/roster":                      s.pullRoster,
		"POST /api/v1/roster/assign":              s.assignRoster,
		"GET /api/v1/roster/assignments":          s.listAssignments,
		"POST /api/v1/roster/updates/push":        s.pushRosterUpdates,
		"GET /api/v1/roster/updates":              s.listRosterUpdates,
		"POST /api/v1/roster/updates/{id}/accept": s.acceptRosterUpdate,
		"POST /api/v1/roster/updates/{id}/reject": s.rejectRosterUpdate,
		"POST /api/v1/interviews/push":            s.push,
		"POST /api/v1/attempts/push":              s.pushAttempts,
		"GET /api/v1/attempts/assigned":           s.pullAssignedAttempts,
		"GET /api/v1/attempts":                    s.listAttempts,
		"GET /api/v1/interviews":                  s.listInterviews,
		"GET /api/v1/interviews/{id}/{revision}":  s.getInterview,
		"POST /api/v1/interviews/{id}/return":     s.returnInterview,
		"POST /api/v1/interviews/{id}/approve":    s.approveInterview,
		"GET /api/v1/returned":                    s.pullReturned,
		"GET /api/v1/approved":                    s.pullApproved,
		"GET /api/v1/refused":                     s.pullRefused,
		"GET /api/v1/review":                      s.reviewQueue,
		"GET /api/v1/review/{id}":                 s.reviewInterview,
		"GET /api/v1/coverage":                    s.coverage,
		"GET /api/v1/progress":                    s.progress,
		"GET /api/v1/links":                       s.listLinks,
		"POST /api/v1/links":                      s.makeLinks,
		"POST /api/v1/links/{id}/revoke":          s.revokeLink,
		"GET /api/v1/waves":                       s.listWaves,
		"POST /api/v1/waves":                      s.addWave,
		"GET /api/v1/export":                      s.export,
		"GET /api/v1/report":                      s.report,
		"GET /api/v1/users":                       s.listUsers,
		"POST /api/v1/users":                      s.createUser,
		"GET /api/v1/relay/accounts":              s.relayAccounts,
		"POST /api/v1/relay/push":                 s.relayPush,
		"POST /api/v1/relay/attempts":             s.relayAttempts,
		"GET /api/v1/relay/roster":                s.relayRoster,
		"GET /api/v1/relay/returned":              s.relayReturned,
		"GET /api/v1/relay/approved":              s.relayApproved,
		"POST /api/v1/relay/roster-updates":       s.relayRosterUpdatesIn,
		"GET /api/v1/relay/codes":                 s.relayCodes,
		"POST /api/v1/relay/enroll":               s.relayConfirm,
	}
	if s.cfg.Relay != nil {
		s.relayHandlers(handlers)
	}
	for _, rt := range Routes {
		h := handlers[rt.Pattern]
		if h == nil {
			panic("server: no handler for " + rt.Pattern)
		}
		s.mux.Handle(rt.Pattern, s.guard(rt.Roles, h))
	}
	s.openRosaRoutes()
	s.linkRoutes()
	s.mux.Handle("/", s.guard(nil, func(http.ResponseWriter, *http.Request, *survey.User) error {
		return survey.Errorf(survey.ENOTFOUND, "No such route.")
	}))
}

// ServeHTTP logs the request and dispatches it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK, gzip: acceptsGzip(r.Header.Values("Accept-Encoding"))}
	s.mux.ServeHTTP(sw, r)
	level := slog.LevelInfo
	switch {
	case sw.status == http.StatusServiceUnavailable || sw.status >= 500 && r.Context().Err() != nil:
		// Refused under load, or a client gone before its reply: the server doing what
		// it should, which an operator may watch but need not mend.
		level = slog.LevelWarn
	case sw.status >= 500:
		level = slog.LevelError
	}
	// No query string, no headers, no bodies: the log never holds a token or personal data.
	s.log.LogAttrs(r.Context(), level, "request",
		slog.String("method", r.Method), slog.String("route", r.Pattern), slog.Int("status", sw.status),
		slog.Duration("took", time.Since(start)), slog.String("user", sw.user), slog.Int64("in", r.ContentLength))
}

// statusWriter remembers the status and the caller for the request log, and whether the
// client takes a gzip answer (writeJSON).
type statusWriter struct {
	http.ResponseWriter
	status int
	user   string
	gzip   bool
	// replying, when set, is called once before the first byte of the answer is written:
	// it frees the request's decoding slot (admit), which a slow reader of the answer must
	// not hold.
	replying func()
	// answered, when set, is called once before the first byte of the answer is written.
	answered func()
	// started is set once the answer's status or first byte is written: an error after
	// that cannot be answered any more (answerStarted).
	started bool
}

func (w *statusWriter) WriteHeader(code int) {
	w.reply()
	w.status, w.started = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.reply()
	w.started = true
	return w.ResponseWriter.Write(b)
}

// answerStarted reports, for a handler's error, whether its answer has started: its status
// is sent and perhaps part of its body (a download cut by a client gone, a write that
// failed). Writing the error then would put a second status on the wire and the error's
// text inside the answer; it is logged instead (logCutAnswer).
func answerStarted(w http.ResponseWriter) bool {
	sw, ok := w.(*statusWriter)
	return ok && sw.started
}

// logCutAnswer logs an error that came after the answer started: a warning when the client
// went away (its context canceled, or the connection broken under the write), an error
// otherwise.
func (s *Server) logCutAnswer(r *http.Request, err error) {
	level := slog.LevelError
	if r.Context().Err() != nil || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(r.Context(), level, "answer cut", slog.String("route", r.Pattern), slog.String("err", err.Error()))
}

func (w *statusWriter) reply() {
	if f := w.replying; f != nil {
		w.replying = nil
		f()
	}
	if f := w.answered; f != nil {
		w.answered = nil
		f()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// guard authenticates the caller when roles is not nil, checks the role, runs h and writes
// its error.
func (s *Server) guard(roles []survey.Role, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u *survey.User
		if roles != nil {
			var err error
			if u, err = s.authenticate(r); err != nil {
				s.writeError(w, r, err)
				return
			}
			if sw, ok := w.(*statusWriter); ok {
				sw.user = u.Name
			}
			if !hasRole(roles, u.Role) {
				s.writeError(w, r, survey.Errorf(survey.EFORBIDDEN, "The %s role may not do this.", u.Role))
				return
			}
			leave, err := s.enter(u.Name)
			if err != nil {
				w.Header().Set("Retry-After", "5")
				s.writeError(w, r, err)
				return
			}
			defer leave()
		}
		if r.Method == http.MethodPost && u != nil && !selfAdmitted[r.Pattern] {
			release, err := s.admit(w, r, u.Name)
			if err != nil {
				w.Header().Set("Retry-After", "5")
				s.writeError(w, r, err)
				return
			}
			defer release()
		}
		if err := h(w, r, u); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// enter counts a request of account user as handled until leave is called, or refuses it
// (EUNAVAILABLE) when MaxAccountRequests of the account's are handled already.
func (s *Server) enter(user string) (leave func(), err error) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.handling[user] >= s.cfg.MaxAccountRequests {
		return nil, survey.Errorf(survey.EUNAVAILABLE, "Too many requests of this account at once; try again in a minute.")
	}
	s.handling[user]++
	return func() {
		s.loadMu.Lock()
		defer s.loadMu.Unlock()
		if s.handling[user]--; s.handling[user] <= 0 {
			delete(s.handling, user)
		}
	}, nil
}

// selfAdmitted names the routes whose handler takes and frees its decoding slot itself.
var selfAdmitted = map[string]bool{"POST /api/v1/interviews/push": true}

func hasRole(roles []survey.Role, r survey.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func (s *Server) authenticate(r *http.Request) (*survey.User, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return nil, survey.Errorf(survey.EUNAUTHORIZED, "A bearer token is needed: run \"tracer login\".")
	}
	u, err := s.cfg.Users.Authenticate(r.Context(), strings.TrimSpace(token))
	if survey.ErrorCode(err) == survey.EUNAUTHORIZED {
		// A relay tells a laptop it enrolled offline why its token stopped working.
		if e, _ := s.relayEnrollment(r); e != nil && (e.State == survey.EnrollRefused || e.State == survey.EnrollReleased) {
			return nil, refusedEnrollment(e)
		}
	}
	return u, err
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if answerStarted(w) {
		s.logCutAnswer(r, err)
		return
	}
	code := survey.ErrorCode(err)
	if code == survey.EINTERNAL {
		if errors.Is(err, context.Canceled) || errors.Is(r.Context().Err(), context.Canceled) {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "request canceled", slog.String("route", r.Pattern))
		} else {
			s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("route", r.Pattern), slog.String("err", err.Error()))
		}
	}
	if code == survey.EFULL {
		s.log.LogAttrs(r.Context(), slog.LevelError, "disk full", slog.String("route", r.Pattern), slog.String("err", err.Error()))
	}
	status := wire.Status(code)
	if status == http.StatusRequestEntityTooLarge || status == http.StatusBadRequest {
		// The rest of a refused body is not worth reading.
		w.Header().Set("Connection", "close")
	}
	body := wire.ErrorOf(err)
	if msg := storeMessage(err); msg != body.Message {
		body.Message, body.Key, body.Args = msg, "", nil
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Add("Vary", "Accept-Encoding")
	// The answer is encoded whole first (as the encoder would anyway), so that a large one
	// can go compressed to a client that takes gzip: a laptop's pull of roster pages,
	// returns and forms over an event's weak network (Go's client asks for gzip and
	// inflates it by itself).
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			jsonBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if sw, ok := w.(*statusWriter); !ok || !sw.gzip || buf.Len() < gzipAnswersAbove {
		w.WriteHeader(status)
		_, _ = w.Write(buf.Bytes()) // the client is gone if this fails; nothing to do
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(status)
	_ = writeGzip(w, buf.Bytes()) // the client is gone if this fails; nothing to do
}

// writeBody writes b, the whole body of an answer whose headers are set, gzip-compressed
// when the client takes gzip (by Accept-Encoding's weights) and b is gzipAnswersAbove or
// more: the forms, form files and roster files ODK Collect (whose HTTP client asks for gzip
// and inflates it by itself) and link pages download over mobile data.
func writeBody(w http.ResponseWriter, r *http.Request, b []byte) error {
	w.Header().Add("Vary", "Accept-Encoding")
	if len(b) < gzipAnswersAbove || !acceptsGzip(r.Header.Values("Accept-Encoding")) {
		_, err := w.Write(b)
		return err
	}
	w.Header().Del("Content-Length")
	w.Header().Set("Content-Encoding", "gzip")
	return writeGzip(w, b)
}

// writeGzip writes b to w gzip-compressed, with a writer of gzipWriters.
func writeGzip(w io.Writer, b []byte) error {
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(w)
	_, err := zw.Write(b)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	zw.Reset(io.Discard)
	return err
}

// gzipAnswersAbove is the size from which a JSON answer goes compressed to a client that
// takes gzip; a smaller one (a receipt, a status) is not worth the work.
const gzipAnswersAbove = 8 << 10

var (
	jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	// gzipWriters compress at gzip's fastest level: an answer is compressed once, as it
	// goes, and JSON shrinks several times even so.
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
		return zw
	}}
)

// admit receives the request body and then waits for one of the MaxDecoding slots for
// requests with a body, and returns the function that frees both (calling it again does
// nothing; it is called by itself once the handler starts writing its answer). The body is
// received whole first (up to MaxBody bytes; a longer one is left for the handler to
// refuse), in memory within the MaxReceiving budget and past it in a spool file within
// MaxSpooled (Server.receive), so that a client sending slowly holds its own bytes only:
// never a slot, a database connection, the writer queue or room that others need.
// Receiving never waits; waiting for the slot, once the body is whole, takes up to
// DecodeWait.
//
// An account holds at most one slot at a time, so one account's large bodies cannot take
// every slot; its other requests wait their turn (a laptop syncs one request after the
// other, but several ODK Collect phones may send as one account at once), at most
// maxAccountQueue of them held, received or waiting: a request that finds no room is told
// to come back later (EUNAVAILABLE), so a burst of bodies cannot exhaust the server's
// memory.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, user string) (release func(), err error) {
	return s.admitIn(w, r, user, nil)
}

// admitIn is admit for a request that, once its account's turn has come, also needs a token
// of pool (nil: none) before it takes a decoding slot: see Server.linkSlots. Its body is
// received within the links' share of the budget too.
func (s *Server) admitIn(w http.ResponseWriter, r *http.Request, user string, pool chan struct{}) (release func(), err error) {
	busy := survey.Errorf(survey.EUNAVAILABLE, "The server is busy; try again in a minute.")
	s.holdMu.Lock()
	a := s.holding[user]
	if a == nil {
		a = &accountTurn{turn: make(chan struct{}, 1), recv: semaphore.NewWeighted(receiveShare(s.cfg)), spool: semaphore.NewWeighted(spoolShare(s.cfg))}
		s.holding[user] = a
	}
	if a.waiting >= maxAccountQueue {
		s.holdMu.Unlock()
		return nil, busy
	}
	a.waiting++
	s.holdMu.Unlock()
	leave := func() {
		s.holdMu.Lock()
		if a.waiting--; a.waiting == 0 {
			delete(s.holding, user)
		}
		s.holdMu.Unlock()
	}
	mem := []*semaphore.Weighted{a.recv, s.receiving}
	disk := []*semaphore.Weighted{a.spool, s.spooling}
	if pool != nil {
		mem = append(mem, s.linkReceiving)
		disk = append(disk, s.linkSpooling)
	}
	unreceive, err := s.receive(w, r, mem, disk)
	if err != nil {
		leave()
		if r.Context().Err() != nil {
			return nil, r.Context().Err()
		}
		return nil, err
	}
	if rb, ok := r.Body.(*receivedBody); ok && rb.err != io.EOF {
		// The body did not arrive whole (the client left, or took too long): the handler
		// answers with the error as it reads, and needs no slot for it.
		return sync.OnceFunc(func() { unreceive(); leave() }), nil
	}
	t := time.NewTimer(s.cfg.DecodeWait)
	defer t.Stop()
	select {
	case a.turn <- struct{}{}:
	case <-t.C:
		unreceive()
		leave()
		return nil, busy
	case <-r.Context().Done():
		unreceive()
		leave()
		return nil, r.Context().Err()
	}
	if pool != nil {
		select {
		case pool <- struct{}{}:
		case <-t.C:
			<-a.turn
			unreceive()
			leave()
			return nil, busy
		case <-r.Context().Done():
			<-a.turn
			unreceive()
			leave()
			return nil, r.Context().Err()
		}
	}
	unpool := func() {
		if pool != nil {
			<-pool
		}
	}
	select {
	case s.decoding <- struct{}{}:
		release = sync.OnceFunc(func() { <-s.decoding; unpool(); <-a.turn; unreceive(); leave() })
		if sw, ok := w.(*statusWriter); ok {
			sw.replying = release
		}
		return release, nil
	case <-t.C:
		unpool()
		<-a.turn
		unreceive()
		leave()
		return nil, busy
	case <-r.Context().Done():
		unpool()
		<-a.turn
		unreceive()
		leave()
		return nil, r.Context().Err()
	}
}

// receiveShare is how many bytes of bodies being received one account, and the
// self-response links together, may hold in memory: a quarter of MaxReceiving, and at least
// one body of MaxBody.
func receiveShare(cfg Config) int64 {
	return max(cfg.MaxReceiving/4, cfg.MaxBody+1)
}

// spoolShare is how many bytes of bodies being received one account, and the
// self-response links together, may hold in spool files: a quarter of MaxSpooled, and at
// least one body of MaxBody.
func spoolShare(cfg Config) int64 {
	return max(cfg.MaxSpooled/4, cfg.MaxBody+1)
}

// receiveChunk is the step in which a body being received takes room in memory, just
// before the chunk is read; past the memory budgets, the body is read spoolChunk bytes at a
// time and each takes room on disk once it has arrived. So a body being received holds at
// most one chunk more than the bytes it has sent.
const (
	receiveChunk = 64 << 10
	spoolChunk   = 16 << 10
)

// bodyTempPattern names the spool files of bodies being received (os.CreateTemp).
const bodyTempPattern = "tracer-body-*"

// receive reads r's body whole (up to MaxBody bytes: the handler refuses a longer one as it
// reads the http.MaxBytesError that follows them) and puts it back as r.Body, followed by
// the error that ended the reading if it was not the body's end, so that the handler reads
// the same body, error included. It returns the function that gives back the room the body
// holds and removes its spool file. A body announced over MaxBody is not read: the handler
// refuses it at once.
//
// Room is taken as bytes arrive, never before, and receiving never waits while it holds
// room, so that neither a body sent slowly nor one that stops halfway holds more than the
// bytes it has sent, and bodies received in part can never wait for each other. Each chunk
// is kept in memory while each of mem has room for it; past that, the rest of the body goes
// to a spool file in TempDir, within each of disk; a body that finds no room there either
// is refused at once (EUNAVAILABLE), giving back all it held.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, mem, disk []*semaphore.Weighted) (free func(), err error) {
	n := r.ContentLength
	if r.Body == nil || r.Body == http.NoBody || n == 0 || n > s.cfg.MaxBody {
		return func() {}, nil
	}
	rb := &receivedBody{}
	var inMem, onDisk int64
	free = sync.OnceFunc(func() {
		release(mem, inMem)
		release(disk, onDisk)
		s.inMemory.Add(-inMem)
		s.spooled.Add(-onDisk)
		if rb.file != nil {
			rb.file.Close()
			os.Remove(rb.file.Name())
		}
	})
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	var got int64
	var rerr error
	var buf []byte // the chunk being read to the spool file
	for rerr == nil {
		k := int64(receiveChunk)
		if n > 0 {
			if k = min(k, n-got); k == 0 {
				break
			}
		}
		if rb.file == nil && tryAcquire(mem, k) {
			chunk := make([]byte, k)
			m, err := fill(body, chunk)
			release(mem, k-int64(m))
			inMem += int64(m)
			s.inMemory.Add(int64(m))
			got += int64(m)
			if m < len(chunk)/2 {
				chunk = bytes.Clone(chunk[:m]) // the end of a body sent in chunks
			}
			if m > 0 {
				rb.chunks = append(rb.chunks, chunk[:m])
			}
			rerr = err
			continue
		}
		if buf == nil {
			buf = make([]byte, spoolChunk)
		}
		k = min(k, spoolChunk)
		m, err := fill(body, buf[:k])
		got += int64(m)
		rerr = err
		if m == 0 {
			continue
		}
		if !tryAcquire(disk, int64(m)) {
			free()
			return nil, survey.Errorf(survey.EUNAVAILABLE, "The server is busy; try again in a minute.")
		}
		onDisk += int64(m)
		s.spooled.Add(int64(m))
		if rb.file == nil {
			if rb.file, err = os.CreateTemp(s.cfg.TempDir, bodyTempPattern); err != nil {
				free()
				return nil, spoolError(err)
			}
		}
		if _, err := rb.file.Write(buf[:m]); err != nil {
			free()
			return nil, spoolError(err)
		}
	}
	if rb.file != nil {
		if _, err := rb.file.Seek(0, io.SeekStart); err != nil {
			free()
			return nil, spoolError(err)
		}
	}
	if rerr == nil {
		rerr = io.EOF
	}
	rb.err = rerr
	orig := r.Body
	r.Body = rb
	if sw, ok := w.(*statusWriter); ok {
		// Once the answer starts, the server looks at the body it gave the handler to
		// decide what to do with what is left of it (read it, or close the connection
		// gracefully after a refused body): give it back.
		sw.answered = func() { r.Body = orig }
	}
	return free, nil
}

// spoolError is the error of a spool file that could not be written: EFULL when the disk is
// full, so that the client is told who must act.
func spoolError(err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w (%w)", survey.Errorf(survey.EFULL, "The server's disk is full: its administrator must free disk space. Nothing sent before is lost; laptops keep what they could not send and sync again later."), err)
	}
	return fmt.Errorf("spool a request body: %w", err)
}

// fill reads from r into p until p is full or reading fails, and returns how many bytes it
// read and the error (io.EOF at the body's end), which, unlike io.ReadFull's, is r's own.
func fill(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// tryAcquire takes k from each of budgets, or from none of them when one has no room.
func tryAcquire(budgets []*semaphore.Weighted, k int64) bool {
	for i, b := range budgets {
		if !b.TryAcquire(k) {
			release(budgets[:i], k)
			return false
		}
	}
	return true
}

// release gives k back to each of budgets.
func release(budgets []*semaphore.Weighted, k int64) {
	if k == 0 {
		return
	}
	for _, b := range budgets {
		b.Release(k)
	}
}

// receivedBody is a request body received whole (Server.receive): its bytes in memory, then
// those in its spool file, then the error that ended the reading (io.EOF at the body's end).
type receivedBody struct {
	chunks [][]byte
	file   *os.File
	err    error
}

func (b *receivedBody) Read(p []byte) (int, error) {
	for len(b.chunks) > 0 && len(b.chunks[0]) == 0 {
		b.chunks = b.chunks[1:]
	}
	if len(b.chunks) > 0 {
		n := copy(p, b.chunks[0])
		b.chunks[0] = b.chunks[0][n:]
		return n, nil
	}
	if b.file != nil {
		n, err := b.file.Read(p)
		if err != io.EOF {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, b.err
}

func (b *receivedBody) Close() error { return nil }

// maxAccountQueue is how many requests with a body one account may have holding or
// waiting for its turn (admit).
const maxAccountQueue = 32

// accountTurn is one account's turn at the decoding slots: turn holds a token while one of
// its requests has it; waiting counts its requests holding or waiting for it (under
// Server.holdMu), and the turn is dropped when none is left.
type accountTurn struct {
	turn    chan struct{}
	waiting int
	// recv and spool are the account's shares of the bytes of bodies being received, in
	// memory (receiveShare) and in spool files (spoolShare).
	recv, spool *semaphore.Weighted
}

// decode reads the request body, inflating gzip, within the size limits, into v.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v wire.Validator) error {
	if r.ContentLength > s.cfg.MaxBody {
		return survey.Errorf(survey.ETOOLARGE, "The request body has %d bytes; the limit is %d.", r.ContentLength, s.cfg.MaxBody)
	}
	var body io.Reader = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	size := r.ContentLength
	// Content codings are case-insensitive, and x-gzip is gzip (RFC 9110, 8.4.1).
	switch enc := r.Header.Get("Content-Encoding"); strings.ToLower(strings.TrimSpace(enc)) {
	case "", "identity":
	case "gzip", "x-gzip":
		size = -1 // the inflated size is not announced
		zr, _ := gzipReaders.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(body)
		} else {
			err = zr.Reset(body)
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return survey.Errorf(survey.ETOOLARGE, "The request body is over the limit.")
			}
			return survey.Errorf(survey.EINVALID, "The gzip request body is malformed.")
		}
		defer func() {
			zr.Close()
			gzipReaders.Put(zr)
		}()
		body = &capReader{r: zr, left: s.cfg.MaxInflated}
	default:
		return survey.Errorf(survey.EINVALID, "Content-Encoding %q is not supported; use gzip or none.", enc)
	}
	return wire.DecodeSized(body, size, v)
}

// gzipReaders holds the request bodies' gzip readers (klauspost/compress, which inflates a
// push in about two thirds of the standard library's time) between requests, with their
// windows.
var gzipReaders sync.Pool

// capReader fails with wire.ErrTooLarge once more than left bytes were read.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, wire.ErrTooLarge
		}
		return c.r.Read(p) // io.EOF or an error at the limit exactly
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// clientIP returns the client the rate limits count a request against: the address of the
// connection's far end, without the port; when that is this machine (a reverse proxy in
// front of the server, as docs/SECURITY.md describes), the address the proxy added last to
// X-Forwarded-For, so that one client behind the proxy cannot use up the limits of every
// other. An IPv6 address counts as its /64 network, which one client usually holds whole.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 {
			last := fwd[len(fwd)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if fip := forwardedIP(strings.TrimSpace(last)); fip != nil {
				ip = fip
			}
		}
	}
	if ip == nil {
		return host
	}
	return addrKey(ip)
}

// forwardedIP reads an address of X-Forwarded-For: an IP address, or one with a port
// ("203.0.113.5:41234", "[2001:db8::1]:443"), as some proxies write it; nil if it is
// neither. Without the port's form, every client of such a proxy shared the proxy's own
// limits.
func forwardedIP(s string) net.IP {
	if ip := net.ParseIP(s); ip != nil {
		return ip
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		return net.ParseIP(host)
	}
	return nil
}

// addrKey is the key of a client address in the rate limits and connection bounds: an IPv4
// address itself, an IPv6 address its /64 network.
func addrKey(ip net.IP) string {
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// Timeouts bound how long the HTTP server waits for a slow or idle client.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// DefaultTimeouts are meant for laptops on a phone hotspot: a push of the largest batch
// over a slow link fits in Read.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 2 * time.Minute, Write: 2 * time.Minute, Idle: 2 * time.Minute}

// MaxHeaderBytes bounds a request's header: tracer's clients, ODK Collect and phone
// browsers send well under 4 KB; a client trickling a larger one is answered 431.
const MaxHeaderBytes = 16 << 10

// NewHTTPServer returns an http.Server for h with the timeouts t and a header size limit.
// Serve it on a listener wrapped by LimitConns: it tells the listener which connections
// are idle.
func NewHTTPServer(addr string, h http.Handler, t Timeouts, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Addr: addr, Handler: h,
		ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle,
		MaxHeaderBytes: MaxHeaderBytes,
		ConnState:      trackConnState,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// writeProbe remembers the last write check, so that /healthz, which anyone may call,
// writes at most once every ProbeEvery.
type writeProbe struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

// canWrite runs cfg.CanWrite unless it ran within ProbeEvery, and returns its result.
func (s *Server) canWrite(ctx context.Context) error {
	if s.cfg.CanWrite == nil {
		return nil
	}
	s.probe.mu.Lock()
	defer s.probe.mu.Unlock()
	if now := time.Now(); s.probe.at.IsZero() || now.Sub(s.probe.at) >= s.cfg.ProbeEvery {
		s.probe.err, s.probe.at = s.cfg.CanWrite(ctx), now
	}
	return s.probe.err
}

// health answers 200 {"status":"ok"} while the store can write; otherwise the error's
// status (507 for a full disk) with {"status":"cannot_write", "code", "message"}.
func (s *Server) health(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	now := s.cfg.Now().UTC().Format(time.RFC3339)
	if err := s.canWrite(r.Context()); err != nil {
		code := survey.ErrorCode(err)
		s.log.LogAttrs(r.Context(), slog.LevelError, "store cannot write", slog.String("err", err.Error()))
		writeJSON(w, wire.Status(code), map[string]string{"status": "cannot_write", "code": code, "message": storeMessage(err), "time": now})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "time": now})
	return nil
}

// storeMessage is what a client is told about a store error: a full disk says who must act.
func storeMessage(err error) string {
	if survey.ErrorCode(err) == survey.EFULL {
		return "The server's disk is full: its administrator must free disk space. Nothing sent before is lost; laptops keep what they could not send and sync again later."
	}
	return survey.ErrorMessage(err)
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request, u *survey.User) error {
	writeJSON(w, http.StatusOK, u)
	return nil
}

// maxEnrollBody is the most bytes an enrollment request may have.
const maxEnrollBody = 4 << 10

func (s *Server) enroll(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	if !s.enrolls.allow(clientIP(r)) {
		w.Header().Set("Retry-After", fmt.Sprint(int(s.cfg.EnrollEvery.Seconds()+0.5)))
		return survey.Errorf(survey.ERATELIMIT, "Too many enrollment attempts from this address; wait a minute.")
	}
	// Anyone may call this route, so its body is small and takes no decoding slot.
	r.Body = http.MaxBytesReader(w, r.Body, maxEnrollBody)
	var req wire.EnrollRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	// A guess takes its place in the server-wide bound before the code is checked, and a
	// code that is not a wrong one gives it back.
	if !s.enrollFails.allow("") {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "enrollment refused: too many wrong codes from all addresses")
		w.Header().Set("Retry-After", fmt.Sprint(int(s.cfg.EnrollFailEvery.Seconds()+0.5)))
		return survey.Errorf(survey.ERATELIMIT, "Too many wrong enrollment codes were tried on this server; wait a minute.")
	}
	token, u, err := s.cfg.Users.Enroll(r.Context(), req.Code, req.Device)
	if survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		// Only wrong codes use up the bounds: a hall of laptops behind one hotspot, or a
		// relay passing on its laptops' codes, all enroll with right ones.
		s.enrollFails.refund("")
		s.enrolls.refund(clientIP(r))
	}
	if err != nil {
		return err
	}
	resp := wire.EnrollResponse{Token: token, User: u.Name, Role: u.Role, PublicKey: s.cfg.PublicKey, SessionSealing: s.cfg.SessionSealing}
	// Enrolling again with a new code recovers the laptop's data key: the code is what
	// proves the right to it, never a token alone.
	if req.LaptopID != "" && s.cfg.LaptopKeys != nil && s.cfg.Key != nil {
		sealed, err := s.cfg.LaptopKeys.LaptopKey(r.Context(), u.Name, req.LaptopID)
		switch survey.ErrorCode(err) {
		case "":
			if resp.DataKey, err = s.cfg.Key.Open(sealed); err != nil {
				return err
			}
		case survey.ENOTFOUND:
		default:
			return err
		}
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "enrolled", slog.String("user", u.Name), slog.String("role", string(u.Role)),
		slog.Bool("key_recovered", resp.DataKey != nil))
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) putLaptopKey(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	var req wire.LaptopKeyRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if s.cfg.LaptopKeys == nil || s.cfg.Key == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no laptop keys.")
	}
	if _, err := s.cfg.Key.Open(req.Sealed); err != nil {
		return survey.Errorf(survey.EINVALID, "The laptop key is not sealed to this server's key.")
	}
	if err := s.cfg.LaptopKeys.PutLaptopKey(r.Context(), u.Name, req.LaptopID, req.Sealed); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	users, err := s.cfg.Users.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.UsersResponse{Users: users})
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	var req wire.UserRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	u, code, err := s.cfg.Users.CreateUser(r.Context(), req.Name, req.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, wire.UserResponse{User: u, Code: code})
	return nil
}
