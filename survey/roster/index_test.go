package roster_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"tracer/survey"
	"tracer/survey/roster"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Sri  Wahyuni\u00a0Ningsih – Ibu": "sri wahyuni ningsih ibu",
		"JOSÉ Ñandú":                      "jose nandu",
		"  BTG25-0001 ":                   "btg25 0001",
		"Robert'); DROP":                  "robert drop",
		"":                                "",
	} {
		if got := roster.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIndexSearch(t *testing.T) {
	rows := []*survey.Respondent{
		{RosterID: "BTG25-0001", Name: "Joko Permana", NIK: "6474060307910001", Phone: "+62899324611836"},
		{RosterID: "BTG25-0010", Name: "Kurniawan Susanto", NIK: "6408032311960010", Phone: "+628583032872"},
		{RosterID: "BTG25-0100", Name: "Andi Susanto", NIK: "6474081702050100"},
		{RosterID: "BTG25-0014", Name: "Sri Wahyuni Ningsih – Ibu", NIK: "6474042412960014", Phone: "+6281234567890"},
		{RosterID: "X-9", Name: "José Permadi", NIK: "6474042412967890"},
		{RosterID: "X-10", Name: "Permata Sari", NIK: "6474042412960099"},
		{RosterID: "X-11", Name: "Supermana", NIK: "6474042412960098"},
	}
	x := roster.NewIndex(rows)
	type hit struct {
		ID   string
		Rank survey.Rank
	}
	for _, tt := range []struct {
		query string
		limit int
		want  []hit
	}{
		{"BTG25-0010", 10, []hit{{"BTG25-0010", survey.RankExactID}}},
		{"btg25 001", 10, []hit{{"BTG25-0010", survey.RankIDPrefix}, {"BTG25-0014", survey.RankIDPrefix}}},
		{"25-01", 10, []hit{{"BTG25-0100", survey.RankIDSubstring}}},
		{"perm", 10, []hit{{"BTG25-0001", survey.RankWordPrefix}, {"X-9", survey.RankWordPrefix}, {"X-10", survey.RankWordPrefix}, {"X-11", survey.RankSubstring}}},
		{"PERMA", 2, []hit{{"BTG25-0001", survey.RankWordPrefix}, {"X-9", survey.RankWordPrefix}}},
		{"mana", 10, []hit{{"BTG25-0001", survey.RankSubstring}, {"X-11", survey.RankSubstring}}},
		{"jose", 10, []hit{{"X-9", survey.RankWordPrefix}}},
		{"josé perm", 10, []hit{{"X-9", survey.RankWordPrefix}}},
		{"permadi jo", 10, []hit{{"X-9", survey.RankWordPrefix}}},
		{"ningsih ibu", 10, []hit{{"BTG25-0014", survey.RankWordPrefix}}},
		{"susanto", 10, []hit{{"BTG25-0100", survey.RankWordPrefix}, {"BTG25-0010", survey.RankWordPrefix}}},
		{"7890", 10, []hit{{"X-9", survey.RankDigits}, {"BTG25-0014", survey.RankDigits}}}, // NIK, phone
		{"1836", 10, []hit{{"BTG25-0001", survey.RankDigits}}},
		{"0001", 10, []hit{{"BTG25-0001", survey.RankDigits}}}, // NIK suffix beats the id substring
		{"183", 10, nil}, // too few digits for a suffix
		{"zzz", 10, nil},
		{"  ", 10, nil},
		{"perm", 0, nil},
	} {
		t.Run(tt.query, func(t *testing.T) {
			var got []hit
			for _, m := range x.Search(tt.query, tt.limit) {
				got = append(got, hit{m.Respondent.RosterID, m.Rank})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Search(%q) (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}
