package web

import (
	"sort"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
)

// schemaFields collects the name of every property of a schema, at every
// level, with the first path it was seen at.
func schemaFields(schema map[string]any, prefix string, into map[string]string) {
	if items, ok := schema["items"].(map[string]any); ok {
		schemaFields(items, prefix, into)
	}
	props, _ := schema["properties"].(map[string]any)
	for k, v := range props {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		if _, seen := into[k]; !seen {
			into[k] = path
		}
		if p, ok := v.(map[string]any); ok {
			schemaFields(p, path, into)
		}
	}
}

func TestFieldLabelsCoverEverySchema(t *testing.T) {
	names := map[string]string{}
	for _, c := range category.All() {
		schemaFields(c.Schema(), "", names)
	}
	if len(names) == 0 {
		t.Fatal("no fields found in the categories' schemas")
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	t.Logf("%d field names in the schemas, %d labels", len(sorted), len(fieldLabels))
	for _, k := range sorted {
		l, ok := fieldLabels[k]
		if !ok {
			t.Errorf("no label for %q (at %s)", k, names[k])
			continue
		}
		if l.AZ == "" || l.EN == "" || l.RU == "" {
			t.Errorf("label of %q is missing a language: %+v", k, l)
		}
	}
	for k, l := range fieldLabels {
		if _, used := names[k]; !used {
			if _, used := names[k[strings.LastIndexByte(k, '.')+1:]]; !used {
				t.Errorf("label %q names no field of any schema", k)
			}
		}
		if l.AZ == "" || l.EN == "" || l.RU == "" {
			t.Errorf("label of %q is missing a language: %+v", k, l)
		}
	}
}

func TestFieldLabel(t *testing.T) {
	for _, tc := range []struct {
		path string
		lang i18n.Lang
		want string
	}{
		{"address.district", i18n.AZ, fieldLabels["address"].AZ + " › " + fieldLabels["district"].AZ},
		{"address.district", i18n.AZ, "Ünvan › Rayon"},
		{"address.postal_code", i18n.RU, "Адрес › Почтовый индекс"},
		{"birth_date", i18n.EN, "Date of birth"},
		{"act.date", i18n.AZ, "Akt qeydinin tarixi"},
		{"certificate.number", i18n.AZ, fieldLabels["certificate.number"].AZ},
		{"marriage.date", i18n.EN, "Marriage registration › Date"},
		{"residence.address.district", i18n.AZ, fieldLabels["residence"].AZ + " › Ünvan › Rayon"},
		{"guardians.0.name.given", i18n.EN, "Guardians › Full name › Given name"},
		{"proceedings.decisions.date", i18n.RU, "Рассмотрение обращения › Решения › Дата"},
		{"no_such_field", i18n.AZ, "no_such_field"},
		{"address.no_such_field", i18n.EN, "address.no_such_field"},
		{"no_such_object.district", i18n.RU, "no_such_object.district"},
	} {
		if got := FieldLabel(tc.path, tc.lang); got != tc.want {
			t.Errorf("FieldLabel(%q, %s) = %q, want %q", tc.path, tc.lang, got, tc.want)
		}
	}
	// A full-path entry wins over the parent's label and the leaf's.
	joined := fieldLabels["act"].AZ + " › " + fieldLabels["date"].AZ
	if got := FieldLabel("act.date", i18n.AZ); got == joined || got != fieldLabels["act.date"].AZ {
		t.Errorf("FieldLabel(act.date) = %q, want the full-path entry %q", got, fieldLabels["act.date"].AZ)
	}
}
