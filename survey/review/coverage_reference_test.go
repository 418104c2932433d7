package review

import (
	"sort"
	"time"

	"tracer/survey"
)

// referenceCoverage is the coverage as computed before CoverageCounter, from the whole
// roster and queue at once: the oracle of TestCoverageCounterAgrees. It counts the roster's coverage by reviews (one per interview). "Today" is
// the day of now in now's location, and an interview counts for the day its latest
// revision was received.
func referenceCoverage(roster []*survey.Respondent, reviews []*survey.Review, now time.Time) *Coverage {
	type status struct{ traced, approved bool }
	byID := map[string]*status{}
	for _, r := range roster {
		byID[r.RosterID] = &status{}
	}
	day := now.Format(time.DateOnly)
	cov := &Coverage{Day: day}
	enums := map[string]*EnumeratorDay{}
	for _, v := range reviews {
		who := v.Enumerator
		if who == "" {
			who = v.SubmittedBy
		}
		e := enums[who]
		if e == nil {
			e = &EnumeratorDay{Enumerator: who}
			enums[who] = e
		}
		e.Total++
		if v.ReceivedAt.In(now.Location()).Format(time.DateOnly) == day {
			e.Today++
		}
		if v.ApprovedRevision > 0 {
			e.Approved++
		}
		if v.State == survey.ReviewReturned {
			e.Returned++
		}
		st := byID[v.RespondentID]
		if st == nil {
			cov.Unlinked++
			continue
		}
		st.traced = true
		if v.ApprovedRevision > 0 {
			st.approved = true
		}
	}
	count := func(row *CoverageRow, st *status) {
		row.Roster++
		if st.traced {
			row.Traced++
		}
		if st.approved {
			row.Approved++
		}
	}
	seen := map[string]bool{}
	cells := make([]map[string]*CoverageRow, len(CoverageDimensions))
	for i := range cells {
		cells[i] = map[string]*CoverageRow{}
	}
	for _, r := range roster {
		if seen[r.RosterID] {
			continue
		}
		seen[r.RosterID] = true
		st := byID[r.RosterID]
		count(&cov.Total, st)
		for i, d := range CoverageDimensions {
			k := dimension(r, d)
			c := cells[i][k]
			if c == nil {
				c = &CoverageRow{Key: k}
				cells[i][k] = c
			}
			count(c, st)
		}
	}
	cov.Total.Key = "total"
	for i, d := range CoverageDimensions {
		b := CoverageBreakdown{Dimension: d, Rows: []CoverageRow{}}
		for _, c := range cells[i] {
			b.Rows = append(b.Rows, *c)
		}
		sort.Slice(b.Rows, func(x, y int) bool { return b.Rows[x].Key < b.Rows[y].Key })
		cov.Breakdowns = append(cov.Breakdowns, b)
	}
	cov.Enumerators = []EnumeratorDay{}
	for _, e := range enums {
		cov.Enumerators = append(cov.Enumerators, *e)
	}
	sort.Slice(cov.Enumerators, func(i, j int) bool { return cov.Enumerators[i].Enumerator < cov.Enumerators[j].Enumerator })
	return cov
}
