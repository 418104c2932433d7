package survey

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes of the domain. The server maps them to HTTP statuses and the client maps the
// statuses back, so a caller can test the code wherever the error came from.
const (
	ECONFLICT       = "conflict"        // the action conflicts with the current state
	EINTERNAL       = "internal"        // an unexpected failure
	EINVALID        = "invalid"         // the input is malformed or breaks a rule
	ENOTFOUND       = "not_found"       // the entity does not exist
	ENOTIMPLEMENTED = "not_implemented" // the feature is not available
	EUNAUTHORIZED   = "unauthorized"    // the caller is not authenticated
	EFORBIDDEN      = "forbidden"       // the caller may not do this
	EFULL           = "disk_full"       // the disk is full; free space and try again
)

// Error is the domain error: a code callers can branch on and a human-readable message that
// is safe to show to the user (it never carries personal data such as a full NIK).
type Error struct {
	Code    string
	Message string
	// Key names the message whatever its language: the English format it was made from
	// (Errorf's format), "" when the message has no arguments (the message is then its own
	// key). Args are the arguments, each as its verb printed it, so that a client can put
	// them into its own language's text (LocalMessage).
	Key  string
	Args []string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("survey error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a message formatted by Plurals; its Key is format
// with its plural marks in their form for many (PluralKey) and its Args the arguments as
// format prints them.
func Errorf(code, format string, args ...any) *Error {
	e := &Error{Code: code, Message: Plurals(format, args...)}
	if len(args) > 0 || strings.Contains(format, "%") {
		e.Key, e.Args = PluralKey(format), printArgs(format, args)
	}
	return e
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a nil error and
// EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, "" for a nil error and
// "Internal error." for any other error, so that internal details never reach the user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
