package care

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that each edge (HTML, FHIR, ORUK, CLI) can map
// it to its own status without knowing where it came from.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindForbidden
	KindConflict
	KindUnauthenticated
	KindTooManyRequests
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not-found"
	case KindForbidden:
		return "forbidden"
	case KindConflict:
		return "conflict"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindTooManyRequests:
		return "too-many-requests"
	default:
		return "internal"
	}
}

// Error is a domain error. Message is written for the person using joinedup and
// is safe to show; Err holds internal detail that is only ever logged.
type Error struct {
	Kind    Kind
	Message string
	// Fields lists problems with individual form fields, so a page can show
	// each problem where it happened.
	Fields FieldErrors
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a domain error of the given kind with a user-facing message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected error. Its detail is never shown to users.
func Internal(err error) *Error {
	return &Error{Kind: KindInternal, Message: "Something went wrong on our side.", Err: err}
}

// KindOf reports the kind of err; errors that are not domain errors are internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsKind reports whether err is a domain error of kind k.
func IsKind(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// MessageOf returns the user-facing message of err, hiding internal detail.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal {
		return e.Message
	}
	return "Something went wrong on our side."
}

// FieldError names a form field and the problem with it.
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors collects validation problems, field by field, in the order the
// fields were checked, which is the order a page shows them in.
type FieldErrors []FieldError

// Add records a problem with a field. The first problem found for a field wins,
// because it is usually the most basic one ("enter a date" before "the date
// must be in the past").
func (f *FieldErrors) Add(field, message string) {
	for _, e := range *f {
		if e.Field == field {
			return
		}
	}
	*f = append(*f, FieldError{Field: field, Message: message})
}

// Err returns nil when there were no problems, or an Invalid error carrying
// every field problem.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "There is a problem with what was entered.", Fields: f}
}

// Message returns the problem recorded for field, or "".
func (f FieldErrors) Message(field string) string {
	for _, e := range f {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// FieldsOf returns the field problems carried by err, in order.
func FieldsOf(err error) FieldErrors {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
