package wire

import (
	"time"

	"github.com/google/uuid"

	"tracer/survey"
)

// MaxAttempts is the most contact attempts one push may carry.
const MaxAttempts = 1000

// AttemptPushRequest is a batch of contact attempts. DeviceTime is the laptop's clock
// when it sent the batch.
type AttemptPushRequest struct {
	DeviceTime time.Time         `json:"device_time"`
	Attempts   []*survey.Attempt `json:"attempts"`
}

// Lists names the batch's list of attempts.
func (r *AttemptPushRequest) Lists() Lists { return Lists{"attempts": MaxAttempts} }

// Validate checks the batch's shape: each attempt's content is the server's per-item
// decision, but every attempt must carry a UUID.
func (r *AttemptPushRequest) Validate() error {
	if len(r.Attempts) == 0 {
		return survey.Errorf(survey.EINVALID, "A push of attempts needs at least one attempt.")
	}
	if len(r.Attempts) > MaxAttempts {
		return survey.Errorf(survey.EINVALID, "A push may carry at most %d attempts, not %d.", MaxAttempts, len(r.Attempts))
	}
	for i, a := range r.Attempts {
		if a == nil || uuid.Validate(a.ID) != nil {
			return survey.Errorf(survey.EINVALID, "Attempt %d: the id is not a UUID.", i+1)
		}
	}
	return nil
}

// AttemptPushResponse answers a push of attempts with one receipt per attempt, in order,
// sent after the commit.
type AttemptPushResponse struct {
	ServerTime time.Time               `json:"server_time"`
	Receipts   []survey.AttemptReceipt `json:"receipts"`
}

// AttemptsPage is one page of stored attempts; Next is the cursor of the next page.
type AttemptsPage struct {
	Attempts []*survey.Attempt `json:"attempts"`
	Next     int64             `json:"next"`
	More     bool              `json:"more"`
}
