package wire

import (
	"time"

	"github.com/google/uuid"

	"tracer/survey"
)

// MaxRosterUpdates is the most roster updates one push may carry.
const MaxRosterUpdates = 1000

// RosterUpdatePushRequest is a batch of roster updates proposed on a laptop.
type RosterUpdatePushRequest struct {
	DeviceTime time.Time              `json:"device_time"`
	Updates    []*survey.RosterUpdate `json:"updates"`
}

// Lists names the batch's list of updates.
func (r *RosterUpdatePushRequest) Lists() Lists { return Lists{"updates": MaxRosterUpdates} }

// Validate checks the batch's shape: each update's content is the server's per-item
// decision, but every update must carry a UUID.
func (r *RosterUpdatePushRequest) Validate() error {
	if len(r.Updates) == 0 {
		return survey.Errorf(survey.EINVALID, "A push of roster updates needs at least one update.")
	}
	if len(r.Updates) > MaxRosterUpdates {
		return survey.Errorf(survey.EINVALID, "A push may carry at most %d roster updates, not %d.", MaxRosterUpdates, len(r.Updates))
	}
	for i, u := range r.Updates {
		if u == nil || uuid.Validate(u.ID) != nil {
			return survey.Errorf(survey.EINVALID, "Roster update %d: the id is not a UUID.", i+1)
		}
	}
	return nil
}

// RosterUpdatePushResponse answers a push of roster updates with one receipt per update,
// in order, sent after the commit.
type RosterUpdatePushResponse struct {
	ServerTime time.Time               `json:"server_time"`
	Receipts   []survey.AttemptReceipt `json:"receipts"`
}

// RosterUpdatesPage is one page of the server's roster updates; Next is the cursor of the
// next page.
type RosterUpdatesPage struct {
	Updates []*survey.RosterUpdate `json:"updates"`
	Next    int64                  `json:"next"`
	More    bool                   `json:"more"`
}

// DecideRequest accepts or rejects a roster update, with the reason.
type DecideRequest struct {
	Reason string `json:"reason"`
}

// Validate checks the reason's size.
func (r *DecideRequest) Validate() error {
	if len(r.Reason) > survey.MaxUpdateNote {
		return survey.Errorf(survey.EINVALID, "The reason has at most %d bytes.", survey.MaxUpdateNote)
	}
	return nil
}

// AssignmentsResponse lists assignments: those in force, or with the history every one.
type AssignmentsResponse struct {
	Assignments []survey.Assignment `json:"assignments"`
}
