// Package fault defines the Data Bank's errors: a closed set of kinds that
// the edges map to HTTP statuses once, and field-level details that tell a
// caller every value to fix, in every interface language.
package fault

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scfwca/databank/internal/i18n"
)

// Kind classifies an error by what the caller can do about it.
type Kind uint8

// The kinds of error. Other is an internal failure the caller cannot fix.
const (
	Other       Kind = iota
	Invalid          // the input is wrong; Fields says where
	NotFound         // no such thing, or the caller may not know of it
	Forbidden        // the caller may not do this
	Conflict         // the state does not allow it now
	Unavailable      // a dependency is down; try again later
)

var kindNames = [...]string{"internal", "invalid", "not_found", "forbidden", "conflict", "unavailable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// FieldError names one wrong value: where it is (a dotted path such as
// "data.father.fin"), a stable machine code and a message for people.
type FieldError struct {
	Field   string    `json:"field"`
	Code    string    `json:"code"`
	Message i18n.Text `json:"message"`
}

// Error is a domain error: the operation that failed, its kind, the
// underlying cause, a safe message for people and the wrong fields.
type Error struct {
	Op     string
	Kind   Kind
	Err    error
	Msg    i18n.Text
	Fields []FieldError
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	switch {
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.Msg.EN != "":
		b.WriteString(e.Msg.EN)
	default:
		b.WriteString(e.Kind.String())
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field + " " + f.Code)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error from an operation name and a kind, an error, a message
// or field errors, in any order:
//
//	fault.E("store.Child", fault.NotFound, err)
func E(op string, args ...any) error {
	e := &Error{Op: op}
	for _, a := range args {
		switch a := a.(type) {
		case Kind:
			e.Kind = a
		case error:
			e.Err = a
			if e.Kind == Other {
				e.Kind = KindOf(a)
			}
		case i18n.Text:
			e.Msg = a
		case []FieldError:
			e.Fields = append(e.Fields, a...)
		case FieldError:
			e.Fields = append(e.Fields, a)
		case string:
			e.Err = errors.New(a)
		default:
			panic(fmt.Sprintf("fault.E: unexpected argument %T", a))
		}
	}
	return e
}

// KindOf returns the kind of the outermost *Error in err's chain that has
// one, and Other for any other error.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return Other
		}
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return KindOf(err) == k }

// FieldsOf collects the field errors anywhere in err's chain.
func FieldsOf(err error) []FieldError {
	var out []FieldError
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			break
		}
		out = append(out, e.Fields...)
		err = e.Err
	}
	return out
}

// MessageOf returns the first people's message in err's chain, if any.
func MessageOf(err error) (i18n.Text, bool) {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			break
		}
		if e.Msg.AZ != "" {
			return e.Msg, true
		}
		err = e.Err
	}
	return i18n.Text{}, false
}
