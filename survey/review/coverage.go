package review

import (
	"sort"
	"strings"
	"time"

	"tracer/survey"
)

// CoverageRow counts one cell of the coverage: roster persons, those traced (with at least
// one stored interview) and those with an approved interview.
type CoverageRow struct {
	Key      string `json:"key"`
	Roster   int    `json:"roster"`
	Traced   int    `json:"traced"`
	Approved int    `json:"approved"`
}

// EnumeratorDay counts one enumerator's interviews: received on the day, in all, approved
// and returned now.
type EnumeratorDay struct {
	Enumerator string `json:"enumerator"`
	Today      int    `json:"today"`
	Total      int    `json:"total"`
	Approved   int    `json:"approved"`
	Returned   int    `json:"returned"`
}

// CoverageBreakdown is the coverage by one roster field.
type CoverageBreakdown struct {
	Dimension string        `json:"dimension"`
	Rows      []CoverageRow `json:"rows"`
}

// Coverage is the roster's coverage by the stored interviews.
type Coverage struct {
	// Day is the day "today" counts, YYYY-MM-DD in the location it was computed in.
	Day        string              `json:"day"`
	Total      CoverageRow         `json:"total"`
	Breakdowns []CoverageBreakdown `json:"breakdowns"`
	// Unlinked counts interviews whose respondent id is not in the roster (walk-ins).
	Unlinked    int             `json:"unlinked"`
	Enumerators []EnumeratorDay `json:"enumerators"`
}

// CoverageDimensions are the roster fields coverage is broken down by.
var CoverageDimensions = []string{"kejuruan", "batch", "funding", "regency"}

func dimension(r *survey.Respondent, d string) string {
	switch d {
	case "kejuruan":
		return r.Kejuruan
	case "batch":
		return r.BatchID
	case "funding":
		return r.Funding
	case "regency":
		return r.Regency
	}
	return ""
}

// A CoverageCounter counts the coverage from reviews and roster rows given one at a time,
// every review before the first roster row, for a server that reads both from its store a
// page at a time. It keeps a few bytes per alumnus (roster row or respondent reviewed) and
// a count per cell, never the rows themselves.
type CoverageCounter struct {
	now   time.Time
	day   string
	cov   Coverage
	enums map[string]*EnumeratorDay
	// alumni holds each respondent id met, in a review or the roster.
	alumni map[string]alumnus
	cells  [][]CoverageRow // by dimension, the rows of each key
	keys   []map[string]int
}

// alumnus is what a CoverageCounter knows of one respondent id.
type alumnus struct {
	reviews          int32 // interviews of it
	traced, approved bool
	inRoster         bool
}

// NewCoverageCounter returns an empty counter whose "today" is the day of now in now's
// location.
func NewCoverageCounter(now time.Time) *CoverageCounter {
	c := &CoverageCounter{now: now, day: now.Format(time.DateOnly), enums: map[string]*EnumeratorDay{},
		alumni: map[string]alumnus{}, cells: make([][]CoverageRow, len(CoverageDimensions)), keys: make([]map[string]int, len(CoverageDimensions))}
	for i := range c.keys {
		c.keys[i] = map[string]int{}
	}
	return c
}

// AddReview counts one interview's review.
func (c *CoverageCounter) AddReview(v *survey.Review) {
	who := v.Enumerator
	if who == "" {
		who = v.SubmittedBy
	}
	e := c.enums[who]
	if e == nil {
		e = &EnumeratorDay{Enumerator: strings.Clone(who)}
		c.enums[e.Enumerator] = e
	}
	e.Total++
	if v.ReceivedAt.In(c.now.Location()).Format(time.DateOnly) == c.day {
		e.Today++
	}
	if v.ApprovedRevision > 0 {
		e.Approved++
	}
	if v.State == survey.ReviewReturned {
		e.Returned++
	}
	a, ok := c.alumni[v.RespondentID]
	a.reviews++
	a.traced = true
	a.approved = a.approved || v.ApprovedRevision > 0
	if ok {
		c.alumni[v.RespondentID] = a
	} else {
		c.alumni[strings.Clone(v.RespondentID)] = a
	}
}

// AddRoster counts one roster row; a roster id met before is not counted again.
func (c *CoverageCounter) AddRoster(r *survey.Respondent) {
	a, ok := c.alumni[r.RosterID]
	if a.inRoster {
		return
	}
	a.inRoster = true
	if ok {
		c.alumni[r.RosterID] = a
	} else {
		c.alumni[strings.Clone(r.RosterID)] = a
	}
	count := func(row *CoverageRow) {
		row.Roster++
		if a.traced {
			row.Traced++
		}
		if a.approved {
			row.Approved++
		}
	}
	count(&c.cov.Total)
	for i, d := range CoverageDimensions {
		k := dimension(r, d)
		j, ok := c.keys[i][k]
		if !ok {
			j = len(c.cells[i])
			k = strings.Clone(k)
			c.keys[i][k] = j
			c.cells[i] = append(c.cells[i], CoverageRow{Key: k})
		}
		count(&c.cells[i][j])
	}
}

// Coverage returns the counts.
func (c *CoverageCounter) Coverage() *Coverage {
	cov := c.cov
	cov.Day = c.day
	cov.Total.Key = "total"
	for _, a := range c.alumni {
		if !a.inRoster {
			cov.Unlinked += int(a.reviews)
		}
	}
	for i, d := range CoverageDimensions {
		rows := append([]CoverageRow{}, c.cells[i]...)
		sort.Slice(rows, func(x, y int) bool { return rows[x].Key < rows[y].Key })
		cov.Breakdowns = append(cov.Breakdowns, CoverageBreakdown{Dimension: d, Rows: rows})
	}
	cov.Enumerators = []EnumeratorDay{}
	for _, e := range c.enums {
		cov.Enumerators = append(cov.Enumerators, *e)
	}
	sort.Slice(cov.Enumerators, func(i, j int) bool { return cov.Enumerators[i].Enumerator < cov.Enumerators[j].Enumerator })
	return &cov
}
