package review

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"tracer/survey"
)

// TestCoverageCounterAgrees gives CoverageCounter and the computation it replaced
// (referenceCoverage, which holds the roster and the queue) the same random roster and
// reviews: respondents in the roster and walk-ins, a roster id twice, several interviews
// of one alumnus, received today and before, approved and returned. The coverage must be
// the same, and every count must be non-zero somewhere.
func TestCoverageCounterAgrees(t *testing.T) {
	jak := time.FixedZone("WIB", 7*3600)
	now := time.Date(2026, 11, 20, 1, 30, 0, 0, jak)
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 11))
		pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
		var roster []*survey.Respondent
		for i := range 300 {
			roster = append(roster, &survey.Respondent{RosterID: fmt.Sprintf("R-%03d", i), Kejuruan: pick("LAS", "TIK", ""),
				BatchID: pick("B1", "B2"), Funding: pick("APBN", "APBD", ""), Regency: pick("6474", "6472")})
		}
		roster = append(roster, roster[rng.IntN(len(roster))]) // a roster id twice
		var reviews []*survey.Review
		for i := range 400 {
			v := &survey.Review{InterviewID: fmt.Sprint(i), RespondentID: pick(fmt.Sprintf("R-%03d", rng.IntN(350)), "", "W-1"),
				Enumerator: pick("ani", "budi", ""), SubmittedBy: pick("ani", "sri"),
				ReceivedAt: now.Add(-time.Duration(rng.IntN(72)) * time.Hour).UTC(), State: survey.ReviewState(pick("received", "approved", "returned"))}
			if v.State == survey.ReviewApproved || rng.IntN(5) == 0 {
				v.ApprovedRevision = 1
			}
			reviews = append(reviews, v)
		}
		want := referenceCoverage(roster, reviews, now)
		c := NewCoverageCounter(now)
		for _, v := range reviews {
			c.AddReview(v)
		}
		for _, r := range roster {
			c.AddRoster(r)
		}
		got := c.Coverage()
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Fatalf("seed %d: coverage differs:\n got %s\nwant %s", seed, g, w)
		}
		e := want.Enumerators
		if want.Unlinked == 0 || want.Total.Traced == 0 || want.Total.Approved == 0 || len(e) < 3 {
			t.Fatalf("seed %d: the random queue counts too little: %s", seed, w)
		}
		today, returned := 0, 0
		for _, x := range e {
			today, returned = today+x.Today, returned+x.Returned
		}
		if today == 0 || returned == 0 {
			t.Fatalf("seed %d: nothing today or returned: %s", seed, w)
		}
	}
}
