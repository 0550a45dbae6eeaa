package namefold

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folding runs in two passes per word.
//
// Pass 1 (scanKey) reads runes and writes letter codes to a raw buffer:
// every Latin and Cyrillic letter becomes one or more codes, and casing and
// script are gone. Codes are lower-case ASCII letters that are also their own
// output, plus codeGlide for y, й and ј, whose value depends on neighbours.
//
//	a  ə a e ä э е я       i  i ı ы і           o  o ö ё ө
//	u  u ü ю ү             h  h g ğ q k x г ғ ҝ к х һ
//	c  c j ж ҹ (and dj, dzh, zh, дж through the pair rules in push)
//	sh ş ш   ch ç ч   ts ц   v v w в   Y  y й ј   others: themselves
//
// A Russian е, я, ю or ё that starts a word or follows ь or ъ starts with
// a glide; after a consonant я, ю and ё only soften it.
//
// Pass 2 (flushWord and push) resolves glides, collapses doubled letters and
// applies the pair rules, so that the output is a fixed point of folding.
// Since ş is "sh" and ç is "ch", the English digraphs need no rule of their
// own, and İshaq, Ishaq and Исхак (s + h) agree too.
const (
	codeGlide = 'Y' // y, й, ј: becomes "i" or is dropped in pass 2
	codeSkip  = 1   // apostrophes: dropped without ending the word
	codeLatJ  = 'j' // Latin j: "c", or a glide in German-style -jev
)

// asciiCode maps an ASCII byte to its code; 0 ends a word.
var asciiCode = func() (t [utf8.RuneSelf]byte) {
	const from = "abcdefghijklmnopqrstuvwxyz"
	const to = "abcdafhhijhlmnophrstuvvhYz"
	for i := 0; i < len(from); i++ {
		t[from[i]] = to[i]
		t[from[i]-'a'+'A'] = to[i]
	}
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	t['\''] = codeSkip
	t['`'] = codeSkip
	return t
}()

// latinCodes gives the codes of the non-ASCII Latin letters that need more
// than the base letter of their decomposition.
func latinCodes(r rune) string {
	switch r {
	case 'ə', 'Ə', 'ǝ', 'Ǝ', 'ä', 'Ä', 'æ', 'Æ':
		return "a"
	case 'ı', 'İ':
		return "i"
	case 'ğ', 'Ğ':
		return "h"
	case 'ş', 'Ş', 'ș', 'Ș', 'š', 'Š':
		return "sh"
	case 'ç', 'Ç', 'č', 'Č', 'ć', 'Ć':
		return "ch"
	case 'ö', 'Ö', 'ø', 'Ø', 'œ', 'Œ':
		return "o"
	case 'ü', 'Ü':
		return "u"
	case 'ž', 'Ž':
		return "c"
	case 'ł', 'Ł':
		return "l"
	case 'đ', 'Đ':
		return "d"
	case 'ß':
		return "s"
	}
	return ""
}

// cyrillicCodes gives the codes of a lower-case Cyrillic letter. The letters
// е, ё, ю and я, and the signs ь and ъ, depend on context and are handled
// by the caller.
func cyrillicCodes(r rune) string {
	switch r {
	case 'а', 'э', 'ә':
		return "a"
	case 'б':
		return "b"
	case 'в', 'ў':
		return "v"
	case 'г', 'ғ', 'ҝ', 'к', 'қ', 'х', 'һ':
		return "h"
	case 'д':
		return "d"
	case 'ж', 'ҹ':
		return "c"
	case 'з':
		return "z"
	case 'и', 'ы', 'і':
		return "i"
	case 'й', 'ј':
		return "Y"
	case 'ї':
		return "Yi"
	case 'є':
		return "Ya"
	case 'л':
		return "l"
	case 'м':
		return "m"
	case 'н', 'ң':
		return "n"
	case 'о', 'ө':
		return "o"
	case 'п':
		return "p"
	case 'р':
		return "r"
	case 'с':
		return "s"
	case 'т':
		return "t"
	case 'у', 'ү', 'ұ':
		return "u"
	case 'ф':
		return "f"
	case 'ц':
		return "ts"
	case 'ч':
		return "ch"
	case 'ш':
		return "sh"
	case 'щ':
		return "shch"
	}
	return ""
}

// isAzCyrillic reports whether r is a letter found only in the Azerbaijani
// Cyrillic alphabet, not in Russian.
func isAzCyrillic(r rune) bool {
	switch r {
	case 'ә', 'Ә', 'ҹ', 'Ҹ', 'ҝ', 'Ҝ', 'һ', 'Һ', 'ј', 'Ј', 'ө', 'Ө', 'ү', 'Ү', 'ғ', 'Ғ':
		return true
	}
	return false
}

// isApostrophe reports whether r is an apostrophe or prime, which is dropped
// inside a word (Ma'rifə, the Azerbaijani Cyrillic ʼ).
func isApostrophe(r rune) bool {
	switch r {
	case '\u2019', '\u2018', '\u02bc', '\u02bb', '\u02b9', '\u02ba', '\u00b4':
		return true
	}
	return false
}

// isFullVowel reports whether code c is a vowel other than i.
func isFullVowel(c byte) bool { return c == 'a' || c == 'o' || c == 'u' }

// isVowelCode reports whether code c is a vowel or a glide.
func isVowelCode(c byte) bool { return isFullVowel(c) || c == 'i' || c == codeGlide }

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// latinJ returns the code of the Latin j at s[i]. English j is c (Jafarov,
// Khadija, Najmaddin), but after a vowel a j that starts the surname ending
// -ev, -ew, -eva or -ewa is the German and Slavic spelling of y (Alijev).
func latinJ(s string, i int, raw []byte) byte {
	if len(raw) == 0 || !isVowelCode(raw[len(raw)-1]) {
		return 'c'
	}
	k := i + 1
	if k+1 < len(s) && s[k]|0x20 == 'e' && (s[k+1]|0x20 == 'v' || s[k+1]|0x20 == 'w') {
		e := k + 2
		if e < len(s) && s[e]|0x20 == 'a' {
			e++
		}
		if endsWord(s, e) {
			return codeGlide
		}
	}
	return 'c'
}

// endsWord reports whether no ASCII letter or non-ASCII rune follows at s[k].
func endsWord(s string, k int) bool {
	return k >= len(s) || (s[k] < utf8.RuneSelf && !isASCIILetter(s[k]) && asciiCode[s[k]] != codeSkip)
}

// appendKey appends the key of name s to dst.
func appendKey(dst []byte, s string) []byte {
	out, ok := scanKey(dst, s, false)
	if !ok {
		// Compose decomposed letters (S + U+0327, I + U+0307) and
		// start again; marks that are left after NFC are dropped.
		out, _ = scanKey(dst, norm.NFC.String(s), true)
	}
	return out
}

// scanKey appends the key of s to dst. Unless composed is set, it stops and
// reports false at the first combining mark, so that the caller can compose
// s first; ordinary input never pays for normalisation.
func scanKey(dst []byte, s string, composed bool) ([]byte, bool) {
	start := len(dst)
	var rawBuf [64]byte
	raw := rawBuf[:0]
	azCyr := -1   // whether s has Azerbaijani Cyrillic letters; -1: not yet known
	soft := false // a ь or ъ came right before
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch code := asciiCode[c]; code {
			case 0:
				dst = flushWord(dst, start, raw)
				raw = raw[:0]
			case codeSkip:
			case codeLatJ:
				raw = append(raw, latinJ(s, i, raw))
			default:
				raw = append(raw, code)
			}
			soft = false
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x400 && r <= 0x52f {
			lr := unicode.ToLower(r)
			prevCons := len(raw) > 0 && !soft && !isVowelCode(raw[len(raw)-1])
			wasSoft := soft
			soft = false
			switch lr {
			case 'ь', 'ъ':
				soft = true
			case 'е':
				if len(raw) == 0 && azCyr < 0 {
					azCyr = 0
					for _, r := range s {
						if isAzCyrillic(r) {
							azCyr = 1
							break
						}
					}
				}
				// A Russian word-initial е is "ye" (Егана = Yeganə);
				// in Azerbaijani Cyrillic it is plain e.
				if wasSoft || (len(raw) == 0 && azCyr == 0) {
					raw = append(raw, codeGlide)
				}
				raw = append(raw, 'a')
			case 'я', 'ю', 'ё':
				// After a consonant these only soften it (Гюльнара,
				// Шукюров, Ляман); elsewhere they start with y.
				if !prevCons {
					raw = append(raw, codeGlide)
				}
				raw = append(raw, softVowel(lr))
			default:
				raw = append(raw, cyrillicCodes(lr)...)
			}
			continue
		}
		soft = false
		if codes := latinCodes(r); codes != "" {
			raw = append(raw, codes...)
			continue
		}
		switch {
		case unicode.IsMark(r):
			if !composed {
				return dst[:start], false
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			// Other Latin letters, full-width and compatibility forms:
			// keep the ASCII letters of the compatibility decomposition.
			// Letters of other scripts give nothing.
			for _, b := range norm.NFKD.PropertiesString(s[i-size:]).Decomposition() {
				if b < utf8.RuneSelf && asciiCode[b] > codeSkip {
					code := asciiCode[b]
					if code == codeLatJ {
						code = 'c'
					}
					raw = append(raw, code)
				}
			}
		case isApostrophe(r):
		default:
			dst = flushWord(dst, start, raw)
			raw = raw[:0]
		}
	}
	return flushWord(dst, start, raw), true
}

// softVowel gives the vowel code of я, ю and ё.
func softVowel(r rune) byte {
	switch r {
	case 'ю':
		return 'u'
	case 'ё':
		return 'o'
	}
	return 'a'
}

// flushWord folds the raw codes of one word onto dst, after a space unless
// the word is the first since start.
func flushWord(dst []byte, start int, raw []byte) []byte {
	if len(raw) == 0 {
		return dst
	}
	if len(dst) > start {
		dst = append(dst, ' ')
	}
	w := len(dst)
	for k, x := range raw {
		if x == codeGlide {
			if k+1 < len(raw) && raw[k+1] == codeGlide {
				continue
			}
			// A glide between a consonant and u or o only softens the
			// consonant (Gyulnara, Kyonul); elsewhere it is an i.
			if n := len(dst); n > w && !isVowelCode(dst[n-1]) && k+1 < len(raw) && (raw[k+1] == 'u' || raw[k+1] == 'o') {
				continue
			}
			x = 'i'
		}
		dst = push(dst, w, x)
	}
	return canonicalMarker(dst, w)
}

// push appends code x to the word that starts at dst[w], keeping the word
// free of the patterns that folding removes, so that folding a key again
// changes nothing:
//   - a doubled consonant or i is written once (Məmmədov, Gassanov, Əliyev);
//   - d before c is dropped (dj, dzh, дж → c);
//   - z before h becomes c (zh, ж → c);
//   - two vowels other than i get an i between them, the y that Russian
//     spelling leaves out (Abdullaev = Abdullayev);
//   - an i between a consonant and u is dropped (Giulnara = Gülnarə).
func push(dst []byte, w int, x byte) []byte {
	for {
		n := len(dst)
		if n == w {
			return append(dst, x)
		}
		last := dst[n-1]
		switch {
		case x == 'h' && last == 'z', x == 'c' && last == 'd':
			dst = dst[:n-1]
			x = 'c'
			continue
		case isFullVowel(x) && isFullVowel(last):
			return append(dst, 'i', x)
		case x == last && (x < '0' || x > '9'):
			return dst
		case x == 'u' && last == 'i' && n-2 >= w && !isVowelCode(dst[n-2]):
			dst = dst[:n-1]
			continue
		}
		return append(dst, x)
	}
}

// canonicalMarker rewrites a word that is, or ends in, a patronymic marker
// to the canonical spelling: oğlu, ogly, оглы → "oglu"; qızı, kyzy, кызы →
// "qizi". The canonical spellings fold back to themselves.
func canonicalMarker(dst []byte, w int) []byte {
	if len(dst)-w < 4 {
		return dst
	}
	tail := dst[len(dst)-4:]
	switch string(tail) {
	case "ohlu", "ohli":
		copy(tail, "oglu")
	case "hizi":
		copy(tail, "qizi")
	}
	return dst
}
