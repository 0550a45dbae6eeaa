package category

import (
	"reflect"
	"strings"
)

// Schema returns the category's payload as a JSON Schema (draft 2020-12),
// generated from the same rules the validator applies, with the valid
// examples under "examples".
func (c *Category) Schema() map[string]any {
	s := objectSchema(c.payload)
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["title"] = c.Title.EN
	ex := make([]any, len(c.examples))
	copy(ex, c.examples)
	s["examples"] = ex
	return s
}

var formatPattern = map[string]string{
	"fin":     "^[A-HJ-NP-Za-hj-np-z0-9]{7}$",
	"id_card": "^(AZE[0-9]{8}|AA[0-9]{7})$",
	"permit":  "^(MYİ|DYİ|MYI|DYI)[0-9]{7}$",
	"refugee": "^[A-Za-z]{1,3}[0-9]{5,10}$",
	"phone":   "^\\+994[0-9]{9}$",
	"mobile":  "^\\+994(10|40|44|50|51|55|60|70|77|99)[0-9]{7}$",
	"postal":  "^AZ[0-9]{4}$",
	"voen":    "^[0-9]{9}[12]$",
	"article": "^[0-9]{1,3}(-[0-9]{1,2})?(\\.[0-9]{1,3}(-[0-9]{1,2})?){0,4}$",
	"icd10":   "^[A-Za-z][0-9]{2}(\\.[0-9]{1,2})?$",
}

func objectSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, s := range specsOf(t) {
		props[s.name] = fieldSchema(s.typ, s)
		if s.required {
			required = append(required, s.name)
		}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func fieldSchema(t reflect.Type, s fieldSpec) map[string]any {
	switch t {
	case rawType:
		return map[string]any{"type": "object"}
	case dateType:
		m := map[string]any{"type": "string", "format": "date"}
		if !s.future {
			m["description"] = "not after today"
		}
		return m
	case moneyType:
		m := map[string]any{"type": []string{"string", "number"}, "pattern": "^[0-9]{1,12}(\\.[0-9]{1,2})?$", "minimum": 0, "description": "AZN, exact decimal"}
		if s.hasMax {
			m["maximum"] = s.max
		}
		return m
	}
	switch t.Kind() {
	case reflect.String:
		m := map[string]any{"type": "string"}
		if s.required {
			m["minLength"] = 1
		}
		if s.max > 0 {
			m["maxLength"] = s.max
		}
		switch {
		case s.enum != nil:
			m["enum"] = s.enum
		case s.class != nil:
			m["enum"] = s.class.Codes()
			m["x-classifier"] = s.class.Code
		case s.format != "":
			m["pattern"] = formatPattern[s.format]
			m["x-format"] = strings.ReplaceAll(s.format, "_", "-")
		}
		return m
	case reflect.Int:
		m := map[string]any{"type": "integer"}
		if s.hasMin {
			m["minimum"] = s.min
		}
		if s.hasMax {
			m["maximum"] = s.max
		}
		return m
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Pointer:
		return fieldSchema(t.Elem(), s)
	case reflect.Slice:
		elem := fieldSpec{enum: s.enum, class: s.class, format: s.format, future: s.future, max: defaultMaxString}
		m := map[string]any{"type": "array", "items": fieldSchema(t.Elem(), elem)}
		if s.hasMax {
			m["maxItems"] = s.max
		}
		if s.required {
			m["minItems"] = 1
		}
		return m
	case reflect.Struct:
		return objectSchema(t)
	}
	panic("category: no schema for " + t.String())
}
