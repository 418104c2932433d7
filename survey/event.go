package survey

import (
	"context"
	"time"
)

// EventKind says what an Event records.
type EventKind string

// The kinds of paradata events. Enter and leave bracket the time spent on a question; the
// store writes change, remove, finalize, return and reopen events itself.
const (
	EventEnter    EventKind = "enter"    // a question was shown
	EventLeave    EventKind = "leave"    // the enumerator moved on from a question
	EventChange   EventKind = "change"   // an answer changed from Old to New
	EventRemove   EventKind = "remove"   // an answer was removed (a repeat instance deleted)
	EventLang     EventKind = "lang"     // the form language switched from Old to New
	EventResume   EventKind = "resume"   // a draft was opened again
	EventFinalize EventKind = "finalize" // the revision was frozen
	EventReturn   EventKind = "return"   // a supervisor returned the interview
	EventReopen   EventKind = "reopen"   // a returned interview became a draft again
)

// Event is one paradata record: what happened to which question of an interview, and when
// by the device's clock (UTC).
type Event struct {
	InterviewID string    `json:"interview_id"`
	Kind        EventKind `json:"kind"`
	Path        string    `json:"path,omitempty"`
	Old         string    `json:"old,omitempty"`
	New         string    `json:"new,omitempty"`
	At          time.Time `json:"at"`
}

// EventStore appends and reads paradata.
type EventStore interface {
	// Append stores events in one transaction, filling a zero At with now (UTC).
	// Returns EINVALID for an event without interview id or kind and ENOTFOUND for an
	// unknown interview.
	Append(ctx context.Context, events ...Event) error

	// Events returns an interview's events in the order they were stored.
	Events(ctx context.Context, interviewID string) ([]Event, error)
}
