package survey

import (
	"errors"
	"fmt"
	"strings"
)

// Outcome is what a sync did with one finalized revision of the laptop's outbox.
type Outcome string

// The outcomes of a pushed revision. Stored and duplicate revisions are safe on the server
// and marked sent; conflicts and refusals are refused for good and never sent again;
// waiting revisions stay in the outbox for the next sync.
const (
	OutcomeStored    Outcome = "stored"    // stored by this sync
	OutcomeDuplicate Outcome = "duplicate" // the server had this very revision before
	OutcomeConflict  Outcome = "conflict"  // the server holds other content for the revision
	OutcomeRefused   Outcome = "refused"   // an invalid record, another account's interview, a revision out of order
	OutcomeWaiting   Outcome = "waiting"   // not taken yet (an unpublished form version, a server failure)
)

// Final reports whether o is refused for good: the revision is not sent again.
func (o Outcome) Final() bool { return o == OutcomeConflict || o == OutcomeRefused }

// Outcome classifies the receipt: the one place that decides what a receipt means for the
// laptop. A refusal whose code will not change when the revision is sent again (EINVALID,
// EFORBIDDEN, ECONFLICT) is refused for good; any other refusal is waiting.
func (r *Receipt) Outcome() Outcome {
	switch r.Status {
	case ReceiptStored:
		return OutcomeStored
	case ReceiptDuplicate:
		return OutcomeDuplicate
	case ReceiptConflict:
		return OutcomeConflict
	case ReceiptRefused:
		switch r.Code {
		case EINVALID, EFORBIDDEN, ECONFLICT:
			return OutcomeRefused
		}
	}
	return OutcomeWaiting
}

// PushOutcome is the outcome of one pushed revision, with the server's code and reason
// when it was refused or is waiting.
type PushOutcome struct {
	// Kind is what was pushed: a revision (the zero value), or, in a summary's
	// RefusedLater, a contact attempt or a roster update, whose id InterviewID then holds
	// (Revision 0).
	Kind        ItemKind
	InterviewID string
	Revision    int
	Outcome     Outcome
	Code        string
	Reason      string
}

// SyncSummary is what one sync did: one outcome per revision pushed, and what was pulled.
type SyncSummary struct {
	// Outcomes holds one entry per revision the server answered for, in push order.
	Outcomes []PushOutcome
	// Skipped counts revisions refused by an earlier sync and not sent again.
	Skipped int
	// Others counts the revisions, contact attempts and roster updates another account
	// made on this laptop: the server takes an enumerator's own only, so they wait there
	// for that account's login.
	Others int
	// Held lists the revisions not pushed because the server has not published the form
	// they were made with (its id, version and bytes): a file tried on the laptop, or one
	// edited without a new version. They stay in the outbox and are pushed by the first
	// sync after the server publishes exactly that form.
	Held []HeldRevision
	// Forms, RosterRows and Returned count what was pulled; ReturnedElsewhere counts returns
	// of interviews this laptop does not hold or has already corrected.
	Forms, RosterRows, Returned, ReturnedElsewhere int
	// RosterGone counts the roster rows the laptop dropped because the server no longer
	// gives them to its account (assigned to another enumerator).
	RosterGone int
	// FormsRemoved counts pulled form versions the laptop removed because it no longer
	// needs them: not the newest of their form, and no draft, returned or unsent interview
	// was made with them.
	FormsRemoved int
	// Purged counts sent interviews the server approved, whose content the laptop dropped.
	Purged int
	// Attempts holds one outcome per contact attempt the server answered for, in push order.
	Attempts []AttemptOutcome
	// Relay names the relay's account when a relay at an event answered the pushes: what
	// it stored is safe on the laptop and the relay, which sends it on to the centre.
	Relay string
	// Updates holds one outcome per roster update the server answered for, in push order.
	Updates []AttemptOutcome
	// AttemptsPulled counts the attempts others made on this laptop's alumni that were
	// pulled for context (some may have been on the laptop already).
	AttemptsPulled int
	// RefusedLater holds the revisions, contact attempts and roster updates of this laptop
	// that a relay had taken and the centre then refused for good (see LateRefusal), learnt
	// by this sync: each stays on the laptop, marked refused, and is not sent again.
	RefusedLater []PushOutcome
}

// HeldRevision is an outbox revision a sync held back, with the form it was made with.
type HeldRevision struct {
	InterviewID string
	Revision    int
	FormID      string
	FormVersion string
	FormHash    string
}

// HeldForms describes the forms of held revisions in one line: "ID VERSION (sha256 ABC)"
// for each distinct form, joined by ", ".
func (s *SyncSummary) HeldForms() string {
	var out []string
	seen := map[string]bool{}
	for _, h := range s.Held {
		k := h.FormID + "\x00" + h.FormVersion + "\x00" + h.FormHash
		if seen[k] {
			continue
		}
		seen[k] = true
		hash := h.FormHash
		if len(hash) > 12 {
			hash = hash[:12]
		}
		out = append(out, fmt.Sprintf("%s %s (sha256 %s)", h.FormID, h.FormVersion, hash))
	}
	return strings.Join(out, ", ")
}

// AttemptOutcome is the outcome of one pushed contact attempt, with the server's code and
// reason when it was refused or is waiting.
type AttemptOutcome struct {
	ID       string
	RosterID string
	Outcome  Outcome
	Code     string
	Reason   string
}

// AttemptCount returns how many pushed attempts had one of the outcomes os.
func (s *SyncSummary) AttemptCount(os ...Outcome) int {
	n := 0
	for _, x := range s.Attempts {
		for _, o := range os {
			if x.Outcome == o {
				n++
			}
		}
	}
	return n
}

// UpdateCount returns how many pushed roster updates had one of the outcomes os.
func (s *SyncSummary) UpdateCount(os ...Outcome) int {
	n := 0
	for _, x := range s.Updates {
		for _, o := range os {
			if x.Outcome == o {
				n++
			}
		}
	}
	return n
}

// Count returns how many revisions had one of the outcomes os.
func (s *SyncSummary) Count(os ...Outcome) int {
	n := 0
	for _, x := range s.Outcomes {
		for _, o := range os {
			if x.Outcome == o {
				n++
			}
		}
	}
	return n
}

// With returns the outcomes that are one of os, in push order.
func (s *SyncSummary) With(os ...Outcome) []PushOutcome {
	var out []PushOutcome
	for _, x := range s.Outcomes {
		for _, o := range os {
			if x.Outcome == o {
				out = append(out, x)
			}
		}
	}
	return out
}

// Complete reports whether every finalized revision, attempt and roster update pushed is now on the server.
func (s *SyncSummary) Complete() bool {
	return s.Count(OutcomeConflict, OutcomeRefused, OutcomeWaiting) == 0 && s.Skipped == 0 && len(s.RefusedLater) == 0 &&
		s.AttemptCount(OutcomeConflict, OutcomeRefused, OutcomeWaiting) == 0 &&
		s.UpdateCount(OutcomeConflict, OutcomeRefused, OutcomeWaiting) == 0
}

// SyncProgress counts the revisions of the outbox the server has answered for.
type SyncProgress struct {
	Done, Total int
}

// ErrUnreachable is wrapped by every sync error that means the server could not be reached
// or did not answer, after the retries.
var ErrUnreachable = errors.New("server unreachable")
