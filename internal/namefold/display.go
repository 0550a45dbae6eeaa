package namefold

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Display returns the name in one canonical form for showing and storing:
// NFC-normalised, with look-alike letters folded (ǝ → ə, and Cyrillic ә, а,
// о and the like inside a Latin word → Latin), invisible format characters
// dropped, single spaces between words, and each word in title case. After
// a hyphen or a dot a new word part starts with a capital (Məmməd-Əli).
// The patronymic markers oğlu and qızı, in any spelling, stay in lower case
// as in Azerbaijani usage: "əli VÜQAR OĞLU məmmədov" gives
// "Əli Vüqar oğlu Məmmədov".
//
// Casing follows the Azerbaijani rules (i ↔ İ, ı ↔ I) when the name has a
// letter that only Turkic alphabets use (ə, ı, İ, ğ, ş), so "ismayılov"
// gives "İsmayılov" and "İSMAYILOV" gives "İsmayılov". A name without such
// a letter is a romanisation and is cased by the usual rules, so "ILHAM"
// gives "Ilham": Display never invents a dotted İ or a dotless ı.
func Display(name string) string {
	s := name
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	turkic := hasTurkicLetter(s)
	var b strings.Builder
	b.Grow(len(s))
	word := make([]rune, 0, 32)
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			writeWord(&b, word, turkic)
			word = word[:0]
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			// Zero-width spaces, joiners, BOMs and control codes.
		default:
			word = append(word, r)
		}
	}
	writeWord(&b, word, turkic)
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// hasTurkicLetter reports whether s has a letter that only Turkic Latin
// alphabets use, a Cyrillic ә standing in for ə, or the i + U+0307 that
// non-Turkic lower-casing makes of İ.
func hasTurkicLetter(s string) bool {
	prevI := false
	for _, r := range s {
		switch r {
		case 'ə', 'Ə', 'ǝ', 'Ǝ', 'ı', 'İ', 'ğ', 'Ğ', 'ş', 'Ş', 'ә', 'Ә':
			return true
		case '\u0307':
			if prevI {
				return true
			}
		}
		prevI = r == 'i'
	}
	return false
}

// homoglyphs maps Cyrillic letters to the Latin letters they look like.
var homoglyphs = map[rune]rune{
	'А': 'A', 'а': 'a', 'В': 'B', 'Е': 'E', 'е': 'e', 'К': 'K', 'М': 'M',
	'Н': 'H', 'О': 'O', 'о': 'o', 'Р': 'P', 'р': 'p', 'С': 'C', 'с': 'c',
	'Т': 'T', 'Х': 'X', 'х': 'x', 'У': 'Y', 'у': 'y', 'І': 'I', 'і': 'i',
	'Ј': 'J', 'ј': 'j', 'Ә': 'Ə', 'ә': 'ə', 'Һ': 'H', 'һ': 'h', 'Ѕ': 'S',
	'ѕ': 's', 'Ԛ': 'Q', 'ԛ': 'q',
}

// prepareWord folds ǝ to ə and drops the U+0307 left after i, in place, and
// reports whether Cyrillic look-alikes in the word should become Latin: so
// they should if the word mixes the scripts and is mostly Latin.
func prepareWord(word []rune) ([]rune, bool) {
	latin, cyrillic := 0, 0
	out := word[:0]
	for k, r := range word {
		switch {
		case r == 'ǝ':
			r = 'ə'
		case r == 'Ǝ':
			r = 'Ə'
		case r == '\u0307' && k > 0 && word[k-1] == 'i':
			continue
		}
		switch {
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic++
		}
		out = append(out, r)
	}
	return out, latin > 0 && cyrillic > 0 && latin >= cyrillic
}

// writeWord writes one word, after a space unless it is the first, with
// each part in title case, or in lower case for a patronymic marker.
func writeWord(b *strings.Builder, word []rune, turkic bool) {
	word, toLatin := prepareWord(word)
	if len(word) == 0 {
		return
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	for start := 0; start < len(word); {
		end := start
		for end < len(word) && isPartRune(word[end]) {
			end++
		}
		if end == start {
			b.WriteRune(word[start]) // a hyphen, a dot or another separator
			start++
			continue
		}
		part := word[start:end]
		marker := isMarker(part)
		for k, r := range part {
			if k == 0 && !marker && unicode.IsLetter(r) {
				r = title(r, turkic)
			} else {
				r = lower(r, turkic)
			}
			// Fold look-alikes after casing, which can make one (н → Н).
			if l, ok := homoglyphs[r]; ok && toLatin {
				r = l
			}
			b.WriteRune(r)
		}
		start = end
	}
}

// isPartRune reports whether r belongs to a word part: letters, marks,
// digits and apostrophes do, hyphens and other punctuation separate parts.
func isPartRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '\'' || isApostrophe(r)
}

// isMarker reports whether part is a patronymic marker (oğlu, qızı, ...).
func isMarker(part []rune) bool {
	if len(part) > 8 {
		return false
	}
	var buf [16]byte
	k := appendKey(buf[:0], string(part))
	return string(k) == "oglu" || string(k) == "qizi"
}

// title returns the title case of r, by Azerbaijani rules if turkic is set.
func title(r rune, turkic bool) rune {
	if turkic {
		return unicode.TurkishCase.ToTitle(r)
	}
	return unicode.ToTitle(r)
}

// lower returns the lower case of r, by Azerbaijani rules if turkic is set.
func lower(r rune, turkic bool) rune {
	if turkic {
		return unicode.TurkishCase.ToLower(r)
	}
	return unicode.ToLower(r)
}
