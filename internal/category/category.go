// Package category is the catalogue of the child's electronic profile: the
// 31 categories of data (regulation §4.1–4.2), each a typed payload with its
// validation rules, its JSON Schema, its default senders and the sensitivity
// class that access decisions turn on.
package category

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Class is a category's sensitivity class.
type Class string

// The sensitivity classes. Health, justice and care data are sensitive:
// reading them asks for a purpose.
const (
	Identity  Class = "identity"
	Family    Class = "family"
	Care      Class = "care"
	Education Class = "education"
	Health    Class = "health"
	Social    Class = "social"
	Justice   Class = "justice"
)

// Sensitive reports whether reading the class needs a stated purpose.
func (c Class) Sensitive() bool { return c == Health || c == Justice || c == Care }

// Category describes one category of the electronic profile.
type Category struct {
	Code   string    // stable code, e.g. "birth_registration"
	Clause string    // clause of the regulation, e.g. "4.1.1"
	Title  i18n.Text // name in every language
	Class  Class
	// Senders are the codes of the participants that may send the category
	// by default (their competence); the operator may change it.
	Senders []string
	// Bit is the category's position in a profile's presence mask. It is
	// stored, so it never changes.
	Bit int

	payload  reflect.Type // the payload struct
	examples []any        // valid payloads, shown in the schema
}

// New returns a pointer to a new, empty payload of the category.
func (c *Category) New() any { return reflect.New(c.payload).Interface() }

// Examples returns the category's valid example payloads as JSON.
func (c *Category) Examples() []json.RawMessage {
	out := make([]json.RawMessage, len(c.examples))
	for i, e := range c.examples {
		b, err := json.Marshal(e)
		if err != nil {
			panic(err)
		}
		out[i] = b
	}
	return out
}

// Context is what validation needs to know beyond the payload itself.
type Context struct {
	// Today is the current date in Baku; no date may lie after it unless a
	// field allows it.
	Today Date
	// BirthDate is the child's birth date when known; rules of plausible
	// age are checked against it.
	BirthDate Date
	// Effective is the record's effective date: the day its content is
	// true from.
	Effective Date
}

// Validate decodes a payload of the category from JSON, checks every rule,
// and returns the typed payload in canonical form. On failure the error is
// of kind fault.Invalid and lists every wrong field, with paths under
// prefix (for example "data").
func (c *Category) Validate(raw []byte, ctx Context, prefix string) (any, error) {
	v, ok := Parse(raw)
	if !ok {
		return nil, notJSON(prefix)
	}
	return c.ValidateValue(v, ctx, prefix)
}

// ValidateValue is Validate of a value Parse returned.
func (c *Category) ValidateValue(v any, ctx Context, prefix string) (any, error) {
	chk := &checker{ctx: ctx}
	p := c.New()
	chk.decode(prefix, v, reflect.ValueOf(p).Elem(), fieldSpec{})
	if len(chk.errs) == 0 {
		if r, ok := p.(interface{ check(*checker, string) }); ok {
			r.check(chk, prefix)
		}
	}
	if len(chk.errs) > 0 {
		return nil, fault.E("category.Validate", fault.Invalid, chk.errs)
	}
	return p, nil
}

// Canonical validates a payload and returns its canonical JSON encoding: the
// bytes that are stored and hashed.
func (c *Category) Canonical(raw []byte, ctx Context, prefix string) (json.RawMessage, any, error) {
	v, ok := Parse(raw)
	if !ok {
		return nil, nil, notJSON(prefix)
	}
	return c.CanonicalValue(v, ctx, prefix)
}

// notJSON is the refusal of a payload that is no JSON value.
func notJSON(prefix string) error {
	return fault.E("category.Validate", fault.Invalid, []fault.FieldError{Problem(prefix, "type_object")})
}

// CanonicalValue is Canonical of a value Parse returned.
func (c *Category) CanonicalValue(v any, ctx Context, prefix string) (json.RawMessage, any, error) {
	p, err := c.ValidateValue(v, ctx, prefix)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, nil, fmt.Errorf("category: encoding %s: %w", c.Code, err)
	}
	return b, p, nil
}

// Decode reads a payload already stored in canonical form, without
// validating it again.
func (c *Category) Decode(raw []byte) (any, error) {
	p := c.New()
	if err := json.Unmarshal(raw, p); err != nil {
		return nil, fmt.Errorf("category: decoding stored %s: %w", c.Code, err)
	}
	return p, nil
}

var (
	byCode = map[string]*Category{}
	all    []*Category
)

// register adds a category to the catalogue; it is called from the
// catalogue's variable declarations only.
func register(c Category, payload any, examples ...any) *Category {
	c.payload = reflect.TypeOf(payload)
	c.examples = examples
	if _, dup := byCode[c.Code]; dup {
		panic("category: duplicate code " + c.Code)
	}
	for _, o := range all {
		if o.Bit == c.Bit {
			panic("category: duplicate bit in " + c.Code)
		}
	}
	cp := &c
	byCode[c.Code] = cp
	// Bits follow the order of the regulation; keep the catalogue in it
	// whatever order the files declaring it are initialised in.
	i, _ := slices.BinarySearchFunc(all, c.Bit, func(o *Category, bit int) int { return o.Bit - bit })
	all = slices.Insert(all, i, cp)
	return cp
}

// All returns every category in the order of the regulation.
func All() []*Category { return all }

// Lookup returns the category with the given code.
func Lookup(code string) (*Category, bool) {
	c, ok := byCode[code]
	return c, ok
}
