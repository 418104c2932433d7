package tui

import (
	"strings"
	"testing"
)

// dateEntriesForm has one entry of each date and time layout, each optional.
const dateEntriesForm = `
| settings |
| | form_id | form_title | version |
| | dates | Dates | 1 |

| survey |
| | type | name | label | appearance |
| | date | born | Born | |
| | time | at | At what time | |
| | dateTime | when | When exactly | |
| | date | since | Since which year | year |
| | date | month | Since which month | month-year |
| | text | last | Anything else? | |
`

// The messages of a date or time entry say which entry they are about and, for one not
// complete, which part is missing ("the date entry is not complete: type its year"), in
// both UI languages, rather than "the date/time" whatever the question asks.
func TestDateEntryMessagesNameTheEntry(t *testing.T) {
	for _, c := range []struct {
		q, full, part string
		wantFull      map[string]string
		wantPart      map[string]string
	}{
		{"born", "12022004", "1202",
			map[string]string{"id": "Isian tanggal sudah lengkap", "en": "The date entry is complete"},
			map[string]string{"id": "Isian tanggal belum lengkap: ketik tahunnya", "en": "The date entry is not complete: type its year"}},
		{"at", "0930", "093",
			map[string]string{"id": "Isian jam sudah lengkap", "en": "The time entry is complete"},
			map[string]string{"id": "Isian jam belum lengkap: ketik menitnya", "en": "The time entry is not complete: type its minutes"}},
		{"when", "120220040930", "1202200409",
			map[string]string{"id": "Isian tanggal dan jam sudah lengkap", "en": "The date and time entry is complete"},
			map[string]string{"id": "Isian tanggal dan jam belum lengkap: ketik menitnya", "en": "The date and time entry is not complete: type its minutes"}},
		{"since", "2004", "20",
			map[string]string{"id": "Isian tahun sudah lengkap", "en": "The year entry is complete"},
			map[string]string{"id": "Isian tahun belum lengkap: ketik tahunnya", "en": "The year entry is not complete: type its year"}},
		{"month", "022004", "02",
			map[string]string{"id": "Isian bulan dan tahun sudah lengkap", "en": "The month and year entry is complete"},
			map[string]string{"id": "Isian bulan dan tahun belum lengkap: ketik tahunnya", "en": "The month and year entry is not complete: type its year"}},
	} {
		for _, lang := range []string{"id", "en"} {
			e, _ := newFormEnv(t, dateEntriesForm)
			e.cfg.Lang = lang
			m := start(t, e)
			walkIn(t, m)
			drive(t, m, goInterviewMsg{path: c.q})
			at(t, m, c.q)
			typeText(t, m, c.full)
			drive(t, m, keypress("5"))
			if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, c.wantFull[lang]) {
				t.Errorf("%s, %s: a digit past the complete entry does not say %q:\n%s", c.q, lang, c.wantFull[lang], plain(m))
			}
			drive(t, m, keypress("ctrl+u"))
			typeText(t, m, c.part)
			drive(t, m, keypress("enter"))
			at(t, m, c.q)
			if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, c.wantPart[lang]) {
				t.Errorf("%s, %s: Enter on a part typed does not say %q:\n%s", c.q, lang, c.wantPart[lang], plain(m))
			}
		}
	}
}
