package annual

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Values are what a participant reports: indicator code to value — an
// int64, a float64, a bool or a string, as the indicator's type says.
type Values map[string]any

var msgValuesBad = i18n.T("Hesabatda səhvlər var; hər göstəricinin yanında deyilir", "The report has mistakes; each is named by its indicator",
	"В отчёте есть ошибки; каждая указана у своего показателя")

// Check normalises values against the form and names every wrong one by
// its indicator ("values.children_total"). A draft may leave required
// indicators empty; a submission (final) may not. Values the form does not
// know are refused.
func (f *Form) CheckValues(raw map[string]any, final bool) (Values, error) {
	out := Values{}
	var errs []fault.FieldError
	known := map[string]bool{}
	for _, in := range f.Indicators() {
		known[in.Code] = true
		v, present := raw[in.Code]
		if present && isEmpty(v) {
			present = false
		}
		if !present {
			if final && in.Required {
				errs = append(errs, in.fail("required", "doldurulmalıdır", "is required", "обязателен"))
			}
			continue
		}
		nv, fe := in.value(v)
		if fe != nil {
			errs = append(errs, *fe)
			continue
		}
		out[in.Code] = nv
	}
	var unknown []string
	for code := range raw {
		if !known[code] {
			unknown = append(unknown, code)
		}
	}
	sort.Strings(unknown)
	for _, code := range unknown {
		errs = append(errs, fault.FieldError{Field: "values." + code, Code: "unknown_indicator",
			Message: tf("%s formada yoxdur", "%s is not an indicator of the form", "%s — не показатель формы", code)})
	}
	if len(errs) > 0 {
		return nil, fault.E("annual.Check", fault.Invalid, msgValuesBad, errs)
	}
	return out, nil
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	}
	return false
}

func (in *Indicator) fail(code, az, en, ru string) fault.FieldError {
	return fault.FieldError{Field: "values." + in.Code, Code: code,
		Message: i18n.T(in.Label.AZ+": "+az, in.Label.EN+": "+en, in.Label.RU+": "+ru)}
}

func (in *Indicator) failf(code, az, en, ru string, args ...any) fault.FieldError {
	m := tf(az, en, ru, args...)
	return fault.FieldError{Field: "values." + in.Code, Code: code,
		Message: i18n.T(in.Label.AZ+": "+m.AZ, in.Label.EN+": "+m.EN, in.Label.RU+": "+m.RU)}
}

// number reads a number given as JSON or typed (with a comma or a point).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		s := strings.ReplaceAll(strings.TrimSpace(x), " ", "")
		s = strings.Replace(s, ",", ".", 1)
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return 0, false
}

func (in *Indicator) value(v any) (any, *fault.FieldError) {
	switch in.Type {
	case Integer, Decimal, Percent:
		f, ok := number(v)
		if !ok {
			e := in.fail("not_a_number", "ədəd deyil", "is not a number", "не число")
			return nil, &e
		}
		if in.Type == Integer && f != math.Trunc(f) {
			e := in.fail("not_an_integer", "tam ədəd olmalıdır", "must be a whole number", "должно быть целым числом")
			return nil, &e
		}
		lo, hi := in.Min, in.Max
		if in.Type == Percent {
			zero, hundred := 0.0, 100.0
			if lo == nil {
				lo = &zero
			}
			if hi == nil {
				hi = &hundred
			}
		}
		if lo != nil && f < *lo {
			e := in.failf("min", "%s-dən kiçik ola bilməz", "may not be below %s", "не может быть меньше %s", fmtNum(*lo))
			return nil, &e
		}
		if hi != nil && f > *hi {
			e := in.failf("max", "%s-dən böyük ola bilməz", "may not be above %s", "не может быть больше %s", fmtNum(*hi))
			return nil, &e
		}
		if in.Type == Integer {
			if math.Abs(f) > 1e15 {
				e := in.fail("max", "çox böyükdür", "is too large", "слишком велико")
				return nil, &e
			}
			return int64(f), nil
		}
		return f, nil
	case Boolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "1", "on":
				return true, nil
			case "false", "no", "0":
				return false, nil
			}
		}
		e := in.fail("not_a_boolean", "bəli və ya xeyr olmalıdır", "must be yes or no", "должно быть да или нет")
		return nil, &e
	case TextT:
		s, ok := v.(string)
		if !ok {
			e := in.fail("not_a_text", "mətn olmalıdır", "must be a text", "должно быть текстом")
			return nil, &e
		}
		limit := in.MaxLength
		if limit == 0 {
			limit = 10000
		}
		if utf8.RuneCountInString(s) > limit {
			e := in.failf("too_long", "%d simvoldan uzun ola bilməz", "may not be longer than %d characters", "не может быть длиннее %d символов", limit)
			return nil, &e
		}
		return s, nil
	case Choice:
		s, _ := v.(string)
		for _, o := range in.Choices {
			if o.Code == s {
				return s, nil
			}
		}
		var codes []string
		for _, o := range in.Choices {
			codes = append(codes, o.Code)
		}
		e := in.failf("not_a_choice", "bunlardan biri olmalıdır: %s", "must be one of %s", "должно быть одним из %s", strings.Join(codes, ", "))
		return nil, &e
	}
	e := in.fail("type_invalid", "tipi məlum deyil", "has an unknown type", "неизвестного типа")
	return nil, &e
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// DecodeValues reads stored or sent values, keeping numbers exact.
func DecodeValues(raw string) (map[string]any, error) {
	out := map[string]any{}
	if strings.TrimSpace(raw) == "" {
		return out, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// Show writes a value as typed into a form field: numbers plainly, yes/no
// as "true"/"false".
func Show(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	case float64:
		return fmtNum(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
