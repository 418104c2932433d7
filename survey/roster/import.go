package roster

import (
	"context"
	"fmt"
	"time"

	"tracer/survey"
)

// Report is the outcome of an import.
type Report struct {
	// Imported counts the accepted rows, Rejected the rows kept out.
	Imported int
	Rejected int
	// Result says how many accepted rows were new, changed or already stored.
	Result survey.UpsertResult
	// Problems lists rejections and warnings in row order.
	Problems []Problem
}

// Summary returns the report's last line: "imported N, rejected M (X new, Y updated,
// Z unchanged)".
func (r *Report) Summary() string {
	return fmt.Sprintf("imported %d, rejected %d (%d new, %d updated, %d unchanged)",
		r.Imported, r.Rejected, r.Result.Inserted, r.Result.Updated, r.Result.Unchanged)
}

// Import checks every row of t (see Parse), warns about NIKs the store already holds
// under another roster id, and upserts the accepted rows into store in one transaction.
// Importing the same table twice changes nothing the second time.
func Import(ctx context.Context, store survey.RosterStore, t *Table, ref time.Time) (*Report, error) {
	p, err := Parse(t, ref)
	if err != nil {
		return nil, err
	}
	rep := &Report{Imported: len(p.Respondents), Rejected: p.Rejected, Problems: p.Problems}
	nikCol := "nik"
	for _, h := range t.Header {
		if aliases[headerKey(h)] == fieldNIK {
			nikCol = h
		}
	}
	inFile := make(map[string]bool, len(p.Respondents))
	for _, r := range p.Respondents {
		inFile[r.RosterID] = true
	}
	for i, r := range p.Respondents {
		others, err := store.ByNIK(ctx, r.NIK)
		if err != nil {
			return nil, fmt.Errorf("look up NIK: %w", err)
		}
		for _, o := range others {
			if !inFile[o.RosterID] { // rows of this file are compared in Parse
				rep.Problems = append(rep.Problems, Problem{Sheet: p.Sheets[i], Row: p.Rows[i], Column: nikCol, Warning: true,
					Message: fmt.Sprintf("same NIK as roster id %s already in the roster", o.RosterID)})
			}
		}
	}
	sortProblems(t, rep.Problems)
	// A value the file lacks (a column it does not have, a cell left empty) keeps the
	// stored one: a file replaces no stored value by nothing.
	for i, r := range p.Respondents {
		old, err := store.Get(ctx, r.RosterID)
		switch {
		case err == nil:
			p.Respondents[i] = r.KeepFrom(old)
		case survey.ErrorCode(err) != survey.ENOTFOUND:
			return nil, fmt.Errorf("read roster row %s: %w", r.RosterID, err)
		}
	}
	if len(p.Respondents) > 0 {
		if rep.Result, err = store.Upsert(ctx, p.Respondents); err != nil {
			return nil, fmt.Errorf("store roster: %w", err)
		}
	}
	return rep, nil
}
