// Package wire holds the JSON shapes laptop and server exchange under /api/v1, their limits
// and their decoding rules. Both sides import it, so a change to the protocol is one change.
package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"

	"tracer/survey"
)

// Prefix is the path every API route starts with.
const Prefix = "/api/v1"

// Limits of the protocol. The server refuses larger requests; the client keeps its batches
// below them.
const (
	// MaxBody is the most bytes a request body may have on the wire.
	MaxBody = 8 << 20
	// MaxInflated is the most bytes a gzip request body may inflate to: no more than a
	// plain body may have, so gzip cannot smuggle a larger request past MaxBody.
	MaxInflated = MaxBody
	// MaxBatch is the most interviews one push may carry.
	MaxBatch = 1000
	// MaxRecord is the most bytes one record's canonical body may have.
	MaxRecord = 1 << 20
	// MaxRosterRows is the most rows one roster upload may carry.
	MaxRosterRows = 10000
	// MaxRosterExtra is the most extra columns one roster row may carry.
	MaxRosterExtra = 256
	// MaxRosterCell is the most bytes one roster value, or one extra column's name, may
	// have: what a cell of a roster file may hold (survey/roster's Limits.CellBytes),
	// checked again by the server, which cannot know the upload came from that reader.
	MaxRosterCell = 4 << 10
	// MaxQuestionComments is the most question comments one return may carry.
	MaxQuestionComments = 500
	// MaxPage is the most entries one pull returns.
	MaxPage = 1000
)

// Error is the body of every error response: a survey error code and a message for people.
// Key and Args name the message whatever its language (survey.Error.Key and Args): a client
// shows it in its user's language when it knows the key, and the message otherwise; a client
// that predates them reads code and message as before.
type Error struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Key     string   `json:"key,omitempty"`
	Args    []string `json:"args,omitempty"`
}

// ErrorOf returns the body that carries err: its code, message, key and arguments.
func ErrorOf(err error) Error {
	e := Error{Code: survey.ErrorCode(err), Message: survey.ErrorMessage(err)}
	var se *survey.Error
	if errors.As(err, &se) {
		e.Key, e.Args = se.Key, se.Args
	}
	return e
}

// Err returns the survey error e carries.
func (e Error) Err() *survey.Error {
	return &survey.Error{Code: e.Code, Message: e.Message, Key: e.Key, Args: e.Args}
}

// EnrollRequest exchanges a one-time enrollment code for a token.
type EnrollRequest struct {
	Code   string `json:"code"`
	Device string `json:"device,omitempty"`
	// LaptopID names the laptop's data key: when the server holds that key for the
	// account, the reply carries it (a forgotten PIN is recovered this way).
	LaptopID string `json:"laptop_id,omitempty"`
}

// Validate checks the request's fields.
func (r *EnrollRequest) Validate() error {
	if len(r.LaptopID) > 64 {
		return survey.Errorf(survey.EINVALID, "A laptop id has at most 64 characters.")
	}
	if n := len(survey.NormalizeCode(r.Code)); n == 0 || n > 32 || len(r.Code) > 64 {
		return survey.Errorf(survey.EINVALID, "An enrollment code has 8 characters.")
	}
	if len(r.Device) > 128 || survey.HasHidden(r.Device) {
		return survey.Errorf(survey.EINVALID, "The device name needs at most 128 characters and no control characters.")
	}
	return nil
}

// EnrollResponse carries the new token, shown this once.
type EnrollResponse struct {
	Token string      `json:"token"`
	User  string      `json:"user"`
	Role  survey.Role `json:"role"`
	// PublicKey is the server's public key ("age1..."): the laptop seals finalized
	// interviews to it. Empty when the server has none.
	PublicKey string `json:"public_key,omitempty"`
	// SessionSealing says the server opens interviews sealed with one key exchange per
	// run of the laptop's program (seal.Session); a laptop enrolled with a server that does
	// not say so seals each interview with its own exchange, which every server opens.
	SessionSealing bool `json:"session_sealing,omitempty"`
	// DataKey is the laptop's data key when the request named a laptop whose key the
	// server holds for the account.
	DataKey []byte `json:"data_key,omitempty"`
	// Relayed says a relay at an event enrolled the laptop while it could not reach the
	// centre: the token works at the relay now, and at the centre once the relay has
	// confirmed the enrollment there.
	Relayed bool `json:"relayed,omitempty"`
}

// LaptopKeyRequest gives the server a laptop's data key sealed to its public key.
type LaptopKeyRequest struct {
	LaptopID string `json:"laptop_id"`
	Sealed   []byte `json:"sealed"`
}

// Validate checks the request's fields.
func (r *LaptopKeyRequest) Validate() error {
	if r.LaptopID == "" || len(r.LaptopID) > 64 || len(r.Sealed) == 0 || len(r.Sealed) > 4096 {
		return survey.Errorf(survey.EINVALID, "A laptop key needs a laptop id and a sealed key of at most 4096 bytes.")
	}
	return nil
}

// PushItem is one finalized revision: the record's canonical bytes, sent unchanged, and
// their SHA-256.
type PushItem struct {
	ID       string          `json:"id"`
	Revision int             `json:"revision"`
	Hash     string          `json:"hash"`
	Body     json.RawMessage `json:"body,omitempty"`
	// Sealed holds the record sealed to the server's public key instead of Body; Hash is
	// still the SHA-256 of the canonical record.
	Sealed []byte `json:"sealed,omitempty"`
}

// maxSealOverhead is what sealing adds to a record at most: age's header and its
// 16 bytes per 64 KiB chunk.
const maxSealOverhead = 4096

// PushRequest is a batch of revisions. DeviceTime is the laptop's clock when it sent the
// batch: the server records the skew and never orders by it.
type PushRequest struct {
	DeviceTime time.Time  `json:"device_time"`
	Items      []PushItem `json:"items"`
}

// Lists names the batch's list of items; their bodies are kept as bytes.
func (r *PushRequest) Lists() Lists { return Lists{"items": MaxBatch, "items[].body": Raw} }

// Validate checks the batch's shape; whether each record is valid is the server's per-item
// decision.
func (r *PushRequest) Validate() error {
	if len(r.Items) == 0 {
		return survey.Errorf(survey.EINVALID, "A push needs at least one interview.")
	}
	if len(r.Items) > MaxBatch {
		return survey.Errorf(survey.EINVALID, "A push may carry at most %d interviews, not %d.", MaxBatch, len(r.Items))
	}
	for i, it := range r.Items {
		if uuid.Validate(it.ID) != nil {
			return survey.Errorf(survey.EINVALID, "Item %d: the id is not a UUID.", i+1)
		}
		if it.Revision < 1 || it.Revision > 1<<20 {
			return survey.Errorf(survey.EINVALID, "Item %d: the revision must be at least 1.", i+1)
		}
		if b, err := hex.DecodeString(it.Hash); err != nil || len(b) != 32 {
			return survey.Errorf(survey.EINVALID, "Item %d: the hash is not a hex SHA-256.", i+1)
		}
		switch {
		case len(it.Body) > 0 && len(it.Sealed) > 0:
			return survey.Errorf(survey.EINVALID, "Item %d: a body or a sealed body, not both.", i+1)
		case len(it.Sealed) > 0:
			if len(it.Sealed) > MaxRecord+maxSealOverhead {
				return survey.Errorf(survey.EINVALID, "Item %d: the sealed body must have at most %d bytes.", i+1, MaxRecord+maxSealOverhead)
			}
		case len(it.Body) == 0 || len(it.Body) > MaxRecord:
			return survey.Errorf(survey.EINVALID, "Item %d: the body must have 1 to %d bytes.", i+1, MaxRecord)
		}
	}
	return nil
}

// Receipt is the server's answer for one pushed revision; HTTPStatus is the status that
// revision alone would get (200 stored or duplicate, 409 conflict, 422 or 404 refused).
type Receipt struct {
	survey.Receipt
	HTTPStatus int `json:"http_status"`
}

// PushResponse answers a push with one receipt per item, in order, sent after the commit.
type PushResponse struct {
	ServerTime time.Time `json:"server_time"`
	Receipts   []Receipt `json:"receipts"`
	// Relay names the relay's account when a relay at an event answered: its stored
	// receipts mean safe on the laptop and the relay, which sends them on to the centre.
	Relay string `json:"relay,omitempty"`
}

// FormsResponse lists the published forms, without their bytes.
type FormsResponse struct {
	Forms []*survey.PublishedForm `json:"forms"`
}

// FormResponse is one published form with its source bytes (base64 in JSON).
type FormResponse struct {
	*survey.PublishedForm
	Source []byte `json:"source"`
}

// PublishRequest publishes an XLSForm: the file name (its extension says the format) and
// its bytes. The server reads id, version and title from the form itself.
type PublishRequest struct {
	Name   string `json:"name"`
	Source []byte `json:"source"`
}

// Validate checks the request's fields.
func (r *PublishRequest) Validate() error {
	if r.Name == "" || len(r.Name) > 255 || survey.HasHidden(r.Name) {
		return survey.Errorf(survey.EINVALID, "A form needs a file name (.xlsx or .md) without control characters.")
	}
	if len(r.Source) == 0 {
		return survey.Errorf(survey.EINVALID, "The form file is empty.")
	}
	return nil
}

// PublishResponse says what was published; Added is false when the same bytes were there.
type PublishResponse struct {
	Form  *survey.PublishedForm `json:"form"`
	Added bool                  `json:"added"`
}

// RetireResponse says a form is retired: laptops no longer offer it for new interviews.
type RetireResponse struct {
	ID      string `json:"id"`
	Retired bool   `json:"retired"`
}

// AssignRequest gives roster rows to the enumerator account To (see
// survey.ServerRosterStore.Assign).
type AssignRequest struct {
	To string `json:"to"`
	survey.AssignSelector
}

// Lists names the assignment's roster ids.
func (r *AssignRequest) Lists() Lists { return Lists{"roster_ids": MaxRosterRows} }

// Validate checks the request's fields.
func (r *AssignRequest) Validate() error {
	if r.To == "" {
		return survey.Errorf(survey.EINVALID, "An assignment needs the enumerator it goes to.")
	}
	if len(r.RosterIDs) > MaxRosterRows {
		return survey.Errorf(survey.EINVALID, "An assignment may list up to %d roster ids.", MaxRosterRows)
	}
	if r.Regency != "" { // a code, or a name of the list, picks the rows holding its code
		code, err := survey.ParseRegency(r.Regency)
		if err != nil {
			return err
		}
		r.Regency = code
	}
	return nil
}

// RosterUpload uploads roster rows; they are added or updated by roster id, an empty value
// keeping the stored one (survey.Respondent.KeepFrom).
type RosterUpload struct {
	Rows []*survey.Respondent `json:"rows"`
}

// Lists names the upload's rows and each row's extra columns.
func (r *RosterUpload) Lists() Lists {
	return Lists{"rows": MaxRosterRows, "rows[].extra": MaxRosterExtra}
}

// Validate checks the request's fields; a NIK must pass survey.ParseNIK, a regency
// survey.ParseRegency and a completion survey.ParseCompletion, and each is stored in its
// normalised form.
func (r *RosterUpload) Validate() error {
	if len(r.Rows) == 0 || len(r.Rows) > MaxRosterRows {
		return survey.Errorf(survey.EINVALID, "A roster upload needs 1 to %d rows.", MaxRosterRows)
	}
	for i, row := range r.Rows {
		if row == nil || row.RosterID == "" || row.Name == "" {
			return survey.Errorf(survey.EINVALID, "Row %d needs a roster id and a name.", i+1)
		}
		if survey.HasHidden(row.RosterID) {
			return survey.Errorf(survey.EINVALID, "Row %d: the roster id holds a control character.", i+1)
		}
		if err := checkRosterCells(i+1, row); err != nil {
			return err
		}
		if row.NIK != "" {
			n, err := survey.ParseNIK(row.NIK)
			if err != nil {
				return survey.Errorf(survey.EINVALID, "Row %d (%s): %s.", i+1, row.RosterID, survey.ErrorMessage(err))
			}
			row.NIK = n.String()
		}
		if row.Regency != "" {
			code, err := survey.ParseRegency(row.Regency)
			if err != nil {
				return survey.Errorf(survey.EINVALID, "Row %d (%s): %s", i+1, row.RosterID, survey.ErrorMessage(err))
			}
			row.Regency = code
		}
		if row.Completion != "" {
			c, ok := survey.ParseCompletion(row.Completion)
			if !ok {
				return survey.Errorf(survey.EINVALID, "Row %d (%s): completion %q is not pass, finished_not_pass or dropout (lulus, belum kompeten, tidak menyelesaikan).", i+1, row.RosterID, row.Completion)
			}
			row.Completion = c
		}
	}
	return nil
}

// checkRosterCells refuses row n when one of its values, or one of its extra columns'
// names, has more than MaxRosterCell bytes: each laptop, relay and ODK Collect phone that
// pulls the roster would carry it. The message never repeats the oversized text.
func checkRosterCells(n int, row *survey.Respondent) error {
	if len(row.RosterID) > MaxRosterCell {
		return survey.Errorf(survey.EINVALID, "Row %d: the roster id has %d bytes; a roster value has at most %d.", n, len(row.RosterID), MaxRosterCell)
	}
	over := func(column string, size int) error {
		return survey.Errorf(survey.EINVALID, "Row %d (%s): column %s has %d bytes; a roster value has at most %d.", n, row.RosterID, column, size, MaxRosterCell)
	}
	for _, c := range survey.RosterColumnNames {
		if v := row.Value(c); len(v) > MaxRosterCell {
			return over(c, len(v))
		}
	}
	if len(row.PhoneRaw) > MaxRosterCell {
		return over("phone_raw", len(row.PhoneRaw))
	}
	for k, v := range row.Extra {
		if len(k) > MaxRosterCell {
			return survey.Errorf(survey.EINVALID, "Row %d (%s): an extra column's name has %d bytes; a column name has at most %d.", n, row.RosterID, len(k), MaxRosterCell)
		}
		if len(v) > MaxRosterCell {
			return over(k, len(v))
		}
	}
	return nil
}

// RosterResponse is a page of roster changes after a cursor; Next is the cursor to send next.
type RosterResponse struct {
	Rows []survey.RosterRow `json:"rows"`
	Next int64              `json:"next"`
	More bool               `json:"more"`
}

// ReturnRequest returns a stored revision to its enumerator for correction, with a
// comment on the interview and optional comments on single questions by answer path.
type ReturnRequest struct {
	Revision  int                      `json:"revision"`
	Comment   string                   `json:"comment"`
	Questions []survey.QuestionComment `json:"questions,omitempty"`
}

// Lists names the return's question comments.
func (r *ReturnRequest) Lists() Lists { return Lists{"questions": MaxQuestionComments} }

// Validate checks the request's fields.
func (r *ReturnRequest) Validate() error {
	if r.Revision < 1 {
		return survey.Errorf(survey.EINVALID, "A return needs the revision to return.")
	}
	if r.Comment == "" || len(r.Comment) > 4000 {
		return survey.Errorf(survey.EINVALID, "A return needs a comment of at most 4000 bytes.")
	}
	if len(r.Questions) > MaxQuestionComments {
		return survey.Errorf(survey.EINVALID, "A return may comment on at most %d questions.", MaxQuestionComments)
	}
	for i, q := range r.Questions {
		if q.Path == "" || len(q.Path) > 500 || survey.HasHidden(q.Path) || q.Comment == "" || len(q.Comment) > 4000 {
			return survey.Errorf(survey.EINVALID, "Question comment %d needs a path and a comment of at most 4000 bytes.", i+1)
		}
	}
	return nil
}

// ApproveRequest approves a stored revision, the latest of its interview.
type ApproveRequest struct {
	Revision int    `json:"revision"`
	Comment  string `json:"comment,omitempty"`
}

// Validate checks the request's fields.
func (r *ApproveRequest) Validate() error {
	if r.Revision < 1 {
		return survey.Errorf(survey.EINVALID, "An approval needs the revision to approve.")
	}
	if len(r.Comment) > 4000 {
		return survey.Errorf(survey.EINVALID, "An approval comment has at most 4000 bytes.")
	}
	return nil
}

// InterviewReview is survey.ReviewDetail on the wire: the record travels as canonical
// bytes, with its personal answers masked (survey.MaskAnswer, from the form's personal_data
// column).
type InterviewReview struct {
	survey.ReviewDetail
	Body json.RawMessage `json:"body"`
}

// Record decodes the latest revision's answers.
func (r *InterviewReview) Record() (*survey.Record, error) { return survey.DecodeRecord(r.Body) }

// ApprovedResponse is a page of approvals of the caller's interviews after a cursor.
type ApprovedResponse struct {
	Approvals []*survey.ReviewEvent `json:"approvals"`
	Next      int64                 `json:"next"`
	More      bool                  `json:"more"`
}

// ReturnedResponse is a page of returned interviews after a cursor.
type ReturnedResponse struct {
	Returns []*survey.ReturnNotice `json:"returns"`
	Next    int64                  `json:"next"`
	More    bool                   `json:"more"`
}

// InterviewsResponse is a page of stored revisions (without bodies) after a cursor.
type InterviewsResponse struct {
	Interviews []*survey.Submission `json:"interviews"`
	Next       int64                `json:"next"`
	More       bool                 `json:"more"`
}

// UserRequest creates an account.
type UserRequest struct {
	Name string      `json:"name"`
	Role survey.Role `json:"role"`
}

// Validate checks the request's fields.
func (r *UserRequest) Validate() error {
	if r.Name == "" || !r.Role.Valid() {
		return survey.Errorf(survey.EINVALID, "A user needs a name and a role (enumerator, supervisor, analyst or admin).")
	}
	if survey.HasHidden(r.Name) {
		return survey.Errorf(survey.EINVALID, "A user name may not hold control characters.")
	}
	return nil
}

// UserResponse is a new account with its one-time enrollment code.
type UserResponse struct {
	User *survey.User `json:"user"`
	Code string       `json:"code"`
}

// UsersResponse lists the accounts.
type UsersResponse struct {
	Users []*survey.User `json:"users"`
}

// Validator is a request that can check its own fields.
type Validator interface {
	Validate() error
}

// ErrTooLarge is what a body reader returns once a limit is passed; the server's readers
// wrap it, so Decode can tell "too large" from "malformed".
var ErrTooLarge = errors.New("request body too large")

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.Is(err, ErrTooLarge) || errors.As(err, &mbe)
}

func decodeError(err error) error {
	var e *survey.Error
	if errors.As(err, &e) {
		return e
	}
	if tooLarge(err) {
		return survey.Errorf(survey.ETOOLARGE, "The request body is over the limit.")
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return survey.Errorf(survey.EINVALID, "The request body is not valid JSON (at byte %d).", se.Offset)
	case errors.As(err, &te) && te.Field == "":
		return survey.Errorf(survey.EINVALID, "The request body is not a JSON object.")
	case errors.As(err, &te):
		return survey.Errorf(survey.EINVALID, "The request field %q has the wrong type.", te.Field)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return survey.Errorf(survey.EINVALID, "The request body is empty or cut short.")
	}
	return survey.Errorf(survey.EINVALID, "The request body is not understood: %s.", firstLine(err.Error()))
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
