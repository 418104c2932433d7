package roster

import (
	"cmp"
	"slices"
	"strings"

	"tracer/survey"
)

// Index is an in-memory search index over a roster, fast enough to search 50,000
// respondents on every keystroke. It is immutable once built and safe for concurrent use.
type Index struct {
	entries []entry // sorted by name, then roster id
}

type entry struct {
	r     *survey.Respondent
	id    string // idKey of the roster id
	name  string // Fold of the name, with a leading space so " "+word finds word starts
	nik   string
	phone string // local form, digits only
}

// minDigits is how many trailing digits of a NIK or phone number a query needs.
const minDigits = 4

// NewIndex builds an index over rows. The index keeps the pointers; callers must not
// change the rows afterwards.
func NewIndex(rows []*survey.Respondent) *Index {
	es := make([]entry, 0, len(rows))
	for _, r := range rows {
		es = append(es, entry{
			r:     r,
			id:    idKey(r.RosterID),
			name:  " " + Fold(r.Name),
			nik:   r.NIK,
			phone: strings.TrimPrefix(survey.LocalPhone(r.Phone), "+"),
		})
	}
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
	})
	return &Index{entries: es}
}

// Len returns the number of respondents in the index.
func (x *Index) Len() int { return len(x.entries) }

// Search returns up to limit matches for query, best rank first and by name within a rank
// (see survey.Rank). Progress is left empty for the caller to fill.
func (x *Index) Search(query string, limit int) []survey.Match {
	q := Fold(query)
	if q == "" || limit <= 0 {
		return nil
	}
	key := strings.ReplaceAll(q, " ", "")
	words := strings.Fields(q)
	starts := make([]string, len(words))
	for i, w := range words {
		starts[i] = " " + w
	}
	digits := ""
	if isDigits(key) && len(key) >= minDigits {
		digits = key
	}

	// Entries are visited in name order, so the first limit entries of a rank are the ones
	// to return: a rank's bucket stops growing when it is full, and no bucket grows once
	// the better buckets hold limit matches together.
	var buckets [RankCount][]*survey.Respondent
	full := RankCount // buckets from full on cannot contribute any more
	for i := range x.entries {
		e := &x.entries[i]
		rank := rankOf(e, key, digits, words, starts)
		if rank >= full {
			continue
		}
		buckets[rank] = append(buckets[rank], e.r)
		n := 0
		for r := survey.Rank(0); r < full; r++ {
			n += len(buckets[r])
			if n >= limit {
				full = r
				break
			}
		}
	}
	out := make([]survey.Match, 0, limit)
	for rank, b := range buckets {
		for _, r := range b {
			if len(out) == limit {
				return out
			}
			out = append(out, survey.Match{Respondent: r, Rank: survey.Rank(rank)})
		}
	}
	return out
}

// RankCount is the number of ranks a match can have.
const RankCount = survey.RankIDSubstring + 1

// noMatch is the rank of an entry that does not match.
const noMatch = RankCount

func rankOf(e *entry, key, digits string, words, starts []string) survey.Rank {
	switch {
	case e.id == key:
		return survey.RankExactID
	case strings.HasPrefix(e.id, key):
		return survey.RankIDPrefix
	case digits != "" && ((e.nik != "" && strings.HasSuffix(e.nik, digits)) || (e.phone != "" && strings.HasSuffix(e.phone, digits))):
		return survey.RankDigits
	}
	prefix, substring := true, true
	for i, w := range words {
		if !strings.Contains(e.name, w) {
			substring = false
			break
		}
		if prefix && !strings.Contains(e.name, starts[i]) {
			prefix = false
		}
	}
	switch {
	case substring && prefix:
		return survey.RankWordPrefix
	case substring:
		return survey.RankSubstring
	case len(key) >= 2 && strings.Contains(e.id, key):
		return survey.RankIDSubstring
	}
	return noMatch
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
