package wire

import (
	"time"

	"tracer/survey"
)

// The centre's routes for a relay (tracer serve --relay URL), taken by the relay's
// supervisor account: what laptops pushed to the relay goes up on behalf of the account
// that pushed it, and what laptops pull comes down for every account.

// RelayAccountsResponse lists the accounts a relay serves, with their token hashes.
type RelayAccountsResponse struct {
	Accounts []survey.RelayAccount `json:"accounts"`
}

// RelayPushRequest forwards revisions that the account For pushed to a relay: the centre
// checks and stores them as if For had pushed them itself.
type RelayPushRequest struct {
	For string `json:"for"`
	PushRequest
}

// Lists names the batch's list of items; their bodies are kept as bytes.
func (r *RelayPushRequest) Lists() Lists { return r.PushRequest.Lists() }

// Validate checks the account named and the batch's shape.
func (r *RelayPushRequest) Validate() error {
	if err := validFor(r.For); err != nil {
		return err
	}
	return r.PushRequest.Validate()
}

// RelayAttemptsRequest forwards contact attempts that the account For pushed to a relay.
type RelayAttemptsRequest struct {
	For string `json:"for"`
	AttemptPushRequest
}

// Lists names the batch's list of attempts.
func (r *RelayAttemptsRequest) Lists() Lists { return r.AttemptPushRequest.Lists() }

// Validate checks the account named and the batch's shape.
func (r *RelayAttemptsRequest) Validate() error {
	if err := validFor(r.For); err != nil {
		return err
	}
	return r.AttemptPushRequest.Validate()
}

func validFor(name string) error {
	if name == "" || len(name) > 128 || survey.HasHidden(name) {
		return survey.Errorf(survey.EINVALID, "A relayed push names the account that pushed it (for).")
	}
	return nil
}

// RelayRosterResponse is a page of roster changes with each row's assignment.
type RelayRosterResponse struct {
	Rows []survey.RelayRosterRow `json:"rows"`
	Next int64                   `json:"next"`
	More bool                    `json:"more"`
}

// RelayApprovedResponse is a page of approvals of every account's revisions.
type RelayApprovedResponse struct {
	Approvals []survey.RelayApproval `json:"approvals"`
	Next      int64                  `json:"next"`
	More      bool                   `json:"more"`
}

// RelayRosterUpdatesRequest forwards roster updates that the account For pushed to a relay.
type RelayRosterUpdatesRequest struct {
	For string `json:"for"`
	RosterUpdatePushRequest
}

// Lists names the batch's list of updates.
func (r *RelayRosterUpdatesRequest) Lists() Lists { return r.RosterUpdatePushRequest.Lists() }

// Validate checks the account named and the batch's shape.
func (r *RelayRosterUpdatesRequest) Validate() error {
	if err := validFor(r.For); err != nil {
		return err
	}
	return r.RosterUpdatePushRequest.Validate()
}

// RefusedResponse is a page of late refusals (survey.LateRefusal): revisions a relay took
// that the centre refused for good when the relay forwarded them.
type RefusedResponse struct {
	Refusals []survey.LateRefusal `json:"refusals"`
	Next     int64                `json:"next"`
	More     bool                 `json:"more"`
}

// RelayCodesResponse gives a relay the verifiers of the unused enrollment codes of the
// accounts it serves, so that laptops enroll at it with no link to the centre.
type RelayCodesResponse struct {
	Codes []survey.RelayCode `json:"codes"`
}

// RelayEnrollRequest asks the centre to confirm an enrollment a relay made offline: the
// code the laptop typed, the account its verifier named, the SHA-256 of the token the
// relay gave the laptop, and the laptop's data key sealed to the centre's key when it
// gave one.
type RelayEnrollRequest struct {
	Code       string    `json:"code"`
	User       string    `json:"user"`
	TokenHash  string    `json:"token_hash"`
	Device     string    `json:"device,omitempty"`
	EnrolledAt time.Time `json:"enrolled_at"`
	LaptopID   string    `json:"laptop_id,omitempty"`
	SealedKey  []byte    `json:"sealed_key,omitempty"`
}

// Enrollment returns the request as the store takes it.
func (r *RelayEnrollRequest) Enrollment() survey.RelayEnrollment {
	return survey.RelayEnrollment{Code: r.Code, User: r.User, TokenHash: r.TokenHash, Device: r.Device,
		EnrolledAt: r.EnrolledAt, LaptopID: r.LaptopID, SealedKey: r.SealedKey}
}

// Validate checks the request's fields.
func (r *RelayEnrollRequest) Validate() error {
	e := r.Enrollment()
	return e.Check()
}

// RelayEnrollResponse is the centre's answer: confirmed or refused (survey.EnrollConfirmation).
type RelayEnrollResponse struct {
	survey.EnrollConfirmation
}
