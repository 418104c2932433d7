package survey

import (
	"context"
	"time"
)

// A relay is a `tracer serve --relay URL` on a supervisor's laptop at an event: laptops sync
// to it with no internet, it keeps what they push and forwards it to the centre (the server
// at URL) once it reaches it; forms, the roster, returns and approvals flow down through it.

// RelayAccount is an account a relay may serve: its name, role and the SHA-256 (hex, as
// HashSecret gives) of each of its tokens that is not revoked. A relay authenticates the
// laptops of these accounts with the hashes alone; a hash does not give the token.
type RelayAccount struct {
	Name        string   `json:"name"`
	Role        Role     `json:"role"`
	TokenHashes []string `json:"token_hashes"`
}

// AccountDirectory lists the accounts a relay serves (the centre's server).
type AccountDirectory interface {
	// RelayAccounts returns every enumerator and supervisor account that is not revoked,
	// by name, with the hashes of its tokens that are not revoked.
	RelayAccounts(ctx context.Context) ([]RelayAccount, error)
}

// RelayItem is one pushed revision a relay keeps until the centre has answered for it: the
// record sealed to the centre's key (Sealed), which the relay cannot open, or a record in
// clear (Body) from a laptop that does not seal; the account that pushed it and when.
type RelayItem struct {
	Seq         int64
	InterviewID string
	Revision    int
	Hash        string
	Body        []byte
	Sealed      []byte
	SubmittedBy string
	DeviceTime  time.Time
	ReceivedAt  time.Time
	// Enrollment names the relay's offline enrollment (RelayEnrollment.ID) whose token
	// pushed the item: it is forwarded only once the centre confirmed that enrollment
	// (or the relay's supervisor released it). Empty for a token of the centre.
	Enrollment string
}

// RelayForward is the centre's receipt for the relay's item Seq.
type RelayForward struct {
	Seq     int64
	Receipt Receipt
}

// RelayRosterRow is a roster row as the centre gives it to a relay: with the account it is
// assigned to ("" when none).
type RelayRosterRow struct {
	RosterRow
	AssignedTo string `json:"assigned_to,omitempty"`
}

// RelayApproval is an approval as the centre gives it to a relay: with the account that
// sent the approved revision, the one whose laptop drops it.
type RelayApproval struct {
	ReviewEvent
	SubmittedBy string `json:"submitted_by"`
}

// RelayStatus counts a relay's items: received from laptops, answered for by the centre
// (stored or already there), refused by it for good (conflict or refusal), and waiting to
// be forwarded; Held counts those of the waiting that were pushed under an enrollment the
// centre has not confirmed (or refused).
type RelayStatus struct {
	Received, Forwarded, Refused, Waiting, Held int
}

// RelayStore is a relay's own storage (beside the server stores it serves laptops from).
type RelayStore interface {
	// Accept keeps pushed revisions in one transaction and returns one receipt per item,
	// in order: stored (kept for the first time), duplicate (this id, revision and hash
	// were kept before: the first receipt), or conflict (ECONFLICT: other content was kept
	// for this id and revision; both are kept and forwarded, and the centre flags them).
	Accept(ctx context.Context, items []*RelayItem) ([]Receipt, error)

	// Pending returns up to limit items after the relay's sequence number after that the
	// centre has not answered for and that are not held (see RelayItem.Enrollment),
	// oldest first.
	Pending(ctx context.Context, after int64, limit int) ([]*RelayItem, error)

	// Forwarded records the centre's receipts in one transaction. An item whose receipt
	// is safe (stored, duplicate) or final (conflict, a refusal for good) is done and not
	// forwarded again; any other is counted as tried and stays pending.
	Forwarded(ctx context.Context, results []RelayForward) error

	// MirrorAccounts makes the relay's accounts and token hashes those of the centre, in
	// one transaction: accounts and tokens not listed are revoked, listed ones are live.
	MirrorAccounts(ctx context.Context, accounts []RelayAccount) error

	// AddToken adds one token hash of an account (a laptop enrolled through the relay).
	AddToken(ctx context.Context, account RelayAccount) error

	// MirrorRoster stores roster rows pulled from the centre under the centre's sequence
	// numbers, with their assignments, in one transaction.
	MirrorRoster(ctx context.Context, rows []RelayRosterRow) error

	// MirrorReturns stores returns pulled from the centre (with their records) under the
	// centre's sequence numbers; one already stored is left as it is.
	MirrorReturns(ctx context.Context, returns []*ReturnNotice) error

	// Returned returns up to limit returns after the centre's sequence number after, of
	// the revisions submitter sent ("" for every one).
	Returned(ctx context.Context, after int64, submitter string, limit int) ([]*ReturnNotice, error)

	// MirrorApprovals stores approvals pulled from the centre under its sequence numbers.
	MirrorApprovals(ctx context.Context, approvals []RelayApproval) error

	// Approvals returns up to limit approvals after sequence number after of the revisions
	// submitter sent.
	Approvals(ctx context.Context, after int64, submitter string, limit int) ([]*ReviewEvent, error)

	// MirrorLateRefusals stores late refusals pulled from the centre under the centre's
	// sequence numbers; one already stored is left as it is. The relay's SubmissionStore
	// (a LateRefusalLedger) then gives them to the laptops.
	MirrorLateRefusals(ctx context.Context, refusals []LateRefusal) error

	// Status counts the relay's items.
	Status(ctx context.Context) (RelayStatus, error)

	// Purge drops, in one transaction, what the relay holds that is safe at the centre:
	// the revisions the centre stored (or had), and the contact attempts and roster
	// updates up to the sequence numbers p names. Revisions still waiting or refused at
	// the centre, and attempts and updates after those numbers, are kept. When nothing
	// waits, the copies pulled from the centre (the roster, its assignments, returns,
	// approvals and late refusals) are dropped too and the cursors p names are reset, so
	// a relay started again pulls them afresh. Afterwards no page of the database file
	// keeps what was dropped.
	Purge(ctx context.Context, p RelayPurge) (RelayPurged, error)
}

// RelayPurge says how far the centre has settled a relay's contact attempts and roster
// updates (the forwarder's cursors), and names the cursors of what the relay pulled.
type RelayPurge struct {
	AttemptsThrough, UpdatesThrough int64
	PullCursors                     []string
}

// RelayPurged is what a purge dropped and what it kept.
type RelayPurged struct {
	// Interviews, Attempts and Updates count what was dropped, safe at the centre;
	// RosterRows and Feed what was dropped of the copies pulled from the centre.
	Interviews, Attempts, Updates, RosterRows, Feed int
	// Waiting counts the revisions, attempts and updates kept because the centre has not
	// taken them yet; Refused the revisions kept because the centre refused them.
	Waiting, Refused int
}

// ApprovalFeed is implemented by a ReviewStore that can list every account's approvals.
type ApprovalFeed interface {
	// AllApprovals returns up to limit approvals after sequence number after, each with
	// the account that sent the approved revision, in order.
	AllApprovals(ctx context.Context, after int64, limit int) ([]RelayApproval, error)
}

// LateRefusal is what a relay took from a laptop (its receipt said "safe on two
// machines") that the centre then refused for good when the relay forwarded it: a revision
// (another content for it, a conflict; another account's interview; a record its form does
// not accept), a contact attempt or a roster update (another content under its id, another
// account's, or one that does not validate there). The centre keeps one per item and hash
// under its own sequence numbers; the laptop that sent it learns it at its next sync,
// through a relay or directly, and keeps it, not sent again; supervisors see every one.
type LateRefusal struct {
	Seq int64 `json:"seq"`
	// Kind says what was refused; for an attempt or a roster update, InterviewID holds
	// its id, and Revision and Hash are empty.
	Kind ItemKind `json:"kind,omitempty"`
	Refusal
	// SubmittedBy is the account that pushed the revision to the relay; Relay is the
	// relay's account at the centre.
	SubmittedBy string `json:"submitted_by"`
	Relay       string `json:"relay"`
	// Outcome is conflict or refused (see Receipt.Outcome).
	Outcome Outcome `json:"outcome"`
}

// LateRefusalLedger is implemented by the centre's SubmissionStore: it keeps the
// refusals of relayed revisions for the laptops and supervisors to pull.
type LateRefusalLedger interface {
	// RecordLateRefusals keeps refusals in one transaction, each under a new sequence
	// number; one already kept (the same interview, revision and hash) is left as it is.
	RecordLateRefusals(ctx context.Context, refusals []LateRefusal) error

	// LateRefusals returns up to limit refusals after sequence number after, of the
	// revisions submitter sent ("" for every one), in order.
	LateRefusals(ctx context.Context, after int64, submitter string, limit int) ([]LateRefusal, error)
}

// ItemKind names what a laptop sends: a revision of an interview, a contact attempt or a
// roster update.
type ItemKind string

// The kinds of item a laptop sends. An empty kind is an interview's revision (what a
// late refusal from a centre that did not say the kind is).
const (
	ItemInterview    ItemKind = "interview"
	ItemAttempt      ItemKind = "attempt"
	ItemRosterUpdate ItemKind = "roster_update"
)

// Of returns the kind, ItemInterview when empty.
func (k ItemKind) Of() ItemKind {
	if k == "" {
		return ItemInterview
	}
	return k
}

// LateRefusalsOf returns, for a batch of attempts or roster updates (kind) that account by
// pushed through relay, the late refusals among the centre's receipts: those refused for
// good.
func LateRefusalsOf(kind ItemKind, receipts []AttemptReceipt, by, relay string) []LateRefusal {
	var out []LateRefusal
	for _, rc := range receipts {
		if o := rc.Outcome(); o.Final() {
			out = append(out, LateRefusal{Kind: kind, Refusal: Refusal{InterviewID: rc.ID, Code: rc.Code, Message: rc.Message},
				SubmittedBy: by, Relay: relay, Outcome: o})
		}
	}
	return out
}
