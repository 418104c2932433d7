package export

import (
	"slices"
	"sort"
	"strings"

	"tracer/survey"
)

// sortedAnswers appends the answers of m to dst sorted by path, as
// survey.Record.AnswerList gives them.
func sortedAnswers(dst []survey.Answer, m map[string]string) []survey.Answer {
	for p, v := range m {
		dst = append(dst, survey.Answer{Path: p, Value: v})
	}
	slices.SortFunc(dst, func(a, b survey.Answer) int { return strings.Compare(a.Path, b.Path) })
	return dst
}

// answerOf returns the answer at path in answers (sorted by path), "" when there is none.
func answerOf(answers []survey.Answer, path string) string {
	i := sort.Search(len(answers), func(i int) bool { return answers[i].Path >= path })
	if i < len(answers) && answers[i].Path == path {
		return answers[i].Value
	}
	return ""
}

// slots holds, for one record at a time, the answers the interview table's columns read:
// each path a column reads (its own or an older version's) has a slot, and a record's
// sorted answers are merged into the slots in one walk of both lists, instead of a lookup
// per column.
type slots struct {
	// paths are the paths read, sorted, each once; vals the current record's answer at
	// each, "" when it has none.
	paths, vals []string
	// col is the slot of each column's own path (0 for a column that reads no answer);
	// alts the slots of the paths older versions kept it under, read in order while the
	// value is "".
	col  []int
	alts [][]int
}

// newSlots returns the slots of table t's answer columns (t is read at the top level: its
// paths have no instance prefix).
func newSlots(t *table) *slots {
	s := &slots{col: make([]int, len(t.cols)), alts: make([][]int, len(t.cols))}
	for _, c := range t.cols {
		if c.kind == colValue || c.kind == colDummy {
			s.paths = append(s.paths, c.rel)
			s.paths = append(s.paths, c.alts...)
		}
	}
	slices.Sort(s.paths)
	s.paths = slices.Compact(s.paths)
	s.vals = make([]string, len(s.paths))
	slot := func(p string) int {
		i, _ := slices.BinarySearch(s.paths, p)
		return i
	}
	for i, c := range t.cols {
		if c.kind != colValue && c.kind != colDummy {
			continue
		}
		s.col[i] = slot(c.rel)
		for _, a := range c.alts {
			s.alts[i] = append(s.alts[i], slot(a))
		}
	}
	return s
}

// load sets the slots to the answers of one record, sorted by path with each path once.
func (s *slots) load(answers []survey.Answer) {
	clear(s.vals)
	i, j := 0, 0
	for i < len(answers) && j < len(s.paths) {
		switch c := strings.Compare(answers[i].Path, s.paths[j]); {
		case c == 0:
			s.vals[j] = answers[i].Value
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
}
