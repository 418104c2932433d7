package survey

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"strings"
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
	// OpenedAt is when the link's form was first loaded in a browser (zero: never).
	OpenedAt time.Time `json:"opened_at,omitzero"`
}

// Active reports whether the link opens at now: not revoked, not expired.
func (l *Link) Active(now time.Time) bool { return l.RevokedAt.IsZero() && now.Before(l.ExpiresAt) }

// LinkState is where a link stands, as a supervisor follows it.
type LinkState string

// The states of a link, in the order State looks at them: revoked (it no longer opens,
// whatever came through it), answered (at least one revision arrived through it), expired
// (past its date, never answered), opened (its form was loaded but nothing was sent) and
// unused (never opened).
const (
	LinkRevoked  LinkState = "revoked"
	LinkAnswered LinkState = "answered"
	LinkExpired  LinkState = "expired"
	LinkOpened   LinkState = "opened"
	LinkUnused   LinkState = "unused"
)

// State returns where the link stands at now.
func (l *Link) State(now time.Time) LinkState {
	switch {
	case !l.RevokedAt.IsZero():
		return LinkRevoked
	case l.Revisions > 0:
		return LinkAnswered
	case !now.Before(l.ExpiresAt):
		return LinkExpired
	case !l.OpenedAt.IsZero():
		return LinkOpened
	}
	return LinkUnused
}

// LinkURL returns the address of a link with token on the server whose public address
// (as phones reach it) is base.
func LinkURL(base, token string) string { return strings.TrimRight(base, "/") + "/r/" + token }

// LinkMessage returns the WhatsApp message, in Indonesian, that invites the alumnus named
// name to answer through link before expires.
func LinkMessage(name, link string, expires time.Time) string {
	first := ""
	if f := strings.Fields(name); len(f) > 0 {
		first = f[0]
	}
	return fmt.Sprintf("Halo %s, kami dari BLK sedang menelusuri alumni pelatihan. Mohon isi kuesioner singkat (±10 menit) lewat tautan pribadi ini: %s (berlaku sampai %s). Jangan bagikan tautan ini. Terima kasih!",
		first, link, expires.Local().Format("02-01-2006"))
}

// LinkCSVHeader is the header of the CSV WriteLinksCSV writes.
var LinkCSVHeader = []string{"roster_id", "name", "phone", "link", "expires", "message", "whatsapp", "link_id"}

// WriteLinksCSV writes the links just made as CSV, one row per alumnus: roster id, name,
// phone, link, expiry date, the WhatsApp message and a wa.me address that opens it
// addressed to his phone ("" without a phone), and the link's id. base is the server's
// public address. Supervisors open it in a spreadsheet, so every cell is neutralised
// (Neutralize): a name from the roster such as =HYPERLINK(...) is shown, never run.
func WriteLinksCSV(w io.Writer, base string, made []*NewLink) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(LinkCSVHeader)
	for _, nl := range made {
		link := LinkURL(base, nl.Token)
		p := nl.Respondent
		if p == nil {
			p = &Respondent{RosterID: nl.Link.RosterID}
		}
		msg := LinkMessage(p.Name, link, nl.Link.ExpiresAt)
		wa := ""
		if p.Phone != "" {
			wa = "https://wa.me/" + strings.TrimPrefix(p.Phone, "+") + "?text=" + url.QueryEscape(msg)
		}
		row := []string{p.RosterID, p.Name, p.Phone, link, nl.Link.ExpiresAt.Local().Format(time.DateOnly), msg, wa, nl.Link.ID}
		for i, v := range row {
			row[i] = Neutralize(v) // a roster value is never run as a formula
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// NewLink is a link just made, with its token: the only time the token is known.
type NewLink struct {
	Link       *Link       `json:"link"`
	Token      string      `json:"token"`
	Respondent *Respondent `json:"respondent"`
}

// LinkStore keeps self-response links (server).
type LinkStore interface {
	// MakeLinks makes one link to form formID for each roster row sel selects (roster ids,
	// a batch, a kejuruan or a regency of domicile: one of them), valid until expires, in
	// one transaction. An alumnus who had an active link gets a new token and the old one
	// is revoked; his link keeps its interview, so answers sent through either are
	// revisions of one interview. Returns EINVALID for a selector that names no way or
	// several, or an expiry not after now, ENOTFOUND for a roster id the roster does not
	// hold or a batch, kejuruan or regency with nobody (nothing is made).
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

	// LinkOpened records that the link's form was loaded, the first time only.
	LinkOpened(ctx context.Context, l *Link) error
}
