package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// kindsForm has one question of every choice shape and the typed kinds, each unanswered and
// optional, so that a test can see exactly what a keystroke records.
const kindsForm = `
| settings |
| | form_id | form_title | version |
| | kinds | Kinds | 1 |

| survey |
| | type | name | label | appearance |
| | select_one yn | one | Is it? | |
| | select_one prov | prov | Province | |
| | select_multiple prov | provs | Provinces | |
| | select_multiple few | few | Some | |
| | decimal | dec | A decimal | |
| | integer | income | Income, Rupiah | |
| | date | born | Born | |
| | date | since | Since which year | year |
| | date | month | Since which month | month-year |
| | rank few | order | Order | |
| | text | last | Anything else? | |

| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
| | prov | 31 | Daerah Khusus Jakarta |
| | prov | 32 | Jawa Barat |
| | prov | 33 | Jawa Tengah |
| | prov | 34 | Daerah Istimewa Yogyakarta |
| | prov | 35 | Jawa Timur |
| | prov | 36 | Banten |
| | prov | 51 | Bali |
| | prov | 61 | Kalimantan Barat |
| | prov | 63 | Kalimantan Selatan |
| | prov | 64 | Kalimantan Timur |
| | prov | 73 | Sulawesi Selatan |
| | few | a | Alpha |
| | few | b | Beta |
| | few | c | Gamma |
`

// kindsAt opens a walk-in interview of kindsForm at the question name.
func kindsAt(t *testing.T, name string) (*env, *Model) {
	t.Helper()
	e, _ := newFormEnv(t, kindsForm)
	m := start(t, e)
	walkIn(t, m)
	drive(t, m, goInterviewMsg{path: name})
	at(t, m, name)
	return e, m
}

// leave presses Enter and returns what the session and the store hold for path.
func leave(t *testing.T, e *env, m *Model, path string) (session, stored string) {
	t.Helper()
	drive(t, m, keypress("enter"))
	return m.iv().sess.Value(path), storedAnswers(t, e, m.iv().iv.ID)[path]
}

// A search typed and cleared on an unanswered choice records nothing, on every list.
func TestClearedSearchRecordsNothing(t *testing.T) {
	for _, q := range []string{"one", "prov", "provs", "few"} {
		for _, keys := range [][]string{
			{"x", "backspace"},
			{"?", "?", "backspace"}, // help opens and closes; nothing is typed
			{"j", "a", "esc"},
			{"k", "down", "backspace"}, // the arrows moved inside the search only
		} {
			t.Run(q+"/"+strings.Join(keys, "-"), func(t *testing.T) {
				e, m := kindsAt(t, q)
				for _, k := range keys {
					drive(t, m, keypress(k))
				}
				if q == "one" && keys[1] == "down" {
					// arrows moved the highlight on an unanswered list after the search was
					// cleared by Backspace: the highlight is what Enter takes, and it shows
					return
				}
				if s, st := leave(t, e, m, q); s != "" || st != "" {
					t.Errorf("keys %v recorded %q (stored %q)", keys, s, st)
				}
			})
		}
	}
}

// Space on the highlighted option of a searched list picks that option, and Enter then
// keeps it: searched "timur", moved to Kalimantan Timur, saved Kalimantan Timur.
func TestSpacePicksHighlighted(t *testing.T) {
	for _, q := range []string{"prov", "provs"} {
		t.Run(q, func(t *testing.T) {
			e, m := kindsAt(t, q)
			typeText(t, m, "timur")
			drive(t, m, keypress("down"))
			if !strings.Contains(plain(m), "› ( ) 10 Kalimantan Timur") && !strings.Contains(plain(m), "› [ ] 10 Kalimantan Timur") {
				t.Fatalf("Kalimantan Timur not highlighted:\n%s", plain(m))
			}
			drive(t, m, keypress("space"))
			if s, st := leave(t, e, m, q); s != "64" || st != "64" {
				t.Errorf("saved %q (stored %q), want 64 (Kalimantan Timur)", s, st)
			}
		})
	}
	// the same on short lists: Space picks the highlighted option
	for _, q := range []string{"one", "few"} {
		t.Run(q, func(t *testing.T) {
			e, m := kindsAt(t, q)
			drive(t, m, keypress("down"))
			drive(t, m, keypress("space"))
			want := map[string]string{"one": "no", "few": "b"}[q]
			if s, st := leave(t, e, m, q); s != want || st != want {
				t.Errorf("saved %q (stored %q), want %q", s, st, want)
			}
		})
	}
}

// A decimal typed with a comma is that decimal, never the digits run together; what reads
// two ways is refused with the form engine's message, and nothing is saved.
func TestDecimalComma(t *testing.T) {
	for _, c := range []struct{ typed, want string }{
		{"4,5", "4.5"}, {"4.5", "4.5"}, {"-0,25", "-0.25"}, {"1234,5", "1234.5"},
	} {
		e, m := kindsAt(t, "dec")
		typeText(t, m, c.typed)
		if s, st := leave(t, e, m, "dec"); s != c.want || st != c.want {
			t.Errorf("%q saved as %q (stored %q), want %q", c.typed, s, st, c.want)
		}
	}
	for _, bad := range []string{"4,5,6", "1.234,5", ","} {
		e, m := kindsAt(t, "dec")
		typeText(t, m, bad)
		if s, st := leave(t, e, m, "dec"); s != "" || st != "" || m.iv().stop.Path != "dec" {
			t.Errorf("%q saved as %q (stored %q)", bad, s, st)
		}
		if m.iv().problem == "" {
			t.Errorf("%q: no message:\n%s", bad, plain(m))
		}
	}
}

// Rupiah are typed with or without thousands separators; an integer refuses a decimal comma.
func TestIntegerThousands(t *testing.T) {
	for _, c := range []struct{ typed, want string }{
		{"6500000", "6500000"}, {"6.500.000", "6500000"}, {"6,500,000", "6500000"}, {"6.500", "6500"},
	} {
		e, m := kindsAt(t, "income")
		typeText(t, m, c.typed)
		if !strings.Contains(plain(m), "6.500") {
			t.Errorf("%q: not shown with separators:\n%s", c.typed, plain(m))
		}
		if s, st := leave(t, e, m, "income"); s != c.want || st != c.want {
			t.Errorf("%q saved as %q (stored %q), want %q", c.typed, s, st, c.want)
		}
	}
	for _, bad := range []string{"4,5", "65.00.000"} {
		e, m := kindsAt(t, "income")
		typeText(t, m, bad)
		if s, _ := leave(t, e, m, "income"); s != "" || m.iv().stop.Path != "income" {
			t.Errorf("%q saved as %q", bad, s)
		}
	}
}

// Digits and the footer agree on every list: a short list shows "1-9" and a digit picks; a
// long list never shows "1-9" and a digit searches by the shown number.
func TestDigitsAndFooterAgree(t *testing.T) {
	for _, c := range []struct {
		q, want string
		short   bool
	}{{"one", "no", true}, {"few", "b", true}, {"prov", "32", false}, {"provs", "32", false}} {
		t.Run(c.q, func(t *testing.T) {
			e, m := kindsAt(t, c.q)
			foot := plain(m)
			foot = foot[strings.LastIndex(foot, "\n")+1:]
			if got := strings.Contains(foot, "1-9"); got != c.short {
				t.Errorf("footer %q: 1-9 shown %v, want %v", foot, got, c.short)
			}
			drive(t, m, keypress("2"))
			if !c.short {
				if !strings.Contains(plain(m), "Cari: 2") {
					t.Errorf("a digit did not search:\n%s", plain(m))
				}
				if !strings.Contains(foot, "cari") {
					t.Errorf("footer %q does not say digits search", foot)
				}
				if c.q == "provs" {
					drive(t, m, keypress("space"))
				}
			}
			if s, st := leave(t, e, m, c.q); s != c.want || st != c.want {
				t.Errorf("2 saved %q (stored %q), want %q", s, st, c.want)
			}
		})
	}
}

// On a short list a letter picks nothing and says how to pick.
func TestShortListLetterPicksNothing(t *testing.T) {
	e, m := kindsAt(t, "one")
	typeText(t, m, "y")
	if !strings.Contains(plain(m), "Pilih dengan angka") {
		t.Errorf("no hint:\n%s", plain(m))
	}
	if s, st := leave(t, e, m, "one"); s != "" || st != "" {
		t.Errorf("a letter recorded %q (stored %q)", s, st)
	}
}

// An answered choice keeps its answer when the arrows only moved the highlight: the answer
// changes only by a pick.
func TestArrowsDoNotChangeAnAnswer(t *testing.T) {
	for _, q := range []string{"one", "prov"} {
		e, m := kindsAt(t, q)
		drive(t, m, keypress("1"))
		if q == "prov" {
			drive(t, m, keypress("space"))
		}
		v := m.iv().sess.Value(q)
		if v == "" {
			v, _ = m.iv().fld.Value()
		}
		drive(t, m, keypress("down"))
		if s, st := leave(t, e, m, q); s != v || st != v {
			t.Errorf("%s: arrows changed %q to %q (stored %q)", q, v, s, st)
		}
	}
}

// Dates are typed year first or day first (12-02-2004, 12/02/2004), and an impossible day
// is refused with its reason.
func TestDateEntry(t *testing.T) {
	for _, c := range []struct{ q, typed, want string }{
		{"born", "20040212", "2004-02-12"},
		{"born", "12-02-2004", "2004-02-12"},
		{"born", "12/02/2004", "2004-02-12"},
		{"born", "12022004", "2004-02-12"},
		{"born", "5/3/2004", "2004-03-05"},
		{"since", "2019", "2019-01-01"},
		{"month", "201905", "2019-05-01"},
		{"month", "05/2019", "2019-05-01"},
	} {
		e, m := kindsAt(t, c.q)
		typeText(t, m, c.typed)
		if s, st := leave(t, e, m, c.q); s != c.want || st != c.want {
			t.Errorf("%s: %q saved as %q (stored %q), want %q", c.q, c.typed, s, st, c.want)
		}
	}
	for _, c := range []struct{ typed, msg string }{
		{"30-02", "30 Februari tidak ada"},
		{"31/04", "31 April tidak ada"},
		{"29-02-2025", "29 Februari 2025 tidak ada"},
		{"20250229", "29 Februari 2025 tidak ada"},
	} {
		_, m := kindsAt(t, "born")
		typeText(t, m, c.typed)
		if !strings.Contains(plain(m), c.msg) {
			t.Errorf("%q: no %q:\n%s", c.typed, c.msg, plain(m))
		}
	}
}

// Long lists find word prefixes and the usual abbreviations.
func TestListSearchAbbreviations(t *testing.T) {
	for _, c := range []struct{ typed, want string }{
		{"kaltim", "64"}, {"jatim", "35"}, {"dki", "31"}, {"jabar", "32"}, {"diy", "34"}, {"sel", "63"}, {"kalimantan", "61"},
	} {
		e, m := kindsAt(t, "prov")
		typeText(t, m, c.typed)
		if s, _ := leave(t, e, m, "prov"); s != c.want {
			t.Errorf("%q picked %q, want %q", c.typed, s, c.want)
		}
	}
}

// While a search is typed, Space separates its words; once the arrows moved the highlight,
// Space picks it.
func TestSpaceInSearch(t *testing.T) {
	e, m := kindsAt(t, "prov")
	typeText(t, m, "jawa timur")
	if !strings.Contains(plain(m), "Cari: jawa timur") {
		t.Fatalf("space did not separate the words:\n%s", plain(m))
	}
	if s, st := leave(t, e, m, "prov"); s != "35" || st != "35" {
		t.Errorf("saved %q (stored %q), want 35 (Jawa Timur)", s, st)
	}
	e, m = kindsAt(t, "provs")
	typeText(t, m, "jawa ")
	if v, _ := m.iv().fld.Value(); v != "" {
		t.Errorf("a space while searching picked %q", v)
	}
	drive(t, m, keypress("down"))
	drive(t, m, keypress("space"))
	if s, st := leave(t, e, m, "provs"); s != "33" || st != "33" {
		t.Errorf("saved %q (stored %q), want 33 (Jawa Tengah)", s, st)
	}
}

// A short list whose choice names are letters (sex: L, P) shows and takes digits: what the
// screen shows before an option is what picks it.
func TestShortLetteredListShowsDigits(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0101")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	goToQuestion(t, m, "sex")
	if v := plain(m); !strings.Contains(v, "1 Laki-laki") || !strings.Contains(v, "2 Perempuan") {
		t.Errorf("the options do not show the digits that pick them:\n%s", v)
	}
	drive(t, m, keypress("2"))
	drive(t, m, keypress("enter"))
	if got := m.iv().sess.Value("grp_identity/sex"); got != "P" {
		t.Errorf("2 picked %q", got)
	}
}

// Arrows that move the highlight of an unanswered single choice, or a search on screen, are
// taken by Enter only: leaving the question back, by the jump list, or by saving and leaving
// records nothing, on a short list and on a searched one. Enter still takes the highlight.
func TestHighlightTakenByEnterOnly(t *testing.T) {
	for _, q := range []string{"one", "prov"} {
		for _, typed := range [][]string{{"down"}, {"j", "a", "w", "a"}, {"down", "up"}} {
			if q == "one" && typed[0] != "down" {
				continue // a short list takes no search
			}
			for _, leaveBy := range [][]string{{"shift+tab"}, {"ctrl+j"}, {"ctrl+s"}, {"enter"}} {
				t.Run(q+"/"+strings.Join(typed, "")+"/"+leaveBy[0], func(t *testing.T) {
					e, m := kindsAt(t, q)
					id := m.iv().iv.ID
					for _, k := range typed {
						drive(t, m, keypress(k))
					}
					for _, k := range leaveBy {
						drive(t, m, keypress(k))
					}
					stored := storedAnswers(t, e, id)[q]
					if leaveBy[0] == "enter" {
						if stored == "" {
							t.Errorf("Enter did not take the highlighted option")
						}
						return
					}
					if stored != "" {
						t.Errorf("%v then %v recorded %q", typed, leaveBy, stored)
					}
					if iv := m.iv(); iv != nil && iv.sess.Value(q) != "" {
						t.Errorf("%v then %v put %q in the session", typed, leaveBy, iv.sess.Value(q))
					}
				})
			}
		}
	}
}

// A paste is taken whole or not at all: a pasted date or number with a character the entry
// refuses (a month 13, a letter, a minus inside a number) leaves the entry as it was, says
// why, and records nothing; the rest of the paste is never read as another value.
func TestPasteTakenWholeOrNotAtAll(t *testing.T) {
	for _, c := range []struct{ q, paste, msg string }{
		{"born", "2004-13-05", "Bulan"},
		{"born", "2004-02-30", "30 Februari tidak ada"},
		{"born", "12 Feb 2004", "angka"},
		{"income", "2-3", "angka"},
		{"income", "Rp 6.500.000", "angka"},
		{"dec", "4,5 jam", "angka"},
	} {
		t.Run(c.q+"/"+c.paste, func(t *testing.T) {
			e, m := kindsAt(t, c.q)
			drive(t, m, tea.PasteMsg{Content: c.paste})
			if v := plain(m); !strings.Contains(v, c.msg) {
				t.Errorf("no %q after pasting %q:\n%s", c.msg, c.paste, v)
			}
			if v, _ := m.iv().fld.Value(); v != "" {
				t.Errorf("pasting %q put %q in the entry", c.paste, v)
			}
			if s, st := leave(t, e, m, c.q); s != "" || st != "" {
				t.Errorf("pasting %q recorded %q (stored %q)", c.paste, s, st)
			}
		})
	}
	// a paste the entry takes whole is the answer
	for _, c := range []struct{ q, paste, want string }{
		{"born", "12/02/2004", "2004-02-12"}, {"income", "6.500.000", "6500000"}, {"dec", "4,5", "4.5"},
	} {
		e, m := kindsAt(t, c.q)
		drive(t, m, tea.PasteMsg{Content: c.paste})
		if s, st := leave(t, e, m, c.q); s != c.want || st != c.want {
			t.Errorf("pasting %q recorded %q (stored %q), want %q", c.paste, s, st, c.want)
		}
		// back on the answer, a paste replaces it as typing does; a refused one keeps it
		drive(t, m, keypress("shift+tab"))
		drive(t, m, tea.PasteMsg{Content: "x"})
		if s, st := leave(t, e, m, c.q); s != c.want || st != c.want {
			t.Errorf("a refused paste on %q changed it to %q (stored %q)", c.want, s, st)
		}
		drive(t, m, keypress("shift+tab"))
		drive(t, m, tea.PasteMsg{Content: c.paste})
		if s, st := leave(t, e, m, c.q); s != c.want || st != c.want {
			t.Errorf("pasting %q again on %q recorded %q (stored %q)", c.paste, c.want, s, st)
		}
	}
}

// stopsForm has the stops that take no typing: a note, an acknowledge, a repeat's prompt, a
// calculated read-only value, beside a date and a rank.
const stopsForm = `
| settings |
| | form_id | form_title | version |
| | stops | Stops | 1 |

| survey |
| | type | name | label | calculation | read_only |
| | note | intro | Welcome | | |
| | acknowledge | ok | Understood? | | |
| | date | born | Born | | |
| | rank few | order | Order | | |
| | begin repeat | kids | Kids | | |
| | text | kname | Name | | |
| | end repeat | | | | |
| | integer | fixed | Fixed | | yes |
| | text | last | Last | | |

| choices |
| | list_name | name | label |
| | few | a | Alpha |
| | few | b | Beta |
| | few | c | Gamma |
`

// A key a question does not take says which keys it takes, in one line in the UI language,
// records nothing and moves nowhere: a letter on a date, a rank, an acknowledge, a note, a
// read-only value and a repeat's prompt.
func TestWrongKeySaysWhichKeys(t *testing.T) {
	for _, c := range []struct{ path, msg, en string }{
		{"intro", "Ini catatan", "This is a note"},
		{"ok", "Spasi atau 1", "Space or 1"},
		{"born", "dengan angka saja", "digits only"},
		{"order", "Shift+↑/↓ atau angka", "Shift+↑/↓ or a digit"},
		{"kids", "1 atau y untuk menambah", "1 or y to add"},
		{"fixed", "tidak bisa diubah", "cannot be changed"},
	} {
		for _, k := range []string{"x", "Q", "%"} {
			t.Run(c.path+"/"+k, func(t *testing.T) {
				e, _ := newFormEnv(t, stopsForm)
				m := start(t, e)
				walkIn(t, m)
				drive(t, m, goInterviewMsg{path: c.path})
				at(t, m, c.path)
				drive(t, m, tea.PasteMsg{Content: k + k})
				at(t, m, c.path)
				if v := plain(m); !strings.Contains(v, c.msg) {
					t.Errorf("pasting %q says nothing of the keys to use:\n%s", k+k, v)
				}
				typeText(t, m, k)
				at(t, m, c.path)
				if v := plain(m); !strings.Contains(v, c.msg) {
					t.Errorf("%q says nothing of the keys to use:\n%s", k, v)
				}
				drive(t, m, langChangedMsg{lang: "en"})
				if v := plain(m); !strings.Contains(v, c.en) {
					t.Errorf("%q: no English message:\n%s", k, v)
				}
				if got := storedAnswers(t, e, m.iv().iv.ID); got[c.path] != "" || m.iv().sess.Instances("kids") != 0 {
					t.Errorf("%q recorded %q (%d kids)", k, got[c.path], m.iv().sess.Instances("kids"))
				}
				// the message goes with the move
				drive(t, m, keypress("enter"))
				if v := plain(m); strings.Contains(v, c.en) {
					t.Errorf("the message stayed after moving:\n%s", v)
				}
			})
		}
	}
}

// Enter with a search on screen that it cannot take (nothing matches it, or the list is a
// multiple choice, where Space picks) keeps the enumerator on the question and says why:
// the search typed is never dropped in silence. Esc clears it, and Enter then goes on.
func TestEnterKeepsAnUntakenSearch(t *testing.T) {
	for _, c := range []struct{ q, typed, msg string }{
		{"prov", "xyz", "Tidak ada pilihan yang cocok"},
		{"provs", "xyz", "Tidak ada pilihan yang cocok"},
		{"provs", "jawa timur", "Spasi memilih yang disorot"},
	} {
		t.Run(c.q+"/"+c.typed, func(t *testing.T) {
			e, m := kindsAt(t, c.q)
			typeText(t, m, c.typed)
			for _, k := range []string{"enter", "tab"} {
				drive(t, m, keypress(k))
				at(t, m, c.q)
				if s, st := m.iv().sess.Value(c.q), storedAnswers(t, e, m.iv().iv.ID)[c.q]; s != "" || st != "" {
					t.Errorf("%q then %s recorded %q (stored %q)", c.typed, k, s, st)
				}
				if v := plain(m); !strings.Contains(v, c.msg) {
					t.Errorf("%q then %s says nothing:\n%s", c.typed, k, v)
				}
			}
			drive(t, m, keypress("esc"))
			drive(t, m, keypress("enter"))
			if m.iv().stop.Path == c.q {
				t.Errorf("Enter after Esc cleared the search stayed:\n%s", plain(m))
			}
		})
	}
}

// Ctrl+C always quits and keeps every saved answer; an entry on screen the form refuses is
// not saved, and the note printed after the program ends says so, where and why, instead of
// calling everything saved.
func TestQuitSaysWhatWasNotSaved(t *testing.T) {
	for _, c := range []struct{ q, typed string }{
		{"dec", "4,5,6"}, {"born", "2004-02"}, {"income", "65.00.000"},
	} {
		t.Run(c.q, func(t *testing.T) {
			e, m := kindsAt(t, c.q)
			typeText(t, m, c.typed)
			if !drive(t, m, keypress("ctrl+c")) {
				t.Fatalf("ctrl+c did not quit")
			}
			note := m.QuitNote()
			if !strings.Contains(note, "tersimpan") || !strings.Contains(note, "tidak disimpan") || !strings.Contains(note, m.iv().sess.Label(c.q)) {
				t.Errorf("quit note %q does not say the entry at %s was not saved", note, c.q)
			}
			if st := storedAnswers(t, e, m.iv().iv.ID)[c.q]; st != "" {
				t.Errorf("a refused entry was stored: %q", st)
			}
		})
	}
	e, m := kindsAt(t, "dec")
	typeText(t, m, "4,5")
	drive(t, m, keypress("ctrl+c"))
	if note := m.QuitNote(); strings.Contains(note, "tidak disimpan") {
		t.Errorf("an accepted entry: %q", note)
	}
	if st := storedAnswers(t, e, m.iv().iv.ID)["dec"]; st != "4.5" {
		t.Errorf("ctrl+c stored %q, want 4.5", st)
	}
}

// timesForm has date and time answers the entry cannot show in full: seconds and a time
// zone (from a default, or from ODK Collect in a returned interview), a whole date under the
// year appearance, a time written with one digit for the hour.
const timesForm = `
| settings |
| | form_id | form_title | version |
| | times | Times | 1 |

| survey |
| | type | name | label | default | appearance |
| | time | t | Time | 14:30:15 | |
| | dateTime | dt | When | 2004-02-12T14:30:15.123+07:00 | |
| | date | y | Year | 2019-05-17 | year |
| | time | short | Short time | 9:05 | |
| | text | last | Last | | |
`

// A date or time the enumerator did not edit is kept exactly as it was, whichever key
// leaves it: passing over it never drops its seconds, moves it to the laptop's time zone,
// turns a whole date into the first of its year, or clears what the entry cannot show.
// An edit still records what was typed, and clearing still clears.
func TestUneditedTimeKept(t *testing.T) {
	for _, q := range []string{"t", "dt", "y", "short"} {
		for _, leaveBy := range []string{"enter", "shift+tab", "ctrl+j", "ctrl+s", "esc", "ctrl+r", "ctrl+c"} {
			t.Run(q+"/"+leaveBy, func(t *testing.T) {
				e, _ := newFormEnv(t, timesForm)
				m := start(t, e)
				walkIn(t, m)
				iv := m.iv()
				want := iv.sess.Value(q)
				if want == "" || storedAnswers(t, e, iv.iv.ID)[q] != want {
					t.Fatalf("the default of %s is not stored: %q", q, want)
				}
				drive(t, m, goInterviewMsg{path: q}) // t is the first question: this leaves it too
				at(t, m, q)
				shown := map[string]string{"t": "14:30", "dt": "2004-02-12 14:30", "y": "2019", "short": "09:05"}[q]
				if v := plain(m); !strings.Contains(v, "› "+shown) {
					t.Errorf("%s shows no %q:\n%s", q, shown, v)
				}
				drive(t, m, keypress(leaveBy))
				if got := iv.sess.Value(q); got != want {
					t.Errorf("%s changed %q to %q", leaveBy, want, got)
				}
				if got := storedAnswers(t, e, iv.iv.ID)[q]; got != want {
					t.Errorf("%s stored %q, want %q", leaveBy, got, want)
				}
			})
		}
	}
	e, _ := newFormEnv(t, timesForm)
	m := start(t, e)
	walkIn(t, m)
	typeText(t, m, "0915")
	drive(t, m, keypress("enter"))
	if got := m.iv().sess.Value("t"); !strings.HasPrefix(got, "09:15:00") {
		t.Errorf("typed 0915, recorded %q", got)
	}
	for _, q := range []string{"dt", "y", "short"} {
		at(t, m, q)
		drive(t, m, keypress("ctrl+u"))
		drive(t, m, keypress("enter"))
		if got := storedAnswers(t, e, m.iv().iv.ID)[q]; got != "" {
			t.Errorf("%s cleared, stored %q", q, got)
		}
	}
}

// filterForm has a choice list filtered by an earlier answer, short and searched, single and
// multiple.
const filterForm = `
| settings |
| | form_id | form_title | version |
| | filter | Filter | 1 |

| survey |
| | type | name | label | choice_filter |
| | select_one state | state | State | |
| | select_one county | county | County | state=${state} |
| | select_multiple county | counties | Counties | state=${state} |
| | select_one city | city | City | state=${state} |
| | rank county | ranked | Counties in order | state=${state} |
| | text | last | Last | |

| choices |
| | list_name | name | label | state |
| | state | tx | Texas | |
| | state | wa | Washington | |
| | county | king | King | wa |
| | county | pierce | Pierce | wa |
| | county | cameron | Cameron | tx |
| | county | harris | Harris | tx |
| | city | c1 | Brownsville | tx |
| | city | c2 | Harlingen | tx |
| | city | c3 | Houston | tx |
| | city | c4 | Dallas | tx |
| | city | c5 | Austin | tx |
| | city | c6 | El Paso | tx |
| | city | c7 | Laredo | tx |
| | city | c8 | Plano | tx |
| | city | c9 | Irving | tx |
| | city | c10 | Frisco | tx |
| | city | c11 | Seattle | wa |
| | city | c12 | Tacoma | wa |
| | city | c13 | Spokane | wa |
| | city | c14 | Vancouver | wa |
| | city | c15 | Bellevue | wa |
| | city | c16 | Kent | wa |
| | city | c17 | Everett | wa |
| | city | c18 | Renton | wa |
| | city | c19 | Yakima | wa |
| | city | c20 | Olympia | wa |
`

// A choice that an earlier change made inapplicable is not cleared in silence by passing
// over its question (the screen shows nothing picked): leaving it back, by the jump list,
// by saving or by quitting keeps it for the review to flag. Enter records what the screen
// shows and stays, saying which answer was removed; the next Enter goes on.
func TestInapplicableChoiceKeptUntilChanged(t *testing.T) {
	answers := map[string]string{"county": "cameron", "counties": "cameron harris", "city": "c2", "ranked": "harris cameron"}
	for _, q := range []string{"county", "counties", "city", "ranked"} {
		for _, leaveBy := range []string{"shift+tab", "ctrl+j", "ctrl+s", "esc", "ctrl+r", "ctrl+c", "enter"} {
			if q == "ranked" && leaveBy == "enter" {
				continue // below: a rank is put in order again
			}
			t.Run(q+"/"+leaveBy, func(t *testing.T) {
				e, _ := newFormEnv(t, filterForm)
				m := start(t, e)
				walkIn(t, m)
				drive(t, m, keypress("1")) // Texas
				drive(t, m, keypress("enter"))
				for _, p := range []string{"county", "counties", "city", "ranked"} {
					if p, err := m.iv().sess.Set(p, answers[p]); p != nil || err != nil {
						t.Fatalf("set %v %v", p, err)
					}
				}
				m.iv().show(m.iv().stop) // the county's input shows them
				drive(t, m, goInterviewMsg{path: "state"})
				drive(t, m, keypress("2")) // Washington: the answers no longer apply
				drive(t, m, goInterviewMsg{path: q})
				at(t, m, q)
				iv := m.iv()
				if _, searched := iv.fld.(*listInput); searched != (q == "city") && q != "ranked" {
					t.Fatalf("%s: searched list %v", q, searched)
				}
				drive(t, m, keypress(leaveBy))
				want := answers[q]
				if leaveBy == "enter" {
					want = ""
					at(t, m, q)
					labels := map[string]string{"county": "“Cameron”", "counties": "“Cameron, Harris”", "city": "“Harlingen”"}
					if v := plain(m); !strings.Contains(v, "tidak berlaku lagi") || !strings.Contains(v, labels[q]) {
						t.Errorf("Enter does not say what it removed:\n%s", v)
					}
				}
				if got := iv.sess.Value(q); got != want {
					t.Errorf("%s changed %q to %q", leaveBy, answers[q], got)
				}
				if got := storedAnswers(t, e, iv.iv.ID)[q]; got != want {
					t.Errorf("%s stored %q, want %q", leaveBy, got, want)
				}
				if leaveBy == "enter" {
					drive(t, m, keypress("enter"))
					if m.iv().stop.Path == q {
						t.Errorf("the second Enter stayed:\n%s", plain(m))
					}
				}
			})
		}
	}
	// a rank stays until it is put in order again: Enter says why, Space keeps the new order
	e, _ := newFormEnv(t, filterForm)
	m := start(t, e)
	walkIn(t, m)
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	if p, err := m.iv().sess.Set("ranked", answers["ranked"]); p != nil || err != nil {
		t.Fatalf("set %v %v", p, err)
	}
	drive(t, m, goInterviewMsg{path: "state"})
	drive(t, m, keypress("2"))
	drive(t, m, goInterviewMsg{path: "ranked"})
	drive(t, m, keypress("enter"))
	at(t, m, "ranked")
	if got := storedAnswers(t, e, m.iv().iv.ID)["ranked"]; got != answers["ranked"] || m.iv().problem == "" {
		t.Errorf("Enter on the stale rank: stored %q, problem %q", got, m.iv().problem)
	}
	drive(t, m, keypress("space"))
	drive(t, m, keypress("enter"))
	if got := storedAnswers(t, e, m.iv().iv.ID)["ranked"]; got != "king pierce" {
		t.Errorf("the order kept: stored %q", got)
	}
	// a pick replaces it
	e, _ = newFormEnv(t, filterForm)
	m = start(t, e)
	walkIn(t, m)
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1")) // Cameron
	drive(t, m, keypress("enter"))
	drive(t, m, goInterviewMsg{path: "state"})
	drive(t, m, keypress("2"))
	drive(t, m, keypress("enter"))
	at(t, m, "county")
	drive(t, m, keypress("2")) // Pierce
	drive(t, m, keypress("enter"))
	if got := storedAnswers(t, e, m.iv().iv.ID)["county"]; got != "pierce" {
		t.Errorf("picked Pierce, stored %q", got)
	}
}

// Arrows that moved the highlight off the answer given (or, on a multiple choice, onto an
// option not ticked) and then Enter: the answer stays as it was, and the first Enter says so
// and stays, so that the enumerator who meant the highlighted option learns that Space picks
// it; Enter again goes on with the answer unchanged.
func TestEnterAfterArrowsSaysTheAnswerStays(t *testing.T) {
	for _, c := range []struct {
		q    string
		pick []string
		want string
	}{
		{"one", []string{"1"}, "yes"},
		{"prov", []string{"2", "space"}, "32"},
		{"few", []string{"1"}, "a"},
		{"provs", []string{"2", "space"}, "32"},
	} {
		t.Run(c.q, func(t *testing.T) {
			e, m := kindsAt(t, c.q)
			for _, k := range c.pick {
				drive(t, m, keypress(k))
			}
			drive(t, m, keypress("down"))
			drive(t, m, keypress("enter"))
			at(t, m, c.q)
			if v := plain(m); !strings.Contains(v, "Jawaban tidak berubah") {
				t.Errorf("Enter says nothing:\n%s", v)
			}
			if s, st := leave(t, e, m, c.q); s != c.want || st != c.want {
				t.Errorf("recorded %q (stored %q), want %q", s, st, c.want)
			}
			if m.iv().stop.Path == c.q {
				t.Errorf("the second Enter stayed:\n%s", plain(m))
			}
		})
	}
	// a multiple choice with nothing ticked says that nothing is picked
	for _, q := range []string{"few", "provs"} {
		e, m := kindsAt(t, q)
		drive(t, m, keypress("down"))
		drive(t, m, keypress("enter"))
		at(t, m, q)
		if v := plain(m); !strings.Contains(v, "Belum ada yang dipilih") {
			t.Errorf("%s: Enter says nothing:\n%s", q, v)
		}
		if s, st := leave(t, e, m, q); s != "" || st != "" || m.iv().stop.Path == q {
			t.Errorf("%s: recorded %q (stored %q), at %s", q, s, st, m.iv().stop.Path)
		}
	}
}

// An entry showing an answer already given (or a roster value) says that typing replaces
// it, until a key starts editing it: the first character typed never wipes an answer the
// enumerator had no way to know would go.
func TestFreshAnswerSaysTypingReplaces(t *testing.T) {
	for _, c := range []struct{ q, typed string }{{"income", "6500000"}, {"last", "Budi"}, {"born", "2004-02-12"}} {
		t.Run(c.q, func(t *testing.T) {
			_, m := kindsAt(t, c.q)
			if strings.Contains(plain(m), "menggantikan") {
				t.Errorf("an empty entry speaks of replacing:\n%s", plain(m))
			}
			typeText(t, m, c.typed)
			drive(t, m, keypress("enter"))
			drive(t, m, goInterviewMsg{path: c.q})
			at(t, m, c.q)
			if v := plain(m); !strings.Contains(v, "Ketikan baru menggantikan jawaban ini") {
				t.Errorf("the answer shown does not say typing replaces it:\n%s", v)
			}
			drive(t, m, keypress("backspace"))
			if v := plain(m); strings.Contains(v, "menggantikan") {
				t.Errorf("still says typing replaces after an edit began:\n%s", v)
			}
		})
	}
}

// A key a date entry does not take changes nothing of the date it shows: a letter does not
// empty a saved date (Enter then saved it blank), an arrow does not stop the next digits
// from typing a new date over it, and a digit past a complete date says why it is not taken.
func TestDateEntryKeysItDoesNotTake(t *testing.T) {
	for _, stray := range []string{"a", ":", "left", "right", "home", "end", "delete", "pgup"} {
		e, m := kindsAt(t, "born")
		typeText(t, m, "12/02/2004")
		if s, _ := leave(t, e, m, "born"); s != "2004-02-12" {
			t.Fatalf("12/02/2004 saved as %q", s)
		}
		drive(t, m, goInterviewMsg{path: "born"})
		at(t, m, "born")
		drive(t, m, keypress(stray))
		if got := m.iv().fld.(*maskInput).maskText(false); got != "2004-02-12" {
			t.Errorf("%s: the entry shows %q, want the saved date", stray, got)
		}
		if stray == "a" || stray == ":" {
			if s, st := leave(t, e, m, "born"); s != "2004-02-12" || st != "2004-02-12" {
				t.Errorf("%s then Enter saved %q (stored %q), want 2004-02-12 kept", stray, s, st)
			}
			continue
		}
		typeText(t, m, "5/3/2001")
		if s, st := leave(t, e, m, "born"); s != "2001-03-05" || st != "2001-03-05" {
			t.Errorf("%s then 5/3/2001 saved %q (stored %q)", stray, s, st)
		}
	}
	_, m := kindsAt(t, "born")
	typeText(t, m, "12/02/2004")
	drive(t, m, keypress("7"))
	if got := m.iv().fld.(*maskInput).maskText(false); got != "12-02-2004" {
		t.Errorf("a digit past a complete date: %q", got)
	}
	if v := plain(m); !strings.Contains(v, "Isian tanggal sudah lengkap") {
		t.Errorf("a digit past a complete date says nothing:\n%s", v)
	}
}

// A key a number entry refuses leaves the answer it shows as it was: a letter over a saved
// amount does not empty it, and the two Enters after it keep the amount.
func TestNumberEntryRefusedKeyKeepsTheAnswer(t *testing.T) {
	for _, q := range []string{"income", "dec"} {
		e, m := kindsAt(t, q)
		typeText(t, m, "6500")
		if s, _ := leave(t, e, m, q); s != "6500" {
			t.Fatalf("%s: 6500 saved as %q", q, s)
		}
		drive(t, m, goInterviewMsg{path: q})
		at(t, m, q)
		drive(t, m, keypress("x"))
		if v, _ := m.iv().fld.Value(); v != "6500" {
			t.Errorf("%s: a refused letter left %q in the entry", q, v)
		}
		drive(t, m, keypress("enter"))
		if s, st := leave(t, e, m, q); s != "6500" || st != "6500" {
			t.Errorf("%s: a refused letter then Enter twice saved %q (stored %q), want 6500", q, s, st)
		}
	}
}

// twoLangForm has a constraint message and a required message in two languages.
const twoLangForm = `
| settings |
| | form_id | form_title | version | default_language |
| | two | Two | 1 | English (en) |

| survey |
| | type | name | label::English (en) | label::Bahasa (id) | required | required_message::English (en) | required_message::Bahasa (id) | constraint | constraint_message::English (en) | constraint_message::Bahasa (id) |
| | integer | kg | Kilograms | Kilogram | yes | Say how many | Sebutkan berapa | . < 1000 | Under 1000 | Di bawah 1000 |
`

// The form's message about the answer on screen follows the form's language when Ctrl+L
// changes it, as the label does: a constraint broken by what is typed, and a required
// answer missing.
func TestFormProblemFollowsTheFormLanguage(t *testing.T) {
	e, _ := newFormEnv(t, twoLangForm)
	m := start(t, e)
	walkIn(t, m)
	at(t, m, "kg")
	lang := m.iv().sess.Lang()
	other := map[bool]string{true: "Di bawah 1000", false: "Under 1000"}
	typeText(t, m, "5000")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, other[strings.Contains(lang, "id")]) {
		t.Fatalf("no constraint message in %s:\n%s", lang, v)
	}
	drive(t, m, keypress("ctrl+l"))
	if v := plain(m); !strings.Contains(v, other[!strings.Contains(lang, "id")]) || strings.Contains(v, other[strings.Contains(lang, "id")]) {
		t.Errorf("after ctrl+l the constraint message is not in %s:\n%s", m.iv().sess.Lang(), v)
	}
	if got := m.iv().sess.Value("kg"); got != "" {
		t.Errorf("ctrl+l recorded %q", got)
	}
	drive(t, m, keypress("ctrl+u"))
	drive(t, m, keypress("enter"))
	lang = m.iv().sess.Lang()
	req := map[bool]string{true: "Sebutkan berapa", false: "Say how many"}
	if v := plain(m); !strings.Contains(v, req[strings.Contains(lang, "id")]) {
		t.Fatalf("no required message in %s:\n%s", lang, v)
	}
	drive(t, m, keypress("ctrl+l"))
	if v := plain(m); !strings.Contains(v, req[!strings.Contains(lang, "id")]) {
		t.Errorf("after ctrl+l the required message is not in %s:\n%s", m.iv().sess.Lang(), v)
	}
}

// A function key or a page key a question does not take says so, and changes nothing.
func TestUnusedKeysSaySo(t *testing.T) {
	for _, c := range []struct{ q, key string }{
		{"one", "pgdown"}, {"one", "home"}, {"one", "f5"}, {"born", "delete"}, {"born", "end"}, {"few", "insert"},
	} {
		e, m := kindsAt(t, c.q)
		drive(t, m, keypress(c.key))
		if m.iv().live != liveUnusedKey || !strings.Contains(plain(m), "Tombol itu tidak dipakai") {
			t.Errorf("%s on %s says nothing:\n%s", c.key, c.q, plain(m))
		}
		if s, st := leave(t, e, m, c.q); s != "" || st != "" {
			t.Errorf("%s on %s recorded %q (stored %q)", c.key, c.q, s, st)
		}
	}
}

// A question the form does not let the enumerator change (the funding source, read-only
// from the roster) offers none of its entry's keys on the help line or in the help.
func TestReadOnlyChoiceOffersNoPickKeys(t *testing.T) {
	_, m, _ := consented(t)
	goToQuestion(t, m, "funding")
	lines := strings.Split(strings.TrimRight(plain(m), "\n"), "\n")
	if footer := lines[len(lines)-1]; strings.Contains(footer, "1-9") {
		t.Errorf("the help line of a read-only choice offers picking: %q", footer)
	}
	drive(t, m, keypress("?"))
	if v := plain(m); strings.Contains(v, "1-9") {
		t.Errorf("the help of a read-only choice offers picking:\n%s", v)
	}
}

// While the reason to void a draft is typed, the help line names the prompt's keys, not the
// list's (Ctrl+D, the search) that it does not take then.
func TestVoidPromptHelpLine(t *testing.T) {
	_, m, _ := consented(t)
	drive(t, m, keypress("ctrl+s"))
	drive(t, m, keypress("2"))
	drive(t, m, keypress("ctrl+d"))
	if !m.list().void.editing() {
		t.Fatalf("no void prompt:\n%s", plain(m))
	}
	lines := strings.Split(strings.TrimRight(plain(m), "\n"), "\n")
	if f := lines[len(lines)-1]; !strings.Contains(f, "enter batalkan draf") || strings.Contains(f, "cari") {
		t.Errorf("the help line while the reason is typed: %q", f)
	}
}

// The roster's regency that a new province made inapplicable is not offered as the roster's
// value to confirm (the screen shows nothing picked), and on a required question Enter,
// having removed it, says to pick again, not that Enter goes on: it would not.
func TestInapplicableRosterChoiceOnRequiredQuestion(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t, true)
			e.cfg.Lang = lang
			m := start(t, e)
			openRespondent(t, m, "BTG25-0071")
			drive(t, m, keypress("enter")) // the introduction
			drive(t, m, keypress("1"))     // consent: yes
			drive(t, m, keypress("enter"))
			tx, _ := textsFor(lang)
			goToQuestion(t, m, "domicile_regency")
			if v := plain(m); !strings.Contains(v, tx.InterviewPrefill) {
				t.Fatalf("the roster's regency is not offered to confirm:\n%s", v)
			}
			goToQuestion(t, m, "domicile_prov")
			typeText(t, m, "jatim")
			drive(t, m, keypress("enter"))
			at(t, m, "grp_identity/domicile_regency")
			if v := plain(m); strings.Contains(v, tx.InterviewPrefill) {
				t.Errorf("a regency no longer offered is still asked to be confirmed:\n%s", v)
			}
			drive(t, m, keypress("enter"))
			at(t, m, "grp_identity/domicile_regency")
			v := plain(m)
			if !strings.Contains(v, strings.SplitN(tx.LiveInapplicableReq, "“", 2)[0]) || strings.Contains(v, strings.SplitN(tx.LiveInapplicable, ": ", 2)[1]) {
				t.Errorf("Enter on a required question says Enter goes on:\n%s", v)
			}
			drive(t, m, keypress("enter"))
			at(t, m, "grp_identity/domicile_regency")
		})
	}
}

// requiredSearchForm asks a searched single and multiple choice that must be answered.
const requiredSearchForm = `
| settings |
| | form_id | form_title | version |
| | reqsearch | Required searches | 1 |

| survey |
| | type | name | label | required |
| | select_one prov | prov | Province | yes |
| | select_multiple prov | provs | Provinces | yes |
| | note | end | Done | |

| choices |
| | list_name | name | label |
| | prov | 31 | Daerah Khusus Jakarta |
| | prov | 32 | Jawa Barat |
| | prov | 33 | Jawa Tengah |
| | prov | 34 | Daerah Istimewa Yogyakarta |
| | prov | 35 | Jawa Timur |
| | prov | 36 | Banten |
| | prov | 51 | Bali |
| | prov | 61 | Kalimantan Barat |
| | prov | 63 | Kalimantan Selatan |
| | prov | 64 | Kalimantan Timur |
| | prov | 73 | Sulawesi Selatan |
`

// Enter over a search it does not take says why and stays; on a required question with
// nothing picked it does not add "then Enter goes on", which would only say it is required.
// Once something is picked, it does.
func TestSearchOnRequiredQuestionSaysNotEnterGoesOn(t *testing.T) {
	for _, tc := range []struct {
		path, search     string
		want, wantPicked liveID
	}{
		{"prov", "zzz", liveSearchNoMatchRequired, liveSearchNoMatch},
		{"provs", "zzz", liveSearchNoMatchRequired, liveSearchNoMatch},
		{"provs", "jawa", liveSearchManyRequired, liveSearchMany},
	} {
		t.Run(tc.path+"/"+tc.search, func(t *testing.T) {
			e, _ := newFormEnv(t, requiredSearchForm)
			m := start(t, e)
			walkIn(t, m)
			drive(t, m, goInterviewMsg{path: tc.path})
			at(t, m, tc.path)
			typeText(t, m, tc.search)
			drive(t, m, keypress("enter"))
			at(t, m, tc.path)
			if m.iv().live != tc.want || strings.Contains(plain(m), "Enter untuk lanjut") {
				t.Errorf("nothing picked: live %d, want %d:\n%s", m.iv().live, tc.want, plain(m))
			}
			// pick Bali, then search again: Enter would go on with Bali, and says so
			drive(t, m, keypress("esc"))
			typeText(t, m, "bali")
			drive(t, m, keypress("enter")) // a single choice takes it; a multiple one says Space picks
			if tc.path == "provs" {
				drive(t, m, keypress("space"))
			} else {
				drive(t, m, keypress("shift+tab"))
			}
			at(t, m, tc.path)
			if v, _ := m.iv().fld.Value(); v != "51" {
				t.Fatalf("Bali not picked: %q\n%s", v, plain(m))
			}
			for range len("bali") {
				drive(t, m, keypress("backspace"))
			}
			typeText(t, m, tc.search)
			drive(t, m, keypress("enter"))
			at(t, m, tc.path)
			if m.iv().live != tc.wantPicked {
				t.Errorf("Bali picked: live %d, want %d:\n%s", m.iv().live, tc.wantPicked, plain(m))
			}
		})
	}
}
