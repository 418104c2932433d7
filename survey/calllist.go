package survey

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// RosterLister lists every roster row a store holds.
type RosterLister interface {
	// All returns every roster row, by roster id.
	All(ctx context.Context) ([]*Respondent, error)
}

// Call is one alumnus on the enumerator's call list.
type Call struct {
	Respondent *Respondent
	// Attempts are the alumnus' attempts, oldest first.
	Attempts []*Attempt
	// Callback is the call-back asked for by the latest attempt, zero when none.
	Callback time.Time
	// BestHour is the hour of day (0-23) the alumnus, or else the cohort, was reached most
	// often; -1 when nobody was reached yet.
	BestHour int
	// Numbers are the numbers to try: the roster's, then any other one used in an attempt
	// that reached someone, newest first.
	Numbers []string
}

// Due reports whether the call's call-back time has come at now.
func (c *Call) Due(now time.Time) bool { return !c.Callback.IsZero() && !c.Callback.After(now) }

// CallList returns the alumni still to be traced, in the order to call them: call-backs
// that are due (earliest first), then the rest by fewest attempts, then by how close now is
// to the best hour of day learnt from earlier attempts (the hours at which the alumnus, or
// else anyone in the cohort, was reached), then by roster id. An alumnus leaves the list
// with an interview (interviewed holds their roster ids) or with a final outcome (see
// Disposition.Temporary). An alumnus whose interview was begun here and not finalized
// (begun holds their roster ids, see Begun) stays: the attempts coded 1.1 or 1.2 that began
// it by phone are not final until the interview is, so a call that dropped can be called
// back. now is in the enumerator's time zone.
func CallList(roster []*Respondent, attempts []*Attempt, interviewed, begun map[string]bool, now time.Time) []*Call {
	by := map[string][]*Attempt{}
	cohort := make([]int, 24)
	for _, a := range attempts {
		by[a.RosterID] = append(by[a.RosterID], a)
		if d, ok := LookupDisposition(a.Outcome); ok && d.Class != ClassUnknown && d.Class != ClassNonContact || a.Outcome == DispositionCallback {
			cohort[a.At.In(now.Location()).Hour()]++
		}
	}
	cohortBest := bestHour(cohort)
	var out []*Call
	for _, r := range roster {
		if interviewed[r.RosterID] {
			continue
		}
		as := by[r.RosterID]
		slices.SortStableFunc(as, func(a, b *Attempt) int { return a.At.Compare(b.At) })
		events := make([]DispositionEvent, 0, len(as))
		for _, a := range as {
			if begun[r.RosterID] && (a.Outcome == "1.1" || a.Outcome == "1.2") {
				continue // the interview decides once it is finalized
			}
			events = append(events, DispositionEvent{Code: a.Outcome, At: a.At})
		}
		if len(events) > 0 {
			if d, _ := LookupDisposition(FinalDisposition(events)); !d.Temporary {
				continue
			}
		}
		c := &Call{Respondent: r, Attempts: as, BestHour: cohortBest}
		own := make([]int, 24)
		reached := false
		seen := map[string]bool{}
		if r.PhoneRaw != "" || r.Phone != "" {
			n := r.PhoneRaw
			if n == "" {
				n = LocalPhone(r.Phone)
			}
			c.Numbers, seen[n] = append(c.Numbers, n), true
		}
		for i := len(as) - 1; i >= 0; i-- {
			a := as[i]
			d, _ := LookupDisposition(a.Outcome)
			if d.Class != ClassUnknown && d.Class != ClassNonContact || a.Outcome == DispositionCallback {
				own[a.At.In(now.Location()).Hour()]++
				reached = true
				if a.Channel != "" && !seen[a.Channel] {
					c.Numbers, seen[a.Channel] = append(c.Numbers, a.Channel), true
				}
			}
		}
		if reached {
			c.BestHour = bestHour(own)
		}
		if n := len(as); n > 0 && as[n-1].Outcome == DispositionCallback {
			c.Callback = as[n-1].Callback
		}
		out = append(out, c)
	}
	hour := now.Hour()
	dist := func(h int) int {
		if h < 0 {
			return 24
		}
		d := h - hour
		if d < 0 {
			d = -d
		}
		return min(d, 24-d)
	}
	slices.SortStableFunc(out, func(a, b *Call) int {
		ad, bd := a.Due(now), b.Due(now)
		if ad != bd {
			if ad {
				return -1
			}
			return 1
		}
		if ad {
			if c := a.Callback.Compare(b.Callback); c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(len(a.Attempts), len(b.Attempts)), cmp.Compare(dist(a.BestHour), dist(b.BestHour)),
			cmp.Compare(a.Respondent.RosterID, b.Respondent.RosterID))
	})
	return out
}

func bestHour(counts []int) int {
	best := -1
	for h, n := range counts {
		if n > 0 && (best < 0 || n > counts[best]) {
			best = h
		}
	}
	return best
}

// PreferProposed puts the phone numbers proposed for the calls' alumni (roster updates not
// refused) first among each call's numbers, the newest proposal first: a number learnt in
// the field is tried before the roster's older one while the supervisor decides on it.
func PreferProposed(calls []*Call, updates []*RosterUpdate) {
	by := map[string][]string{}
	for _, u := range updates {
		if u.Field == FieldPhone && u.Refusal == "" && u.Value != "" {
			by[u.RosterID] = append(by[u.RosterID], LocalPhone(u.Value))
		}
	}
	for _, c := range calls {
		for _, n := range by[c.Respondent.RosterID] {
			c.Numbers = append([]string{n}, slices.DeleteFunc(c.Numbers, func(x string) bool { return samePhone(x, n) })...)
		}
	}
}

// samePhone reports whether two numbers as people write them are the same number.
func samePhone(a, b string) bool {
	ea, _, errA := NormalizePhone(a)
	eb, _, errB := NormalizePhone(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ea == eb
}

// Begun returns the roster ids of the alumni with an interview of ivs begun and not
// finalized (a draft) in the current of waves (see InterviewTime); in any interview of ivs
// when there are no waves.
func Begun(waves []Wave, ivs []*Interview) map[string]bool {
	return inCurrentWave(waves, ivs, true)
}

// Interviewed returns the roster ids of the alumni with a completed interview (not a
// draft) of ivs begun in the current of waves (see InterviewTime); in any interview of
// ivs when there are no waves.
func Interviewed(waves []Wave, ivs []*Interview) map[string]bool {
	return inCurrentWave(waves, ivs, false)
}

// inCurrentWave returns the roster ids of the alumni with an interview of ivs begun in the
// current of waves (in any when there are no waves) that is a draft, or is not one.
func inCurrentWave(waves []Wave, ivs []*Interview, draft bool) map[string]bool {
	cur := CurrentWave(waves)
	out := map[string]bool{}
	for _, iv := range ivs {
		if iv.RespondentID != "" && (iv.State == StateDraft) == draft && InWave(waves, cur, InterviewTime(iv.StartedAt, iv.UpdatedAt)) {
			out[iv.RespondentID] = true
		}
	}
	return out
}
