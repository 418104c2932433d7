package wire

import (
	"time"

	"tracer/survey"
)

// LinkRequest makes one self-response link per alumnus the selector picks (see
// survey.LinkStore.MakeLinks).
type LinkRequest struct {
	survey.AssignSelector
	// FormID is the published form the links open.
	FormID string `json:"form_id"`
	// Expires is when the links stop opening.
	Expires time.Time `json:"expires"`
}

// Lists names the request's roster ids.
func (r *LinkRequest) Lists() Lists { return Lists{"roster_ids": MaxRosterRows} }

// Validate checks the request's fields.
func (r *LinkRequest) Validate() error {
	if r.Named() != 1 {
		return survey.Errorf(survey.EINVALID, "Name the alumni: roster ids, a batch, a kejuruan or a regency (one of them).")
	}
	if len(r.RosterIDs) > MaxRosterRows {
		return survey.Errorf(survey.EINVALID, "A request may list up to %d roster ids.", MaxRosterRows)
	}
	if r.Regency != "" { // a code, or a name of the list, picks the rows holding its code
		code, err := survey.ParseRegency(r.Regency)
		if err != nil {
			return err
		}
		r.Regency = code
	}
	if r.FormID == "" {
		return survey.Errorf(survey.EINVALID, "A link needs the id of a published form.")
	}
	if r.Expires.IsZero() {
		return survey.Errorf(survey.EINVALID, "A link needs its expiry.")
	}
	return nil
}

// LinksMade answers a LinkRequest: each link with its token, which is told this once and
// never again, and its alumnus's roster id, name and phone (nothing else of his row).
type LinksMade struct {
	Links []*survey.NewLink `json:"links"`
}

// LinkList is every self-response link, newest first, without tokens.
type LinkList struct {
	Links []*survey.Link `json:"links"`
}

// LinkRevoked answers the revocation of a link.
type LinkRevoked struct {
	ID      string `json:"id"`
	Revoked bool   `json:"revoked"`
}
