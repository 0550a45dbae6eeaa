package reports

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
)

// Field is a field of a category that reports can count by: a coded
// value (a plain enumeration or a classifier), a yes/no, or a whole
// number, outside any list in the record.
type Field struct {
	Path string // dotted, e.g. "decision.kind"
	// Type is "enum", "boolean" or "integer".
	Type string
	// Values are the codes of an enumeration (nil for a classifier,
	// whose codes the operator may change: see Classifier).
	Values     []string
	Classifier string
	Min, Max   int // of an integer, when HasRange
	HasRange   bool
}

// Fields returns the fields of a category reports can count by, in path
// order. They come from the category's schema, so that they follow every
// change of the catalogue.
func Fields(c *category.Category) []Field {
	fieldsOnce.Do(buildFields)
	return fieldsByCat[c.Code]
}

// FieldOf returns the field of a category at a dotted path.
func FieldOf(c *category.Category, path string) (Field, bool) {
	if c == nil {
		return Field{}, false
	}
	for _, f := range Fields(c) {
		if f.Path == path {
			return f, true
		}
	}
	return Field{}, false
}

func fieldPaths(c *category.Category) []string {
	var out []string
	for _, f := range Fields(c) {
		out = append(out, f.Path)
	}
	return out
}

var (
	fieldsOnce  sync.Once
	fieldsByCat map[string][]Field
)

func buildFields() {
	fieldsByCat = map[string][]Field{}
	for _, c := range category.All() {
		var out []Field
		var walk func(prefix string, schema map[string]any)
		walk = func(prefix string, schema map[string]any) {
			props, _ := schema["properties"].(map[string]any)
			for name, p := range props {
				ps, _ := p.(map[string]any)
				path := name
				if prefix != "" {
					path = prefix + "." + name
				}
				switch typ, _ := ps["type"].(string); typ {
				case "object":
					walk(path, ps)
				case "boolean":
					out = append(out, Field{Path: path, Type: "boolean"})
				case "integer":
					f := Field{Path: path, Type: "integer"}
					lo, okLo := number(ps["minimum"])
					hi, okHi := number(ps["maximum"])
					if okLo && okHi {
						f.Min, f.Max, f.HasRange = lo, hi, true
					}
					out = append(out, f)
				case "string":
					if cl, ok := ps["x-classifier"].(string); ok {
						out = append(out, Field{Path: path, Type: "enum", Classifier: cl})
					} else if vals, ok := ps["enum"].([]string); ok {
						out = append(out, Field{Path: path, Type: "enum", Values: vals})
					}
				}
			}
		}
		walk("", c.Schema())
		sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
		fieldsByCat[c.Code] = out
	}
}

func number(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	}
	return 0, false
}

// Codes returns the values a field can take now: an enumeration's codes, a
// classifier's current codes, "false" and "true", or the numbers of a
// bounded integer (nil for an unbounded one).
func (f Field) Codes() []string {
	switch {
	case f.Classifier != "":
		if l, ok := classifier.Get(f.Classifier); ok {
			return l.Codes()
		}
	case f.Type == "enum":
		return f.Values
	case f.Type == "boolean":
		return []string{"false", "true"}
	case f.HasRange && f.Max-f.Min <= 1000:
		out := make([]string, 0, f.Max-f.Min+1)
		for i := f.Min; i <= f.Max; i++ {
			out = append(out, strconv.Itoa(i))
		}
		return out
	}
	return nil
}

// cardinality is how many values the field can take; an unbounded
// integer counts as 100.
func (f Field) cardinality() int {
	if c := f.Codes(); c != nil {
		return len(c)
	}
	return 100
}

// valid reports whether v is a value of the field.
func (f Field) valid(v string) bool {
	if f.Type == "integer" {
		n, err := strconv.Atoi(v)
		return err == nil && (!f.HasRange || (n >= f.Min && n <= f.Max))
	}
	if f.Classifier != "" {
		l, ok := classifier.Get(f.Classifier)
		if !ok {
			return false
		}
		_, known := l.Lookup(v) // retired codes still name old records
		return known
	}
	return slices.Contains(f.Codes(), v)
}

// normalize writes a stored value as the field's code: SQLite gives a
// boolean as 1 or 0, PostgreSQL as true or false.
func (f Field) normalize(v string) string {
	if f.Type == "boolean" {
		switch v {
		case "1", "true":
			return "true"
		case "0", "false":
			return "false"
		}
	}
	if f.Type == "integer" {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return strconv.FormatInt(int64(n), 10)
		}
	}
	return v
}

// DimensionKey is the short form of a dimension used in forms and URLs:
// "region", "field:schooling.grade", "period:schooling:year".
func (dm Dimension) Key() string {
	switch dm.Kind {
	case KindField:
		return "field:" + dm.Category + "." + dm.Field
	case KindPeriod:
		return "period:" + dm.Category + ":" + dm.Period
	}
	return dm.Kind
}

// ParseDimensionKey reads the short form of a dimension.
func ParseDimensionKey(key string) (Dimension, error) {
	switch {
	case strings.HasPrefix(key, "field:"):
		cat, field, ok := strings.Cut(strings.TrimPrefix(key, "field:"), ".")
		if !ok {
			return Dimension{}, fmt.Errorf("field dimension %q has no field", key)
		}
		return Dimension{Kind: KindField, Category: cat, Field: field}, nil
	case strings.HasPrefix(key, "period:"):
		cat, per, _ := strings.Cut(strings.TrimPrefix(key, "period:"), ":")
		return Dimension{Kind: KindPeriod, Category: cat, Period: per}, nil
	}
	return Dimension{Kind: key}, nil
}
