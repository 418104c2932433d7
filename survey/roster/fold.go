package roster

import (
	"strings"
	"unicode"
)

// accents maps accented Latin letters to their base letter, for accent-insensitive search.
var accents = func() map[rune]rune {
	m := make(map[rune]rune)
	for base, letters := range map[rune]string{
		'a': "àáâãäåāăąǎ", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęě", 'g': "ĝğġģ", 'h': "ĥħ",
		'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ", 'l': "ĺļľŀł", 'n': "ñńņňŉ", 'o': "òóôõöøōŏő",
		'r': "ŕŗř", 's': "śŝşšș", 't': "ţťŧț", 'u': "ùúûüũūŭůűų", 'w': "ŵ", 'y': "ýÿŷ", 'z': "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// Fold returns s lowercased, without accents, with every run of characters that are not
// letters or digits turned into one space and no leading or trailing space:
// "Sri  Wahyuni\u00a0Ningsih – Ibu" -> "sri wahyuni ningsih ibu".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		r = unicode.ToLower(r)
		if base, ok := accents[r]; ok {
			r = base
		}
		switch {
		case r == 'ß':
			r = 's'
		case r == 'æ':
			r = 'a'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// idKey returns the letters and digits of a roster id or query, lowercased, so that
// "BTG25-0001", "btg25 0001" and "BTG250001" are the same key.
func idKey(s string) string {
	return strings.ReplaceAll(Fold(s), " ", "")
}
