// Package client is the laptop's side of tracer's HTTP API: enrollment, pushing the outbox
// in batches, and pulling forms, the roster and interviews returned for correction. It
// retries what failed on the way with exponential backoff and full jitter, and turns HTTP
// statuses back into the survey error codes the server started from.
package client

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/sync/wire"
)

// ErrUnreachable is wrapped by every error that means the server could not be reached or
// did not answer, after the retries: survey.ErrUnreachable, so that code which does not
// import the client can tell.
var ErrUnreachable = survey.ErrUnreachable

// UnreachableError says that the server at URL could not be reached or did not answer in
// full; Err is the last failure. It matches ErrUnreachable with errors.Is.
type UnreachableError struct {
	URL string
	Err error
}

// Error returns one line for people.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the server at %s: %v", e.URL, e.Err)
}

// Unwrap returns ErrUnreachable and the last failure.
func (e *UnreachableError) Unwrap() []error { return []error{ErrUnreachable, e.Err} }

// Client talks to one tracer server. It is safe for concurrent use.
type Client struct {
	base  string
	hc    *http.Client
	token string
	log   *slog.Logger
	now   func() time.Time

	attempts        int
	backoff, maxOff time.Duration
	jitter          func() float64

	batchCount int
	batchBytes int
	gzipAbove  int
	maxAnswer  int64
}

// Option configures a Client.
type Option func(*Client)

// WithToken sets the bearer token sent with every request.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithHTTPClient sets the HTTP client (timeouts, transport).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithLogger sets the logger; it never receives the token.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithRetry sets how many times a request is tried in all and the backoff: the wait before
// try n+1 is a random share of min(max, base*2^n).
func WithRetry(attempts int, base, max time.Duration) Option {
	return func(c *Client) { c.attempts, c.backoff, c.maxOff = max1(attempts), base, max }
}

// WithBatch bounds each push by the number of interviews and the bytes of their bodies.
func WithBatch(count, bytes int) Option {
	return func(c *Client) {
		c.batchCount = min(max1(count), wire.MaxBatch)
		c.batchBytes = min(max1(bytes), wire.MaxBody/2)
	}
}

// WithClock sets the clock whose time is sent as the device time of a push.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithJitter sets the source of backoff jitter, a function returning [0, 1).
func WithJitter(f func() float64) Option { return func(c *Client) { c.jitter = f } }

// gzipWriters holds the request bodies' gzip writers (BestSpeed) between requests.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// WithGzipAbove gzips request bodies larger than n bytes (negative: never).
func WithGzipAbove(n int) Option { return func(c *Client) { c.gzipAbove = n } }

func max1(n int) int { return max(n, 1) }

// NewClient returns a client of the server at baseURL (http or https, no path beyond "/").
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, survey.Errorf(survey.EINVALID, "The server address %q is not an http:// or https:// URL.", baseURL)
	}
	c := &Client{
		base: strings.TrimSuffix(u.String(), "/"),
		hc:   &http.Client{Timeout: 2 * time.Minute},
		log:  slog.New(slog.DiscardHandler),
		now:  time.Now,

		attempts: 6, backoff: 250 * time.Millisecond, maxOff: 8 * time.Second,
		jitter:     rand.Float64,
		batchCount: 500, batchBytes: 2 << 20, gzipAbove: 16 << 10,
		maxAnswer: maxAnswer,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL returns the server's address.
func (c *Client) BaseURL() string { return c.base }

// retryable reports whether a status is worth trying again.
// A full disk on the server is not: it lasts until someone frees space.
func retryable(status int) bool {
	return status >= 500 && status != http.StatusInsufficientStorage || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout
}

// do sends one request and decodes a 2xx JSON answer into out, trying again with backoff
// when the server could not be reached, cut the answer short or was briefly unable to
// answer. Only idempotent requests may set retry.
//
// gzip writers are reused: a new one allocates and clears its compressor's tables (about
// 1 MB), a tenth of a laptop's CPU for a sync that pushes one batch.
func (c *Client) do(ctx context.Context, method, path string, in, out any, retry bool) error {
	var body []byte
	gz := false
	if in != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // records travel byte for byte
		if err := enc.Encode(in); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = buf.Bytes()
		if c.gzipAbove >= 0 && len(body) > c.gzipAbove {
			var zb bytes.Buffer
			zw := gzipWriters.Get().(*gzip.Writer)
			zw.Reset(&zb)
			zw.Write(body)
			zw.Close()
			gzipWriters.Put(zw)
			body, gz = zb.Bytes(), true
		}
	}
	attempts := c.attempts
	if !retry {
		attempts = 1
	}
	var last error
	for try := 0; try < attempts; try++ {
		if try > 0 {
			d := time.Duration(c.jitter() * float64(min(c.maxOff, c.backoff<<min(try-1, 20))))
			var se *survey.Error
			if errors.As(last, &se) && (se.Code == survey.ERATELIMIT || se.Code == survey.EUNAVAILABLE) {
				d = max(d, c.backoff)
			}
			c.log.LogAttrs(ctx, slog.LevelDebug, "retry", slog.String("path", path), slog.Int("try", try+1), slog.Duration("wait", d))
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return &UnreachableError{URL: c.base, Err: errors.Join(ctx.Err(), last)}
			case <-t.C:
			}
		}
		again, err := c.once(ctx, method, path, body, gz, out)
		if err == nil {
			return nil
		}
		if !again {
			var fe *foreignError
			if errors.As(err, &fe) {
				return &UnreachableError{URL: c.base, Err: err}
			}
			return err
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	var se *survey.Error
	if errors.As(last, &se) {
		return last
	}
	var ue *url.Error
	if errors.As(last, &ue) {
		last = ue.Err // the method and URL say nothing new
	}
	return &UnreachableError{URL: c.base, Err: last}
}

// once sends one request; again says whether trying again might help.
func (c *Client) once(ctx context.Context, method, path string, body []byte, gz bool, out any) (again bool, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.noRedirects().Do(req)
	if err != nil {
		if ce := certTimeError(err, c.now()); ce != nil {
			return false, ce // the laptop's clock stays wrong until someone sets it
		}
		return true, err
	}
	defer resp.Body.Close()
	if err := c.redirected(resp, path); err != nil {
		return false, err
	}
	ok := resp.StatusCode/100 == 2
	if ok && out == nil {
		return false, nil
	}
	ct := resp.Header.Get("Content-Type")
	if ok && !jsonType(ct) {
		// A Wi-Fi login page or a proxy's page answered in the server's place: its body is
		// not read, and asking again once the network lets the request through is safe.
		return true, &foreignError{Status: resp.Status, ContentType: ct}
	}
	limit := int64(maxErrorAnswer)
	if ok {
		limit = c.maxAnswer
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return true, fmt.Errorf("read answer: %w", err)
	}
	if ok {
		if int64(len(data)) > limit {
			return false, &foreignError{Status: resp.Status, ContentType: ct, Over: limit}
		}
		if err := json.Unmarshal(data, out); err != nil {
			// A cut-short answer: the request may have been done, and every request that
			// retries is idempotent, so asking again is safe.
			return true, fmt.Errorf("answer cut short or malformed: %w", err)
		}
		if at := missing(reflect.ValueOf(out), "answer"); at != "" {
			return false, &foreignError{Status: resp.Status, ContentType: ct, Missing: at}
		}
		return false, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			c.log.LogAttrs(ctx, slog.LevelDebug, "rate limited", slog.Int("retry_after", s))
		}
	}
	return retryable(resp.StatusCode), refusal(resp, data)
}

// refusal is the error of a non-2xx answer whose body (at most maxErrorAnswer bytes of it is
// read) is data: tracer's own refusal with its code, or a foreignError for a 5xx page that
// is not tracer's (a gateway or proxy in front of the server that could not reach it: 502,
// 503, 504, which is the server being unreachable).
func refusal(resp *http.Response, data []byte) error {
	var e wire.Error
	if json.Unmarshal(data[:min(len(data), maxErrorAnswer)], &e) != nil || e.Code == "" {
		if resp.StatusCode >= 500 {
			return &foreignError{Status: resp.Status, ContentType: resp.Header.Get("Content-Type")}
		}
		e = wire.ErrorOf(survey.Errorf(wire.Code(resp.StatusCode), "The server answered %s.", resp.Status))
	}
	if want := wire.Code(resp.StatusCode); e.Code != want && want != survey.EINTERNAL {
		e.Code = want
	}
	return e.Err()
}

// noRedirects returns the client's HTTP client, made to follow only the redirects that
// keep the request as it was (a GET, or a 307 or 308): a POST redirected by 301, 302 or 303
// would go on as a GET without its body, which no tracer server takes. Such a redirect is
// answered as it came (redirected tells what it means).
func (c *Client) noRedirects() *http.Client {
	hc := *c.hc
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.Method != via[0].Method {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &hc
}

// redirected returns the error of a redirect answering the request for path: the server
// moved (a Location with the same path on another address: http to https, a new host),
// told with its new address; any other redirect (a Wi-Fi login page) is a foreignError.
// nil for an answer that is no redirect.
func (c *Client) redirected(resp *http.Response, path string) error {
	if resp.StatusCode/100 != 3 || resp.StatusCode == http.StatusNotModified {
		return nil
	}
	loc, err := resp.Location()
	if err == nil {
		want, _, _ := strings.Cut(path, "?")
		if base, ok := strings.CutSuffix(loc.Path, want); ok && loc.Host != "" {
			moved := (&url.URL{Scheme: loc.Scheme, Host: loc.Host, Path: base}).String()
			if moved != c.base {
				return survey.Errorf(survey.EINVALID, "The server at %s has moved to %s (HTTP %d): sync with its new address (tracer sync --server %s).",
					c.base, moved, resp.StatusCode, moved)
			}
		}
	}
	return &foreignError{Status: resp.Status, ContentType: resp.Header.Get("Content-Type")}
}

// certTimeError returns what to tell people when err is an HTTPS certificate refused for
// the time, which is most often the laptop's clock (a dead clock battery, a date set by
// hand): the laptop's time now and the certificate's dates. nil for any other error.
func certTimeError(err error, now time.Time) error {
	var ce x509.CertificateInvalidError
	if !errors.As(err, &ce) || ce.Reason != x509.Expired || ce.Cert == nil {
		return nil
	}
	const layout = "2006-01-02 15:04 UTC"
	if now.Before(ce.Cert.NotBefore) {
		return survey.Errorf(survey.EINVALID, "This laptop's clock says %s, before the server's certificate is valid (from %s): set the laptop's date and time, then sync again.",
			now.UTC().Format(layout), ce.Cert.NotBefore.UTC().Format(layout))
	}
	return survey.Errorf(survey.EINVALID, "The server's certificate expired on %s and this laptop's clock says %s: if that date is right, the server's administrator must renew the certificate; if not, set the laptop's date and time, then sync again.",
		ce.Cert.NotAfter.UTC().Format(layout), now.UTC().Format(layout))
}

// maxAnswer bounds what is read of one successful answer: the largest is a form published
// with its attached files (128 MiB of them, in base64). maxErrorAnswer bounds an error's.
const (
	maxAnswer      = 256 << 20
	maxErrorAnswer = 64 << 10
)

// jsonType reports whether a Content-Type names JSON; an answer without one is read as JSON.
func jsonType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// foreignError is an answer that did not come from a tracer server: a page of another
// kind (a Wi-Fi login page, a proxy's error page), or one over the size any tracer answer
// has. After the retries it means the server was not reached (UnreachableError).
type foreignError struct {
	Status      string
	ContentType string
	Over        int64  // the limit the answer went over; 0 when it did not
	Missing     string // where the answer has null for what a tracer server always sends
}

func (e *foreignError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	if e.Missing != "" {
		return fmt.Sprintf("the answer (%s, %s) has null for %s, which a tracer server always sends; nothing of it was kept", e.Status, ct, e.Missing)
	}
	if e.Over > 0 {
		return fmt.Sprintf("the answer (%s, %s) is over %d MB, more than any tracer server sends; it was not kept", e.Status, ct, e.Over>>20)
	}
	return fmt.Sprintf("something other than a tracer server answered (%s, %s): a Wi-Fi login page, or a proxy that could not reach the server?", e.Status, ct)
}

// checkPage refuses a page of what that says there is more without moving the cursor on
// past after with at least one entry, as a tracer server's always does: its reader would
// ask for the same page again and again. It means the server was not reached.
func (c *Client) checkPage(what string, after, next int64, n int, more bool) error {
	if more && (n == 0 || next <= after) {
		return &UnreachableError{URL: c.base, Err: errors.New(survey.Plurals(
			"its pages of %s do not move on (after %d: %d entr{y|ies}, more from %d), which a tracer server's always do", what, after, n, next))}
	}
	return nil
}

// Health checks that the server answers.
func (c *Client) Health(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/healthz", nil, nil, false)
}

// Enroll exchanges a one-time code for a token. laptopID ("" for none) names the laptop's
// data key: the reply carries it when the server holds it for the account. It is not
// retried: a code works once, and a lost answer needs a new code. Returns EUNAUTHORIZED
// for a bad code.
func (c *Client) Enroll(ctx context.Context, code, device, laptopID string) (*wire.EnrollResponse, error) {
	var out wire.EnrollResponse
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/enroll", wire.EnrollRequest{Code: code, Device: device, LaptopID: laptopID}, &out, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutLaptopKey gives the server this laptop's data key sealed to the server's public key,
// once; sending the same again is harmless, so it is retried.
func (c *Client) PutLaptopKey(ctx context.Context, laptopID string, sealed []byte) error {
	return c.do(ctx, http.MethodPost, wire.Prefix+"/laptop-key", wire.LaptopKeyRequest{LaptopID: laptopID, Sealed: sealed}, nil, true)
}

// Me returns the account of the client's token.
func (c *Client) Me(ctx context.Context) (*survey.User, error) {
	var u survey.User
	if err := c.do(ctx, http.MethodGet, wire.Prefix+"/me", nil, &u, true); err != nil {
		return nil, err
	}
	return &u, nil
}

// Push sends one batch and returns one receipt per item, in order. Pushing is idempotent,
// so it is retried.
func (c *Client) Push(ctx context.Context, items []wire.PushItem) (*wire.PushResponse, error) {
	var out wire.PushResponse
	req := wire.PushRequest{DeviceTime: c.now().UTC(), Items: items}
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/interviews/push", req, &out, true); err != nil {
		return nil, err
	}
	if len(out.Receipts) != len(items) {
		return nil, errors.New(survey.Plurals("push: %d receipt{s} for %d interview{s}", len(out.Receipts), len(items)))
	}
	return &out, nil
}

// PushAttempts sends one batch of contact attempts and returns one receipt per attempt,
// in order. Pushing is idempotent, so it is retried.
func (c *Client) PushAttempts(ctx context.Context, attempts []*survey.Attempt) (*wire.AttemptPushResponse, error) {
	var out wire.AttemptPushResponse
	req := wire.AttemptPushRequest{DeviceTime: c.now().UTC(), Attempts: attempts}
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/attempts/push", req, &out, true); err != nil {
		return nil, err
	}
	if len(out.Receipts) != len(attempts) {
		return nil, errors.New(survey.Plurals("push attempts: %d receipt{s} for %d attempt{s}", len(out.Receipts), len(attempts)))
	}
	return &out, nil
}

// PushRosterUpdates sends one batch of roster updates proposed on the laptop and returns
// one receipt per update, in order. Pushing is idempotent, so it is retried.
func (c *Client) PushRosterUpdates(ctx context.Context, updates []*survey.RosterUpdate) (*wire.RosterUpdatePushResponse, error) {
	var out wire.RosterUpdatePushResponse
	req := wire.RosterUpdatePushRequest{DeviceTime: c.now().UTC(), Updates: updates}
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/roster/updates/push", req, &out, true); err != nil {
		return nil, err
	}
	if len(out.Receipts) != len(updates) {
		return nil, errors.New(survey.Plurals("push roster updates: %d receipt{s} for %d update{s}", len(out.Receipts), len(updates)))
	}
	return &out, nil
}

// RosterUpdates pulls a page of the server's roster updates after the cursor, only those
// with status st when it is set, only those of rosterID when it is set (supervisor).
func (c *Client) RosterUpdates(ctx context.Context, after int64, st survey.UpdateStatus, rosterID string) (*wire.RosterUpdatesPage, error) {
	var out wire.RosterUpdatesPage
	q := url.Values{"after": {strconv.FormatInt(after, 10)}}
	if st != "" {
		q.Set("status", string(st))
	}
	if rosterID != "" {
		q.Set("roster_id", rosterID)
	}
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/roster/updates?"+q.Encode(), nil, &out, true)
	if err == nil {
		err = c.checkPage("roster updates", after, out.Next, len(out.Updates), out.More)
	}
	return &out, err
}

// Assignments returns who each roster row is assigned to, of rosterID when it is set; with
// history, every earlier assignment too, with when it ended (supervisor).
func (c *Client) Assignments(ctx context.Context, rosterID string, history bool) ([]survey.Assignment, error) {
	var out wire.AssignmentsResponse
	q := url.Values{}
	if rosterID != "" {
		q.Set("roster_id", rosterID)
	}
	if history {
		q.Set("history", "1")
	}
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/roster/assignments?"+q.Encode(), nil, &out, true)
	return out.Assignments, err
}

// ListRosterUpdates pages through the server's roster updates with status st ("" for
// all), of rosterID when it is set, and returns them oldest first (supervisor).
func (c *Client) ListRosterUpdates(ctx context.Context, st survey.UpdateStatus, rosterID string) ([]*survey.RosterUpdate, error) {
	var out []*survey.RosterUpdate
	after := int64(0)
	for range maxPages {
		page, err := c.RosterUpdates(ctx, after, st, rosterID)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Updates...)
		if !page.More {
			break
		}
		after = page.Next
	}
	return out, nil
}

// DecideRosterUpdate accepts or rejects a pending roster update with a reason
// (supervisor); accepting changes the central roster row. Not retried: a decision is made
// once, and a retry after a lost answer would be refused as already decided.
func (c *Client) DecideRosterUpdate(ctx context.Context, id string, accept bool, reason string) (*survey.RosterUpdate, error) {
	var out survey.RosterUpdate
	verb := "reject"
	if accept {
		verb = "accept"
	}
	err := c.do(ctx, http.MethodPost, wire.Prefix+"/roster/updates/"+url.PathEscape(id)+"/"+verb, wire.DecideRequest{Reason: reason}, &out, false)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AssignedAttempts pulls a page of the attempts other accounts made on the alumni assigned
// to this account, after the cursor.
func (c *Client) AssignedAttempts(ctx context.Context, after int64) (*wire.AttemptsPage, error) {
	var out wire.AttemptsPage
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/attempts/assigned?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("attempts", after, out.Next, len(out.Attempts), out.More)
	}
	return &out, err
}

// Attempts pulls a page of stored contact attempts after the cursor (supervisor, analyst).
func (c *Client) Attempts(ctx context.Context, after int64) (*wire.AttemptsPage, error) {
	var out wire.AttemptsPage
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/attempts?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("attempts", after, out.Next, len(out.Attempts), out.More)
	}
	return &out, err
}

// Progress reads the supervisor's view of the tracing: work per enumerator, alumni never
// tried, call-backs overdue.
func (c *Client) Progress(ctx context.Context) (*report.Progress, error) {
	return c.WaveProgress(ctx, "")
}

// WaveProgress is Progress for the wave called wave; "" for the current one.
func (c *Client) WaveProgress(ctx context.Context, wave string) (*report.Progress, error) {
	var out report.Progress
	path := wire.Prefix + "/progress"
	if wave != "" {
		path += "?" + url.Values{"wave": {wave}}.Encode()
	}
	err := c.do(ctx, http.MethodGet, path, nil, &out, true)
	return &out, err
}

// Waves lists the study's waves, first to current.
func (c *Client) Waves(ctx context.Context) ([]survey.Wave, error) {
	var out wire.WavesResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/waves", nil, &out, true)
	return out.Waves, err
}

// AddWave opens the study's next wave (supervisor): name starts at startsAt, or now on
// the server when it is zero. Adding a wave twice is refused (ECONFLICT), so it is not
// retried.
func (c *Client) AddWave(ctx context.Context, name string, startsAt time.Time) (survey.Wave, error) {
	var out survey.Wave
	err := c.do(ctx, http.MethodPost, wire.Prefix+"/waves", wire.WaveRequest{Name: name, StartsAt: startsAt}, &out, false)
	return out, err
}

// Forms lists the published forms.
func (c *Client) Forms(ctx context.Context) ([]*survey.PublishedForm, error) {
	var out wire.FormsResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/forms", nil, &out, true)
	return out.Forms, err
}

// Form downloads one published form with its source.
func (c *Client) Form(ctx context.Context, id, version string) (*survey.PublishedForm, error) {
	var out wire.FormResponse
	if err := c.do(ctx, http.MethodGet, wire.Prefix+"/forms/"+url.PathEscape(id)+"/"+url.PathEscape(version), nil, &out, true); err != nil {
		return nil, err
	}
	out.PublishedForm.Source = out.Source
	return out.PublishedForm, nil
}

// Publish publishes an XLSForm (supervisor or admin). Publishing the same bytes again is
// harmless, so it is retried.
func (c *Client) Publish(ctx context.Context, name string, source []byte) (*wire.PublishResponse, error) {
	var out wire.PublishResponse
	err := c.do(ctx, http.MethodPost, wire.Prefix+"/forms", wire.PublishRequest{Name: name, Source: source}, &out, true)
	return &out, err
}

// Retire stops laptops offering form id for new interviews (supervisor or admin);
// retiring again changes nothing, so it is retried.
func (c *Client) Retire(ctx context.Context, id string) error {
	var out wire.RetireResponse
	return c.do(ctx, http.MethodPost, wire.Prefix+"/forms/"+url.PathEscape(id)+"/retire", nil, &out, true)
}

// UploadRoster adds or updates roster rows on the server (supervisor or admin).
func (c *Client) UploadRoster(ctx context.Context, rows []*survey.Respondent) (survey.UpsertResult, error) {
	var out survey.UpsertResult
	err := c.do(ctx, http.MethodPost, wire.Prefix+"/roster", wire.RosterUpload{Rows: rows}, &out, true)
	return out, err
}

// Assign gives the selected roster rows to the enumerator account to (supervisor or
// admin); assigning again gives the same result, so it is retried.
func (c *Client) Assign(ctx context.Context, to string, sel survey.AssignSelector) (survey.AssignResult, error) {
	var out survey.AssignResult
	err := c.do(ctx, http.MethodPost, wire.Prefix+"/roster/assign", wire.AssignRequest{To: to, AssignSelector: sel}, &out, true)
	return out, err
}

// MakeLinks makes one self-response link to form formID, valid until expires, for each
// alumnus sel picks (supervisor or admin) and returns them with their tokens, the only
// time the tokens are told. It is not retried: a second try would replace the first
// try's links.
func (c *Client) MakeLinks(ctx context.Context, sel survey.AssignSelector, formID string, expires time.Time) ([]*survey.NewLink, error) {
	var out wire.LinksMade
	err := c.do(ctx, http.MethodPost, wire.Prefix+"/links", &wire.LinkRequest{AssignSelector: sel, FormID: formID, Expires: expires}, &out, false)
	return out.Links, err
}

// Links lists every self-response link on the server, newest first (supervisor or admin).
func (c *Client) Links(ctx context.Context) ([]*survey.Link, error) {
	var out wire.LinkList
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/links", nil, &out, true)
	return out.Links, err
}

// RevokeLink revokes the self-response link with id; revoking twice is harmless.
func (c *Client) RevokeLink(ctx context.Context, id string) error {
	var out wire.LinkRevoked
	return c.do(ctx, http.MethodPost, wire.Prefix+"/links/"+url.PathEscape(id)+"/revoke", nil, &out, true)
}

// Roster pulls a page of roster changes after the cursor; with gone, the rows that left
// this account's roster come too, marked Gone (survey.RosterDepartures; a server that does
// not mark them sends none).
func (c *Client) Roster(ctx context.Context, after int64, gone bool) (*wire.RosterResponse, error) {
	var out wire.RosterResponse
	path := wire.Prefix + "/roster?after=" + strconv.FormatInt(after, 10)
	if gone {
		path += "&gone=1"
	}
	err := c.do(ctx, http.MethodGet, path, nil, &out, true)
	if err == nil {
		err = c.checkPage("roster rows", after, out.Next, len(out.Rows), out.More)
	}
	return &out, err
}

// Approved pulls a page of approvals of the caller's interviews after the cursor.
func (c *Client) Approved(ctx context.Context, after int64) (*wire.ApprovedResponse, error) {
	var out wire.ApprovedResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/approved?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("approvals", after, out.Next, len(out.Approvals), out.More)
	}
	return &out, err
}

// Returned pulls a page of interviews returned for correction after the cursor.
func (c *Client) Returned(ctx context.Context, after int64) (*wire.ReturnedResponse, error) {
	var out wire.ReturnedResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/returned?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("returned interviews", after, out.Next, len(out.Returns), out.More)
	}
	return &out, err
}

// Refused returns a page of late refusals after the cursor: revisions a relay took that
// the centre refused for good when the relay forwarded them (an enumerator's own, every
// one for a supervisor).
func (c *Client) Refused(ctx context.Context, after int64) (*wire.RefusedResponse, error) {
	var out wire.RefusedResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/refused?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("refusals", after, out.Next, len(out.Refusals), out.More)
	}
	return &out, err
}

// MaxLateRefusals is the most late refusals LateRefusals reads.
const MaxLateRefusals = 10000

// LateRefusals returns the late refusals the caller may see (see Refused), oldest first,
// at most MaxLateRefusals of them.
func (c *Client) LateRefusals(ctx context.Context) ([]survey.LateRefusal, error) {
	var out []survey.LateRefusal
	after := int64(0)
	for len(out) < MaxLateRefusals {
		page, err := c.Refused(ctx, after)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Refusals[:min(len(page.Refusals), MaxLateRefusals-len(out))]...)
		if !page.More || len(page.Refusals) == 0 {
			break
		}
		after = page.Next
	}
	return out, nil
}

// Return returns a stored revision for correction (supervisor). Returning twice gives the
// first notice, so it is retried.
func (c *Client) Return(ctx context.Context, id string, revision int, comment string) (*survey.ReturnNotice, error) {
	var out survey.ReturnNotice
	err := c.do(ctx, http.MethodPost, wire.Prefix+"/interviews/"+url.PathEscape(id)+"/return",
		wire.ReturnRequest{Revision: revision, Comment: comment}, &out, true)
	return &out, err
}

// Interviews lists a page of stored revisions after the cursor (supervisor or analyst).
func (c *Client) Interviews(ctx context.Context, after int64) (*wire.InterviewsResponse, error) {
	var out wire.InterviewsResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/interviews?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("interviews", after, out.Next, len(out.Interviews), out.More)
	}
	return &out, err
}
