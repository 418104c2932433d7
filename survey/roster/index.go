package roster

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"tracer/survey"
)

// Index is an in-memory search index over a roster, fast enough to search 50,000
// respondents on every keystroke. It is immutable once built and safe for concurrent use.
//
// Respondents are numbered in name order, so that "better by name" is "smaller number".
// Names and roster ids are kept as one long string each, separated by newlines, and
// searched with strings.Index; roster ids are also sorted for exact and prefix lookups,
// and the last four digits of NIKs and phone numbers are hashed.
type Index struct {
	rows   []*survey.Respondent // in name order, then roster id
	names  string               // "\n" + folded name of rows[0] + "\n" + ...
	nameAt []int                // where each row's name starts in names
	idHay  string               // the same for id keys
	idAt   []int
	ids    []idEntry // sorted by key
	idKeys []string  // by row
	exact  map[string][]int32
	digits map[string][]int32 // last minDigits digits of NIK and phone -> rows
	nik    []string
	phone  []string // local form: 0812...
}

type idEntry struct {
	key string
	row int32
}

// minDigits is how many trailing digits of a NIK or phone number a query needs.
const minDigits = 4

// NewIndex builds an index over rows. The index keeps the pointers; callers must not
// change the rows afterwards.
func NewIndex(rows []*survey.Respondent) *Index {
	type keyed struct {
		r        *survey.Respondent
		name, id string
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{r, Fold(r.Name), idKey(r.RosterID)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
	})
	x := &Index{
		rows: make([]*survey.Respondent, len(ks)), nameAt: make([]int, len(ks)), idAt: make([]int, len(ks)),
		ids: make([]idEntry, len(ks)), exact: make(map[string][]int32, len(ks)), digits: make(map[string][]int32),
		nik: make([]string, len(ks)), phone: make([]string, len(ks)),
	}
	var names, ids strings.Builder
	for i, k := range ks {
		x.rows[i] = k.r
		names.WriteByte('\n')
		x.nameAt[i] = names.Len()
		names.WriteString(k.name)
		ids.WriteByte('\n')
		x.idAt[i] = ids.Len()
		ids.WriteString(k.id)
		x.ids[i] = idEntry{k.id, int32(i)}
		x.idKeys = append(x.idKeys, k.id)
		x.exact[k.id] = append(x.exact[k.id], int32(i))
		x.nik[i], x.phone[i] = k.r.NIK, survey.LocalPhone(k.r.Phone)
		for _, d := range []string{x.nik[i], x.phone[i]} {
			if len(d) >= minDigits {
				tail := d[len(d)-minDigits:]
				if l := x.digits[tail]; len(l) == 0 || l[len(l)-1] != int32(i) {
					x.digits[tail] = append(l, int32(i))
				}
			}
		}
	}
	x.names, x.idHay = names.String(), ids.String()
	slices.SortFunc(x.ids, func(a, b idEntry) int { return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.row, b.row)) })
	return x
}

// ByNIK returns the respondents whose normalised NIK is nik, by roster id.
func (x *Index) ByNIK(nik string) []*survey.Respondent {
	var out []*survey.Respondent
	for i, n := range x.nik {
		if n == nik && nik != "" {
			out = append(out, x.rows[i])
		}
	}
	slices.SortFunc(out, func(a, b *survey.Respondent) int { return strings.Compare(a.RosterID, b.RosterID) })
	return out
}

// Len returns the number of respondents in the index.
func (x *Index) Len() int { return len(x.rows) }

// Search returns up to limit matches for query, best rank first and by name within a rank
// (see survey.Rank). Progress is left empty for the caller to fill.
func (x *Index) Search(query string, limit int) []survey.Match {
	q := Fold(query)
	if q == "" || limit <= 0 {
		return nil
	}
	key := strings.ReplaceAll(q, " ", "")
	words := strings.Fields(q)
	var buckets [RankCount][]int32

	buckets[survey.RankExactID] = x.exact[key]
	buckets[survey.RankIDPrefix] = x.idPrefix(key, limit)
	if len(key) >= minDigits && isDigits(key) {
		for _, i := range x.digits[key[len(key)-minDigits:]] {
			if strings.HasSuffix(x.nik[i], key) || strings.HasSuffix(x.phone[i], key) {
				buckets[survey.RankDigits] = append(buckets[survey.RankDigits], i)
			}
		}
	}
	buckets[survey.RankWordPrefix], buckets[survey.RankSubstring] = x.nameMatches(words, limit)
	if len(key) >= 2 {
		scan(x.idHay, x.idAt, key, func(i int32) bool {
			buckets[survey.RankIDSubstring] = append(buckets[survey.RankIDSubstring], i)
			return len(buckets[survey.RankIDSubstring]) < limit
		})
	}

	out := make([]survey.Match, 0, limit)
	seen := make(map[int32]bool, limit)
	for rank, b := range buckets {
		for _, i := range b {
			if len(out) == limit {
				return out
			}
			if !seen[i] {
				seen[i] = true
				out = append(out, survey.Match{Respondent: x.rows[i], Rank: survey.Rank(rank)})
			}
		}
	}
	return out
}

// idPrefix returns, in name order, the first limit rows whose id key starts with key (but
// is not key).
func (x *Index) idPrefix(key string, limit int) []int32 {
	lo := sort.Search(len(x.ids), func(i int) bool { return x.ids[i].key >= key })
	hi := lo + sort.Search(len(x.ids)-lo, func(i int) bool { return !strings.HasPrefix(x.ids[lo+i].key, key) })
	if n := hi - lo; n*n > limit*len(x.ids) {
		// Many ids match (a short query): walking the rows in name order finds the first
		// limit of them sooner than sorting out the range.
		var out []int32
		for i := 0; i < len(x.idKeys) && len(out) < limit; i++ {
			if k := x.idKeys[i]; len(k) > len(key) && strings.HasPrefix(k, key) {
				out = append(out, int32(i))
			}
		}
		return out
	}
	var top []int32 // the smallest row numbers so far, sorted
	for i := lo; i < hi; i++ {
		e := x.ids[i]
		if e.key == key || (len(top) == limit && e.row > top[limit-1]) {
			continue
		}
		at, _ := slices.BinarySearch(top, e.row)
		top = slices.Insert(top, at, e.row)
		if len(top) > limit {
			top = top[:limit]
		}
	}
	return top
}

// nameMatches returns, in name order, the first limit rows whose name has a word starting
// with every query word, and the first limit whose name contains every query word.
func (x *Index) nameMatches(words []string, limit int) (prefix, substring []int32) {
	if len(words) == 0 {
		return nil, nil
	}
	longest := slices.MaxFunc(words, func(a, b string) int { return cmp.Compare(len(a), len(b)) })
	scan(x.names, x.nameAt, longest, func(i int32) bool {
		name := x.name(int(i))
		isPrefix := true
		for _, w := range words {
			j := strings.Index(name, w)
			if j < 0 {
				return true
			}
			if isPrefix && j > 0 && name[j-1] != ' ' && !strings.Contains(name, " "+w) {
				isPrefix = false
			}
		}
		if isPrefix {
			prefix = append(prefix, i)
		} else if len(substring) < limit {
			substring = append(substring, i)
		}
		return len(prefix) < limit // later prefix matches come later by name
	})
	return prefix, substring
}

func (x *Index) name(i int) string {
	end := len(x.names)
	if i+1 < len(x.nameAt) {
		end = x.nameAt[i+1] - 1
	}
	return x.names[x.nameAt[i]:end]
}

// scan finds needle in hay (rows separated by newlines, row i starting at at[i]) and calls
// visit once for each row it occurs in, in row order, until visit returns false.
func scan(hay string, at []int, needle string, visit func(row int32) bool) {
	pos := 0
	for pos < len(hay) {
		j := strings.Index(hay[pos:], needle)
		if j < 0 {
			return
		}
		row, _ := slices.BinarySearch(at, pos+j+1)
		row-- // the row starting at or before the match
		if !visit(int32(row)) || row+1 == len(at) {
			return
		}
		pos = at[row+1]
	}
}

// RankCount is the number of ranks a match can have.
const RankCount = survey.RankIDSubstring + 1

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
