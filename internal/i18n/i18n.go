// Package i18n holds the languages of the interface and texts given in all
// of them: Azerbaijani first, then English and Russian.
package i18n

import "strings"

// Lang is an interface language, named by its BCP 47 tag.
type Lang string

// The languages of the Data Bank, Azerbaijani first.
const (
	AZ Lang = "az"
	EN Lang = "en"
	RU Lang = "ru"
)

// Langs lists the interface languages in the order they are offered.
var Langs = []Lang{AZ, EN, RU}

// Parse returns the language named by tag ("ru", "en-GB", "az-Latn-AZ"),
// and Azerbaijani for anything else.
func Parse(tag string) Lang {
	tag = strings.ToLower(strings.TrimSpace(tag))
	for _, l := range Langs {
		if tag == string(l) || strings.HasPrefix(tag, string(l)+"-") {
			return l
		}
	}
	return AZ
}

// Text is one text in every interface language.
type Text struct {
	AZ string `json:"az"`
	EN string `json:"en"`
	RU string `json:"ru"`
}

// T builds a Text from its Azerbaijani, English and Russian forms.
func T(az, en, ru string) Text { return Text{AZ: az, EN: en, RU: ru} }

// In returns the text in lang, falling back to Azerbaijani.
func (t Text) In(lang Lang) string {
	switch lang {
	case EN:
		if t.EN != "" {
			return t.EN
		}
	case RU:
		if t.RU != "" {
			return t.RU
		}
	}
	return t.AZ
}
