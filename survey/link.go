package survey

import (
	"context"
	"time"
)

// Link is a self-response link: one alumnus's personal way to answer the study's form in
// a phone's browser, without an account. Its secret token is in the URL sent to the
// alumnus; the server keeps only the token's hash. Every submission through a link is the
// next revision of one interview, whose respondent is the link's alumnus.
type Link struct {
	// ID is the link's public id, for listing and revoking; it opens nothing.
	ID       string `json:"id"`
	RosterID string `json:"roster_id"`
	// FormID is the form the link opens, in its newest published version.
	FormID string `json:"form_id"`
	// InterviewID is the interview the link's submissions are revisions of.
	InterviewID string    `json:"interview_id"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	RevokedAt   time.Time `json:"revoked_at,omitzero"`
	// Revisions counts the revisions stored through the link; LastUsedAt is the latest.
	Revisions  int       `json:"revisions"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// Active reports whether the link opens at now: not revoked, not expired.
func (l *Link) Active(now time.Time) bool { return l.RevokedAt.IsZero() && now.Before(l.ExpiresAt) }

// NewLink is a link just made, with its token: the only time the token is known.
type NewLink struct {
	Link       *Link       `json:"link"`
	Token      string      `json:"token"`
	Respondent *Respondent `json:"respondent"`
}

// LinkStore keeps self-response links (server).
type LinkStore interface {
	// MakeLinks makes one link to form formID for each roster row sel selects, valid until
	// expires, in one transaction. An alumnus who had an active link gets a new token and
	// the old one is revoked; his link keeps its interview, so answers sent through either
	// are revisions of one interview. Returns EINVALID for an empty selector or an expiry
	// not after now, ENOTFOUND for a roster id the roster does not hold (nothing is made).
	MakeLinks(ctx context.Context, sel AssignSelector, formID string, expires time.Time, by string) ([]*NewLink, error)

	// OpenLink returns the link of token and its alumnus's roster row. Returns
	// EUNAUTHORIZED, with one message, for a token that is unknown, revoked or expired.
	OpenLink(ctx context.Context, token string) (*Link, *Respondent, error)

	// Links returns every link, newest first.
	Links(ctx context.Context) ([]*Link, error)

	// RevokeLink revokes a link by its id; revoking twice is harmless. Returns ENOTFOUND.
	RevokeLink(ctx context.Context, id string) error

	// NextRevision returns the revision the next submission through the link gets: the
	// latest revision stored of its interview plus one (1 when none is).
	NextRevision(ctx context.Context, l *Link) (int, error)

	// LinkUsed records that revision was stored through the link.
	LinkUsed(ctx context.Context, l *Link, revision int) error
}
