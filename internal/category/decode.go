package category

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/scfwca/databank/internal/azid"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/fault"
)

// A payload struct declares its rules in field tags, which both the decoder
// and the JSON Schema read, so that the two never disagree:
//
//	Series string `json:"series" v:"required,max=10"`
//	District string `json:"district" v:"class=district"`
//	Status string `json:"status" v:"required,enum=employed|unemployed"`
//	End Date `json:"end_date" v:"future"`
//
// Rules: required; max=N (characters of a string, items of a list, value of
// a number); min=N; enum=a|b; class=CLASSIFIER; future (a date that may lie
// ahead; dates may not by default); format rules fin, id_card, permit,
// refugee, phone, mobile, postal, voen, article, icd10, which also put the
// value into its canonical form.

const defaultMaxString = 500

type fieldSpec struct {
	index    int
	name     string
	required bool
	max      int // 0: none; strings default to defaultMaxString
	min      int
	hasMin   bool
	hasMax   bool
	enum     []string
	class    *classifier.List
	format   string
	future   bool
	typ      reflect.Type
}

var specCache sync.Map // reflect.Type → []fieldSpec

var (
	dateType  = reflect.TypeFor[Date]()
	moneyType = reflect.TypeFor[Money]()
	rawType   = reflect.TypeFor[json.RawMessage]()
)

// specsOf returns the decoded tag rules of struct type t, computed once.
func specsOf(t reflect.Type) []fieldSpec {
	if s, ok := specCache.Load(t); ok {
		return s.([]fieldSpec)
	}
	var specs []fieldSpec
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		s := fieldSpec{index: i, name: name, typ: f.Type}
		for rule := range strings.SplitSeq(f.Tag.Get("v"), ",") {
			key, val, _ := strings.Cut(rule, "=")
			switch key {
			case "":
			case "required":
				s.required = true
			case "future":
				s.future = true
			case "max", "min":
				n, err := strconv.Atoi(val)
				if err != nil {
					panic(fmt.Sprintf("category: %s.%s: bad %s", t, f.Name, rule))
				}
				if key == "max" {
					s.max, s.hasMax = n, true
				} else {
					s.min, s.hasMin = n, true
				}
			case "enum":
				s.enum = strings.Split(val, "|")
			case "class":
				l, ok := classifier.Get(val)
				if !ok {
					panic(fmt.Sprintf("category: %s.%s: no classifier %q", t, f.Name, val))
				}
				s.class = l
			case "fin", "id_card", "permit", "refugee", "phone", "mobile", "postal", "voen", "article", "icd10":
				s.format = key
			default:
				panic(fmt.Sprintf("category: %s.%s: unknown rule %q", t, f.Name, rule))
			}
		}
		if f.Type.Kind() == reflect.String && !s.hasMax {
			s.max = defaultMaxString
		}
		specs = append(specs, s)
	}
	specCache.Store(t, specs)
	return specs
}

// checker collects every field error of one payload, and carries what the
// rules that depend on the child need to know.
type checker struct {
	ctx  Context
	errs []fault.FieldError
}

func (c *checker) add(path, code string, args ...any) {
	c.errs = append(c.errs, fault.FieldError{Field: path, Code: code, Message: message(code, args...)})
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// decodeJSON reads raw into the struct that dst points to, checking every
// rule and collecting every error under the path prefix.
func (c *checker) decodeJSON(path string, raw []byte, dst any) {
	v, ok := Parse(raw)
	if !ok {
		c.add(path, "type_object")
		return
	}
	c.decode(path, v, reflect.ValueOf(dst).Elem(), fieldSpec{})
}

// Parse decodes one JSON value, untyped, with numbers kept as
// json.Number so that their digits survive: what DecodeValue and
// Category.ValidateValue read. It reports false for malformed JSON or
// anything after the value. Parsing an envelope once and validating its
// payload from the parsed value spares reading the payload's bytes again.
func Parse(raw []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

func (c *checker) decode(path string, raw any, v reflect.Value, s fieldSpec) {
	switch v.Type() {
	case rawType:
		// Kept for a later, typed decoding; numbers keep their digits.
		b, err := json.Marshal(raw)
		if err != nil {
			c.add(path, "type_object")
			return
		}
		v.SetBytes(b)
		return
	case dateType:
		str, ok := raw.(string)
		if !ok {
			c.add(path, "date_format")
			return
		}
		d, err := ParseDate(str)
		if err != nil {
			c.add(path, "date_format")
			return
		}
		if !s.future && d.After(c.ctx.Today) {
			c.add(path, "date_future")
			return
		}
		v.Set(reflect.ValueOf(d))
		return
	case moneyType:
		var str string
		switch r := raw.(type) {
		case string:
			str = r
		case json.Number:
			str = r.String()
		}
		m, err := ParseMoney(str)
		if err != nil {
			c.add(path, "money_format")
			return
		}
		if s.hasMax && m > Money(s.max)*100 {
			c.add(path, "max", s.max)
		}
		v.SetInt(int64(m))
		return
	}
	switch v.Kind() {
	case reflect.String:
		str, ok := raw.(string)
		if !ok {
			c.add(path, "type_string")
			return
		}
		c.decodeString(path, strings.TrimSpace(str), v, s)
	case reflect.Int:
		n, ok := raw.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			c.add(path, "type_integer")
			return
		}
		if s.hasMin && i < int64(s.min) {
			c.add(path, "min", s.min)
		}
		if s.hasMax && i > int64(s.max) {
			c.add(path, "max", s.max)
		}
		v.SetInt(i)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			c.add(path, "type_boolean")
			return
		}
		v.SetBool(b)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		c.decode(path, raw, v.Elem(), s)
	case reflect.Slice:
		items, ok := raw.([]any)
		if !ok {
			c.add(path, "type_array")
			return
		}
		if s.hasMax && len(items) > s.max {
			c.add(path, "too_many", s.max)
			return
		}
		if s.required && len(items) == 0 {
			c.add(path, "required")
		}
		out := reflect.MakeSlice(v.Type(), len(items), len(items))
		elem := fieldSpec{enum: s.enum, class: s.class, format: s.format, future: s.future, max: defaultMaxString}
		for i, item := range items {
			c.decode(fmt.Sprintf("%s[%d]", path, i), item, out.Index(i), elem)
		}
		v.Set(out)
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			c.add(path, "type_object")
			return
		}
		c.decodeStruct(path, obj, v)
	default:
		panic("category: unsupported field type " + v.Type().String())
	}
}

func (c *checker) decodeStruct(path string, obj map[string]any, v reflect.Value) {
	specs := specsOf(v.Type())
	for key := range obj {
		if !slices.ContainsFunc(specs, func(s fieldSpec) bool { return s.name == key }) {
			c.add(join(path, key), "unknown_field")
		}
	}
	for _, s := range specs {
		raw, present := obj[s.name]
		if str, ok := raw.(string); ok && strings.TrimSpace(str) == "" {
			present = false
		}
		if !present || raw == nil {
			if s.required {
				c.add(join(path, s.name), "required")
			}
			continue
		}
		c.decode(join(path, s.name), raw, v.Field(s.index), s)
	}
}

func (c *checker) decodeString(path, str string, v reflect.Value, s fieldSpec) {
	if n := len([]rune(str)); s.max > 0 && n > s.max {
		c.add(path, "too_long", s.max)
		return
	}
	if s.format != "" {
		norm, ok := normalise(s.format, str)
		if !ok {
			c.add(path, formatCode[s.format])
			return
		}
		str = norm
	}
	if s.enum != nil && !slices.Contains(s.enum, str) {
		c.add(path, "one_of", strings.Join(s.enum, ", "))
		return
	}
	if s.class != nil && !s.class.Has(str) {
		c.add(path, "classifier", s.class.Code)
		return
	}
	v.SetString(str)
}

var formatCode = map[string]string{
	"fin": "fin_format", "id_card": "id_card_format", "permit": "permit_format", "refugee": "refugee_format",
	"phone": "phone_format", "mobile": "mobile_format", "postal": "postal_format", "voen": "voen_format",
	"article": "article_format", "icd10": "icd10_format",
}

// normalise returns the canonical form of a value in the given format.
func normalise(format, s string) (string, bool) {
	switch format {
	case "fin":
		return azid.FIN(s)
	case "id_card":
		return azid.IDCard(s)
	case "permit":
		return azid.ResidencePermit(s)
	case "refugee":
		return azid.RefugeeCard(s)
	case "phone":
		return azid.Phone(s)
	case "mobile":
		return azid.MobilePhone(s)
	case "postal":
		return azid.PostalCode(s)
	case "voen":
		return azid.VOEN(s)
	case "article":
		return s, isArticle(s)
	case "icd10":
		s = strings.ToUpper(s)
		return s, isICD10(s)
	}
	panic("category: unknown format " + format)
}

// isArticle accepts a code article such as 177, 177.2, 177.2.1 or 221-1.2.
func isArticle(s string) bool {
	for part := range strings.SplitSeq(s, ".") {
		num, suffix, hasSuffix := strings.Cut(part, "-")
		if !allDigits(num, 1, 3) || (hasSuffix && !allDigits(suffix, 1, 2)) {
			return false
		}
	}
	return strings.Count(s, ".") <= 4
}

// isICD10 accepts an ICD-10 code: a letter, two digits, and optionally a
// dot and one or two more digits (J45, J45.0, S72.11).
func isICD10(s string) bool {
	if len(s) < 3 || s[0] < 'A' || s[0] > 'Z' || !allDigits(s[1:3], 2, 2) {
		return false
	}
	rest := s[3:]
	return rest == "" || (rest[0] == '.' && allDigits(rest[1:], 1, 2))
}

func allDigits(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Decode reads raw JSON into the struct dst points to, applying the rules
// of its field tags, and returns every field error found, with paths under
// prefix. Edges use it for envelopes around category payloads.
func Decode(raw []byte, dst any, ctx Context, prefix string) []fault.FieldError {
	c := &checker{ctx: ctx}
	c.decodeJSON(prefix, raw, dst)
	return c.errs
}

// DecodeValue is Decode of a value Parse returned.
func DecodeValue(v any, dst any, ctx Context, prefix string) []fault.FieldError {
	c := &checker{ctx: ctx}
	c.decode(prefix, v, reflect.ValueOf(dst).Elem(), fieldSpec{})
	return c.errs
}

// Problem builds the field error with a catalogued code, for rules checked
// outside this package.
func Problem(path, code string, args ...any) fault.FieldError {
	return fault.FieldError{Field: path, Code: code, Message: message(code, args...)}
}

// Rules that need more than one field or the child's age.

// order reports an error at laterPath when later is before earlier.
func (c *checker) order(earlierPath string, earlier Date, laterPath string, later Date) {
	if !earlier.IsZero() && !later.IsZero() && later.Before(earlier) {
		c.add(laterPath, "date_order", earlierPath)
	}
}

// minAge reports an error when the child was younger than years on d.
func (c *checker) minAge(path string, d Date, years int) {
	b := c.ctx.BirthDate
	if b.IsZero() || d.IsZero() {
		return
	}
	if d.Before(b) {
		c.add(path, "before_birth")
		return
	}
	if b.AgeOn(d) < years {
		c.add(path, "age_implausible", years)
	}
}

// maxAge reports an error when the child was years old or older on d.
func (c *checker) maxAge(path string, d Date, years int) {
	b := c.ctx.BirthDate
	if !b.IsZero() && !d.IsZero() && b.AgeOn(d) >= years {
		c.add(path, "age_over", years)
	}
}

// afterBirth reports an error when d is before the child was born.
func (c *checker) afterBirth(path string, d Date) { c.minAge(path, d, 0) }
