package survey

import (
	"context"
	"time"

	"github.com/google/uuid"

	"tracer/forms"
)

// State is where an interview is in its life on the laptop.
type State string

// The states of an interview. A draft is being filled in; finalizing freezes its current
// revision into the outbox; the laptop marks it sent once the server has confirmed that
// revision; a supervisor may return it for correction, and correcting a returned interview
// starts the next revision as a draft.
const (
	StateDraft     State = "draft"
	StateFinalized State = "finalized"
	StateSent      State = "sent"
	StateReturned  State = "returned"
)

// Valid reports whether s is one of the known states.
func (s State) Valid() bool {
	switch s {
	case StateDraft, StateFinalized, StateSent, StateReturned:
		return true
	}
	return false
}

// NewID returns a new id for an interview, a contact attempt, a roster update or a bundle: a
// version 7 UUID (RFC 9562), the creation time in milliseconds followed by 74 bits of which
// 62 are random. The laptop makes an interview's id when the interview starts and it never
// changes. Uniqueness rests on the random bits alone: a laptop with a wrong clock makes ids as
// unique as any other, and nothing orders, dedupes or identifies by the time in an id (the
// server orders by its own sequence numbers). The time only places the id in an index: ids
// made one after another sort one after another, so the server's indexes keyed by id grow at
// their ends instead of writing a page at random for every id (docs/BENCHMARKS.md, "Ids in
// the order they are made"). ShortID gives a part of an id that a person can tell apart.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ShortID returns the last 8 characters of id, or id when it is shorter: random in the ids
// NewID makes and in random (version 4) UUIDs alike, where an id's first characters are its
// time and two ids made in the same minute share them.
func ShortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

// Interview is one interview of one respondent with one form. Its answers are kept apart
// (see Answer) and read with InterviewStore.Answers.
type Interview struct {
	// ID is a UUID made on the laptop when the interview starts.
	ID string `json:"id"`
	// FormID, FormVersion and FormHash name the exact form the interview was made with.
	FormID      string `json:"form_id"`
	FormVersion string `json:"form_version"`
	FormHash    string `json:"form_hash"`
	// RespondentID is the roster id of the alumnus, "" for a walk-in.
	RespondentID string `json:"respondent_id"`
	// Enumerator is the user name of the enumerator who runs the interview.
	Enumerator string `json:"enumerator"`
	State      State  `json:"state"`
	// Revision starts at 1 and grows by one each time a returned interview is corrected.
	Revision int `json:"revision"`
	// Position is the form engine's path of the current question, opaque to the store; a
	// draft resumes there.
	Position string `json:"position"`
	// Lang is the form language the interview is shown in.
	Lang string `json:"lang"`
	// StartedAt and UpdatedAt are the device's clock in UTC: shown to people, never used
	// for identity, ordering across devices or dedupe.
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// ServerSeq and ReceivedAt are stamped by the server when it stores a revision.
	ServerSeq  int64     `json:"server_seq,omitempty"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// ReturnComment is the supervisor's reason for returning the interview.
	ReturnComment string `json:"return_comment,omitempty"`
}

// Validate returns an EINVALID error when the interview lacks what every interview needs.
func (iv *Interview) Validate() error {
	switch {
	case iv.FormID == "":
		return Errorf(EINVALID, "Interview needs a form id.")
	case iv.Enumerator == "":
		return Errorf(EINVALID, "Interview needs an enumerator.")
	case iv.ID != "" && uuid.Validate(iv.ID) != nil:
		return Errorf(EINVALID, "Interview id %q is not a UUID.", iv.ID)
	case iv.State != "" && !iv.State.Valid():
		return Errorf(EINVALID, "Unknown interview state %q.", iv.State)
	}
	return nil
}

// Answer is one answered node of an interview's instance: the form engine's own type
// (forms.Answer), so answers pass between the store and a session without conversion.
// Path names the node as the engine does ("consent", "household[2]/age") and is opaque to
// the store except for prefix removal; Value is the answer as ODK submission text
// (space-separated choices, ISO dates, ...).
type Answer = forms.Answer

// Changes is what SaveProgress records in one transaction: what happened in a draft since
// the last save.
type Changes struct {
	// Answers are the answers that changed since the last save.
	Answers []Answer
	// Removed are path prefixes whose answers are removed first ("household[2]" removes
	// "household[2]/age"; "household" removes every instance, never "household_size").
	Removed []string
	// Position is the current question after the save; "" keeps the stored one.
	Position string
	// Events are appended after the store's own change and remove events (say, the
	// "leave" of one question and the "enter" of the next).
	Events []Event
}

// VoidedDraft is the trace a voided draft leaves.
type VoidedDraft struct {
	InterviewID  string    `json:"interview_id"`
	FormID       string    `json:"form_id"`
	RespondentID string    `json:"respondent_id"`
	Enumerator   string    `json:"enumerator"`
	Reason       string    `json:"reason"`
	VoidedAt     time.Time `json:"voided_at"`
}

// InterviewFilter selects interviews for InterviewStore.List. Zero fields match everything.
type InterviewFilter struct {
	State State
	// FormID keeps the interviews of one form (any version); empty: every form.
	FormID       string
	RespondentID string
	Enumerator   string
	// Limit caps the number of interviews returned; 0 means no limit.
	Limit  int
	Offset int
}

// SentRevision names a revision the server's receipt says it holds: the interview, the
// revision and the hash the receipt gives.
type SentRevision struct {
	InterviewID string
	Revision    int
	Hash        string
}

// OutboxItem is a finalized revision waiting for (or confirmed by) the server. Body holds the
// record's canonical bytes and Hash their SHA-256; every retry sends these same bytes.
type OutboxItem struct {
	InterviewID string    `json:"interview_id"`
	Revision    int       `json:"revision"`
	Hash        string    `json:"hash"`
	Body        []byte    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
	// Sealed says Body is the record sealed to the server's public key (see Sealer); Hash
	// is still that of the canonical record.
	Sealed bool `json:"sealed,omitempty"`
	// SentAt is zero while the server has not confirmed the revision.
	SentAt time.Time `json:"sent_at,omitzero"`
	// FormID, FormVersion and FormHash name the form the interview was made with, so that
	// a sync can hold back what was made with a form the server did not publish; empty
	// when the store does not know.
	FormID      string `json:"form_id,omitempty"`
	FormVersion string `json:"form_version,omitempty"`
	FormHash    string `json:"form_hash,omitempty"`
	// Enumerator is the account the interview was made by, when the store knows it: a
	// sync leaves another account's revisions for that account's login.
	Enumerator string `json:"-"`
}

// InterviewStore keeps interviews, their answers and their finalized revisions. Each write
// method is one use case of an interview's life (start, save progress, switch language,
// finalize, correct, void, and the sync's receipts) in one durable transaction: once a
// method returns nil, its whole effect survives a crash, and callers never assemble a use
// case from several calls.
type InterviewStore interface {
	// Create stores a new draft. It fills an empty ID with NewID, sets State to draft,
	// Revision to 1 and empty timestamps to now (UTC).
	// Returns EINVALID for a malformed interview and ECONFLICT when the id exists.
	Create(ctx context.Context, iv *Interview) error

	// Get returns one interview. Returns ENOTFOUND.
	Get(ctx context.Context, id string) (*Interview, error)

	// List returns the interviews that match the filter, most recently updated first.
	List(ctx context.Context, filter InterviewFilter) ([]*Interview, error)

	// Counts returns how many interviews are in each state.
	Counts(ctx context.Context) (map[State]int, error)

	// FormCounts returns how many interviews of each form id are in each state.
	FormCounts(ctx context.Context) (map[string]map[State]int, error)

	// SaveProgress records what happened in a draft since the last save, in one durable
	// transaction: the answers under each of c.Removed are removed (a "remove" event for
	// each answer that is not written again), c.Answers are written (a "change" event for
	// each value that changed), the position moves to c.Position when it is not empty,
	// and c.Events are appended. Removing a repeat's instances and writing them renumbered
	// is therefore atomic. Returns ENOTFOUND, EINVALID for an empty path or prefix or an
	// event without a kind, and ECONFLICT when the interview is not a draft.
	SaveProgress(ctx context.Context, id string, c Changes) error

	// Answers returns every answer of the interview, sorted by path. Returns ENOTFOUND.
	Answers(ctx context.Context, id string) ([]Answer, error)

	// SetLang records the interview's language and a "lang" event. Returns ENOTFOUND and
	// ECONFLICT when not a draft.
	SetLang(ctx context.Context, id, lang string) error

	// Finalize freezes the draft's current revision with answers as its final answers (the
	// relevant ones, as ODK keeps them): in one transaction the answers replace every stored
	// answer, the record's canonical bytes and their hash go into the outbox and the state
	// becomes finalized. A finalized revision is never edited again. Returns ENOTFOUND,
	// EINVALID for an answer without a path and ECONFLICT when the interview is not a draft.
	Finalize(ctx context.Context, id string, answers []Answer) (*OutboxItem, error)

	// CreateDraft stores a new draft with answers (a headless fill kept to be finished
	// later) in one transaction: created as Create does, the answers written with a
	// "change" event each. Returns EINVALID and ECONFLICT like Create.
	CreateDraft(ctx context.Context, iv *Interview, answers []Answer) error

	// CreateFinalized stores a completed interview entered in one go (a headless fill) as a
	// new interview, finalized with answers, in one transaction: created as Create does and
	// frozen as Finalize does, so a failure leaves no empty draft behind. Returns EINVALID
	// and ECONFLICT like Create and Finalize.
	CreateFinalized(ctx context.Context, iv *Interview, answers []Answer) (*OutboxItem, error)

	// Outbox returns up to limit revisions the server has not confirmed, oldest first
	// (limit 0: all of them).
	Outbox(ctx context.Context, limit int) ([]*OutboxItem, error)

	// MarkSent records the server's receipts for revisions, all in one transaction: an
	// interview becomes sent if the revision is its current one. Marking twice is harmless.
	// A revision that is not in the outbox (ENOTFOUND) or whose hash is not the one given
	// (ECONFLICT) is left as it was while the others are recorded, and the first such
	// error is returned.
	MarkSent(ctx context.Context, sent ...SentRevision) error

	// Return records that a supervisor returned revision of the interview with comment.
	// The server only returns what it stored, so the revision counts as sent as well.
	// record is the revision's canonical record as the server holds it (nil when the server
	// did not send it): when the laptop sealed the revision away, its answers are restored
	// from record, which must hash to the revision's hash. Returns ENOTFOUND, ECONFLICT
	// when revision is not the interview's current, finalized or sent, revision, and
	// EINVALID for a record that is not that revision.
	Return(ctx context.Context, id string, revision int, comment string, record []byte) error

	// Purge drops what the laptop kept of a sent revision the server approved: the outbox
	// body is emptied and the interview's answers and its events' values removed, in one
	// transaction; its id, revision, hash and state stay. Purging again is harmless.
	// Returns ENOTFOUND, and ECONFLICT when revision is not the interview's current, sent
	// revision (say, it was returned and is being corrected).
	Purge(ctx context.Context, id string, revision int) error

	// RefuseSent records that the server refused for good a revision it had first taken
	// through a relay (see LateRefusal), in one transaction: the revision counts as not
	// sent again (the interview is finalized again when that revision is its current one),
	// its record stays in the outbox, and the refusal is kept as a push's would be, so no
	// sync sends it again. Refusing again is harmless. Returns ENOTFOUND when the laptop
	// has no such revision and ECONFLICT when r.Hash is not the revision's hash.
	RefuseSent(ctx context.Context, r Refusal) error

	// Correct starts the correction of a returned interview as its next revision: the
	// interview becomes a draft again at revision+1, keeping every answer, the position and
	// the supervisor's comment, with a "reopen" event. Returns the corrected interview,
	// ENOTFOUND and ECONFLICT when the interview is not returned.
	Correct(ctx context.Context, id string) (*Interview, error)

	// Void removes a draft that was never finalized, with its answers and events, and keeps
	// the reason with the interview's id, respondent and enumerator (see Voided). Returns
	// EINVALID for an empty reason, ENOTFOUND and ECONFLICT for any other interview.
	Void(ctx context.Context, id, reason string) error

	// Voided returns the drafts voided so far, oldest first.
	Voided(ctx context.Context) ([]VoidedDraft, error)

	// Migrate moves a draft made with form from to another version of the same form, to,
	// in one transaction: the answers that fit (FitAnswers) are rewritten, the rest are
	// removed, each kept as a "drop" event with its value and the reason, and a "migrate"
	// event records the move. Returns the outcome, ENOTFOUND, ECONFLICT when the interview
	// is not a draft, and EINVALID when from is not the form the draft was made with or
	// to is another form or the same version.
	Migrate(ctx context.Context, id string, from, to *forms.Form) (*Migration, error)
}

// Sealer encrypts a finalized record so that only the server can read it (the server's
// public key, on the laptop).
type Sealer interface {
	Seal(plain []byte) ([]byte, error)
}

// Opener decrypts what a Sealer sealed (the server's private key). It returns EINVALID for
// bytes it cannot open.
type Opener interface {
	Open(sealed []byte) ([]byte, error)
}

// FieldCipher encrypts single stored values on the laptop (drafts' answers, the roster's
// personal columns) under the laptop's data key. context names where the value lives and
// is bound to it. Decrypt returns a value stored before encryption began as it is.
type FieldCipher interface {
	Encrypt(value, context string) (string, error)
	Decrypt(stored, context string) (string, error)
}
