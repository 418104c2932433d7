package tui

import (
	"strconv"
	"strings"
	"unicode"
)

// abbreviations are the short names Indonesians type for places, expanded before a long
// list is searched: "kaltim" finds Kalimantan Timur, "jatim" Jawa Timur, "dki" Jakarta.
// They are the one table of such names; add to it here.
var abbreviations = map[string]string{
	"nad": "aceh", "sumut": "sumatera utara", "sumbar": "sumatera barat", "sumsel": "sumatera selatan",
	"babel": "kepulauan bangka belitung", "kepri": "kepulauan riau", "bengkulu": "bengkulu",
	"dki": "jakarta", "jkt": "jakarta", "jabar": "jawa barat", "jateng": "jawa tengah", "jatim": "jawa timur",
	"diy": "yogyakarta", "jogja": "yogyakarta", "yogya": "yogyakarta", "jogjakarta": "yogyakarta",
	"ntb": "nusa tenggara barat", "ntt": "nusa tenggara timur",
	"kalbar": "kalimantan barat", "kalteng": "kalimantan tengah", "kalsel": "kalimantan selatan",
	"kaltim": "kalimantan timur", "kaltara": "kalimantan utara",
	"sulut": "sulawesi utara", "sulteng": "sulawesi tengah", "sulsel": "sulawesi selatan",
	"sultra": "sulawesi tenggara", "sulbar": "sulawesi barat", "gorontalo": "gorontalo",
	"malut": "maluku utara", "pabar": "papua barat", "papbar": "papua barat", "papsel": "papua selatan",
	"papteng": "papua tengah", "pappeg": "papua pegunungan",
	"kab": "kabupaten", "kab.": "kabupaten", "kot": "kota",
}

// words splits a text into lower-case words at anything that is not a letter or a digit.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// wordsMatch reports whether every query word begins a different word of the label, in any
// order ("kal tim" and "timur kal" find Kalimantan Timur).
func wordsMatch(query, label []string) bool {
	used := make([]bool, len(label))
	for _, q := range query {
		found := false
		for i, w := range label {
			if !used[i] && strings.HasPrefix(w, q) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// expand replaces the known abbreviations among query words by the words they stand for.
func expand(q []string) []string {
	var out []string
	for _, w := range q {
		if long, ok := abbreviations[w]; ok {
			out = append(out, strings.Fields(long)...)
			continue
		}
		out = append(out, w)
	}
	return out
}

// matchOptions returns the indexes of the options the query finds, best first: the option
// whose shown code or number is the query, then options whose code (name) starts with it,
// then those where each query word (abbreviations expanded) begins a word of the label, then
// those whose label merely contains the query. An empty query finds every option in order.
func matchOptions(o *options, query string, out []int) []int {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		for i := range o.items {
			out = append(out, i)
		}
		return out
	}
	seen := make([]bool, len(o.items))
	add := func(i int) {
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	if o.lettered {
		for i, c := range o.items {
			if strings.ToLower(c.Name) == q {
				add(i)
			}
		}
	} else if n, err := strconv.Atoi(q); err == nil && n >= 1 && n <= len(o.items) {
		add(n - 1)
	}
	for i, c := range o.items {
		if strings.HasPrefix(strings.ToLower(c.Name), q) {
			add(i)
		}
	}
	qw := words(q)
	ex := expand(qw)
	for i := range o.items {
		lw := words(o.labels[i])
		if len(qw) > 0 && (wordsMatch(qw, lw) || wordsMatch(ex, lw)) {
			add(i)
		}
	}
	for i := range o.items {
		if strings.Contains(strings.ToLower(o.labels[i]), q) {
			add(i)
		}
	}
	return out
}
