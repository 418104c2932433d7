package survey

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// Submission is one finalized revision as the server receives it: the record's canonical
// bytes and their hash, what the server read from them, and who sent it when.
type Submission struct {
	InterviewID string `json:"id"`
	Revision    int    `json:"revision"`
	Hash        string `json:"hash"`
	Body        []byte `json:"-"`
	// FormID, FormVersion, RespondentID and Enumerator are copied from the record.
	FormID       string `json:"form_id"`
	FormVersion  string `json:"form_version"`
	RespondentID string `json:"respondent_id"`
	Enumerator   string `json:"enumerator"`
	// SubmittedBy is the account that pushed the revision.
	SubmittedBy string `json:"submitted_by"`
	// DeviceTime is the device's clock when it sent the batch: data, never order.
	DeviceTime time.Time `json:"device_time,omitzero"`
	// Seq and ReceivedAt are stamped by the server when it stores the revision; Skew is
	// ReceivedAt minus DeviceTime.
	Seq        int64         `json:"seq"`
	ReceivedAt time.Time     `json:"received_at"`
	Skew       time.Duration `json:"skew_ns"`
	// Conflicts counts the different contents received for the same id and revision.
	Conflicts int `json:"conflicts,omitempty"`
	// InstanceID is the ODK Collect instanceID the revision came as, when it is not the
	// interview's id (an edit sent from Collect): a store that is an InstanceIndex records
	// it, in the transaction that stores the revision, when the revision is stored or was
	// already stored.
	InstanceID string `json:"-"`
}

// ReceiptStatus says what the server did with one pushed revision.
type ReceiptStatus string

// The receipt statuses. A stored or duplicate revision is safe on the server and the
// laptop may mark it sent; a conflict was kept apart for the supervisor and is never sent
// again; a refused revision was not stored (see the receipt's code and message).
const (
	ReceiptStored    ReceiptStatus = "stored"
	ReceiptDuplicate ReceiptStatus = "duplicate"
	ReceiptConflict  ReceiptStatus = "conflict"
	ReceiptRefused   ReceiptStatus = "refused"
)

// Ownership is what a store knows, while storing a batch, of who may send an interview's
// next revision: its latest revision (stored, or accepted earlier in the batch), and the
// accounts that sent its first and its latest revision. The zero Ownership is an interview
// the server has never seen.
type Ownership struct {
	Latest      int
	First, Last string
}

// Allows reports whether account may send revisions of the interview: anyone may send the
// first, only its owner the rest.
func (o *Ownership) Allows(account string) bool {
	return o.Latest == 0 || account == o.First || account == o.Last
}

// Add records a revision accepted in this batch, sent by account.
func (o *Ownership) Add(revision int, account string) {
	if o.Latest == 0 {
		o.First = account
	}
	o.Latest, o.Last = revision, account
}

// Admit decides the receipt of a pushed revision sub, the rule every store applies to each
// revision of a batch in order of interview and revision. own is the interview's ownership
// so far; prior is the hash of the same revision when the server already holds it or an
// earlier entry of the batch carries it, "" otherwise. The receipt is refused when another
// account owns the interview (EFORBIDDEN); a duplicate, or a conflict kept for the
// supervisor when prior is other content; refused when the revision does not follow the
// latest (ECONFLICT); otherwise stored, and own takes the revision. Its Seq and ReceivedAt
// are the store's to fill.
func Admit(sub *Submission, own *Ownership, prior string) Receipt {
	r := Receipt{InterviewID: sub.InterviewID, Revision: sub.Revision, Hash: sub.Hash}
	switch {
	case !own.Allows(sub.SubmittedBy):
		r.Status, r.Code = ReceiptRefused, EFORBIDDEN
		r.Message = fmt.Sprintf("Interview %s belongs to another account; only its enumerator can send its revisions.", sub.InterviewID)
	case prior != "" && prior == sub.Hash:
		r.Status = ReceiptDuplicate
	case prior != "":
		r.Status, r.Code = ReceiptConflict, ECONFLICT
		r.Message = fmt.Sprintf("Revision %d of interview %s is stored with other content; both are kept for the supervisor.", sub.Revision, sub.InterviewID)
	case sub.Revision != own.Latest+1:
		r.Status, r.Code = ReceiptRefused, ECONFLICT
		r.Message = Plurals("Interview %s has %d revision{s} stored; revision %d cannot follow, only revision %d.",
			sub.InterviewID, own.Latest, sub.Revision, own.Latest+1)
	default:
		r.Status = ReceiptStored
		own.Add(sub.Revision, sub.SubmittedBy)
	}
	return r
}

// Receipt is the server's answer for one pushed revision.
type Receipt struct {
	InterviewID string        `json:"id"`
	Revision    int           `json:"revision"`
	Hash        string        `json:"hash"`
	Status      ReceiptStatus `json:"status"`
	// Seq and ReceivedAt are those of the stored revision (the original one for a duplicate
	// or a conflict); zero for a refused one.
	Seq        int64     `json:"seq,omitempty"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// Code and Message explain a conflict or a refusal (survey error codes).
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Safe reports whether the server holds exactly this revision, so the laptop may mark it sent.
func (r *Receipt) Safe() bool { return r.Status == ReceiptStored || r.Status == ReceiptDuplicate }

// SubmissionFilter selects submissions for SubmissionStore.List.
type SubmissionFilter struct {
	// After returns only submissions with a larger Seq.
	After int64
	// SubmittedBy, when set, returns only that account's submissions.
	SubmittedBy string
	// Limit caps the number returned; 0 means 100.
	Limit int
}

// SubmissionStore keeps every revision the server received.
type SubmissionStore interface {
	// Ingest stores a batch in one transaction and returns one receipt per submission, in
	// order, only after the commit. A new (id, revision) is stored with the next sequence
	// number; the same id, revision and hash again gives the original receipt with status
	// duplicate; the same id and revision with another hash is kept in the conflicts,
	// flagged, and gets status conflict with code ECONFLICT. Uniqueness of (id, revision)
	// is enforced by the database. An interview belongs to the account that sent its first
	// revision: another account's revision of it is refused with code EFORBIDDEN, and a new
	// revision other than the latest stored plus one is refused with code ECONFLICT.
	Ingest(ctx context.Context, subs []*Submission) ([]Receipt, error)

	// Get returns one stored revision with its body. Returns ENOTFOUND.
	Get(ctx context.Context, id string, revision int) (*Submission, error)

	// List returns stored revisions by sequence number, without bodies.
	List(ctx context.Context, filter SubmissionFilter) ([]*Submission, error)

	// Conflicts returns the contents received for id and revision that differ from the
	// stored one, oldest first, without their bodies, at most MaxConflictsListed of them.
	Conflicts(ctx context.Context, id string, revision int) ([]*Submission, error)

	// Count returns the number of stored revisions.
	Count(ctx context.Context) (int, error)
}

// InstanceIndex is implemented by a SubmissionStore that remembers which interview revision
// each ODK Collect instanceID was stored as, so that an edit sent from Collect (naming its
// predecessor's instanceID as meta/deprecatedID) becomes the next revision of the same
// interview however many times it was edited. Its Ingest records a submission's InstanceID
// with its revision, in the same transaction (Submission.InstanceID); recording an
// instanceID again changes nothing, the first stays.
type InstanceIndex interface {
	// Instance returns the interview and revision instanceID was stored as. Returns
	// ENOTFOUND.
	Instance(ctx context.Context, instanceID string) (id string, revision int, err error)
}

// PublishedForm is an XLSForm published on the server: its source bytes and what they are.
type PublishedForm struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	// Hash is the hex SHA-256 of Source.
	Hash string `json:"hash"`
	// Name is the file name it was published as; its extension says the format.
	Name        string    `json:"name"`
	Title       string    `json:"title"`
	Source      []byte    `json:"-"`
	PublishedAt time.Time `json:"published_at"`
	PublishedBy string    `json:"published_by"`
	// Retired says the form (every version of its id) is no longer offered for new
	// interviews; what was made with it still syncs.
	Retired bool `json:"retired,omitempty"`
	// Interviews counts the interviews stored on the server with this version.
	Interviews int `json:"interviews"`
}

// FormStore keeps published forms. A published version is never changed.
type FormStore interface {
	// Publish stores a form version. Publishing the same bytes again changes nothing and
	// returns false; other bytes under a published id and version return ECONFLICT. A new
	// version of a retired form offers the form again.
	Publish(ctx context.Context, f *PublishedForm) (bool, error)

	// Retire stops laptops offering every version of form id for new interviews; the
	// versions stay published. Returns ENOTFOUND when no version of id is published.
	Retire(ctx context.Context, id, by string) error

	// Forms returns every published version without its source, by id and publication,
	// with whether it is retired and how many interviews the server has for it.
	Forms(ctx context.Context) ([]*PublishedForm, error)

	// Form returns one version with its source. Returns ENOTFOUND.
	Form(ctx context.Context, id, version string) (*PublishedForm, error)
}

// RosterRow is a roster row on the server with the sequence number of its last change.
// Gone marks a row that left an enumerator's roster (RosterDepartures): its Respondent
// holds only the roster id.
type RosterRow struct {
	Seq        int64       `json:"seq"`
	Respondent *Respondent `json:"respondent"`
	Gone       bool        `json:"gone,omitempty"`
}

// RosterDepartures is implemented by a ServerRosterStore that tells an enumerator's laptop
// which rows it must drop: a row assigned to another account, or left to no one once the
// roster has assignments, is not hers, and a laptop that pulled it before keeps it until
// told. The first assignment of a roster gives every row a new sequence number (Assign),
// since from then on each enumerator's roster is only her rows.
type RosterDepartures interface {
	// ChangesAndGone is Changes, with the rows changed after after that assignedTo's
	// roster does not hold among them, in order, marked Gone with their roster id only.
	// With assignedTo "" or no assignment made, or after 0 (a first pull, which holds
	// nothing to drop), it returns what Changes returns.
	ChangesAndGone(ctx context.Context, after int64, limit int, assignedTo string) ([]RosterRow, error)
}

// RosterPager is implemented by a ServerRosterStore that cuts a page of changes by the
// size of its rows as it reads them, so that a page of large rows reads no more rows than
// it holds.
type RosterPager interface {
	// ChangesPage returns what Changes returns (with gone, ChangesAndGone), cut to a page:
	// at most limit rows and, past the first, at most maxBytes bytes of their stored
	// bodies; more says that rows follow. Rows past the page are not read.
	ChangesPage(ctx context.Context, after int64, limit, maxBytes int, assignedTo string, gone bool) (rows []RosterRow, more bool, err error)
}

// CutRosterPage cuts a page of roster rows for a RosterPager as their sequence numbers and
// body sizes are read in order (next reports false at the end, with the reader's error):
// at most limit rows and, past the first, at most maxBytes bytes. It returns how many rows
// the page keeps, the last one's sequence number, and whether a row was left for a later
// page; it reads at most one row past the page.
func CutRosterPage(next func() (seq int64, size int, ok bool, err error), limit, maxBytes int) (kept int, last int64, more bool, err error) {
	total := 0
	for {
		seq, size, ok, err := next()
		if err != nil {
			return 0, 0, false, err
		}
		if !ok {
			return kept, last, false, nil
		}
		if total += size; kept == limit || kept > 0 && total > maxBytes {
			return kept, last, true, nil
		}
		kept, last = kept+1, seq
	}
}

// ServerRosterStore keeps the roster on the server so laptops can pull what changed.
type ServerRosterStore interface {
	// Upload inserts new rows and updates changed ones by roster id in one transaction, a
	// value a row lacks keeping the stored one (Respondent.KeepFrom); each changed row gets
	// the next sequence number. Returns EINVALID for a row without
	// roster id or name.
	Upload(ctx context.Context, rows []*Respondent) (UpsertResult, error)

	// Changes returns up to limit rows changed after sequence number after, in order. With
	// assignedTo set (an enumerator's account) and any assignment made, only the rows
	// assigned to that account are returned; "" returns every row.
	Changes(ctx context.Context, after int64, limit int, assignedTo string) ([]RosterRow, error)

	// Assign gives the selected rows to the enumerator account to (replacing any earlier
	// assignment) in one transaction and gives each a new sequence number, so that laptops
	// pull them again; the roster's first assignment gives every row a new one
	// (RosterDepartures). Returns EINVALID for an empty selector or an account that is not an
	// enumerator, and ENOTFOUND for a roster id the roster does not hold (nothing is
	// assigned then) or a batch or kejuruan with no row.
	Assign(ctx context.Context, sel AssignSelector, to, by string) (AssignResult, error)
}

// RosterRowReader is implemented by a ServerRosterStore that reads one row by roster id.
type RosterRowReader interface {
	// RosterRow returns the row with roster id id, nil when the roster has none.
	RosterRow(ctx context.Context, id string) (*Respondent, error)
}

// RosterScanner is implemented by a ServerRosterStore that reads the whole roster in one
// pass, for a reader of every row that keeps little of each (the report).
type RosterScanner interface {
	// RosterRows yields every row of the roster in sequence order, from one snapshot. A
	// row's strings share one copy of its stored bytes: a caller that keeps one of them
	// keeps the whole row, and clones what it keeps of many rows.
	RosterRows(ctx context.Context) iter.Seq2[*Respondent, error]
}

// MaxConflictsListed is the most differing contents of one revision SubmissionStore.Conflicts
// lists: each stays stored, and a list of them is for a reviewer to see that they exist.
const MaxConflictsListed = 100

// RosterState names what a server roster holds as a whole: the highest sequence number,
// the number of rows and of assigned rows. A change to any row or its assignment gives it a new sequence
// number, and rows are only removed all together (a relay's purge), so an unchanged state
// means an unchanged roster.
type RosterState struct {
	MaxSeq int64
	Rows   int64
	// Assigned counts the rows assigned to an enumerator: while none is, every account
	// pulls the whole roster.
	Assigned int64
}

// RosterStater is implemented by a ServerRosterStore that tells its state in one query.
type RosterStater interface {
	RosterState(ctx context.Context) (RosterState, error)
}

// AssignmentLister is implemented by a ServerRosterStore that can list its assignments.
type AssignmentLister interface {
	// Assignments returns the enumerator each assigned roster id is assigned to.
	Assignments(ctx context.Context) (map[string]string, error)
}

// Assignment is one period in which a roster row was assigned to an enumerator: from
// AssignedAt until EndedAt, when it was reassigned (zero while it lasts).
type Assignment struct {
	RosterID   string    `json:"roster_id"`
	User       string    `json:"user"`
	AssignedBy string    `json:"assigned_by"`
	AssignedAt time.Time `json:"assigned_at"`
	EndedBy    string    `json:"ended_by,omitempty"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
}

// AssignmentHistorian is implemented by a ServerRosterStore that keeps the history of its
// assignments.
type AssignmentHistorian interface {
	// AssignmentHistory returns every assignment of rosterID ("" for every row), by roster
	// id and then oldest first; with current, only the assignments in force.
	AssignmentHistory(ctx context.Context, rosterID string, current bool) ([]Assignment, error)
}

// AssignSelector picks roster rows to assign: the listed roster ids, or every row of a
// batch, of a kejuruan or of a regency of domicile (exactly one of the four).
type AssignSelector struct {
	RosterIDs []string `json:"roster_ids,omitempty"`
	Batch     string   `json:"batch,omitempty"`
	Kejuruan  string   `json:"kejuruan,omitempty"`
	Regency   string   `json:"regency,omitempty"`
}

// Named returns how many of the selector's four ways to pick rows it uses; an assignment
// needs exactly one.
func (s AssignSelector) Named() int {
	n := 0
	for _, set := range []bool{len(s.RosterIDs) > 0, s.Batch != "", s.Kejuruan != "", s.Regency != ""} {
		if set {
			n++
		}
	}
	return n
}

// AssignResult says how many roster rows an assignment gave to its enumerator.
type AssignResult struct {
	To       string `json:"to"`
	Assigned int    `json:"assigned"`
}

// ReturnNotice is a supervisor's return of a stored revision for correction.
type ReturnNotice struct {
	Seq         int64  `json:"seq"`
	InterviewID string `json:"id"`
	Revision    int    `json:"revision"`
	Comment     string `json:"comment"`
	// Questions are the supervisor's comments on single questions, by answer path.
	Questions  []QuestionComment `json:"questions,omitempty"`
	ReturnedBy string            `json:"returned_by"`
	ReturnedAt time.Time         `json:"returned_at"`
	// SubmittedBy is the account that pushed the revision; it is the one that pulls it.
	SubmittedBy string `json:"submitted_by"`
	// Record is the returned revision's canonical record, sent only to its submitter, so a
	// laptop that sealed the revision away can correct it.
	Record []byte `json:"record,omitempty"`
}

// ReturnStore keeps interviews returned for correction.
type ReturnStore interface {
	// Return records that by returned the latest stored revision of id with comment; the
	// interview's review state becomes returned (see ReviewStore.ReturnWithComments).
	// Returning the same revision again returns the first notice. Returns ENOTFOUND when
	// the revision is not stored and ECONFLICT when a later revision is.
	Return(ctx context.Context, id string, revision int, comment, by string) (*ReturnNotice, error)

	// Returned returns up to limit notices after sequence number after, of submitter's
	// revisions ("" for everyone's), in order.
	Returned(ctx context.Context, after int64, submitter string, limit int) ([]*ReturnNotice, error)
}

// Refusal is a revision the server will not take as it is (a conflict or an invalid
// record); the laptop keeps it and stops pushing it.
type Refusal struct {
	InterviewID string    `json:"id"`
	Revision    int       `json:"revision"`
	Hash        string    `json:"hash"`
	Code        string    `json:"code"`
	Message     string    `json:"message"`
	At          time.Time `json:"at"`
}

// SyncStateStore keeps the laptop's side of sync: refused revisions and named cursors.
type SyncStateStore interface {
	// Refuse records that the server refused a revision for good. Recording it again
	// replaces the reason.
	Refuse(ctx context.Context, r Refusal) error

	// Refusals returns every refused revision.
	Refusals(ctx context.Context) ([]Refusal, error)

	// Cursor returns the named cursor, 0 when never set.
	Cursor(ctx context.Context, name string) (int64, error)

	// SetCursor stores the named cursor.
	SetCursor(ctx context.Context, name string, value int64) error
}
