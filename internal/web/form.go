package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/i18n"
)

// Field is one input of a form generated from a category's schema.
type Field struct {
	Name     string // dotted path in the payload: address.district
	Label    string
	Kind     string // text, date, number, select, checkbox
	Required bool
	Options  []Option
	Value    string
	Error    string
	Max      int
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// fields builds a category's form from its JSON Schema, the same schema
// the exchange publishes, with the values typed so far and the errors of
// the last try. A list (several guardians, diagnoses, decisions) shows as
// many items as the person asked for — one to begin with — each a group
// of its fields named name.0.field, name.1.field, with a button that adds
// one more; items left empty are left out of the record.
func fields(c *category.Category, lang i18n.Lang, values url.Values, errs map[string]string) []Field {
	var out []Field
	carry := "" // an error of a whole object, shown at its first field
	var walk func(schema map[string]any, prefix string, required bool)
	var field func(p map[string]any, name string, required bool)
	walk = func(schema map[string]any, prefix string, parentRequired bool) {
		props, _ := schema["properties"].(map[string]any)
		req := map[string]bool{}
		if rs, ok := schema["required"].([]string); ok {
			for _, r := range rs {
				req[r] = true
			}
		}
		names := make([]string, 0, len(props))
		for k := range props {
			names = append(names, k)
		}
		sort.SliceStable(names, func(i, j int) bool { return req[names[i]] && !req[names[j]] })
		sort.SliceStable(names, func(i, j int) bool { return req[names[i]] == req[names[j]] && names[i] < names[j] })
		for _, k := range names {
			p, _ := props[k].(map[string]any)
			name := k
			if prefix != "" {
				name = prefix + "." + k
			}
			required := req[k] && parentRequired
			switch p["type"] {
			case "object":
				if e := errs[name]; e != "" && carry == "" {
					carry = e
				}
				walk(p, name, required)
				continue
			case "array":
				if e := errs[name]; e != "" && carry == "" {
					carry = e
				}
				items, _ := p["items"].(map[string]any)
				n := listLength(values, name)
				max, _ := p["maxItems"].(int)
				for i := range n {
					item := fmt.Sprintf("%s.%d", name, i)
					out = append(out, Field{Name: item, Kind: "heading", Label: fmt.Sprintf("%s — %d", FieldLabel(name, lang), i+1)})
					if items["type"] == "object" {
						walk(items, item, required && i == 0)
					} else {
						field(items, item, required && i == 0)
					}
				}
				out = append(out, Field{Name: name + "._count", Kind: "hidden", Value: strconv.Itoa(n)})
				if max == 0 || n < max {
					out = append(out, Field{Name: name, Kind: "add", Label: fmt.Sprintf(messages["entry.addmore"].In(lang), FieldLabel(name, lang))})
				}
				continue
			}
			field(p, name, required)
		}
	}
	field = func(p map[string]any, name string, required bool) {
		f := Field{Name: name, Label: FieldLabel(name, lang), Required: required,
			Value: values.Get(name), Error: errs[name], Kind: "text"}
		if f.Error == "" && carry != "" {
			f.Error, carry = carry, ""
		}
		if m, ok := p["maxLength"].(int); ok {
			f.Max = m
		}
		switch {
		case p["format"] == "date":
			f.Kind = "date"
		case p["type"] == "integer":
			f.Kind = "number"
		case p["type"] == "boolean":
			f.Kind = "checkbox"
		case p["x-classifier"] != nil:
			f.Kind = "select"
			if l, ok := classifier.Get(p["x-classifier"].(string)); ok {
				for _, it := range l.Items() {
					f.Options = append(f.Options, Option{Value: it.Code, Label: it.Name.In(lang)})
				}
			}
		case p["enum"] != nil:
			f.Kind = "select"
			for _, v := range p["enum"].([]string) {
				f.Options = append(f.Options, Option{Value: v, Label: enumLabel(v, lang)})
			}
		}
		out = append(out, f)
	}
	walk(c.Schema(), "", true)
	return out
}

// listLength is how many items of a list the form shows: as many as it
// showed last time (name._count), one more when the person asked for it
// (_add=name), at least one.
func listLength(values url.Values, name string) int {
	n, _ := strconv.Atoi(values.Get(name + "._count"))
	if values.Get("_add") == name {
		n++
	}
	return min(max(n, 1), 50)
}

// payload turns a submitted form into the category's JSON payload;
// empty fields are left out, so that the validator names the required
// ones, and so are the items of a list left empty.
func payload(fs []Field, form url.Values) json.RawMessage {
	root := map[string]any{}
	for _, f := range fs {
		if f.Kind == "heading" || f.Kind == "hidden" || f.Kind == "add" {
			continue
		}
		v := strings.TrimSpace(form.Get(f.Name))
		if v == "" && f.Kind != "checkbox" {
			continue
		}
		var val any = v
		switch f.Kind {
		case "number":
			if n, err := strconv.Atoi(v); err == nil {
				val = n
			}
		case "checkbox":
			if v == "" {
				continue
			}
			val = true
		}
		m := root
		parts := strings.Split(f.Name, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = val
	}
	b, _ := json.Marshal(lists(root))
	return b
}

// lists turns the maps whose keys are all item numbers into lists, in
// order, without the gaps of items left empty.
func lists(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	idx := make([]int, 0, len(m))
	for k, e := range m {
		m[k] = lists(e)
		if i, err := strconv.Atoi(k); err == nil && isIndex(k) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 || len(idx) != len(m) {
		return m
	}
	sort.Ints(idx)
	out := make([]any, len(idx))
	for j, i := range idx {
		out[j] = m[strconv.Itoa(i)]
	}
	return out
}
