package survey

import (
	"context"
	"iter"
	"time"
)

// ReviewState is where an interview is in the supervisor's review on the server.
type ReviewState string

// The review states. Revision 1 arrives as received; a supervisor approves it or returns
// it with a comment; the corrected revision that follows a return arrives as resubmitted and
// is approved or returned again. Returning an approved interview is allowed and withdraws
// the approval (the export of approved revisions leaves it out until a revision is approved
// again); approving a returned interview is not: the enumerator may be correcting it, so the
// supervisor waits for the resubmission.
const (
	ReviewReceived    ReviewState = "received"
	ReviewApproved    ReviewState = "approved"
	ReviewReturned    ReviewState = "returned"
	ReviewResubmitted ReviewState = "resubmitted"
)

// ReviewStates lists every review state.
var ReviewStates = []ReviewState{ReviewReceived, ReviewApproved, ReviewReturned, ReviewResubmitted}

// Valid reports whether s is one of the known review states.
func (s ReviewState) Valid() bool {
	switch s {
	case ReviewReceived, ReviewApproved, ReviewReturned, ReviewResubmitted:
		return true
	}
	return false
}

// ReceivedEvent returns the review event that newly storing sub makes, given the
// interview's review before it: its state ("" when it has no review yet) and reviewed
// revision. The first revision the server sees is received (resubmitted when it is not
// revision 1); a later one is resubmitted, from whatever state the review was in. A
// revision no newer than the reviewed one changes nothing: ReceivedEvent returns nil.
// Every store applies this rule to each revision it stores, in order.
func ReceivedEvent(state ReviewState, revision int, sub *Submission, at time.Time) *ReviewEvent {
	e := &ReviewEvent{InterviewID: sub.InterviewID, Revision: sub.Revision, To: ReviewReceived, By: sub.SubmittedBy, At: at}
	switch {
	case state == "":
		if sub.Revision > 1 {
			e.To = ReviewResubmitted
		}
	case sub.Revision <= revision:
		return nil
	default:
		e.From, e.To = state, ReviewResubmitted
	}
	return e
}

// QuestionComment is a supervisor's comment on one question of a returned interview, by
// the answer's path ("grp_job/income_exact").
type QuestionComment struct {
	Path    string `json:"path"`
	Comment string `json:"comment"`
}

// ReviewEvent is one change of an interview's review state: who changed it, when, from
// what to what, and the comments of a return.
type ReviewEvent struct {
	Seq         int64             `json:"seq"`
	InterviewID string            `json:"id"`
	Revision    int               `json:"revision"`
	From        ReviewState       `json:"from,omitempty"`
	To          ReviewState       `json:"to"`
	Comment     string            `json:"comment,omitempty"`
	Questions   []QuestionComment `json:"questions,omitempty"`
	By          string            `json:"by"`
	At          time.Time         `json:"at"`
}

// Review is the review status of one interview: its latest stored revision and state.
type Review struct {
	InterviewID string      `json:"id"`
	Revision    int         `json:"revision"`
	State       ReviewState `json:"state"`
	// ApprovedRevision is the approved revision, 0 when none is approved now.
	ApprovedRevision int    `json:"approved_revision,omitempty"`
	FormID           string `json:"form_id"`
	FormVersion      string `json:"form_version"`
	RespondentID     string `json:"respondent_id"`
	Enumerator       string `json:"enumerator"`
	SubmittedBy      string `json:"submitted_by"`
	// Seq and ReceivedAt are those of the latest stored revision.
	Seq        int64     `json:"seq"`
	ReceivedAt time.Time `json:"received_at"`
	// UpdatedAt and UpdatedBy are those of the last state change.
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// Conflicts counts the differing contents received for any revision of the interview.
	Conflicts int `json:"conflicts,omitempty"`
	// Flags are filled in by the caller that computes them (see survey/flags).
	Flags []Flag `json:"flags,omitempty"`
	// Mode and Device say how the latest revision came (Record.Mode and Record.Device: ""
	// from a tracer laptop); filled in by the caller that reads the records (the server's
	// review queue).
	Mode   string `json:"mode,omitempty"`
	Device string `json:"device,omitempty"`
}

// Flag is a reason for a supervisor to look at an interview first: a name callers can
// filter on and a one-line reason for people (English). Key and Args name the reason
// whatever the language, as an error body's do: Key is its English template, Args its
// arguments as printed, so a laptop shows it in Bahasa Indonesia (LocalReason).
type Flag struct {
	Name   string   `json:"name"`
	Reason string   `json:"reason"`
	Key    string   `json:"key,omitempty"`
	Args   []string `json:"args,omitempty"`
}

// NewFlag returns the flag name whose reason is format with args, keeping the format
// and the printed args for LocalReason.
func NewFlag(name, format string, args ...any) Flag {
	return Flag{Name: name, Reason: Plurals(format, args...), Key: PluralKey(format), Args: printArgs(format, args)}
}

// LocalReason returns the flag's reason in the UI language lang: for "id", the Indonesian
// text of its key when the catalogue has it; the reason as it came (English) otherwise,
// as from a server that sends no key.
func (f Flag) LocalReason(lang string) string {
	if lang == "id" && f.Key != "" {
		if t, ok := indonesian[f.Key]; ok {
			if out, ok := fill(t, f.Args); ok {
				return out
			}
		}
	}
	return f.Reason
}

// ReviewFilter selects interviews for ReviewStore.Queue. Zero fields match everything.
type ReviewFilter struct {
	State       ReviewState
	SubmittedBy string
	// After returns only interviews whose latest revision has a larger Seq.
	After int64
	// Limit caps the number returned; 0 means no limit.
	Limit int
}

// RevisionSet says which revisions of each interview a record stream gives.
type RevisionSet string

// The revision sets: the approved revision of each approved interview (the default), the
// latest stored revision of each interview, or every stored revision.
const (
	RevisionsApproved RevisionSet = "approved"
	RevisionsLatest   RevisionSet = "latest"
	RevisionsAll      RevisionSet = "all"
	// RevisionsLatestAndApproved is for a reader that needs both sets at once (the report:
	// its indicators count the approved revisions, its response rates what happened in the
	// field, the latest): each interview's latest revision and its approved one, a record
	// read once when they are the same, each marked (Record.Latest, Record.Approved). It is
	// no set a user names (ParseRevisionSet refuses it).
	RevisionsLatestAndApproved RevisionSet = "latest+approved"
)

// ParseRevisionSet returns the set named s; "" is RevisionsApproved. Returns EINVALID.
func ParseRevisionSet(s string) (RevisionSet, error) {
	switch r := RevisionSet(s); r {
	case "":
		return RevisionsApproved, nil
	case RevisionsApproved, RevisionsLatest, RevisionsAll:
		return r, nil
	}
	return "", Errorf(EINVALID, "Unknown revisions %q: use approved, latest or all.", s)
}

// RecordFilter selects the records of ReviewStore.Records.
type RecordFilter struct {
	Revisions RevisionSet
	// FormID, when set, gives only that form's records.
	FormID string
	// Names, when set, keeps of each record only the answers to these questions, by name
	// outside any repeat (DecodeRecordNamed): for a reader that looks at a few questions.
	// RosterRecords ignores it.
	Names []string
	// ByName, with Names, gives each record's answers to them in Record.Named, in the
	// order of Names, instead of a map (DecodeRecordByName): for a reader that asks every
	// record for the same few answers by name (the report).
	ByName bool
	// AnyOrder lets the store give the records in the order it reads them fastest instead
	// of Seq order, each still once: for a reader whose result does not depend on the
	// order (the report). SQLite then walks the table itself, where Seq order looks every
	// row up from the sequence index.
	AnyOrder bool
}

// RosterRecord is a stored record with the roster row of its respondent (nil when the
// roster has no row of that id). Its answers come as a list sorted by path, each path
// once (as Record.AnswerList gives them); the Record's Answers map is nil.
type RosterRecord struct {
	Record     *Record
	Answers    []Answer
	Respondent *Respondent
}

// FormUse counts the stored revisions of one form version.
type FormUse struct {
	FormID      string `json:"form_id"`
	FormVersion string `json:"form_version"`
	Revisions   int    `json:"revisions"`
}

// ReviewStore keeps the review state of every interview on the server and its history.
// The submission store starts it: a new interview is received, a revision after the first
// is resubmitted.
type ReviewStore interface {
	// Queue returns the review status of the interviews that match filter, by the Seq of
	// their latest revision.
	Queue(ctx context.Context, filter ReviewFilter) ([]*Review, error)

	// FlagStamp returns a value that changes whenever what the interviews' flags are made
	// of changes: a revision stored, a differing content recorded, a roster row added or
	// changed. It costs a few index lookups, so a server can keep the flags until it
	// changes.
	FlagStamp(ctx context.Context) (string, error)

	// CoverageStamp returns a value that changes whenever the coverage of the roster can:
	// a revision stored, a review state changed, a roster row added or changed. It costs a
	// few index lookups, so a server can keep the coverage until it changes.
	CoverageStamp(ctx context.Context) (string, error)

	// Review returns one interview's review status. Returns ENOTFOUND.
	Review(ctx context.Context, id string) (*Review, error)

	// IDsEndingWith returns up to limit ids of stored interviews that end with suffix (the
	// short id people read, ShortID), in no set order. It reads every id: for a person who
	// typed one, not for a program.
	IDsEndingWith(ctx context.Context, suffix string, limit int) ([]string, error)

	// History returns every change of an interview's review state, oldest first.
	History(ctx context.Context, id string) ([]*ReviewEvent, error)

	// Approvals returns up to limit approvals after sequence number after, of revisions the
	// account submitter sent, in order: her laptop then drops what it kept of them.
	Approvals(ctx context.Context, after int64, submitter string, limit int) ([]*ReviewEvent, error)

	// Revisions returns every stored revision of an interview, without bodies, oldest first.
	Revisions(ctx context.Context, id string) ([]*Submission, error)

	// Approve approves revision of id by by. Approving the approved revision again returns
	// the first approval. Returns ENOTFOUND, ECONFLICT when revision is not the latest
	// stored one or the interview is returned.
	Approve(ctx context.Context, id string, revision int, comment, by string) (*ReviewEvent, error)

	// ReturnWithComments returns revision of id for correction with a comment on the
	// interview and optional comments on single questions. Returning the same revision
	// again returns the first notice. Returns EINVALID for an empty comment, ENOTFOUND,
	// and ECONFLICT when a later revision is stored.
	ReturnWithComments(ctx context.Context, id string, revision int, comment string, questions []QuestionComment, by string) (*ReturnNotice, error)

	// Records streams stored records in Seq order (unless filter.AnyOrder), one decoded
	// body at a time, without loading them all; a decoding error is yielded and ends the
	// stream.
	Records(ctx context.Context, filter RecordFilter) iter.Seq2[*Record, error]

	// RosterRecords streams the records of Records, each with the server roster's row of
	// its respondent joined by the store (nil when the roster has none), so that a caller
	// never holds the roster in memory, and with the answers as a sorted list instead of a
	// map. The store may reuse a yielded Record and answer list for the next one: a
	// caller keeps strings from them, never the Record or the list.
	RosterRecords(ctx context.Context, filter RecordFilter) iter.Seq2[RosterRecord, error]

	// FormUses lists the form versions of the stored revisions.
	FormUses(ctx context.Context) ([]FormUse, error)
}

// ReviewQuery selects the review queue a supervisor sees: by review state, flag name,
// enumerator (the record's enumerator or the submitting account), and the roster's
// kejuruan or programme of the respondent. Zero fields match everything; After and Limit
// page by the Seq of each interview's latest revision (Limit 0: the server's page size).
type ReviewQuery struct {
	State      ReviewState
	Flag       string
	Enumerator string
	Kejuruan   string
	Program    string
	After      int64
	Limit      int
}

// ReviewPage is a page of the review queue; Next is the After of the next page.
type ReviewPage struct {
	Interviews []*Review `json:"interviews"`
	Next       int64     `json:"next"`
	More       bool      `json:"more"`
}

// ReviewDetail is everything a supervisor reviews of one interview: its review state and
// flags, the latest revision's record, every stored revision (without bodies), the history
// of its review and the differing contents received for its latest revision.
type ReviewDetail struct {
	Review    *Review        `json:"review"`
	Record    *Record        `json:"-"`
	Revisions []*Submission  `json:"revisions"`
	History   []*ReviewEvent `json:"history"`
	Conflicts []*Submission  `json:"conflicting,omitempty"`
}
