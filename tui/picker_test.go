package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestPickerEnterWaitsForTheSearch: the roster is searched in the background as the
// enumerator types. An Enter typed before the search for the whole query has answered
// opens the alumnus that search finds, never the top match of a shorter query still on
// screen, and is not lost when nothing is on screen yet. Arrows typed before it count
// on the new results too.
func TestPickerEnterWaitsForTheSearch(t *testing.T) {
	for _, tc := range []struct {
		name string
		// shown is how much of the query has its results on screen before the rest is typed
		shown, rest string
		keys        []string
		want        string
	}{
		{"nothing on screen yet", "", "BTG25-0105", []string{"enter"}, "BTG25-0105"},
		{"a shorter query's results on screen", "BTG25-010", "5", []string{"enter"}, "BTG25-0105"},
		{"an arrow, then enter", "BTG25-01", "0", []string{"down", "enter"}, ""}, // the second match of BTG25-010
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, true)
			m := start(t, e)
			drive(t, m, keypress("1"))
			if m.screen != screenPicker {
				t.Fatalf("not on the picker:\n%s", plain(m))
			}
			typeText(t, m, tc.shown)
			// The rest of the query and the keys arrive before any search answers: their
			// commands are held and run only afterwards, in order.
			var held []tea.Cmd
			for _, r := range tc.rest {
				_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				held = append(held, cmd)
			}
			for _, k := range tc.keys {
				_, cmd := m.Update(keypress(k))
				held = append(held, cmd)
			}
			for _, cmd := range held {
				for _, msg := range runCmd(cmd) {
					drive(t, m, msg)
				}
			}
			iv := m.iv()
			if m.screen != screenInterview || iv == nil {
				t.Fatalf("no interview opened (screen %d):\n%s", m.screen, plain(m))
			}
			want := tc.want
			if want == "" {
				ms, err := e.cfg.Roster.Search(context.Background(), tc.shown+tc.rest, 50)
				if err != nil || len(ms) < 2 {
					t.Fatalf("search %s: %d matches (%v)", tc.shown+tc.rest, len(ms), err)
				}
				want = ms[1].Respondent.RosterID
			}
			if got := iv.sess.Value("grp_consent/roster_id"); got != want {
				t.Errorf("the interview opened is %s's, want %s's", got, want)
			}
		})
	}
}
