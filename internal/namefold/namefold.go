// Package namefold folds Azerbaijani personal names into matching keys, so that
// records from different ministries match whether a name is written in
// Azerbaijani Latin, Azerbaijani or Russian Cyrillic, or an English or passport
// romanisation.
//
// Key gives the strict matching key, Root a looser key without the surname
// ending, and Display the canonical form for showing and storing a name.
// Keys are plain ASCII lower case (letters, digits and single spaces), so
// databases can index and compare them byte by byte.
//
// Folding works on sound classes, not on letters. Spellings of one name give
// one key, but a few different names with the same sound skeleton share a key
// too. Use a key to find candidates, and confirm a match with the date of
// birth and the FİN.
package namefold

// Key returns the matching key of one name part or of a whole name, such as
// "Əli Vüqar oğlu Məmmədov". Two spellings of the same name give equal keys,
// whatever the script or romanisation. Words are folded one by one and joined
// by a single space. Punctuation and extra spaces are dropped. The patronymic
// markers (oğlu, oglu, oghlu, ogly, оглы, огли, оғлу, and qızı, qizi, gizi,
// kizi, kyzy, гызы, кызы, гызи, ғызы) fold to the canonical words "oglu" and
// "qizi". The key is ASCII lower case, deterministic, and a fixed point:
// Key(Key(x)) == Key(x).
func Key(name string) string {
	var buf [96]byte
	b := appendKey(buf[:0], name)
	if string(b) == name {
		return name
	}
	return string(b)
}

// Root returns Key with the surname ending stripped from the last word, for
// looser candidate matching. The endings are -ov, -ova, -yev, -yeva, -ev,
// -eva, -lı, -li, -lu, -lü, -zadə, -oğlu and -qızı, in every script and
// spelling. Məmmədov, Məmmədova, Mamedova, Məmmədli and Məmmədzadə give one
// root. An ending is kept if stripping it would leave fewer than three
// letters, so Root("Əli") is the same as Key("Əli").
func Root(name string) string {
	var buf [96]byte
	b := appendKey(buf[:0], name)
	return string(stripEnding(b))
}

// rootEndings are the surname endings in key form, longest first. The -yev
// and -ev endings both fold to "av".
var rootEndings = [...]string{"zadah", "zada", "oglu", "qizi", "ova", "ava", "ov", "av", "li", "lu"}

// minRoot is the shortest root that stripEnding leaves.
const minRoot = 3

// stripEnding removes one surname ending from the last word of key b.
func stripEnding(b []byte) []byte {
	ws := len(b)
	for ws > 0 && b[ws-1] != ' ' {
		ws--
	}
	w := b[ws:]
	for _, e := range rootEndings {
		n := len(w) - len(e)
		if n < minRoot || string(w[n:]) != e {
			continue
		}
		w = w[:n]
		// The y of -yev and -yeva, and the hiatus glide before -oğlu,
		// remain as an "i" after a vowel (Babayev, Musaoğlu): drop it,
		// so that Babayev and Babalı share a root.
		if (e == "av" || e == "ava" || e == "oglu") && n > minRoot && w[n-1] == 'i' && isFullVowel(w[n-2]) {
			w = w[:n-1]
		}
		return b[:ws+len(w)]
	}
	return b
}
