package survey

import (
	"testing"
	"time"
)

func TestReceivedEvent(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		state    ReviewState
		reviewed int
		revision int
		from, to ReviewState // to "" when no event
	}{
		{"first revision", "", 0, 1, "", ReviewReceived},
		{"first seen is a later revision", "", 0, 3, "", ReviewResubmitted},
		{"after a return", ReviewReturned, 1, 2, ReviewReturned, ReviewResubmitted},
		{"after an approval", ReviewApproved, 1, 2, ReviewApproved, ReviewResubmitted},
		{"after a receipt", ReviewReceived, 1, 3, ReviewReceived, ReviewResubmitted},
		{"after a resubmission", ReviewResubmitted, 2, 3, ReviewResubmitted, ReviewResubmitted},
		{"the reviewed revision again", ReviewApproved, 2, 2, "", ""},
		{"an older revision", ReviewReturned, 3, 2, "", ""},
	} {
		sub := &Submission{InterviewID: "iv-1", Revision: c.revision, SubmittedBy: "ani"}
		e := ReceivedEvent(c.state, c.reviewed, sub, at)
		if c.to == "" {
			if e != nil {
				t.Errorf("%s: event %+v, want none", c.name, e)
			}
			continue
		}
		if e == nil {
			t.Errorf("%s: no event, want %q -> %q", c.name, c.from, c.to)
			continue
		}
		if e.From != c.from || e.To != c.to || e.InterviewID != "iv-1" || e.Revision != c.revision || e.By != "ani" || !e.At.Equal(at) {
			t.Errorf("%s: event %+v, want %q -> %q of revision %d by ani at %v", c.name, e, c.from, c.to, c.revision, at)
		}
	}
}
