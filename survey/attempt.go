package survey

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Mode is how a contact attempt reached (or tried to reach) an alumnus.
type Mode string

// The modes of a contact attempt.
const (
	ModeEvent    Mode = "event"    // at an alumni event
	ModePhone    Mode = "phone"    // a phone call
	ModeWhatsApp Mode = "whatsapp" // a WhatsApp message or call
	ModeVisit    Mode = "visit"    // a home visit
	ModeWeb      Mode = "web"      // a link to a web questionnaire
)

// Modes lists every mode, in the order forms and help show them.
var Modes = []Mode{ModeEvent, ModePhone, ModeWhatsApp, ModeVisit, ModeWeb}

// ParseMode reads a mode by its name ("home-visit" and "wa" are accepted too).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "event", "acara":
		return ModeEvent, nil
	case "phone", "telepon", "call":
		return ModePhone, nil
	case "whatsapp", "wa":
		return ModeWhatsApp, nil
	case "visit", "home-visit", "home_visit", "kunjungan":
		return ModeVisit, nil
	case "web", "online":
		return ModeWeb, nil
	}
	return "", Errorf(EINVALID, "Unknown mode %q: use event, phone, whatsapp, visit or web.", s)
}

// Attempt is one contact attempt with an alumnus of the roster: who tried, when, how, and
// with what outcome (an AAPOR disposition code, see Dispositions). Its id is a UUID made on
// the laptop when it is recorded; it never changes, so pushing it again is harmless.
type Attempt struct {
	ID         string    `json:"id"`
	RosterID   string    `json:"roster_id"`
	At         time.Time `json:"at"`
	Enumerator string    `json:"enumerator"`
	Mode       Mode      `json:"mode"`
	// Channel is the phone number, WhatsApp number or place used: personal data.
	Channel string `json:"channel,omitempty"`
	// Outcome is the disposition code, such as "3.13".
	Outcome string `json:"outcome"`
	// Callback is when the alumnus asked to be called again; zero when not.
	Callback time.Time `json:"callback,omitzero"`
	Note     string    `json:"note,omitempty"`
	// InterviewID names the interview the attempt led to, if any.
	InterviewID string `json:"interview_id,omitempty"`

	// SubmittedBy, Seq and ReceivedAt are the server's: who pushed it, its sequence
	// number and when it arrived. Sent and Refusal are the laptop's: when a receipt said
	// it is safe, and why the server refused it for good.
	SubmittedBy string    `json:"submitted_by,omitempty"`
	Seq         int64     `json:"seq,omitempty"`
	ReceivedAt  time.Time `json:"received_at,omitzero"`
	Sent        time.Time `json:"-"`
	Refusal     string    `json:"-"`
}

// MaxAttemptNote is the most bytes an attempt's note may have.
const MaxAttemptNote = 2000

// FutureSlack is how far after the clock of whoever checks it an attempt may be dated:
// device clocks drift a little; more than this is a mistake.
const FutureSlack = 10 * time.Minute

// Validate checks an attempt against now: an id, a roster id, an enumerator, a known mode
// and disposition code, a time not in the future, and fields without control characters.
// Returns EINVALID with a message naming the field.
func (a *Attempt) Validate(now time.Time) error {
	switch {
	case a.ID == "" || len(a.ID) > 64 || HasHidden(a.ID):
		return Errorf(EINVALID, "An attempt needs an id of at most 64 plain characters.")
	case a.RosterID == "" || len(a.RosterID) > 64 || HasHidden(a.RosterID):
		return Errorf(EINVALID, "Attempt %s: the roster id is missing or not plain text.", a.ID)
	case a.Enumerator == "" || len(a.Enumerator) > 64 || HasHidden(a.Enumerator):
		return Errorf(EINVALID, "Attempt %s: the enumerator is missing or not plain text.", a.ID)
	case a.At.IsZero():
		return Errorf(EINVALID, "Attempt %s: the time of the attempt is missing.", a.ID)
	case a.At.After(now.Add(FutureSlack)):
		return Errorf(EINVALID, "Attempt %s for %s is dated %s, in the future (now %s): check the date and the laptop's clock.",
			a.ID, a.RosterID, a.At.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case len(a.Channel) > 128 || HasHidden(a.Channel):
		return Errorf(EINVALID, "Attempt %s: the number or channel has at most 128 plain characters.", a.ID)
	case len(a.Note) > MaxAttemptNote:
		return Errorf(EINVALID, "Attempt %s: the note has at most %d bytes.", a.ID, MaxAttemptNote)
	case len(a.InterviewID) > 64 || HasHidden(a.InterviewID):
		return Errorf(EINVALID, "Attempt %s: the interview id is not plain text.", a.ID)
	}
	if _, err := ParseMode(string(a.Mode)); err != nil || string(a.Mode) != strings.ToLower(string(a.Mode)) {
		return Errorf(EINVALID, "Attempt %s: unknown mode %q.", a.ID, a.Mode)
	}
	d, ok := LookupDisposition(a.Outcome)
	if !ok || d.Code != a.Outcome {
		return Errorf(EINVALID, "Attempt %s: unknown outcome %q (see \"tracer attempt codes\").", a.ID, a.Outcome)
	}
	if !a.Callback.IsZero() && !d.Callback {
		return Errorf(EINVALID, "Attempt %s: a call-back time goes with outcome %s (minta dihubungi lagi), not %s.", a.ID, DispositionCallback, a.Outcome)
	}
	return nil
}

// Same reports whether a and b record the same attempt: every field the laptop sets is
// equal (times to the microsecond, as stored).
func (a *Attempt) Same(b *Attempt) bool {
	eq := func(x, y time.Time) bool { return x.Truncate(time.Microsecond).Equal(y.Truncate(time.Microsecond)) }
	return a.ID == b.ID && a.RosterID == b.RosterID && eq(a.At, b.At) && a.Enumerator == b.Enumerator &&
		a.Mode == b.Mode && a.Channel == b.Channel && a.Outcome == b.Outcome && eq(a.Callback, b.Callback) &&
		a.Note == b.Note && a.InterviewID == b.InterviewID
}

// AttemptReceipt is the server's answer for one pushed attempt: stored, duplicate (the
// same attempt was stored before, from this laptop or another), conflict (another content
// under the same id: kept apart, never overwritten) or refused, with a code and reason.
type AttemptReceipt struct {
	ID      string        `json:"id"`
	Status  ReceiptStatus `json:"status"`
	Seq     int64         `json:"seq,omitempty"`
	Code    string        `json:"code,omitempty"`
	Message string        `json:"message,omitempty"`
}

// Outcome classifies the receipt for the laptop, as Receipt.Outcome does for interviews.
func (r *AttemptReceipt) Outcome() Outcome {
	rc := Receipt{Status: r.Status, Code: r.Code}
	return rc.Outcome()
}

// AttemptFilter selects attempts.
type AttemptFilter struct {
	// RosterID, when set, returns only that alumnus' attempts.
	RosterID string
	// Enumerator, when set, returns only attempts made by that account.
	Enumerator string
	// After returns, on the server, only attempts with a larger sequence number.
	After int64
	// Limit caps the number returned; 0 means no cap on the laptop and 1000 on the server.
	Limit int
}

// AttemptStore keeps the laptop's contact attempts.
type AttemptStore interface {
	// Add saves a new attempt durably in one transaction, its personal fields encrypted
	// when the laptop has a data key. Returns EINVALID for an attempt that does not
	// validate and ECONFLICT for an id already saved.
	Add(ctx context.Context, a *Attempt) error

	// List returns the attempts that match f, oldest first.
	List(ctx context.Context, f AttemptFilter) ([]*Attempt, error)

	// Unsent returns attempts that no receipt marked safe nor refused for good, oldest first.
	Unsent(ctx context.Context) ([]*Attempt, error)

	// MarkSent records that the server holds the attempts ids, all in one transaction. An id
	// that is not on the laptop (ENOTFOUND) is passed over while the others are recorded,
	// and the first such error is returned.
	MarkSent(ctx context.Context, ids ...string) error

	// Refuse records that the server refused attempt id for good, with its reason; the
	// attempt is kept and not sent again.
	Refuse(ctx context.Context, id, reason string) error
}

// AttemptLedger keeps every attempt the server received.
type AttemptLedger interface {
	// Ingest stores a batch of attempts pushed by account by in one transaction and
	// returns one receipt per attempt, in order, after the commit. An attempt already
	// stored with the same content gets status duplicate; another content under the same
	// id is kept apart and gets status conflict (ECONFLICT). An enumerator's attempt must
	// name her own account, and once the roster has assignments, an alumnus assigned to
	// her (EFORBIDDEN otherwise); an alumnus not on the roster is refused with ENOTFOUND.
	Ingest(ctx context.Context, attempts []*Attempt, by string, enumerator bool) ([]AttemptReceipt, error)

	// List returns stored attempts that match f, by sequence number.
	List(ctx context.Context, f AttemptFilter) ([]*Attempt, error)
}

// AttemptContext is implemented by an AttemptLedger that can give an enumerator the
// earlier attempts on the alumni assigned to her: after a reassignment her laptop learns
// what was tried before.
type AttemptContext interface {
	// AssignedAttempts returns up to limit stored attempts with a sequence number above
	// after, on the alumni assigned to user now, made by other accounts, by sequence number.
	AssignedAttempts(ctx context.Context, user string, after int64, limit int) ([]*Attempt, error)
}

// AttemptImporter is implemented by a laptop's AttemptStore that can keep attempts made on
// other laptops, for context.
type AttemptImporter interface {
	// Import saves attempts pulled from the server as already sent, in one transaction;
	// an id already held is left as it is.
	Import(ctx context.Context, attempts []*Attempt) error
}

// String describes the attempt in one line for people.
func (a *Attempt) String() string {
	s := fmt.Sprintf("%s %s %s %s %s", a.At.Local().Format("2006-01-02 15:04"), a.RosterID, a.Mode, a.Outcome, DispositionLabel(a.Outcome, "en"))
	if !a.Callback.IsZero() {
		s += " call back " + a.Callback.Local().Format("2006-01-02 15:04")
	}
	return s
}
