package survey

import (
	"context"
	"strings"
	"time"
)

// UpdateField names a roster column that the field may correct.
type UpdateField string

// The roster columns an update may propose a new value for.
const (
	FieldPhone   UpdateField = "phone"   // a new phone number (normalised to E.164)
	FieldRegency UpdateField = "regency" // a new regency or city of domicile
	FieldAddress UpdateField = "address" // a new address (kept in the roster's extra column "address")
	FieldName    UpdateField = "name"    // a corrected full name
)

// UpdateFields lists the fields an update may change, in the order help shows them.
var UpdateFields = []UpdateField{FieldPhone, FieldRegency, FieldAddress, FieldName}

// ParseUpdateField reads a field by its English or Indonesian name.
func ParseUpdateField(s string) (UpdateField, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "phone", "telepon", "hp", "no_hp", "phone_main":
		return FieldPhone, nil
	case "regency", "kabupaten", "domisili", "domicile", "domicile_regency":
		return FieldRegency, nil
	case "address", "alamat":
		return FieldAddress, nil
	case "name", "nama", "full_name":
		return FieldName, nil
	}
	return "", Errorf(EINVALID, "Unknown roster field %q: use phone, regency, address or name.", s)
}

// Personal reports whether the field's values identify a person (and are masked and
// encrypted as such).
func (f UpdateField) Personal() bool { return f != FieldRegency }

// Of returns the respondent's current value of the field (the phone in E.164).
func (f UpdateField) Of(r *Respondent) string {
	if r == nil {
		return ""
	}
	switch f {
	case FieldPhone:
		return r.Phone
	case FieldRegency:
		return r.Regency
	case FieldAddress:
		return r.Extra[ExtraAddress]
	case FieldName:
		return r.Name
	}
	return ""
}

// Set writes v as the respondent's value of the field. A new phone keeps the number the
// roster had before in the extra column "phone_previous", so nothing known is lost.
func (f UpdateField) Set(r *Respondent, v string) {
	switch f {
	case FieldPhone:
		if r.Phone != "" && r.Phone != v {
			if r.Extra == nil {
				r.Extra = map[string]string{}
			}
			r.Extra[ExtraPreviousPhone] = r.Phone
		}
		r.Phone, r.PhoneRaw = v, LocalPhone(v)
	case FieldRegency:
		r.Regency = v
	case FieldAddress:
		if r.Extra == nil {
			r.Extra = map[string]string{}
		}
		r.Extra[ExtraAddress] = v
	case FieldName:
		r.Name = v
	}
}

// The roster's extra columns that roster updates write.
const (
	ExtraAddress       = "address"
	ExtraPreviousPhone = "phone_previous"
)

// NormalizeUpdateValue returns the value as the roster stores it for field f: a phone
// number in E.164 (see NormalizePhone), a regency as its BPS code (see ParseRegency), other
// values trimmed with inner spaces collapsed.
// Returns EINVALID naming the field for a value that cannot be stored.
func NormalizeUpdateValue(f UpdateField, v string) (string, error) {
	v = strings.Join(strings.Fields(v), " ")
	if HasHidden(v) {
		return "", Errorf(EINVALID, "The new %s holds control or invisible characters.", f)
	}
	switch f {
	case FieldPhone:
		e164, _, err := NormalizePhone(v)
		if err != nil {
			return "", Errorf(EINVALID, "The new phone number %q is not valid: %s.", v, ErrorMessage(err))
		}
		return e164, nil
	case FieldName, FieldRegency:
		if v == "" || len(v) > 200 {
			return "", Errorf(EINVALID, "The new %s must have 1 to 200 characters.", f)
		}
		if f == FieldRegency {
			return ParseRegency(v)
		}
	case FieldAddress:
		if v == "" || len(v) > 500 {
			return "", Errorf(EINVALID, "The new address must have 1 to 500 characters.")
		}
	default:
		return "", Errorf(EINVALID, "Unknown roster field %q: use phone, regency, address or name.", f)
	}
	return v, nil
}

// UpdateStatus is where a proposed roster update stands on the server.
type UpdateStatus string

// The statuses of a roster update.
const (
	UpdatePending  UpdateStatus = "pending"
	UpdateAccepted UpdateStatus = "accepted"
	UpdateRejected UpdateStatus = "rejected"
)

// RosterUpdate is a new value for one column of one roster row, learnt in the field (in a
// contact attempt or an interview) and proposed to the central roster, where a supervisor
// accepts or rejects it. Its id is a UUID made on the laptop; pushing it again is harmless.
type RosterUpdate struct {
	ID       string      `json:"id"`
	RosterID string      `json:"roster_id"`
	Field    UpdateField `json:"field"`
	// Value is the new value, normalised (NormalizeUpdateValue); Old is the value the
	// proposer's roster held. Both are personal data for every field but the regency.
	Value      string    `json:"value"`
	Old        string    `json:"old,omitempty"`
	Note       string    `json:"note,omitempty"`
	ProposedBy string    `json:"proposed_by"`
	ProposedAt time.Time `json:"proposed_at"`
	// AttemptID or InterviewID names where it was learnt, if known.
	AttemptID   string `json:"attempt_id,omitempty"`
	InterviewID string `json:"interview_id,omitempty"`

	// The server's: its sequence number, who pushed it and when, and the decision: who
	// decided, when, why, and the central roster's value it replaced when accepted.
	Seq         int64        `json:"seq,omitempty"`
	SubmittedBy string       `json:"submitted_by,omitempty"`
	ReceivedAt  time.Time    `json:"received_at,omitzero"`
	Status      UpdateStatus `json:"status,omitempty"`
	DecidedBy   string       `json:"decided_by,omitempty"`
	DecidedAt   time.Time    `json:"decided_at,omitzero"`
	Reason      string       `json:"reason,omitempty"`
	Replaced    string       `json:"replaced,omitempty"`

	// Sent and Refusal are the laptop's, as for attempts.
	Sent    time.Time `json:"-"`
	Refusal string    `json:"-"`
}

// MaxUpdateNote is the most bytes a roster update's note or a decision's reason may have.
const MaxUpdateNote = 2000

// Validate checks a proposed update against now: ids, a known field, a value already
// normalised for it, a proposer, a time not in the future. Returns EINVALID naming what.
func (u *RosterUpdate) Validate(now time.Time) error {
	plain := func(s string, n int) bool { return len(s) <= n && !HasHidden(s) }
	switch {
	case u.ID == "" || !plain(u.ID, 64):
		return Errorf(EINVALID, "A roster update needs an id of at most 64 plain characters.")
	case u.RosterID == "" || !plain(u.RosterID, 64):
		return Errorf(EINVALID, "Roster update %s: the roster id is missing or not plain text.", u.ID)
	case u.ProposedBy == "" || !plain(u.ProposedBy, 64):
		return Errorf(EINVALID, "Roster update %s: who proposed it is missing or not plain text.", u.ID)
	case u.ProposedAt.IsZero():
		return Errorf(EINVALID, "Roster update %s: the time it was proposed is missing.", u.ID)
	case u.ProposedAt.After(now.Add(FutureSlack)):
		return Errorf(EINVALID, "Roster update %s for %s is dated %s, in the future (now %s): check the laptop's clock.",
			u.ID, u.RosterID, u.ProposedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case !plain(u.Old, 500):
		return Errorf(EINVALID, "Roster update %s: the old value has at most 500 plain characters.", u.ID)
	case len(u.Note) > MaxUpdateNote:
		return Errorf(EINVALID, "Roster update %s: the note has at most %d bytes.", u.ID, MaxUpdateNote)
	case !plain(u.AttemptID, 64) || !plain(u.InterviewID, 64):
		return Errorf(EINVALID, "Roster update %s: the attempt or interview id is not plain text.", u.ID)
	}
	if _, err := ParseUpdateField(string(u.Field)); err != nil || !validField(u.Field) {
		return Errorf(EINVALID, "Roster update %s: unknown field %q (phone, regency, address or name).", u.ID, u.Field)
	}
	v, err := NormalizeUpdateValue(u.Field, u.Value)
	if err != nil {
		return Errorf(EINVALID, "Roster update %s for %s: %s", u.ID, u.RosterID, ErrorMessage(err))
	}
	if v != u.Value {
		return Errorf(EINVALID, "Roster update %s: the new %s is not in its normal form (%q).", u.ID, u.Field, v)
	}
	return nil
}

func validField(f UpdateField) bool {
	for _, x := range UpdateFields {
		if f == x {
			return true
		}
	}
	return false
}

// Same reports whether u and b are the same proposal: every field the laptop sets is equal.
func (u *RosterUpdate) Same(b *RosterUpdate) bool {
	return u.ID == b.ID && u.RosterID == b.RosterID && u.Field == b.Field && u.Value == b.Value && u.Old == b.Old &&
		u.Note == b.Note && u.ProposedBy == b.ProposedBy &&
		u.ProposedAt.Truncate(time.Microsecond).Equal(b.ProposedAt.Truncate(time.Microsecond)) &&
		u.AttemptID == b.AttemptID && u.InterviewID == b.InterviewID
}

// Shown returns v as a screen shows a value of the field to someone who is not entering
// it: phone numbers masked, other values whole.
func (f UpdateField) Shown(v string) string {
	if f == FieldPhone && v != "" {
		return MaskPhone(v)
	}
	return v
}

// UpdateFilter selects roster updates.
type UpdateFilter struct {
	// Status, when set, returns only updates with that status (server).
	Status UpdateStatus
	// RosterID, when set, returns only that alumnus' updates.
	RosterID string
	// After returns, on the server, only updates with a larger sequence number.
	After int64
	// Limit caps the number returned; 0 means no cap on the laptop and 1000 on the server.
	Limit int
}

// RosterUpdateStore keeps the roster updates proposed on the laptop.
type RosterUpdateStore interface {
	// Propose saves a new proposal durably in one transaction, its values and note
	// encrypted when the laptop has a data key, and returns it. The alumnus must be on the
	// laptop's roster (ENOTFOUND: not assigned to this laptop); the value is normalised
	// (EINVALID when it cannot be); the same field and value already proposed for the
	// alumnus and not refused returns the earlier proposal and saves nothing; a value equal
	// to the roster's is EINVALID.
	Propose(ctx context.Context, u *RosterUpdate) (*RosterUpdate, error)

	// List returns the proposals that match f, oldest first.
	List(ctx context.Context, f UpdateFilter) ([]*RosterUpdate, error)

	// Unsent returns proposals that no receipt marked safe nor refused for good, oldest first.
	Unsent(ctx context.Context) ([]*RosterUpdate, error)

	// MarkSent records that the server holds the proposals ids, all in one transaction, as
	// AttemptStore.MarkSent does for attempts.
	MarkSent(ctx context.Context, ids ...string) error

	// Refuse records that the server refused proposal id for good, with its reason.
	Refuse(ctx context.Context, id, reason string) error
}

// RosterUpdateLedger keeps, on the server, every proposed roster update and its decision.
type RosterUpdateLedger interface {
	// Ingest stores a batch of proposals pushed by account by in one transaction and
	// returns one receipt per proposal, in order, after the commit: stored (pending), or
	// duplicate when the same proposal (this id, or the same field and value pending for
	// the alumnus) is held, or the roster already has the value; another content under a
	// stored id is a conflict. An enumerator's proposal must name her own account and, once
	// the roster has assignments, an alumnus assigned to her (EFORBIDDEN); an alumnus not
	// on the roster is ENOTFOUND.
	Ingest(ctx context.Context, updates []*RosterUpdate, by string, enumerator bool) ([]AttemptReceipt, error)

	// List returns the proposals that match f, by sequence number.
	List(ctx context.Context, f UpdateFilter) ([]*RosterUpdate, error)

	// Decide accepts or rejects pending proposal id, by account by, with a reason, in one
	// transaction. Accepting writes the new value into the central roster row (keeping the
	// value it replaced in the proposal's history) so laptops pull the corrected row.
	// Returns ENOTFOUND for an unknown id and ECONFLICT for one already decided.
	Decide(ctx context.Context, id string, accept bool, by, reason string) (*RosterUpdate, error)
}
