package wire

import (
	"net/http"

	"tracer/survey"
)

// statuses is the one table between survey error codes and HTTP statuses: the server
// answers an error with its code's status (Status) and the client turns a status without a
// JSON body back into the same code (Code).
var statuses = []struct {
	code   string
	status int
}{
	{survey.EINVALID, http.StatusBadRequest},
	{survey.EUNAUTHORIZED, http.StatusUnauthorized},
	{survey.EFORBIDDEN, http.StatusForbidden},
	{survey.ENOTFOUND, http.StatusNotFound},
	{survey.ECONFLICT, http.StatusConflict},
	{survey.ETOOLARGE, http.StatusRequestEntityTooLarge},
	{survey.ERATELIMIT, http.StatusTooManyRequests},
	{survey.ENOTIMPLEMENTED, http.StatusNotImplemented},
	{survey.EUNAVAILABLE, http.StatusServiceUnavailable},
	{survey.EFULL, http.StatusInsufficientStorage},
	{survey.EINTERNAL, http.StatusInternalServerError},
}

// Status returns the HTTP status of a survey error code: 200 for no code, 500 for an
// unknown one.
func Status(code string) int {
	if code == "" {
		return http.StatusOK
	}
	for _, s := range statuses {
		if s.code == code {
			return s.status
		}
	}
	return http.StatusInternalServerError
}

// Code returns the survey error code a server answers with status: EINVALID also for 422
// (a well-formed request whose content is refused), EINTERNAL for any status not in the table.
func Code(status int) string {
	if status == http.StatusUnprocessableEntity {
		return survey.EINVALID
	}
	for _, s := range statuses {
		if s.status == status {
			return s.code
		}
	}
	return survey.EINTERNAL
}

// ReceiptStatus returns the HTTP status a push receipt carries for a revision refused with
// code: that of the code (Status), except that an invalid record is 422, a well-formed
// request whose record is refused.
func ReceiptStatus(code string) int {
	if code == survey.EINVALID {
		return http.StatusUnprocessableEntity
	}
	return Status(code)
}
