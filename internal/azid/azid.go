// Package azid normalises and validates Azerbaijani identifiers — FİN, identity
// cards, residence permits, refugee cards, phone numbers, postal codes and VÖEN —
// so that every participant's value for the same thing is stored the same way.
//
// Each function takes what a person typed, drops harmless separators (spaces,
// dashes, dots, parentheses), upper-cases letters and returns the canonical
// form and whether it is valid. When the value is invalid the returned string
// is the normalised input, useful in an error message but never to be stored.
package azid

import (
	"strings"
	"unicode"
)

// clean trims s, drops whitespace, dashes, dots and parentheses and
// upper-cases the rest. The combining dot above (U+0307), which
// strings.ToLower leaves after "i" when it lowers "İ", is dropped too, so
// "i̇" reads as "I".
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
		case r == '-', r == '‐', r == '‑', r == '–', r == '—':
		case r == '.', r == '(', r == ')':
		case r == '\u0307':
		default:
			b.WriteRune(r)
		}
	}
	return strings.ToUpper(b.String())
}

// isDigits reports whether s is non-empty and only ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isLatinUpper reports whether s is non-empty and only ASCII capital letters.
func isLatinUpper(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// FIN normalises and validates a personal identification number (FİN):
// seven characters, each a digit or a Latin capital letter other than I and
// O, which the FİN alphabet leaves out. No check digit is published, so only
// the format is checked. "5abc12d" becomes "5ABC12D".
func FIN(s string) (string, bool) {
	s = clean(s)
	if len(s) != 7 {
		return s, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z' && c != 'I' && c != 'O':
		default:
			return s, false
		}
	}
	return s, true
}

// IDCard normalises and validates the number of an identity card: "AZE"
// and 8 digits (old generation) or "AA" and 7 digits (new generation, and the
// identification card of a citizen under 15).
func IDCard(s string) (string, bool) {
	s = clean(s)
	switch {
	case strings.HasPrefix(s, "AZE"):
		return s, len(s) == 11 && isDigits(s[3:])
	case strings.HasPrefix(s, "AA"):
		return s, len(s) == 9 && isDigits(s[2:])
	}
	return s, false
}

// ResidencePermit normalises and validates the number of a residence permit
// of a foreigner or a stateless person: "MYİ" (temporary) or "DYİ"
// (permanent) and 7 digits. "MYI", "myi" and "myı" are accepted; the
// canonical form has the dotted capital İ (U+0130), as printed on the permit.
func ResidencePermit(s string) (string, bool) {
	s = clean(s)
	var kind string
	switch {
	case strings.HasPrefix(s, "MY"), strings.HasPrefix(s, "DY"):
		kind = s[:2]
	default:
		return s, false
	}
	rest := s[2:]
	switch {
	case strings.HasPrefix(rest, "İ"):
		rest = rest[len("İ"):]
	case strings.HasPrefix(rest, "I"):
		rest = rest[1:]
	default:
		return s, false
	}
	if len(rest) != 7 || !isDigits(rest) {
		return s, false
	}
	return kind + "İ" + rest, true
}

// RefugeeCard normalises and validates the number of a refugee card.
//
// The official format is not published (the card is issued by the State
// Migration Service under Presidential Decree No. 419 of 13 November 2000).
// We assume a series of 1 to 3 Latin letters followed by a number of 5 to 10
// digits, and store it upper-cased; tighten this once the format is confirmed
// with the Migration Service.
func RefugeeCard(s string) (string, bool) {
	s = clean(s)
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	letters, digits := s[:i], s[i:]
	ok := len(letters) >= 1 && len(letters) <= 3 && isLatinUpper(letters) &&
		len(digits) >= 5 && len(digits) <= 10 && isDigits(digits)
	return s, ok
}

// Phone normalises and validates an Azerbaijani phone number, landline or
// mobile, into the international form "+994" and 9 digits. It accepts the
// international form with or without "+" or with "00", a trunk "0" after the
// country code ("+994 (0)50 …"), the domestic form with the trunk 0
// ("012 555 12 34", "(050) 123-45-67") and the bare 9-digit national number.
// The national number may not begin with 0.
func Phone(s string) (string, bool) {
	c := clean(s)
	d := strings.TrimPrefix(c, "+")
	if !isDigits(d) {
		return c, false
	}
	intl := strings.HasPrefix(c, "+")
	var nsn string
	switch {
	case strings.HasPrefix(d, "00994") && !intl:
		nsn, intl = d[5:], true
	case strings.HasPrefix(d, "994") && len(d) >= 12:
		nsn, intl = d[3:], true
	case intl:
		return c, false // another country's code
	case strings.HasPrefix(d, "0"):
		nsn = d[1:]
	default:
		nsn = d
	}
	if intl && len(nsn) == 10 && nsn[0] == '0' {
		// "+994 (0)50 123 45 67": a trunk 0 written after the country code.
		nsn = nsn[1:]
	}
	if len(nsn) != 9 || nsn[0] == '0' {
		return c, false
	}
	return "+994" + nsn, true
}

// mobilePrefixes are the two-digit prefixes of the mobile networks
// (Azercell 10, 50, 51; Bakcell 55, 99; Nar 70, 77; Naxtel 60; 40 and 44
// legacy).
var mobilePrefixes = map[string]bool{
	"10": true, "40": true, "44": true, "50": true, "51": true,
	"55": true, "60": true, "70": true, "77": true, "99": true,
}

// MobilePhone is Phone restricted to mobile numbers: the national number must
// begin with a mobile operator's prefix (10, 40, 44, 50, 51, 55, 60, 70, 77
// or 99). Landlines such as Baku's 12 are rejected.
func MobilePhone(s string) (string, bool) {
	p, ok := Phone(s)
	if !ok {
		return p, false
	}
	return p, mobilePrefixes[p[4:6]]
}

// PostalCode normalises and validates a postal code: "AZ" and 4 digits.
// "az 1000", "AZ-1000" and a bare "1000" all become "AZ1000".
func PostalCode(s string) (string, bool) {
	s = clean(s)
	if isDigits(s) && len(s) == 4 {
		s = "AZ" + s
	}
	return s, len(s) == 6 && strings.HasPrefix(s, "AZ") && isDigits(s[2:])
}

// VOEN normalises and validates a taxpayer identification number (VÖEN):
// 10 digits, the last being 1 for a legal person or 2 for a natural person.
// The 9th digit is a check digit whose algorithm is not published, so it is
// not verified.
func VOEN(s string) (string, bool) {
	s = clean(s)
	return s, len(s) == 10 && isDigits(s) && (s[9] == '1' || s[9] == '2')
}
